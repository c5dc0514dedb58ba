"""The data shipped with the product: prompt templates (prompts/) and the reference reports (corpus/).

Both folders live at the top of the repository and are copied into this package when a wheel is built
(setup.py), so they load through ``importlib.resources`` wherever the wheel is installed. In a source
checkout (an editable install) the package holds no copy and the repository's folders are used.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def folder(name: str) -> Path:
    """The shipped folder ``name`` ("prompts" or "corpus"): the packaged copy, else the checkout's.

    A wheel is installed as files, so the packaged copy is a real folder (reports are read by path).
    """
    packaged = files(__name__) / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return REPOSITORY / name


def prompt_text(name: str) -> str | None:
    """The template ``prompts/{name}.md``, or None when there is no such prompt."""
    template = folder("prompts") / f"{name}.md"
    return template.read_text(encoding="utf-8") if template.is_file() else None


def corpus_files() -> list[Path]:
    """The reference reports in corpus/, by name."""
    corpus = folder("corpus")
    if not corpus.is_dir():
        return []
    return sorted((f for f in corpus.iterdir() if f.is_file() and not f.name.startswith(".")), key=lambda f: f.name)
