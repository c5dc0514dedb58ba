"""The ``nianbao`` command: a thin layer over the package's Python API.

Each command lives in its own module under ``nianbao.commands`` with a
``register(subparsers)`` function; this module only wires them up. Only the chosen
command's module is imported (the others are listed by their help line), so the
command starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

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
            importlib.import_module(f"nianbao.commands.{name}").register(subparsers)
        else:
            subparsers.add_parser(name, help=help_line)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; user errors print a Chinese message and exit 2, never a traceback."""
    configure_logging(logging.WARNING, "%(levelname)s %(name)s: %(message)s")
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
