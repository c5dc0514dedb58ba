"""The clerk says in the 起草 chat where her body is: it is kept with the draft and decides whose structure a body
without past reports borrows."""

from __future__ import annotations

from pathlib import Path

from app_pages.draft_page import NEW_BODY
from nianbao.kb.service import KnowledgeBase
from nianbao.settings import get_settings
from tests.conftest import CORPUS, FIXTURES
from tests.test_app_draft import FIGURES, assert_clean, new_draft, send, start
from tests.test_app_interview import last_reply, stored

PEERS = FIXTURES / "borrowing" / "peers"


def test_where_the_body_is_is_kept_and_decides_whose_structure_is_borrowed(data_dir: Path, tmp_path: Path) -> None:
    jiangsu = tmp_path / "siyang_2022.txt"  # newer than 鹿邑's, of another province
    text = (PEERS / "siyang_gov_2021.txt").read_text(encoding="utf-8").replace("2021年", "2022年")
    jiangsu.write_text(text + "\n" + (PEERS / "tables_and_closing.txt").read_text(encoding="utf-8"), encoding="utf-8")
    KnowledgeBase(get_settings()).add([CORPUS / "luyi_2021.txt", jiangsu])
    at = start()
    at.selectbox(key="new-body").set_value(NEW_BODY).run()  # a body the knowledge base does not know
    at = new_draft(at, agency="郸城县人民政府", year=2023)
    send(at, FIGURES)
    send(at, "我们是河南省周口市郸城县的")
    assert last_reply(at).startswith("已记下所在地：河南省周口市郸城县。")
    facts = stored(at).extra["interview"]["facts"]
    assert [(f["about"], f["text"]) for f in facts] == [("所在地", "河南省周口市郸城县")]
    send(at, "请起草总体情况")
    assert "结构参照：鹿邑县人民政府2021年报告（同省、同为县级）" in last_reply(at)
    assert "本机关所在省份：河南省（据您在对话中说明的所在地）" in last_reply(at)
    assert "所在地" not in stored(at).report.part_text("一")
    assert_clean(at)
