"""Prompts are files in prompts/, rendered with named variables; a missing variable is an error."""

from __future__ import annotations

from pathlib import Path
from string import Template

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


def render(name: str, **variables: object) -> str:
    """The prompt ``prompts/{name}.md`` with each ``$variable`` replaced; KeyError if one is missing."""
    template = Template((PROMPTS_DIR / f"{name}.md").read_text(encoding="utf-8"))
    return template.substitute({key: str(value) for key, value in variables.items()})
