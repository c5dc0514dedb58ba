"""A facts file (``nianbao draft --facts FILE``): cells CSV, XLSX, CSV table or Chinese sentences, by content."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from nianbao.commands.cells import cells_csv
from nianbao.errors import InvalidInputError
from nianbao.intake import read_facts
from nianbao.readers import read_report
from nianbao.schema import TableId
from tests.conftest import SEED

REQ = TableId.REQUESTS


def test_a_text_file_of_sentences_is_read_by_the_extractor(tmp_path: Path) -> None:
    path = tmp_path / "facts.txt"
    path.write_text("今年共收到申请258件，其中自然人240件。\n予以公开190件。\n", encoding="utf-8")
    changes = {c.address: c.new for c in read_facts(path).changes}
    assert changes == {(REQ, "一", "总计"): 258, (REQ, "一", "自然人"): 240, (REQ, "三.一", "总计"): 190}


def test_a_gbk_text_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "facts.txt"
    path.write_bytes("行政复议2件，维持1件，尚未审结1件".encode("gbk"))
    assert len(read_facts(path).changes) == 3


def test_a_cells_csv_is_read_as_cells_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "facts.txt"
    path.write_text(cells_csv(read_report(SEED)), encoding="utf-8")
    assert len(read_facts(path).changes) == 200


def test_an_xlsx_is_read_as_a_sheet(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["本年新收政府信息公开申请数量", 10, 2, 0, 0, 0, 0, 12])
    book.save(tmp_path / "facts.xlsx")
    assert len(read_facts(tmp_path / "facts.xlsx").changes) == 7


@pytest.mark.parametrize(("content", "message"), [(b"", "空的"), ("我们今年工作很好。".encode(), "没有读到")])
def test_a_file_without_figures_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "facts.txt"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match=message):
        read_facts(path)
