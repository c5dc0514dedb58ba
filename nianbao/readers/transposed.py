"""A 依申请公开 table printed the other way round: the applicants as rows, the results as columns.

Turned back, each column becomes a row whose label is what its header cells print from top to
bottom (三、本年度办理结果 （三）不予公开 1.属于国家秘密), and whose values are the applicant rows' in the
order those rows are printed. Only a table whose rows are labelled by the applicant columns is
turned; any other is left as it is.
"""

from __future__ import annotations

from nianbao.readers.columns import ColumnOrder, column_name
from nianbao.readers.document import Line
from nianbao.readers.values import is_value_token
from nianbao.schema import REQUEST_COLUMNS

_MIN_APPLICANT_ROWS = 3
_LABEL_CELLS = 3  # an applicant row's name stands in its first cells (法人或其他组织, then 商业企业)


def turned_back(lines: list[Line]) -> tuple[list[Line], ColumnOrder] | None:
    """The table's lines with the results as rows, and the applicants' order; None if not transposed."""
    rows = [(i, line, name) for i, line in enumerate(lines) if line.grid and (name := _applicant(line)) is not None]
    if len(rows) < _MIN_APPLICANT_ROWS:
        return None
    first, last = rows[0][0], rows[-1][0]
    names = [name for _, _, name in rows]
    header = [line for line in lines[:first] if line.grid]
    width = max(len(line.cells) for _, line, _ in rows)
    start = max(_label_end(line) for _, line, _ in rows) + 1
    turned = [
        Line([_column_label(header, column), *(_cell(line, column) for _, line, _ in rows)], grid=True)
        for column in range(start, width)
    ]
    whole = sorted(names) == sorted(REQUEST_COLUMNS)
    order = ColumnOrder(tuple(names)) if whole else ColumnOrder(unsure="、".join(names))
    before = [line for line in lines[:first] if not line.grid]  # a caption, a note: the header is turned
    return [*before, *turned, *lines[last + 1 :]], order


def _applicant(line: Line) -> str | None:
    """The applicant column a row is labelled with (the last name among its label cells: 法人或其他组织
    spans the five rows it groups), when the row has figures after its label."""
    if not any(column_name(cell) for cell in line.cells[:_LABEL_CELLS]):
        return None  # the usual row, told at a glance
    end = _label_end(line)
    if end < 0 or not any(ch.isdigit() for cell in line.cells[end + 1 :] for ch in cell):
        return None
    names = [name for cell in line.cells[: end + 1] if (name := column_name(cell)) is not None]
    return names[-1] if names else None


def _label_end(line: Line) -> int:
    return max((i for i, cell in enumerate(line.cells) if cell.strip() and not is_value_token(cell)), default=-1)


def _cell(line: Line, column: int) -> str:
    return line.cells[column] if column < len(line.cells) else ""


def _column_label(header: list[Line], column: int) -> str:
    """What the header prints above a column, top to bottom, each spanned text once."""
    pieces: list[str] = []
    for line in header:
        text = _cell(line, column).strip()
        if text and text not in pieces:
            pieces.append(text)
    return " ".join(pieces)
