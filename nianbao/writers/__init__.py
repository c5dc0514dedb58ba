"""Write a Report as DOCX (the official layout), Markdown or plain text.

Every writer's output reads back through ``nianbao.readers.read_report_bytes`` with every
cell equal, the same agency, year and format, and the same narrative parts.
"""

from __future__ import annotations

from nianbao.writers.docx import write_docx
from nianbao.writers.markdown import write_markdown
from nianbao.writers.text import write_text

__all__ = ["write_docx", "write_markdown", "write_text"]
