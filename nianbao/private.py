"""Data only its owner can read: folders 0700, files 0600 (drafts, the knowledge base, logs).

Other local accounts must not read every user's drafts. Modes are set when a folder or file is made and
tightened when one already exists with looser modes; a file system that ignores modes (a mounted share)
is left as it is.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: str | Path) -> Path:
    """The folder (and missing parents) made, or tightened, to 0700."""
    folder = Path(path)
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        folder.chmod(FOLDER_MODE)
    return folder


def private_file(path: str | Path) -> Path:
    """The file made empty if missing, or tightened, to 0600 (before any library opens it with its own mode).

    An existing file is only chmod-ed, never opened: closing a descriptor of a SQLite database would drop the
    locks this process's connections hold on it (POSIX locks belong to the process, not the descriptor)."""
    file = Path(path)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    with contextlib.suppress(OSError):
        file.chmod(FILE_MODE)
    return file
