"""Realistic reports of made-up bodies, varied from real text reports: store growth and retrieval distractors.

Real reports are largely copied from one another, so a made-up body's report is a real one with another
place name and year, other figures in the narrative and the sentences of long paragraphs reordered. The
benchmarks grow a store with them, and the retrieval set uses them as distractors.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

NAME_CHARS = "安平宁丰和清河山阳江城泉林桥华兴永新长东西南北云龙凤石金水阜溪川原湖德昌武文明正"
SUFFIXES = ("县", "区", "市")
YEARS = range(2019, 2026)
NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Template:
    """A real text report and the place and year it names."""

    path: Path
    place: str
    unit: str
    year: int


def corpus_templates(corpus: Path) -> tuple[Template, ...]:
    """The real text reports in corpus/ that variants are made from."""
    return (
        Template(corpus / "luyi_2021.txt", "鹿邑", "县", 2021),
        Template(corpus / "shuyang_2025.md", "沐阳", "县", 2025),
    )


def varied_reports(templates: tuple[Template, ...], count: int, seed: int = 7) -> Iterator[tuple[str, str]]:
    """(file name, text) of ``count`` distinct reports of made-up bodies."""
    rng = random.Random(seed)
    texts = [t.path.read_text(encoding="utf-8") for t in templates]
    slots = [(a + b + s, y) for a in NAME_CHARS for b in NAME_CHARS if a != b for s in SUFFIXES for y in YEARS]
    rng.shuffle(slots)
    for i in range(count):
        name, year = slots[i]
        template, text = templates[i % len(templates)], texts[i % len(templates)]
        varied = _vary(text, template, name, year, rng)
        yield f"variant_{i:06d}{template.path.suffix}", varied


def write_reports(templates: tuple[Template, ...], folder: Path, count: int, seed: int) -> list[Path]:
    """Write ``count`` varied reports into ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in varied_reports(templates, count, seed):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _vary(text: str, template: Template, name: str, year: int, rng: random.Random) -> str:
    years = {str(template.year + d): f"@{year + d}@" for d in (-1, 0, 1)}
    text = re.sub("|".join(years), lambda m: years[m.group(0)], text)
    text = text.replace(template.place + template.unit, name).replace(template.place, name[:2])
    lines = [_vary_line(line, rng) if "\t" not in line and "|" not in line else line for line in text.split("\n")]
    return "\n".join(lines).replace("@", "")


def _vary_line(line: str, rng: random.Random) -> str:
    line = NUMBER.sub(lambda m: _other_number(m, rng), line)
    if len(line) < 80 or re.match(r"^[一二三四五六]、", line):
        return line
    sentences = [s for s in re.split(r"(?<=。)", line) if s]
    head, rest = sentences[:1], sentences[1:]
    rng.shuffle(rest)
    return "".join(head + rest)


def _other_number(match: re.Match[str], rng: random.Random) -> str:
    start = match.start()
    if start > 0 and match.string[start - 1] == "@":
        return match.group(0)  # a year, already set
    value = int(match.group(0))
    return str(max(0, int(value * rng.uniform(0.6, 1.4)))) if value > 31 else match.group(0)
