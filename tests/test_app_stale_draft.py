"""Two tabs on one draft: a part regenerated in one while the other saved is not written over the other's save;
the page says so in Chinese and does not crash (nianbao.drafts.StaleDraftError)."""

from __future__ import annotations

from typing import Any

from nianbao.drafts import DraftStore
from nianbao.usecases.drafting import Drafting
from tests.test_app_draft import FIGURES, new_draft, send, start, stored

OTHER_TABS_NAME = "另一个标签页改的名字"


def test_a_save_after_another_tab_saved_is_refused_on_the_page_and_the_other_save_kept(data_dir, monkeypatch):
    at = new_draft(start())
    send(at, FIGURES)
    at.button(key="draft-all").click().run()
    draft = stored(data_dir, at)
    regenerate = Drafting.draft_parts

    def while_another_tab_saves(*args: Any, **kwargs: Any) -> Any:
        store = DraftStore.in_data_dir(data_dir)
        other = store.get(draft.user_key, draft.id)
        store.save(other.model_copy(update={"name": OTHER_TABS_NAME}))
        return regenerate(*args, **kwargs)

    monkeypatch.setattr(Drafting, "draft_parts", while_another_tab_saves)
    at.button(key=f"regen-{draft.id}-一").click().run()

    assert not at.exception
    assert any("另一个窗口或标签页" in e.value and "没有保存" in e.value for e in at.error)
    kept = stored(data_dir, at)
    assert kept.name == OTHER_TABS_NAME
    assert kept.report.part_text("一") == draft.report.part_text("一")
