"""Plain text like the published TXT reports: paragraphs, and tables as tab-separated rows."""

from __future__ import annotations

from nianbao.model import Report
from nianbao.writers.layout import FlatTable, write_lines

# Plain text cannot show an empty cell at the end of a row (trailing tabs are invisible and
# get trimmed), so a blank cell is written as "—", which every reader takes as blank.
BLANK = "—"


def write_text(report: Report) -> str:
    """The report as tab-separated text; it reads back with every cell equal."""
    return write_lines(
        report,
        title=lambda line: line,
        heading=lambda text: text,
        paragraph=lambda text: text.replace("\t", " "),
        table=_table,
    )


def _table(flat: FlatTable) -> list[str]:
    lines = [flat.caption] if flat.caption else []
    lines.append("\t".join(flat.header))
    lines.extend("\t".join([row[0], *(cell or BLANK for cell in row[1:])]) for row in flat.rows)
    return [*lines, ""]
