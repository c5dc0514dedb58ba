"""The command starts fast: only the chosen command's module is imported (bench/bench_cli.py times it)."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from nianbao.cli import build_parser
from nianbao.commands import COMMANDS
from tests.conftest import SEED

PROBE = """
import sys
from nianbao.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
print(*sorted(m for m in sys.modules if m.startswith(("nianbao", "pydantic", "chromadb", "numpy"))))
"""


def modules_loaded_by(argv: list[str]) -> set[str]:
    """The modules a fresh process has imported after running ``nianbao ARGV``."""
    result = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_help_imports_no_command_and_no_heavy_library() -> None:
    loaded = modules_loaded_by(["--help"])
    assert not {m for m in loaded if m.startswith("nianbao.commands.")}
    assert not {m for m in loaded if m.split(".")[0] in ("pydantic", "chromadb", "numpy")}


@pytest.mark.parametrize("command", ["check", "cells"])
def test_a_command_that_reads_one_file_imports_neither_the_knowledge_base_nor_drafting(command: str) -> None:
    loaded = modules_loaded_by([command, str(SEED)])
    assert f"nianbao.commands.{command}" in loaded
    assert "nianbao.usecases.checking" in loaded  # through the checking use case, composed alone:
    heavy = ("nianbao.kb", "nianbao.drafting", "nianbao.drafts", "nianbao.usecases.components", "chromadb", "numpy")
    assert not {m for m in loaded if m.startswith(heavy)}


@pytest.mark.parametrize("name", COMMANDS)
def test_the_chosen_command_is_registered_in_full_and_the_others_listed(name: str) -> None:
    commands = next(a for a in build_parser([name])._actions if isinstance(a, argparse._SubParsersAction))
    assert set(commands.choices) == set(COMMANDS)
    assert {n for n, p in commands.choices.items() if len(p._actions) > 1} == {name}  # more than -h
