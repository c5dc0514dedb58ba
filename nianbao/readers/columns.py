"""The order of 依申请公开's applicant columns, as the table's header prints them.

Most reports print 自然人, the five 法人或其他组织 columns and 总计 in the national order, but a
web page or a spreadsheet pasted into Word may put 总计 first or 自然人 after the legal persons. A
row's numbers are only placed in the columns its header names: a header in another order is
followed, a header whose order cannot be told leaves the table unread (never read in the wrong
columns).
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.readers.document import Line, clean
from nianbao.schema import REQUEST_COLUMNS

# What a header cell prints for each column (社会公益组织 is the 2019 format's 社会组织).
_NAMES = {
    "自然人": "自然人",
    "商业企业": "商业企业",
    "科研机构": "科研机构",
    "社会组织": "社会组织",
    "社会公益组织": "社会组织",
    "法律服务机构": "法律服务机构",
    "其他": "其他",
    "其它": "其他",
    "总计": "总计",
    "合计": "总计",
}
_STRIP = " ：:（）()"


@dataclass(frozen=True)
class ColumnOrder:
    """``order``: the columns left to right when the header tells them; ``unsure``: the header
    prints the columns out of the national order but not all of them, so no row can be placed."""

    order: tuple[str, ...] = REQUEST_COLUMNS
    unsure: str = ""

    @property
    def is_national(self) -> bool:
        return self.order == REQUEST_COLUMNS and not self.unsure

    def canonical(self, values: list[str]) -> list[str]:
        """A row's values (as many as columns, in the printed order) in the national order."""
        by_column = dict(zip(self.order, values, strict=True))
        return [by_column[column] for column in REQUEST_COLUMNS]


def column_name(cell: str) -> str | None:
    """The column a header cell names, if it is exactly a column's name."""
    return _NAMES.get(clean(cell).replace(" ", "").strip(_STRIP))


def column_order(header: list[Line]) -> ColumnOrder:
    """The columns as the header lines (those above the first row of numbers) print them."""
    grid = [line for line in header if line.grid]
    printed = _grid_order(grid) if grid else _text_order(header)
    if printed is None or printed == list(REQUEST_COLUMNS):
        return ColumnOrder()
    if sorted(printed) == sorted(REQUEST_COLUMNS):
        return ColumnOrder(tuple(printed))
    return ColumnOrder(unsure="、".join(printed))


def _grid_order(lines: list[Line]) -> list[str] | None:
    """In a grid, the lowest header cell naming a column decides that column (a spanned 法人或其他组织
    above its five columns names none); None when the printed columns are in the national order."""
    deepest: dict[int, str] = {}
    for line in lines:
        for index, cell in enumerate(line.cells):
            name = column_name(cell)
            if name is not None:
                deepest[index] = name
    printed = _first_of_each([deepest[index] for index in sorted(deepest)])
    return None if _in_national_order(printed) else printed


def _text_order(lines: list[Line]) -> list[str] | None:
    """In text, only a line tells an order: a line naming every column gives it; lines each naming
    theirs in the national order (a spanned 总计 may print above 自然人) say nothing against it."""
    printed = [_first_of_each(_names_in(line)) for line in lines]
    whole = next((names for names in printed if len(names) == len(REQUEST_COLUMNS)), None)
    if whole is not None:
        return whole
    return next((names for names in printed if not _in_national_order(names)), None)


def _names_in(line: Line) -> list[str]:
    return [name for token in clean(line.text).split(" ") if (name := column_name(token)) is not None]


def _first_of_each(names: list[str]) -> list[str]:
    seen: list[str] = []
    for name in names:
        if name not in seen:
            seen.append(name)
    return seen


def _in_national_order(names: list[str]) -> bool:
    positions = [REQUEST_COLUMNS.index(name) for name in names]
    return positions == sorted(positions)
