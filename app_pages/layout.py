"""The page's frame for an office laptop (1366×768 leaves about 1366×625 of page): narrow margins and sidebar,
the chat pinned beside the tables, Streamlit's own English replaced by Chinese.

Streamlit draws some of its widgets' words itself (the file uploader's "Upload" and "20MB per file", "Running...",
"Press Enter to apply", the menus); they have no parameter, so CSS hides them, writing Chinese in their place
where they say something a clerk needs.
"""

from __future__ import annotations

import streamlit as st

SIDEBAR_WIDTH = 220  # px: the page chooser, the drafts list and their buttons fit; the rest goes to the work
HEADER_HEIGHT = 48  # px: Streamlit's top bar (its menu and the sidebar's opener)
# The chat takes what the tables (about 700 px for 依申请公开) leave: 300 px at 1280, 366 at 1366, 520 at most.
CHAT_WIDTH = "clamp(300px, calc(100vw - 1000px), 520px)"
CHAT_PANE = "chat-pane"
CHAT_HISTORY = "chat-history"
# The history fills the window but for the input (and the 应用/撤销 buttons under it) and the top bar.
CHAT_HISTORY_HEIGHT = f"max(160px, calc(100vh - {HEADER_HEIGHT + 170}px))"

_CSS = f"""
<style>
section[data-testid="stSidebar"] {{ width: {SIDEBAR_WIDTH}px !important; min-width: {SIDEBAR_WIDTH}px !important; }}
section[data-testid="stSidebar"] [data-testid="stSidebarContent"] {{ padding: 0 !important; }}
section[data-testid="stSidebar"] [data-testid="stSidebarUserContent"] {{
    padding: 0 0.75rem 2rem !important; margin: 0 !important;
}}
section[data-testid="stSidebar"] [data-testid="stSidebarHeader"] {{ height: 2.5rem; padding: 0.5rem 1rem; }}
section[data-testid="stSidebar"] h1 {{ font-size: 1.4rem; padding: 0.25rem 0; }}
header[data-testid="stHeader"] {{ height: {HEADER_HEIGHT}px; background: transparent; }}
.block-container, [data-testid="stMainBlockContainer"] {{
    padding: {HEADER_HEIGHT - 8}px 1rem 1rem 1rem !important; max-width: none !important;
}}
h1 {{ font-size: 1.5rem !important; padding: 0 0 0.25rem !important; }}
h2 {{ font-size: 1.2rem !important; padding: 0.25rem 0 !important; }}
h3 {{ font-size: 1.05rem !important; padding: 0.25rem 0 !important; }}
[data-testid="stColumn"]:has(.st-key-{CHAT_PANE}) {{
    position: sticky; top: {HEADER_HEIGHT}px; align-self: flex-start; z-index: 2;
    flex: 0 0 {CHAT_WIDTH} !important; width: {CHAT_WIDTH} !important; min-width: 0;
}}
[data-testid="stColumn"]:has(.st-key-{CHAT_PANE}) + [data-testid="stColumn"] {{
    flex: 1 1 0 !important; width: auto !important; min-width: 0;
}}
[data-testid="stLayoutWrapper"]:has(> .st-key-{CHAT_HISTORY}), .st-key-{CHAT_HISTORY} {{
    height: {CHAT_HISTORY_HEIGHT} !important; flex: 0 0 {CHAT_HISTORY_HEIGHT} !important;
}}
[data-testid="stFileUploaderDropzoneInstructions"] > * {{ display: none !important; }}
[data-testid="stFileUploaderDropzoneInstructions"]::after {{
    content: "拖入文件或点击“选择文件”，每个文件不超过 {{max_mb}}MB"; font-size: 0.85rem; opacity: 0.7;
}}
[data-testid="stFileUploaderDropzone"] button > * {{ display: none !important; }}
[data-testid="stFileUploaderDropzone"] button::after {{ content: "选择文件"; }}
[data-testid="stMainMenu"], [data-testid="stStatusWidget"], [data-testid="stAppDeployButton"],
[data-testid="stElementToolbar"], [data-testid="InputInstructions"] {{ display: none !important; }}
.cell-mark {{ position: absolute; box-sizing: border-box; pointer-events: none; z-index: 3; }}
.cell-mark.error {{ border: 2px solid #c0392b; }}
.cell-mark.warning {{ border: 2px dashed #b7791f; }}
.cell-mark {{ scroll-margin-top: 40vh; scroll-margin-bottom: 30vh; }}
.cell-mark:target {{
    outline: 4px solid #1c62d6; outline-offset: 1px; background: rgba(28, 98, 214, 0.18);
    animation: cell-flash 1.2s ease-in-out 3;
}}
@keyframes cell-flash {{ 50% {{ background: rgba(28, 98, 214, 0.45); }} }}
.row-label {{ position: absolute; z-index: 3; cursor: help; }}
.grid-overlay {{ position: relative; height: 0; }}
</style>
"""


def stylesheet() -> str:
    """The page's one stylesheet: constant but for the upload limit it states (no outside text in it)."""
    return _CSS.replace("{max_mb}", str(int(st.get_option("server.maxUploadSize")))).strip()


def apply() -> None:
    """The CSS of every page (drawn once per run, it takes no room)."""
    st.html(stylesheet())
