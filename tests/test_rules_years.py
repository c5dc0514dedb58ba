"""Rule 10 of domain.md: the report year and the year before are expected in the narrative."""

from __future__ import annotations

import pytest

from nianbao.checker import check_report
from nianbao.model import Finding, Report, Severity
from nianbao.readers import read_report
from nianbao.rules.years import narrative_year, statistics_period_year, year_mentions
from tests.conftest import CORPUS, SEED

SEED_2016 = "2016年县政府办公室印发了"


@pytest.fixture
def seed() -> Report:
    return read_report(SEED)


def findings_of(report: Report, rule: str) -> list[Finding]:
    return [f for f in check_report(report).findings if f.rule == rule]


def with_paragraph(report: Report, paragraph: str, part: str = "一") -> Report:
    target = report.part(part)
    assert target is not None
    target.text += "\n" + paragraph
    return report


def test_a_year_the_sentence_also_cites_is_history_not_a_stale_claim(seed: Report) -> None:
    # 鹿邑 2021: “2016年县政府办公室印发了《…》（鹿政办〔2016〕132号）”: the sentence says when the
    # document it cites was issued.
    assert findings_of(seed, "years.stale") == []


def test_an_old_year_without_its_citation_is_flagged(seed: Report) -> None:
    target = seed.part("一")
    assert target is not None
    target.text = target.text.replace("（鹿政办〔2016〕132号）", "")
    [finding] = findings_of(seed, "years.stale")
    assert finding.severity is Severity.WARNING
    assert finding.location.part == "一"
    assert (finding.location.sentence or "").startswith(SEED_2016)
    assert finding.found == "2016年"
    assert finding.expected == "2021年或2020年"
    assert "2016年" in finding.message and "旧报告" in finding.message


def test_the_report_year_and_the_year_before_pass(seed: Report) -> None:
    target = seed.part("一")
    assert target is not None
    target.text = target.text.replace(SEED_2016, "2020年县政府办公室印发了")
    assert findings_of(seed, "years.stale") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "按照《河南省2018年政务公开工作要点》要求推进工作。",  # a year inside a document's name
        "根据鹿政办〔2017〕12号文件要求推进工作。",  # a document number
        "本报告所列数据统计期限自2021年1月1日至2021年12月31日。",
        "本报告于2022年1月20日发布。",  # published in the following year
        "落实《“十四五”规划》，推进2021—2025年政务公开工作。",  # a period reaching the report year
        "2018年以来，累计公开政府信息5万余条。",  # since 2018, up to now
        "2022年，我县将进一步加强政策解读。",  # plans
        "认真贯彻2019年修订的《中华人民共和国政府信息公开条例》。",  # names the law
        "自2019年5月15日起施行的新条例进一步明确了公开范围。",
    ],
)
def test_citations_periods_and_later_years_are_not_stale(seed: Report, sentence: str) -> None:
    with_paragraph(seed, sentence)
    assert [f for f in findings_of(seed, "years.stale") if f.location.sentence == sentence] == []


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("2019年，全县共受理政府信息公开申请180件。", "2019年"),
        ("二〇一八年，全县公开政府信息一万条。", "二〇一八年"),
        ("2017 年度，政务公开工作取得新成效。", "2017 年"),
        ("2015-2018年期间建成政务公开专区。", "2015-2018年"),
    ],
)
def test_older_years_are_flagged_quoting_the_sentence(seed: Report, sentence: str, found: str) -> None:
    with_paragraph(seed, sentence, part="五")
    [finding] = [f for f in findings_of(seed, "years.stale") if f.location.sentence == sentence]
    assert finding.location.part == "五"
    assert found in (finding.found or "")


def test_year_mentions_reads_periods_and_skips_citations() -> None:
    mentions = year_mentions("2021—2025年规划，《2019年要点》，鹿政办〔2016〕132号，2020年以来，2022年")
    assert [(m.first, m.last) for m in mentions] == [(2021, 2025), (2020, 9999), (2022, 2022)]


def test_corpus_statistics_periods_and_spoken_years() -> None:
    shuyang = read_report(CORPUS / "shuyang_2025.md")
    huaian = read_report(CORPUS / "huaian_2024.pdf")
    assert statistics_period_year(shuyang) == 2025
    assert statistics_period_year(huaian) == 2024
    assert narrative_year(read_report(SEED)) == 2021


def test_title_with_the_report_year_passes(seed: Report) -> None:
    assert findings_of(seed, "years.title") == []


def test_title_without_a_year_is_flagged(seed: Report) -> None:
    seed.year = None
    seed.title = "鹿邑县人民政府政府信息公开工作年度报告"
    [finding] = findings_of(seed, "years.title")
    assert "没有写明报告年度" in finding.message and "2021" in finding.message


def test_title_year_against_the_statistics_period(seed: Report) -> None:
    seed.preamble = "本报告所列数据统计期限自2020年1月1日至2020年12月31日。"
    [finding] = findings_of(seed, "years.title")
    assert finding.found == "统计期限 2020年"
    assert finding.expected == "2021年"


def test_title_year_never_spoken_of_in_the_text(seed: Report) -> None:
    # A 2022 title on a text that speaks only of 2021: the title was changed, the text was not.
    seed.year = 2022
    seed.title = seed.title.replace("2021", "2022")
    [finding] = findings_of(seed, "years.title")
    assert finding.found == "正文 2021年"
    assert "没有提到 2022 年" in finding.message
