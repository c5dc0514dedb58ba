"""The ``nianbao`` command: a thin layer over the package's Python API.

Each command lives in its own module under ``nianbao.commands`` with a
``register(subparsers)`` function; this module only wires them up. Only the chosen
command's module is imported (the others are listed by their help line), so the
command starts fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from nianbao.commands import COMMANDS
from nianbao.errors import NianbaoError
from nianbao.logs import configure_logging

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a command cut off by its pipe


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser: the chosen command (the first argument) in full, the others by their help line.

    Without ``argv`` every command is registered in full.
    """
    parser = argparse.ArgumentParser(prog="nianbao", description="年报助手：政府信息公开工作年度报告的核对、起草与审阅")
    subparsers = parser.add_subparsers(dest="command", required=True)
    chosen = argv[0] if argv else None
    for name, help_line in COMMANDS.items():
        if argv is None or name == chosen:
            command_module(name).register(subparsers)
        else:
            subparsers.add_parser(name, help=help_line)
    return parser


def command_module(name: str) -> ModuleType:
    """The command's module, imported now and only for the chosen command (an import the import graph sees)."""
    match name:
        case "check":
            import nianbao.commands.check

            return nianbao.commands.check
        case "cells":
            import nianbao.commands.cells

            return nianbao.commands.cells
        case "kb":
            import nianbao.commands.kb

            return nianbao.commands.kb
        case "draft":
            import nianbao.commands.draft

            return nianbao.commands.draft
        case "review":
            import nianbao.commands.review

            return nianbao.commands.review
    raise KeyError(name)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; user errors print a Chinese message and exit 2, never a traceback."""
    configure_logging(logging.WARNING, "%(levelname)s %(name)s: %(message)s", configured_secrets)
    _utf8_output()
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    try:
        return int(args.run(args))
    except NianbaoError as e:
        print(f"错误：{e.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def configured_secrets() -> list[str]:
    """The secrets of this process's settings, for the log's redaction: read when a record is made, not at start
    (the settings' imports would slow every command)."""
    from nianbao.logs import secrets_of
    from nianbao.usecases.container import configured_settings

    return secrets_of(configured_settings())


def _silence_stdout() -> None:
    """The reader of our output has gone (``nianbao check … | head``): stop quietly.

    Python flushes stdout once more at exit; pointing it at /dev/null keeps that flush from
    printing a second BrokenPipeError."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _utf8_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
