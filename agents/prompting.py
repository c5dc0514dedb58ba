"""Prompts are files in prompts/, rendered with named variables; a missing variable is an error."""

from __future__ import annotations

import re
from functools import cache
from string import Template

from nianbao.resources import folder, prompt_text

# A label line of a drafting prompt ("本年度做了的工作（用户提供，是唯一的事实来源）：", "核对发现你写的“$heading”
# 这一小节中有以下数字与本年度数据不符："): a small model sometimes copies it into its reply, where it reads as an
# instruction to the writer. A variable in it stands for any short text.
_LABEL = re.compile(r"^([^\n]{6,}?)[：:]\s*$", re.MULTILINE)
_VARIABLE = re.compile(r"\$\w+")
_LITERAL_CHARS = 6  # a label needs this much of its own text, or it would match ordinary prose


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


@cache
def prompt_labels() -> tuple[re.Pattern[str], ...]:
    """The label lines of the drafting prompts (without their colon) as patterns, longest first."""
    labels = {
        match.group(1).strip()
        for template in sorted(folder("prompts").glob("*.md"))
        for match in _LABEL.finditer(template.read_text(encoding="utf-8"))
    }
    kept = [label for label in labels if len(_VARIABLE.sub("", label)) >= _LITERAL_CHARS]
    return tuple(_label_pattern(label) for label in sorted(kept, key=len, reverse=True))


def _label_pattern(label: str) -> re.Pattern[str]:
    """A label as it may come back: its own text exactly, each variable any short text, then its colon."""
    parts = [re.escape(part) for part in _VARIABLE.split(label)]
    return re.compile(r"[^\n]{0,40}?".join(parts) + r"[：:]?[ \t]*")


def without_prompt_labels(reply: str) -> str:
    """The reply without any label of our own prompts it echoed (and the colon after it); a line that held
    only a label goes, other lines (blank ones included) stay as they were."""
    kept = []
    for line in reply.split("\n"):
        cleaned = line
        for label in prompt_labels():
            cleaned = label.sub("", cleaned)
        if cleaned.strip() or not line.strip():
            kept.append(cleaned)
    return "\n".join(kept)
