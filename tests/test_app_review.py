"""The 审阅 page: a saved draft or an uploaded file, reviewed against the template and last year's report."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from nianbao.drafts import DraftStore, new_user_key
from nianbao.model import Report
from nianbao.readers import read_report
from nianbao.schema import TableId

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def review_page(user: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if user:
        at.query_params["u"] = user
    at.run()
    return at.sidebar.radio(key="page").set_value("审阅").run()


def saved_draft_reviewed(data_dir: Path, report: Report) -> AppTest:
    """The page after reviewing ``report``, saved as a user's draft, without comparing it to last year's."""
    user = new_user_key()
    DraftStore.in_data_dir(data_dir).create(user, report, name="有错的草稿")
    at = review_page(user)
    at.radio(key="review-prev").set_value("不比较上年度").run()
    at.button(key="review-run").click().run()
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if "意外错误" in e.value]


def test_a_saved_draft_with_a_wrong_total_is_reviewed_with_that_finding(data_dir, seed_path):
    report = read_report(seed_path)
    report.set_value(TableId.REQUESTS, "一", "总计", 999)
    at = saved_draft_reviewed(data_dir, report)

    assert_clean(at)
    assert any("999" in e.value and "总计" in e.value for e in at.error)
    assert at.metric[0].label == "错误" and int(at.metric[0].value) >= 1


def test_an_uploaded_file_is_compared_with_an_uploaded_last_year(data_dir, seed_path):
    at = review_page()
    at.radio(key="review-source").set_value("上传文件").run()
    text = seed_path.read_text(encoding="utf-8")
    next_year = text.replace("2021", "2022")
    at.file_uploader(key="review-file").set_value(("draft.txt", next_year.encode("utf-8"), "text/plain")).run()
    at.radio(key="review-prev").set_value("上传上年度报告").run()
    at.file_uploader(key="review-prev-file").set_value(("last.txt", seed_path.read_bytes(), "text/plain")).run()
    at.button(key="review-run").click().run()

    assert_clean(at)
    assert at.metric[2].value == "2021年"
    assert any("照搬上年" in w.value for w in at.warning)


def test_without_drafts_the_page_says_what_to_do(data_dir):
    at = review_page()
    assert_clean(at)
    assert any("还没有保存的草稿" in i.value for i in at.info)


def test_a_result_is_not_shown_for_another_file_than_the_one_reviewed(data_dir, seed_path):
    at = review_page()
    at.radio(key="review-source").set_value("上传文件").run()
    at.file_uploader(key="review-file").set_value(("a.txt", seed_path.read_bytes(), "text/plain")).run()
    at.radio(key="review-prev").set_value("不比较上年度").run()
    at.button(key="review-run").click().run()
    assert at.metric

    changed = seed_path.read_text(encoding="utf-8").replace("鹿邑县", "柘城县")
    at.file_uploader(key="review-file").set_value(("b.txt", changed.encode("utf-8"), "text/plain")).run()

    assert_clean(at)
    assert not at.metric


def test_each_finding_shows_its_place_the_cell_or_the_sentence(data_dir, seed_path):
    report = read_report(seed_path)
    report.set_value(TableId.REQUESTS, "一", "总计", 999)
    report.part("一").text += "\n全年共新收政府信息公开申请888件。"
    at = saved_draft_reviewed(data_dir, report)

    assert_clean(at)
    labels = [e.label for e in at.expander]
    assert any("依申请公开" in label and "总计" in label for label in labels)
    assert any("第一部分" in label for label in labels)
    captions = [c.value for c in at.caption]
    assert any("已标红" in c and "本年新收政府信息公开申请数量 / 总计 = 999" in c for c in captions)
    marked = [m.value for m in at.markdown if ":orange-background[" in m.value]
    assert any("888件" in m.split(":orange-background[", 1)[1] for m in marked)


def test_sentences_still_marked_unverified_are_listed_with_their_place(data_dir, seed_path):
    report = read_report(seed_path)
    part = report.part("一")
    assert part is not None
    part.text += "\n截止目前，保留各类政务新媒体41个【待核实】。其余工作正常开展。"
    at = saved_draft_reviewed(data_dir, report)

    assert_clean(at)
    assert any("有 1 句标注了【待核实】" in w.value for w in at.warning)
    labels = [e.label for e in at.expander]
    assert any(label.startswith("第一部分：截止目前，保留各类政务新媒体41个【待核实】") for label in labels)


def test_a_report_without_unverified_sentences_has_no_such_note(data_dir, seed_path):
    at = saved_draft_reviewed(data_dir, read_report(seed_path))

    assert_clean(at)
    assert not [w.value for w in at.warning if "【待核实】" in w.value]


def test_the_downloaded_review_names_the_draft_and_lists_its_unverified_sentences(data_dir, seed_path, monkeypatch):
    from nianbao.usecases.reviewing import Reviewing

    pages: list[str] = []
    render = Reviewing.page_html
    monkeypatch.setattr(Reviewing, "page_html", lambda *a: pages.append(render(*a)) or pages[-1])
    report = read_report(seed_path)
    part = report.part("一")
    assert part is not None
    part.text += "\n截止目前，保留各类政务新媒体41个【待核实】。其余工作正常开展。"
    at = saved_draft_reviewed(data_dir, report)

    assert_clean(at)
    page = pages[-1]  # what 下载审阅报告（HTML） gives
    assert "本年报告：有错的草稿" in page and "（未命名）" not in page
    assert "尚待核实的句子 1 句" in page
    assert ">截止目前，保留各类政务新媒体41个【待核实】。</a>" in page
