"""Plain text like the published TXT reports: paragraphs, and tables as tab-separated rows."""

from __future__ import annotations

from nianbao.model import Report
from nianbao.writers.layout import TABLE_OF_PART, FlatTable, flat_tables, parts_to_write, title_of

# Plain text cannot show an empty cell at the end of a row (trailing tabs are invisible and
# get trimmed), so a blank cell is written as "—", which every reader takes as blank.
BLANK = "—"


def write_text(report: Report) -> str:
    """The report as tab-separated text; it reads back with every cell equal."""
    lines = [line for line in title_of(report).split("\n") if line.strip()]
    lines.append("")
    lines.extend(_paragraphs(report.preamble))
    for part in parts_to_write(report):
        lines.extend([part.heading, ""])
        table = TABLE_OF_PART.get(part.number)
        if table is None:
            lines.extend(_paragraphs(part.text))
        else:
            for flat in flat_tables(report, table):
                lines.extend(_table(flat))
    return "\n".join(lines).rstrip("\n") + "\n"


def _paragraphs(text: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if paragraph.strip():
            lines.extend([paragraph.strip().replace("\t", " "), ""])
    return lines


def _table(flat: FlatTable) -> list[str]:
    lines = [flat.caption] if flat.caption else []
    lines.append("\t".join(flat.header))
    lines.extend("\t".join([row[0], *(cell or BLANK for cell in row[1:])]) for row in flat.rows)
    return [*lines, ""]
