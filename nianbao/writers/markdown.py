"""Markdown: headings, paragraphs, and Markdown tables with one row per canonical row."""

from __future__ import annotations

from nianbao.model import Report
from nianbao.writers.layout import TABLE_OF_PART, FlatTable, flat_tables, parts_to_write, title_of


def write_markdown(report: Report) -> str:
    """The report as Markdown; it reads back through our reader with every cell equal."""
    lines = [f"# {line}" for line in title_of(report).split("\n") if line.strip()]
    lines.append("")
    lines.extend(_paragraphs(report.preamble))
    for part in parts_to_write(report):
        lines.extend([f"## {part.heading}", ""])
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
            lines.extend([paragraph.strip(), ""])
    return lines


def _table(flat: FlatTable) -> list[str]:
    lines = [flat.caption, ""] if flat.caption else []
    lines.append(_row(flat.header))
    lines.append("|" + "|".join("---" for _ in flat.header) + "|")
    lines.extend(_row(row + [""] * (len(flat.header) - len(row))) for row in flat.rows)
    return [*lines, ""]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "／") for cell in cells) + " |"
