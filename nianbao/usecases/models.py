"""Which model drafts and reads figures: the built-in rules, an OpenAI-compatible LLM, or the local model.

What the sidebar shows (model_label, kb_label) and the local model's server (status, start).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from nianbao.localmodel import QWEN_CODER_1_5B, LocalModelError, ServerState, install_problem, local_server
from nianbao.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class LocalModelStatus:
    """The local model as the sidebar shows it: offered (installed), configured (NIANBAO_LLM=local), state, message."""

    offered: bool
    configured: bool
    state: ServerState
    message: str

    @property
    def ready(self) -> bool:
        return self.state is ServerState.READY

    @property
    def failed(self) -> bool:
        return self.state is ServerState.FAILED


class Models:
    """The model choice of one configuration (``settings.llm``) and the local model's server.

    ``open_chat_model`` builds the chat model for the settings (nianbao.usecases.components.chat_model).
    """

    def __init__(self, settings: Settings, open_chat_model: Callable[[Settings], Any]) -> None:
        self.settings = settings
        self._open_chat_model = open_chat_model

    @property
    def uses_llm(self) -> bool:
        """True when drafting and figure reading go to an LLM (else the built-in rules)."""
        return self.settings.uses_llm

    def chat_model(self) -> Any:
        """The chat model (a LangChain BaseChatModel); the local model's server is started first when chosen."""
        return self._open_chat_model(self.settings)

    def model_label(self) -> str:
        """Which drafter is in use, for the sidebar."""
        s = self.settings
        if not s.uses_llm:
            return "内置离线起草（无需 API 密钥）"
        if s.llm == "local":
            return f"本地大模型：{QWEN_CODER_1_5B.alias}（127.0.0.1:{s.local_llm_port}）"
        where = shown_url(s.openai_base_url) if s.openai_base_url else "OpenAI"
        return f"大模型：{s.chat_model}（{where}）"

    def kb_label(self) -> str:
        """Which knowledge base is in use, for the sidebar."""
        s = self.settings
        if s.uses_chroma_server:
            return f"Chroma 服务器：{s.chroma_host}:{s.chroma_port or 8000}"
        return f"本地文件夹：{s.data_dir}"

    def local_model_status(self) -> LocalModelStatus:
        """Whether the local model can be offered, and how its server stands (in Chinese)."""
        s = self.settings
        problem = install_problem(s.data_dir)
        server = local_server(s)
        if problem is not None:
            message = (
                f"本地大模型未安装（{problem}）。在项目目录运行 make local-llm（约 1.1 GB，数分钟）后重启本应用，"
                "即可在此选用在本机离线运行的大模型。"
            )
        else:
            message = _state_message(s, server.state, server.error)
        return LocalModelStatus(problem is None, s.llm == "local", server.state, message)

    def ensure_local_model(self) -> None:
        """The local model's server answers (one already listening is used, else one is started for this process);
        LocalModelError, in Chinese, when it cannot be started."""
        local_server(self.settings).ensure()

    def start_local_model(self, retry: bool = False) -> LocalModelStatus:
        """Start the local model's server for this process unless it answers; the status after."""
        try:
            local_server(self.settings).ensure(retry)
        except LocalModelError as e:
            log.info("local model server not running: %s", e.message)
        return self.local_model_status()


def _state_message(s: Settings, state: ServerState, error: str) -> str:
    where = f"127.0.0.1:{s.local_llm_port}"
    if state is ServerState.READY:
        return f"本地大模型已就绪：{QWEN_CODER_1_5B.alias}，在本机 {where} 运行，文字不发往外部。"
    if state is ServerState.STARTING:
        return f"本地大模型正在启动（{where}），加载模型约需半分钟……"
    if state is ServerState.FAILED:
        return error  # says what failed and where the server's log is
    return f"本地大模型已安装，选用后在本机 {where} 启动。"


def shown_url(url: str) -> str:
    """An endpoint for display: scheme, host, port and path only (a user name, password or query may hold a key)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", f":{parts.port}" if parts.port else ""
    except ValueError:
        return "（已配置的地址）"
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme and host else "（已配置的地址）"
