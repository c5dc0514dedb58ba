"""Filling the tables from what the user gives: a Chinese message, a spreadsheet, a cell edit.

Each input becomes a list of proposed cell changes; ``preview`` shows old → new with the derived
totals and what is still missing, and refuses an input that contradicts a rule.
"""

from nianbao.intake.carryover import CarryOver, carry_over
from nianbao.intake.changes import CellChange, Origin
from nianbao.intake.derive import derive, describe_missing, missing_cells
from nianbao.intake.extractor import Extraction, extract, extract_changes
from nianbao.intake.facts import read_facts, read_facts_bytes, read_facts_bytes_guarded, read_facts_guarded
from nianbao.intake.proposal import Proposal, apply_changes, edit_cell, preview
from nianbao.intake.spreadsheet import (
    SheetIntake,
    read_spreadsheet,
    read_spreadsheet_bytes,
    read_spreadsheet_bytes_guarded,
)

__all__ = [
    "CarryOver",
    "CellChange",
    "Extraction",
    "Origin",
    "Proposal",
    "SheetIntake",
    "apply_changes",
    "carry_over",
    "derive",
    "describe_missing",
    "edit_cell",
    "extract",
    "extract_changes",
    "missing_cells",
    "preview",
    "read_facts",
    "read_facts_bytes",
    "read_facts_bytes_guarded",
    "read_facts_guarded",
    "read_spreadsheet",
    "read_spreadsheet_bytes",
    "read_spreadsheet_bytes_guarded",
]
