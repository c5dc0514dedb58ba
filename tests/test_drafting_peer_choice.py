"""Whose structure a body with no past report of its own borrows, from a knowledge base on disk holding peers of
several levels and provinces: the same tier and province first, then the same tier, never a higher tier while
one of its own exists. Its province comes from what the clerk said, its name, or the reports of its place;
unknown, it is said so. The draft names the model report and why it was chosen, and takes none of its text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.drafting.example import example_next_year
from nianbao.drafting.interview import facts_from_notes
from nianbao.drafting.kbsource import KnowledgeBaseSource
from nianbao.drafting.model import Draft
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.sources import ReportList, body_province, grounding
from nianbao.drafting.worknotes import Kind, WorkFact
from nianbao.kb.service import KnowledgeBase
from nianbao.model import Report
from nianbao.readers import read_report
from nianbao.settings import Settings
from nianbao.usecases.container import compose
from tests.conftest import FIXTURES, kb_settings

PEERS = FIXTURES / "borrowing" / "peers"
CLOSING = (PEERS / "tables_and_closing.txt").read_text(encoding="utf-8")
DEPARTMENTS = ["siyang_edu_2021", "luyi_edu_2022", "suqian_edu_2022", "jiangsu_edu_2022"]
GOVERNMENTS = ["shuyang_gov_2021", "siyang_gov_2021"]


def peer_files(folder: Path, names: list[str]) -> list[Path]:
    """The peers as whole reports: their title and 一, then the same 二–六."""
    paths = []
    for name in names:
        path = folder / f"{name}.txt"
        path.write_text((PEERS / f"{name}.txt").read_text(encoding="utf-8") + "\n" + CLOSING, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBaseSource:
    folder = tmp_path_factory.mktemp("peers")
    kb = KnowledgeBase(kb_settings(folder / "data"))
    added = kb.add([*peer_files(folder, DEPARTMENTS + GOVERNMENTS), FIXTURES / "kb" / "luyi_2022_fixture.txt"])
    assert {r.status for r in added} == {"added"}
    return KnowledgeBaseSource(kb)


@pytest.fixture(scope="module")
def cells(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return example_next_year(read_report(peer_files(tmp_path_factory.mktemp("cells"), ["siyang_gov_2021"])[0]))


def place(text: str) -> list[WorkFact]:
    return [WorkFact(about=Kind.PLACE.value, text=text)]


def model_note(draft: Draft) -> str:
    return next(note for note in draft.notes if note.startswith("结构参照"))


def headings(draft: Draft) -> list[str]:
    return [line for line in draft.report.part_text("一").split("\n") if line.startswith("（")]


def test_a_county_department_borrows_from_a_county_department_of_its_own_province(
    store: KnowledgeBaseSource, cells: Report
) -> None:
    draft = draft_offline("沭阳县教育局", 2023, cells, store)
    assert model_note(draft).startswith("结构参照：泗阳县教育局2021年报告（同省、同为县级部门）")
    assert "本机关所在省份：江苏省（据知识库中沭阳县人民政府2021年报告）" in model_note(draft)


def test_the_borrowed_structure_is_the_models_order_under_the_formats_headings(
    store: KnowledgeBaseSource, cells: Report
) -> None:
    draft = draft_offline("沭阳县教育局", 2023, cells, store)
    assert headings(draft) == [
        "（一）监督保障情况",
        "（二）主动公开情况",
        "（三）依申请公开情况",
        "（四）政府信息公开平台建设情况",
    ]


@pytest.mark.parametrize("its_own", ["泗阳", "宿迁", "江苏", "312", "9篇", "招生入学", "微信公众号", "领导小组"])
def test_not_a_word_of_the_model_reports_text_is_taken(store: KnowledgeBaseSource, cells: Report, its_own: str) -> None:
    draft = draft_offline("沭阳县教育局", 2023, cells, store)
    assert its_own not in "\n".join(draft.report.part_text(n) for n in ("一", "五", "六"))


def test_a_newer_report_of_another_province_or_a_city_does_not_outrank_the_same_tier_and_province(
    store: KnowledgeBaseSource,
) -> None:
    chosen = grounding(store, "沭阳县教育局", 2023)
    assert (chosen.report.agency, chosen.report.year) == ("泗阳县教育局", 2021)  # type: ignore[union-attr]


def test_the_same_tier_in_another_province_comes_before_a_city_of_the_same_province(tmp_path: Path) -> None:
    reports = [read_report(p) for p in peer_files(tmp_path, ["luyi_edu_2022", "suqian_edu_2022", "shuyang_gov_2021"])]
    chosen = grounding(ReportList(reports), "沭阳县教育局", 2023)
    assert chosen.report.agency == "鹿邑县教育体育局"  # type: ignore[union-attr]
    assert chosen.why == "同为县级部门；没有江苏省的同级报告，该报告属河南省"


def test_a_higher_tier_is_the_last_resort_and_then_the_nearest_one(tmp_path: Path) -> None:
    reports = [read_report(p) for p in peer_files(tmp_path, ["jiangsu_edu_2022", "suqian_edu_2022"])]
    chosen = grounding(ReportList(reports), "沭阳县教育局", 2023)
    assert chosen.report.agency == "宿迁市教育局"  # type: ignore[union-attr]
    assert chosen.why == "没有县级部门的报告可参照，该报告为市级部门"


def test_a_city_departments_words_never_reach_a_county_departments_draft(tmp_path: Path, cells: Report) -> None:
    reports = [read_report(p) for p in peer_files(tmp_path, ["suqian_edu_2022"])]
    draft = draft_offline("沭阳县教育局", 2023, cells, ReportList(reports))
    text = "\n".join(draft.report.part_text(n) for n in ("一", "五", "六"))
    assert "宿迁" not in text and "586" not in text and "双减" not in text and "我市" not in text


def test_a_county_whose_province_nobody_knows_gets_the_newest_of_its_tier_and_is_told_so(
    store: KnowledgeBaseSource, cells: Report
) -> None:
    draft = draft_offline("泗洪县人民政府", 2023, cells, store)
    assert model_note(draft).startswith(
        "结构参照：鹿邑县人民政府2022年报告（同为县级；本机关所在省份未能确定，未按省份挑选）"
    )
    assert "本机关所在省份未能确定，可在对话中说明" in model_note(draft)


@pytest.mark.parametrize("said", ["江苏省宿迁市泗洪县", "宿迁市泗洪县", "江苏"])
def test_the_province_the_clerk_states_decides(store: KnowledgeBaseSource, cells: Report, said: str) -> None:
    draft = draft_offline("泗洪县人民政府", 2023, cells, store, work=place(said))
    assert model_note(draft).split("年报告")[1].startswith("（同省、同为县级）")  # 沭阳 or 泗阳 2021, not 鹿邑 2022
    assert "本机关所在省份：江苏省（据您在对话中说明的所在地）" in model_note(draft)


def test_a_name_carrying_its_city_carries_its_province(store: KnowledgeBaseSource) -> None:
    chosen = grounding(store, "宿迁市泗洪县人民政府", 2023)
    assert (chosen.why, chosen.province, chosen.province_from) == ("同省、同为县级", "江苏", "据机关名称")


def test_a_place_the_clerk_names_without_a_province_is_not_guessed(store: KnowledgeBaseSource) -> None:
    assert body_province(store, "泗洪县人民政府", 2023, "泗洪县") == (None, "")


def test_a_body_with_its_own_report_is_never_given_a_peers(store: KnowledgeBaseSource) -> None:
    chosen = grounding(store, "沭阳县人民政府", 2023, "河南省")
    assert (chosen.own, chosen.report.agency, chosen.note()) == (True, "沭阳县人民政府", "")  # type: ignore[union-attr]


def test_the_installations_place_setting_serves_when_the_clerk_names_none(
    store: KnowledgeBaseSource, cells: Report, tmp_path: Path
) -> None:
    settings = Settings(NIANBAO_DATA_DIR=tmp_path, NIANBAO_LLM="offline", CHROMA_HOST="", NIANBAO_PLACE="江苏省")  # type: ignore[call-arg]
    draft = compose(settings, store).drafting.draft_report("泗洪县人民政府", 2023, cells, {})
    assert model_note(draft).split("年报告")[1].startswith("（同省、同为县级）")
    assert "本机关所在省份：江苏省（据“设置 NIANBAO_PLACE”中写明的所在地）" in model_note(draft)
    said = compose(settings, store).drafting.draft_report("泗洪县人民政府", 2023, cells, {}, place("河南省"))
    assert model_note(said).startswith("结构参照：鹿邑县人民政府2022年报告（同省、同为县级）")


def test_a_notes_file_can_say_where_the_body_is(store: KnowledgeBaseSource, cells: Report) -> None:
    work = facts_from_notes("所在地：江苏省宿迁市泗洪县\n主动公开：召开新闻发布会2次", "work.txt")
    draft = draft_offline("泗洪县人民政府", 2023, cells, store, work=work)
    assert "本机关所在省份：江苏省（据“work.txt”中写明的所在地）" in model_note(draft)
    assert "所在地" not in draft.report.part_text("一") and "召开新闻发布会2次" in draft.report.part_text("一")


def test_weighing_the_peers_again_loads_only_the_report_taken(store: KnowledgeBaseSource) -> None:
    grounding(store, "沭阳县教育局", 2023)  # every peer's province read once
    loaded: list[str] = []
    original = store._report
    store._report = lambda report_id: loaded.append(report_id) or original(report_id)  # type: ignore[method-assign]
    try:
        chosen = grounding(store, "沭阳县教育局", 2023)
    finally:
        store._report = original  # type: ignore[method-assign]
    assert chosen.report is not None and chosen.report.agency == "泗阳县教育局"
    assert len(loaded) == 2  # the model report, and the one report of 沭阳县 that tells its province


def test_a_peer_whose_province_is_unknown_is_not_said_to_be_of_another(tmp_path: Path) -> None:
    unplaced = read_report(peer_files(tmp_path, ["siyang_gov_2021"])[0]).model_copy(update={"agency": "某县人民政府"})
    for part in unplaced.parts:
        part.text = part.text.replace("宿迁市", "").replace("江苏省", "")
    chosen = grounding(ReportList([unplaced]), "泗洪县人民政府", 2023, "江苏省")
    assert chosen.why == "同为县级；没有确知属江苏省的同级报告，该报告所属省份未能确定"


def test_a_district_named_without_its_city_does_not_take_the_province_of_a_namesake(tmp_path: Path) -> None:
    namesake = read_report(peer_files(tmp_path, ["siyang_gov_2021"])[0]).model_copy(update={"agency": "宿城区人民政府"})
    assert body_province(ReportList([namesake]), "宿城区教育局", 2023) == (None, "")
    assert body_province(ReportList([namesake]), "宿迁市宿城区教育局", 2023)[0] == "江苏"  # its name says so
