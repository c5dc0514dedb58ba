"""Prompts are files in prompts/, rendered with named variables; a missing variable is an error."""

from __future__ import annotations

from string import Template

from nianbao.resources import prompt_text


def render(name: str, variant: str | None = None, **variables: object) -> str:
    """The prompt ``prompts/{name}.md`` with each ``$variable`` replaced; KeyError if one is missing.

    With ``variant`` (e.g. "local", prompts tuned for the small local model), ``prompts/{name}_{variant}.md``
    is used when it exists.
    """
    text = (prompt_text(f"{name}_{variant}") if variant else None) or prompt_text(name)
    if text is None:
        raise FileNotFoundError(f"prompts/{name}.md")
    template = Template(text)
    return template.substitute({key: str(value) for key, value in variables.items()})
