"""The ``nianbao`` command: a thin layer over the package's Python API.

Each command lives in its own module under ``nianbao.commands`` with a
``register(subparsers)`` function; this module only wires them up.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from nianbao.errors import NianbaoError
from nianbao.logs import configure_logging

COMMAND_MODULES = (
    "nianbao.commands.check",
    "nianbao.commands.cells",
    "nianbao.commands.kb",
    "nianbao.commands.draft",
    "nianbao.commands.review",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nianbao", description="年报助手：政府信息公开工作年度报告的核对、起草与审阅")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; user errors print a Chinese message and exit 2, never a traceback."""
    configure_logging(logging.WARNING, "%(levelname)s %(name)s: %(message)s")
    _utf8_output()
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except NianbaoError as e:
        print(f"错误：{e.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


def _utf8_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
