"""The one module that builds the chat model (langchain-openai's ChatOpenAI) and knows OpenAI's errors.

Everything else takes a LangChain chat model as an argument (``BaseChatModel``), so tests can
pass any model; ``chat_model_from_settings`` returns None when no LLM is configured, and the
product then drafts offline.
"""

from __future__ import annotations

import logging
from typing import Protocol

from langchain_core.language_models.chat_models import BaseChatModel
from pydantic import SecretStr

from nianbao.errors import NianbaoError
from nianbao.localmodel import QWEN_CODER_1_5B
from nianbao.settings import Settings, get_settings

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_MAX_RETRIES = 2
LOCAL_TIMEOUT_SECONDS = 600.0


class LLMError(NianbaoError):
    """The LLM endpoint failed; the message says why in Chinese."""


class ChatModelProvider(Protocol):
    """Anything that can give a chat model (or None when there is none)."""

    def __call__(self) -> BaseChatModel | None: ...


def chat_model_from_settings(
    settings: Settings | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    max_retries: int = DEFAULT_MAX_RETRIES,
) -> BaseChatModel | None:
    """ChatOpenAI against the configured OpenAI-compatible endpoint, streaming; None when no LLM is set."""
    settings = settings or get_settings()
    if not settings.uses_llm:
        return None
    from langchain_openai import ChatOpenAI

    if settings.llm == "local":  # llama-cpp-python's server on 127.0.0.1 (nianbao.localmodel)
        model, key, base_url = QWEN_CODER_1_5B.alias, "", settings.local_llm_base_url
        timeout = max(timeout, LOCAL_TIMEOUT_SECONDS)  # two CPU cores read a long prompt slowly
    else:
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
        model, base_url = settings.chat_model, settings.openai_base_url or None
    return ChatOpenAI(
        model=model,
        api_key=SecretStr(key or "not-needed"),  # local OpenAI-compatible servers accept any key
        base_url=base_url,
        streaming=True,
        timeout=timeout,
        max_retries=max_retries,
        temperature=0.3,
        metadata={"prompt_variant": "local"} if settings.llm == "local" else None,
    )


def prompt_variant(model: BaseChatModel) -> str | None:
    """Which prompt variant suits the model ("local" for the small local model), from its metadata."""
    variant = (model.metadata or {}).get("prompt_variant")
    return variant if isinstance(variant, str) else None


def describe_error(error: BaseException) -> LLMError:
    """An LLM failure as a Chinese message a user can act on."""
    import openai

    if isinstance(error, LLMError):
        return error
    if isinstance(error, openai.APITimeoutError):
        return LLMError("大模型服务响应超时，请稍后重试或检查 OPENAI_BASE_URL。")
    if isinstance(error, openai.APIConnectionError):
        return LLMError("无法连接大模型服务，请检查网络和 OPENAI_BASE_URL 设置。")
    if isinstance(error, openai.AuthenticationError):
        return LLMError("大模型服务拒绝了密钥（HTTP 401），请检查 OPENAI_API_KEY。")
    if isinstance(error, openai.RateLimitError):
        return LLMError("大模型服务繁忙或额度不足（HTTP 429），请稍后重试。")
    if isinstance(error, openai.NotFoundError):
        return LLMError("大模型服务找不到所配置的模型（HTTP 404），请检查 NIANBAO_CHAT_MODEL。")
    if isinstance(error, openai.APIStatusError):
        return LLMError(f"大模型服务出错（HTTP {error.status_code}），请稍后重试。")
    logger.exception("unexpected LLM failure")
    return LLMError(f"调用大模型时出错：{type(error).__name__}。")
