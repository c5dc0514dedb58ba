"""Markdown: headings, paragraphs, and Markdown tables with one row per canonical row."""

from __future__ import annotations

from nianbao.model import Report
from nianbao.writers.layout import FlatTable, write_lines


def write_markdown(report: Report) -> str:
    """The report as Markdown; it reads back through our reader with every cell equal."""
    return write_lines(
        report,
        title=lambda line: f"# {line}",
        heading=lambda text: f"## {text}",
        paragraph=lambda text: text,
        table=_table,
    )


def _table(flat: FlatTable) -> list[str]:
    lines = [flat.caption, ""] if flat.caption else []
    lines.append(_row(flat.header))
    lines.append("|" + "|".join("---" for _ in flat.header) + "|")
    lines.extend(_row(row + [""] * (len(flat.header) - len(row))) for row in flat.rows)
    return [*lines, ""]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "／") for cell in cells) + " |"
