"""Rows of 依申请公开 pasted into the chat from a spreadsheet: a label, then the seven numbers, separated by tabs.

Without the heading row the columns can only be the official ones (自然人 … 其他, 总计), so a row is read
only when it has seven numbers and the last is the sum of the six before it; any other pasted row is asked
about, never read as a sentence (its last number would be taken for the row's total).
"""

from __future__ import annotations

from nianbao.intake.by_applicant import row_of_heading
from nianbao.intake.changes import CellChange
from nianbao.readers.document import clean
from nianbao.readers.tables import is_value_token, parse_value
from nianbao.schema import REQUEST_COLUMNS, ReportFormat, TableId, ValueKind

_MIN_TABS = 2


def pasted_rows(text: str, fmt: ReportFormat) -> tuple[list[CellChange], list[str], str]:
    """The cells of the pasted rows, notes on those not read, and the text with every pasted row blanked
    (same length, so the positions of the rest keep)."""
    changes: list[CellChange] = []
    notes: list[str] = []
    kept: list[str] = []
    for line in text.split("\n"):
        cells = [clean(c) for c in line.split("\t")]
        numbers = [c for c in cells if c and is_value_token(c)]
        if line.count("\t") < _MIN_TABS or len(numbers) < _MIN_TABS:
            kept.append(line)
            continue
        kept.append(" " * len(line))
        read = _row(cells, fmt)
        if read is None:
            notes.append(
                f"这句没有读懂：“{line.strip()}”——像是从表格复制的一行，但行名或数字对不上依申请公开表"
                "（应为行名和自然人、商业企业、科研机构、社会组织、法律服务机构、其他、总计七个数），"
                "请上传表格文件，或用一句话说明。"
            )
        changes.extend(read or [])
    return changes, notes, "\n".join(kept)


def _row(cells: list[str], fmt: ReportFormat) -> list[CellChange] | None:
    label = "".join(c for c in cells if c and not is_value_token(c))
    values = [parse_value(c, ValueKind.COUNT) for c in cells if c and is_value_token(c)]
    key = row_of_heading(label, "", fmt)
    if key is None or len(values) != len(REQUEST_COLUMNS) or any(v is None for v in values):
        return None
    counts = [int(v or 0) for v in values]
    if sum(counts[:-1]) != counts[-1]:
        return None
    source = "\t".join(c for c in cells if c)
    return [
        CellChange(table=TableId.REQUESTS, row=key, column=column, new=count, source_text=source)
        for column, count in zip(REQUEST_COLUMNS, counts, strict=True)
    ]
