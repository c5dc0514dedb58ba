"""依申请公开 rows copied from a spreadsheet into the chat (tab-separated): read when their seven numbers add up."""

from __future__ import annotations

from nianbao.intake import extract
from nianbao.schema import REQUEST_COLUMNS, ReportFormat, rows_of
from tests.test_intake_sheet_layouts import REQ, value


def pasted_table() -> str:
    """The whole table as Excel copies it: the headings, each group's line without numbers, then the rows."""
    lines = ["三、收到和处理政府信息公开申请情况", "\t\t\t" + "\t".join(REQUEST_COLUMNS)]
    groups: set[str] = set()
    for spec in rows_of(ReportFormat.F2021, REQ):
        if spec.group and spec.group not in groups:
            groups.add(spec.group)
            lines.append(spec.group)
        lines.append(spec.label + "\t" + "\t".join(str(value((REQ, spec.key, c))) for c in REQUEST_COLUMNS))
    return "\n".join(lines)


def test_the_whole_requests_table_pasted_gives_its_175_cells() -> None:
    read = extract(pasted_table())
    assert read.notes == []
    assert {c.address: c.new for c in read.changes} == {
        (REQ, key, column): value((REQ, key, column))
        for key in {c.row for c in read.changes}
        for column in REQUEST_COLUMNS
    }
    assert len(read.changes) == 25 * 7


def test_a_pasted_row_whose_total_is_not_its_sum_is_asked_not_read() -> None:
    read = extract("（一）予以公开\t16\t2\t0\t0\t0\t1\t18")
    assert read.changes == [] and "像是从表格复制的一行" in read.notes[0]
