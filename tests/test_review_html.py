"""The review page: well-formed, self-contained, linked, and never renders report content as markup."""

from __future__ import annotations

import pytest
from lxml import etree

from nianbao.readers import read_report, read_report_bytes
from nianbao.review import Review, review
from nianbao.review_html import render_review
from tests.conftest import FIXTURES, SEED

DRAFT = FIXTURES / "review" / "luyi_2022_draft.txt"
XHTML = "{http://www.w3.org/1999/xhtml}"
PLANTED = "<script>alert('年报')</script>"


def parse(page: str) -> etree._Element:
    """Strict XML parsing: any unclosed tag or stray markup fails."""
    return etree.fromstring(page.encode("utf-8"))


@pytest.fixture(scope="module")
def result() -> Review:
    return review(read_report(DRAFT), read_report(SEED))


@pytest.fixture(scope="module")
def page(result: Review) -> etree._Element:
    return parse(render_review(result))


def ids(root: etree._Element) -> set[str]:
    return {e.get("id") for e in root.iter() if e.get("id")}


def test_the_page_is_well_formed_and_in_chinese(page: etree._Element) -> None:
    assert page.tag == f"{XHTML}html"
    assert page.get("lang") == "zh-CN"
    assert "审阅" in "".join(page.find(f"{XHTML}head/{XHTML}title").itertext())


def test_every_item_has_its_anchor_and_a_link_to_its_place(result: Review, page: etree._Element) -> None:
    anchors = ids(page)
    assert {i.id for i in result.items} <= anchors
    assert {i.place for i in result.items} <= anchors


def test_every_link_on_the_page_points_at_an_anchor_on_the_page(page: etree._Element) -> None:
    links = [a.get("href") for a in page.iter(f"{XHTML}a")]
    assert links
    assert all(href.startswith("#") and href[1:] in ids(page) for href in links)


def test_the_page_needs_nothing_outside_itself(result: Review) -> None:
    text = render_review(result)
    root = parse(text)
    assert not list(root.iter(f"{XHTML}script"))
    assert not list(root.iter(f"{XHTML}link"))
    assert all(e.get("src") is None for e in root.iter())
    assert "http://" not in text.replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    assert "https://" not in text


def test_changed_cells_are_highlighted(page: etree._Element) -> None:
    changed = [tr for tr in page.iter(f"{XHTML}tr") if tr.get("class") == "changed"]
    texts = ["".join(tr.itertext()) for tr in changed]
    assert any("480" in t and "223" in t and "+257" in t and "+115.2%" in t for t in texts)
    unchanged = [tr for tr in page.iter(f"{XHTML}tr") if "规章" in "".join(tr.itertext())]
    assert unchanged and all(tr.get("class") != "changed" for tr in unchanged)


def test_copied_passages_are_marked_in_the_narrative(result: Review, page: etree._Element) -> None:
    marked = ["".join(m.itertext()) for m in page.iter(f"{XHTML}mark")]
    copied = [p for part in result.parts for p in part.paragraphs if p.spans]
    assert len(marked) >= len(copied) > 0
    assert any(m.startswith("一是县政府成立了由常务副县长任组长") for m in marked)
    assert not any("加强业务培训" in m for m in marked)


def test_the_narrative_diff_shows_what_changed_from_last_year(page: etree._Element) -> None:
    inserted = "".join("".join(e.itertext()) for e in page.iter(f"{XHTML}ins"))
    removed = "".join("".join(e.itertext()) for e in page.iter(f"{XHTML}del"))
    assert "38" in inserted and "41" in removed


def test_a_script_planted_in_the_narrative_is_shown_as_text(tmp_path: object) -> None:
    text = DRAFT.read_text(encoding="utf-8").replace("三是加强业务培训。", f"三是加强业务培训{PLANTED}。{PLANTED}", 1)
    draft = read_report_bytes(text.encode("utf-8"), f"draft{PLANTED}.txt")
    page_text = render_review(review(draft, read_report(SEED)))
    root = parse(page_text)
    assert not list(root.iter(f"{XHTML}script"))
    assert "<script>" not in page_text
    assert "&lt;script&gt;" in page_text
    assert PLANTED in "".join(root.itertext())


def test_a_review_without_last_year_renders_too() -> None:
    draft = read_report(SEED)
    result = review(draft)
    root = parse(render_review(result))
    assert {i.place for i in result.items} <= ids(root)
    assert not list(root.iter(f"{XHTML}mark"))


def test_a_review_of_two_versions_links_every_item_and_shows_no_copy_marks() -> None:
    original = read_report(SEED)
    text = SEED.read_text(encoding="utf-8").replace("行政许可\t20815", "行政许可\t20816")
    text = text.replace("五、存在的主要问题及改进情况", "五、存在问题和下一步工作")
    result = review(read_report_bytes(text.encode("utf-8"), "v2.txt"), original)
    assert result.mode == "version"
    root = parse(render_review(result))
    assert {i.place for i in result.items} <= ids(root)
    assert {i.id for i in result.items} <= ids(root)
    assert not list(root.iter(f"{XHTML}mark"))


def test_a_finding_about_one_cell_links_to_that_cells_own_row(result: Review, page: etree._Element) -> None:
    """现行有效件数 of 行政规范性文件: the link lands on its own row of the side-by-side table, not on the
    row's first cell (本年制发件数)."""
    rows = {tr.get("id"): "".join(tr.itertext()) for tr in page.iter(f"{XHTML}tr") if tr.get("id")}
    cell_items = [i for i in result.items if i.location.table is not None and i.location.column]
    assert cell_items
    for item in cell_items:
        (link,) = [a.get("href")[1:] for a in page.iter(f"{XHTML}a") if a.getparent().get("id") == item.id]
        if link in rows:
            assert item.location.column in rows[link], (item.message, rows[link])


def test_the_page_names_the_draft_and_lists_the_sentences_still_to_verify() -> None:
    from nianbao.review_html import unverified_sentences

    draft = read_report(SEED)
    part = draft.part("一")
    assert part is not None
    part.text += "\n截止目前，保留各类政务新媒体41个【待核实】。其余工作正常开展。"
    draft.source = ""
    result = review(draft)
    marked = unverified_sentences({"一": draft.part_text("一")})
    root = parse(render_review(result, "鹿邑县 2021 草稿", marked))

    text = "".join(root.itertext())
    assert "本年报告：鹿邑县 2021 草稿" in text and "（未命名）" not in text
    (entry,) = [li for li in root.iter(f"{XHTML}li") if li.get("class") == "unverified"]
    assert "".join(entry.itertext()) == "第一部分：截止目前，保留各类政务新媒体41个【待核实】。"
    target = entry.find(f"{XHTML}a").get("href")[1:]
    (paragraph,) = [e for e in root.iter() if e.get("id") == target]
    assert "保留各类政务新媒体41个" in "".join(paragraph.itertext())
