"""``python -m nianbao.localmodel`` (make local-llm, make run): a shell of its own, like the ``nianbao`` command.

It reads the process's settings from the composition root (nianbao.usecases.container) and hands them to the
local model's functions; ``tethered`` is the server's own process (start_server) and reads none.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from nianbao.localmodel import (
    QWEN_CODER_1_5B,
    LocalModelError,
    ensure_model,
    model_path,
    run_beside,
    run_tethered,
    verify,
)
from nianbao.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    """``assemble`` | ``check`` | ``requirements`` | ``path`` | ``beside -- COMMAND`` | ``tethered MODULE ARGS``."""
    parser = argparse.ArgumentParser(prog="python -m nianbao.localmodel")
    parser.add_argument("action", choices=["assemble", "check", "requirements", "path", "beside", "tethered"])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.action == "tethered":  # the server's own process (start_server): its arguments pass untouched
        run_tethered(args.command[0], args.command[1:])
        return 0
    from nianbao.usecases.container import configured_settings

    try:
        return act(args.action, [c for c in args.command if c != "--"], configured_settings())
    except LocalModelError as e:
        print(e.message, file=sys.stderr)
        return 1


def act(action: str, command: list[str], settings: Settings) -> int:
    """One action with the settings handed in."""
    if action == "requirements":
        print(" ".join(QWEN_CODER_1_5B.part_requirements()))
    elif action == "path":
        print(model_path(settings.data_dir))
    elif action == "check":
        verify(model_path(settings.data_dir))
        print(f"本地模型校验通过：{model_path(settings.data_dir)}")
    elif action == "assemble":
        path, made = ensure_model(settings.data_dir)
        print(f"本地模型{'已拼接并校验' if made else '已存在且校验通过'}：{path}")
    else:
        return run_beside(command, settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
