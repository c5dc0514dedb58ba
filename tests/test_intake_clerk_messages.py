"""Messages as clerks type them (tests/fixtures/intake/clerk_messages.json), each with the cells it must produce.

A case is read turn by turn on one draft, as the chat does. Every cell a turn sets from the clerk's words
(not the totals computed from them) must be one the case lists, with its value: anything else is a misread.
A refusal must quote the clerk's own clauses; a complete year must fill all 200 cells as the year says.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from nianbao.errors import InvalidInputError
from nianbao.intake import extract
from nianbao.intake.changes import Address, Origin
from nianbao.intake.reading import propose_extraction
from nianbao.model import CellNumber, Report, empty_report
from nianbao.schema import TableId

DATA = json.loads((Path(__file__).parent / "fixtures" / "intake" / "clerk_messages.json").read_text(encoding="utf-8"))
TABLES = {"主动": TableId.ACTIVE, "申请": TableId.REQUESTS, "复议": TableId.APPEALS}


def address(key: str) -> Address:
    table, row, column = key.split("/")
    return (TABLES[table], row.replace("|", "/"), column)


def cells(spec: dict[str, Any]) -> dict[Address, CellNumber]:
    return {address(k): Decimal(v) if isinstance(v, str) else v for k, v in spec.items()}


def read_turns(turns: list[str]) -> tuple[Report, set[Address], list[str]]:
    """The draft after every turn, the cells the clerk's words set, and the notes of every reply.

    Each turn knows the rows the one before talked about and the cells it gave, as the chat does (for
    “不对，自然人15件”, “其中自然人50件，企业2件”, “不是52是53”).
    """
    report, said, notes = empty_report(), set(), []
    previous = extract("", report.format)
    for text in turns:
        extraction = extract(text, report.format, previous.rows, previous.said)
        proposal, previous = propose_extraction(report, extraction), extraction
        said |= {c.address for c in proposal.changes if c.origin is not Origin.DERIVED}
        notes += proposal.notes
        report = proposal.report
    return report, said, notes


def case_id(case: dict[str, Any]) -> str:
    return case["name"]


CASES = DATA["cases"]
READ = [c for c in CASES if "refused" not in c and "year" not in c]
REFUSED = [c for c in CASES if "refused" in c]
YEARS = [c for c in CASES if "year" in c]


def test_the_set_has_at_least_sixty_messages() -> None:
    assert sum(len(c["turns"]) for c in CASES) >= 60


@pytest.mark.parametrize("case", READ, ids=case_id)
def test_a_clerk_message_produces_exactly_its_cells(case: dict[str, Any]) -> None:
    report, said, notes = read_turns(case["turns"])
    assert {a: report.value(*a) for a in said} == cells(case["cells"])
    for expected in case.get("notes", []):
        assert any(expected in note for note in notes), (expected, notes)


@pytest.mark.parametrize("case", REFUSED, ids=case_id)
def test_a_refusal_names_the_clerks_own_clauses(case: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError) as refused:
        read_turns(case["turns"])
    for expected in case["refused"]:
        assert expected in refused.value.message
    assert refused.value.message.index("您") < refused.value.message.index("规则")


@pytest.mark.parametrize("case", YEARS, ids=case_id)
def test_a_complete_year_fills_all_200_cells(case: dict[str, Any]) -> None:
    report, _, _ = read_turns(case["turns"])
    year = cells(DATA["years"][case["year"]])
    assert len(report.cells) == 200
    assert {a: report.value(*a) for a in year} == year
    assert all(c.value == 0 for c in report.cells if (c.table, c.row, c.column) not in year)


def test_three_styles_of_the_same_year_give_the_same_200_cells() -> None:
    filled = [{(c.table, c.row, c.column): c.value for c in read_turns(case["turns"])[0].cells} for case in YEARS]
    assert len(filled) >= 3 and all(f == filled[0] for f in filled)


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
SMALL = "零一二三四五六七八九"


def in_words(number: str) -> str:
    """``16`` → ``十六``, ``30`` → ``三十`` (numbers under 100)."""
    tens, ones = divmod(int(number), 10)
    said = ("" if tens == 1 else SMALL[tens]) + "十" if tens else ""
    return said + (SMALL[ones] if ones or not tens else "")


RETYPED = {
    "个 for 件": lambda t: re.sub(r"(?<=[\d零一二两三四五六七八九十百千])件", "个", t),
    "条 for 件": lambda t: re.sub(r"(?<=[\d零一二两三四五六七八九十百千])件", "条", t),
    "全角 digits": lambda t: t.translate(FULL_WIDTH),
    "Chinese numerals": lambda t: re.sub(r"(?<![\d.])(\d{1,2})(?=[件个])", lambda m: in_words(m.group(1)), t),
    "spaces around numbers": lambda t: re.sub(r"(\d+)件", r" \1 件", t),
    "commas for semicolons": lambda t: t.replace("；", "，"),
    "a line per sentence": lambda t: t.replace("。", "\n"),
}


@pytest.mark.parametrize("retype", RETYPED, ids=str)
def test_each_complete_year_retyped_still_fills_the_same_200_cells(retype: str) -> None:
    year = cells(DATA["years"]["county_2023"])
    for case in YEARS:
        report, _, _ = read_turns([RETYPED[retype](t) for t in case["turns"]])
        assert {(c.table, c.row, c.column): c.value for c in report.cells} == {
            (c.table, c.row, c.column): year.get((c.table, c.row, c.column), 0) for c in report.cells
        }, case["name"]
