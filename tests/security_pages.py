"""What the security tests read off a page: every text the app renders as Markdown, and whether it is inert.

Streamlit renders ``st.markdown``, captions, alerts, headings and widget labels as Markdown. A text from
outside (an uploaded report, a file name, what a user typed) is inert when, rendered as Markdown with raw
HTML allowed (the worst case), it yields no script, image, frame, event handler, ``javascript:`` link,
external link or formatting, and shows the hostile snippet exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from app_pages.layout import stylesheet

# Each snippet carries a marker (xss-a, xss-b, …; none is part of another) to find it wherever the app shows it.
HOSTILE = [
    "<script>alert('xss-a')</script>",
    "<img src=x onerror=\"alert('xss-b')\">",
    "[点此领取补贴](javascript:alert('xss-c'))",
    "![统计图](http://evil.example/pixel.png?xss-d)",
    "*强调的注入xss-e*",
    "<a href=\"javascript:alert('xss-f')\">查看原文</a>",
    ":red[变色的注入xss-g]",
    '<iframe src="//evil.example/xss-h"></iframe>',
    "`代码的注入xss-i`",
    "<b>粗体的注入xss-j</b>",
]
MARKER = re.compile(r"xss-[a-z]\b")
MARKDOWN_FIELDS = {"body", "label", "text", "help", "caption"}
FORBIDDEN_TAGS = {"script", "img", "iframe", "object", "embed", "style", "svg", "form", "input", "link", "meta"}
ANCHOR = re.compile(r'<div id="[a-z0-9-]+"></div>')
# A grid's overlay (app_pages.grids.overlay): its anchor, each row's full label from the schema as a hover title
# (escaped, no markup), and a frame on each failing cell. Nothing else may be raw HTML.
OVERLAY = re.compile(
    r'<div class="grid-overlay" id="[a-z0-9-]+">'
    r'(?:<div class="[a-z -]+"(?: id="[a-z0-9-]+")?(?: title="[^"<>]*")? style="[a-z0-9:;. -]+"></div>)*</div>'
)
_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_MARKDOWN.validateLink = lambda url: True  # the worst case: a renderer that keeps javascript: links too


def marker_of(snippet: str) -> str:
    found = MARKER.search(snippet)
    assert found, snippet
    return found.group(0)


MARKERS = [marker_of(s) for s in HOSTILE]


@dataclass
class Shown:
    """One text the page renders as Markdown."""

    element: str
    field: str
    source: str
    allow_html: bool


def shown_texts(at: AppTest) -> list[Shown]:
    """Every Markdown-rendered text of the page (main area and sidebar, inside expanders and tabs too)."""
    return list(_walk(at._tree))


def element_types(at: AppTest) -> set[str]:
    """The types of all elements and blocks on the page."""
    types: set[str] = set()
    stack = [at._tree]
    while stack:
        node = stack.pop()
        types.add(str(getattr(node, "type", "")))
        stack.extend(getattr(node, "children", {}).values())
    return types


def _walk(node: object) -> Iterator[Shown]:
    proto = getattr(node, "proto", None)
    kind = str(getattr(node, "type", ""))
    if kind == "html":  # raw HTML, not Markdown: page_problems allows only the app's own stylesheet
        return
    if proto is not None and hasattr(proto, "ListFields"):
        allow_html = bool(getattr(proto, "allow_html", False))
        for field, text in _markdown_fields(proto):
            yield Shown(kind, field, text, allow_html)
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _markdown_fields(message: object) -> Iterator[tuple[str, str]]:
    for descriptor, value in message.ListFields():  # type: ignore[attr-defined]
        if descriptor.message_type is not None:
            values = [value] if hasattr(value, "ListFields") else list(value)
            for item in values:
                yield from _markdown_fields(item)
        elif descriptor.name in MARKDOWN_FIELDS and isinstance(value, str):
            yield descriptor.name, value


class _Rendered(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def rendered_text(source: str) -> str:
    """The plain text a Markdown source shows."""
    parser = _Rendered()
    parser.feed(_MARKDOWN.render(source))
    return "".join(parser.text)


def problems(shown: Shown, snippets: list[str] = HOSTILE) -> list[str]:
    """Why a rendered text is not inert (empty when it is)."""
    if shown.allow_html:
        own = ANCHOR.fullmatch(shown.source.strip()) or OVERLAY.fullmatch(shown.source.strip())
        return [] if own else [f"raw HTML allowed: {shown.source[:80]!r}"]
    parser = _Rendered()
    parser.feed(_MARKDOWN.render(shown.source))
    found = [f"{s!r} in the Markdown unescaped" for s in snippets if s in shown.source]
    for tag, attrs in parser.tags:
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}> rendered")
        if tag == "a" and not attrs.get("href", "").startswith("#"):
            found.append(f"link to {attrs.get('href')!r}")
        found += [f"{tag} has {name}=" for name in attrs if name.startswith("on")]
        found += [f"{tag} {k}={v!r}" for k, v in attrs.items() if "javascript:" in v.replace(" ", "").lower()]
    text = "".join(parser.text)
    found += [f"{s!r} not shown as written" for s in snippets if marker_of(s) in text and s not in text]
    return [f"{shown.element}.{shown.field}: {p}" for p in found]


def page_problems(at: AppTest, snippets: list[str] = HOSTILE) -> list[str]:
    """Every way the page renders outside text as markup; and no raw HTML or iframe elements at all."""
    found = [p for shown in shown_texts(at) for p in problems(shown, snippets)]
    found += [f"{t} element on the page" for t in element_types(at) & {"iframe", "components"}]
    found += [f"html element on the page: {body[:80]!r}" for body in html_bodies(at) if body != stylesheet()]
    return found


def html_bodies(at: AppTest) -> list[str]:
    """The bodies of the page's raw HTML elements (only the app's own stylesheet is allowed)."""
    bodies: list[str] = []
    stack = [at._tree]
    while stack:
        node = stack.pop()
        if str(getattr(node, "type", "")) == "html":
            bodies.append(str(node.proto.body))
        stack.extend(getattr(node, "children", {}).values())
    return bodies


def markers_shown(at: AppTest) -> set[str]:
    """Which hostile markers the page shows anywhere in its Markdown texts (to prove the test saw them)."""
    text = "\n".join(rendered_text(s.source) for s in shown_texts(at))
    return set(MARKER.findall(text))
