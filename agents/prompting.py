"""Prompts are files in prompts/, rendered with named variables; a missing variable is an error."""

from __future__ import annotations

from pathlib import Path
from string import Template

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


def render(name: str, variant: str | None = None, **variables: object) -> str:
    """The prompt ``prompts/{name}.md`` with each ``$variable`` replaced; KeyError if one is missing.

    With ``variant`` (e.g. "local", prompts tuned for the small local model), ``prompts/{name}_{variant}.md``
    is used when it exists.
    """
    path = PROMPTS_DIR / f"{name}.md"
    if variant and (PROMPTS_DIR / f"{name}_{variant}.md").is_file():
        path = PROMPTS_DIR / f"{name}_{variant}.md"
    template = Template(path.read_text(encoding="utf-8"))
    return template.substitute({key: str(value) for key, value in variables.items()})
