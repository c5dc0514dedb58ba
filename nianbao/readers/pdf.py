"""PDF with a text layer (pdfplumber): page text lines, page numbers dropped."""

from __future__ import annotations

import re
from io import BytesIO

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.readers.document import Document

_PAGE_NUMBER = re.compile(r"^\s*[-—–]?\s*\d{1,4}\s*[-—–]?\s*$|^\s*第\s*\d+\s*页(\s*共\s*\d+\s*页)?\s*$")


def read_pdf(data: bytes, source: str = "") -> Document:
    """Read the text layer of a PDF, page by page; tables continue across page breaks."""
    import pdfplumber

    document = Document(source=source, hard_wrapped=True)
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            for page in pdf.pages:
                for line in (page.extract_text() or "").split("\n"):
                    if not _PAGE_NUMBER.match(line):
                        document.add_text(line)
    except Exception as e:  # pdfminer raises many unrelated types for damaged files
        raise ReportReadError(ReadFailure.DAMAGED, "PDF 文件已损坏或无法解析。") from e
    return document
