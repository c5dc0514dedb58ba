"""The claims engine's one splitter: sentences and clauses as reports write them."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from nianbao.claims.text import (
    HEADING_STOP,
    clause_at,
    clause_spans,
    complete_sentences,
    full_sentences,
    said_clause_spans,
    said_clauses,
    sentences,
    split_clauses,
    split_phrases,
    split_sentences,
)


def test_a_paragraph_splits_at_full_stops_semicolons_and_marks() -> None:
    paragraph = "全年共受理政府信息公开申请95件；办结93件。是否办结？已全部办结！"
    assert split_sentences(paragraph) == [
        "全年共受理政府信息公开申请95件；",
        "办结93件。",
        "是否办结？",
        "已全部办结！",
    ]


def test_a_closing_quote_after_the_full_stop_stays_with_its_sentence() -> None:
    paragraph = "印发《关于做好政务公开工作的通知》，要求“应公开尽公开。”下一步，我们将继续努力。"
    assert split_sentences(paragraph)[0].endswith("。”")


@given(st.text(alphabet="受理申请件，。；！？”\n 12三", max_size=60))
def test_splitting_loses_nothing(paragraph: str) -> None:
    assert "".join(split_sentences(paragraph)) == paragraph


def test_sentences_of_a_text_are_trimmed_and_line_by_line() -> None:
    assert sentences("一、总体情况\n  本年度受理申请10件。办结10件。\n") == [
        "一、总体情况",
        "本年度受理申请10件。",
        "办结10件。",
    ]


def test_clauses_end_at_commas_and_colons() -> None:
    sentence = "被申请行政复议2件，均获维持；被提起行政诉讼1件。"
    clauses = [sentence[a:b] for a, b in clause_spans(sentence)]
    assert clauses == ["被申请行政复议2件，", "均获维持；", "被提起行政诉讼1件。"]


def test_the_clause_of_a_position_is_the_one_holding_it() -> None:
    sentence = "被申请行政复议2件，均获维持。"
    start, end = clause_at(sentence, sentence.index("均获维持"))
    assert sentence[start:end] == "均获维持。"


def test_a_streamed_buffer_gives_its_finished_sentences_and_keeps_the_rest() -> None:
    done, rest = complete_sentences("受理申请95件。办结93件，占")
    assert done == ["受理申请95件。"] and rest == "办结93件，占"


def test_a_streamed_sentence_waits_for_its_closing_quote() -> None:
    done, rest = complete_sentences("要求“应公开尽公开。")
    assert done == [] and rest == "要求“应公开尽公开。"
    done, _ = complete_sentences("要求“应公开尽公开。”下")
    assert done == ["要求“应公开尽公开。”"]


def test_a_drafters_mark_is_one_piece_whatever_it_holds() -> None:
    sentence = "公开各类信息16058余件次【沿用上年，请核实】。"
    assert [sentence[a:b] for a, b in clause_spans(sentence)] == [sentence]
    assert split_sentences("受理申请10件【待核实；请补充】。办结10件。") == [
        "受理申请10件【待核实；请补充】。",
        "办结10件。",
    ]


def test_a_web_address_is_not_cut_at_its_question_mark_or_colon() -> None:
    paragraph = "详见http://www.luyi.gov.cn/index?id=3&p=1。办结10件。"
    assert split_sentences(paragraph) == ["详见http://www.luyi.gov.cn/index?id=3&p=1。", "办结10件。"]
    assert len(clause_spans(paragraph.split("。")[0])) == 1


def test_ascii_punctuation_ends_a_sentence_between_chinese_words() -> None:
    assert split_sentences("受理申请10件;办结10件!") == ["受理申请10件;", "办结10件!"]


def test_a_full_sentence_ends_only_at_a_full_stop_so_its_semicolon_halves_are_one() -> None:
    text = "标题：甲；乙。一是丙！二是“丁。”"
    assert full_sentences(text) == ["标题：甲；乙。", "一是丙！", "二是“丁。”"]


def test_a_phrase_keeps_a_list_and_a_bracket_whole_where_a_clause_does_not() -> None:
    sentence = "人力、财力缺乏（主要是经费），部分单位重视不够；公开内容：不全面。"
    assert split_phrases(sentence) == ["人力、财力缺乏（主要是经费），", "部分单位重视不够；", "公开内容：", "不全面。"]
    assert split_clauses(sentence)[:2] == ["人力、", "财力缺乏（"]


@given(st.text(alphabet="人力、财力（）【待核实，】，。；：！\n 12", max_size=60))
def test_the_coarser_splits_lose_nothing_either(text: str) -> None:
    assert "".join(full_sentences(text)) == text
    line = text.split("\n")[0]
    assert "".join(split_phrases(line)) == line


def test_a_said_clause_ends_at_commas_and_sentence_ends_and_leaves_its_marks_out() -> None:
    message = "主动公开：发布信息1,000条，人力、财力（主要是经费）到位；上线系统。【沿用上年，请核实】\n另外开了会"
    assert said_clauses(message) == [
        "主动公开：发布信息1,000条",
        "人力、财力（主要是经费）到位",
        "上线系统",
        "【沿用上年，请核实】",
        "另外开了会",
    ]


@given(st.text(alphabet="人力、财力（）【待核实，】，。；：！,;\n 12", max_size=60))
def test_said_clauses_lie_in_order_and_hold_every_word(text: str) -> None:
    spans = said_clause_spans(text)
    assert all(a < b <= c for (a, b), (c, _) in pairwise(spans))
    kept = "".join(text[a:b] for a, b in spans)
    assert [c for c in kept if c in "人力财12"] == [c for c in text if c in "人力财12"]


def test_a_heading_stops_at_a_sentence_end_or_a_colon_not_in_a_web_address() -> None:
    assert [m.group() for m in HEADING_STOP.finditer("主动公开情况：见http://a.cn/x?id=3。完")] == ["：", "。"]
    assert HEADING_STOP.search("加强培训，提升能力") is None
