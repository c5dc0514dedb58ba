"""The rules of domain.md, each a named check that returns findings.

A rule is a function ``(CheckContext) -> Iterable[Finding]`` registered with ``@rule(id)``.
The checker (nianbao.checker) imports every rule module and runs every registered rule; it never stops
at the first failure. This package is only the registry: the rule modules import it, it imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from nianbao.model import Finding, Report

RuleFunction = Callable[["CheckContext"], Iterable[Finding]]


@dataclass
class CheckContext:
    """What a rule may look at: the report, last year's report, and facts the user gave."""

    report: Report
    previous: Report | None = None
    facts: dict[str, int] = field(default_factory=dict)


RULES: dict[str, RuleFunction] = {}


def rule(rule_id: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule under its id (the id shown in every finding it returns)."""

    def register(function: RuleFunction) -> RuleFunction:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        RULES[rule_id] = function
        return function

    return register
