"""The one module that builds the chat model (langchain-openai's ChatOpenAI) and knows OpenAI's errors.

Everything else takes a LangChain chat model as an argument (``BaseChatModel``), so tests can
pass any model; ``chat_model_from_settings`` returns None when no LLM is configured, and the
product then drafts offline.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from langchain_core.language_models.chat_models import BaseChatModel
from pydantic import SecretStr

from nianbao.errors import NianbaoError
from nianbao.localmodel import QWEN_CODER_1_5B
from nianbao.settings import Settings, get_settings

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_MAX_RETRIES = 0  # retries are ours (RetryPolicy): bounded in count and total time, Retry-After capped
T = TypeVar("T")
LOCAL_TIMEOUT_SECONDS = 600.0
LOCAL_START_HINT = (
    "请在侧栏重新选用本地大模型（应用会在本机启动它），或用 NIANBAO_LLM=local make run 启动应用；"
    "尚未安装时先运行 make local-llm。"
)


class LLMError(NianbaoError):
    """The LLM endpoint failed; the message says why in Chinese."""


class StreamCut(Exception):
    """A streamed reply ended without its finish reason: the connection was cut mid-way."""


class ChatModelProvider(Protocol):
    """Anything that can give a chat model (or None when there is none)."""

    def __call__(self) -> BaseChatModel | None: ...


def chat_model_from_settings(
    settings: Settings | None = None,
    *,
    timeout: float | None = None,
    max_retries: int = DEFAULT_MAX_RETRIES,
) -> BaseChatModel | None:
    """ChatOpenAI against the configured OpenAI-compatible endpoint, streaming; None when no LLM is set."""
    settings = settings or get_settings()
    timeout = settings.llm_timeout if timeout is None else timeout
    if not settings.uses_llm:
        return None
    from langchain_openai import ChatOpenAI

    base_url: str | None
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
        # ChatOpenAI sends its max_tokens as max_completion_tokens, which llama-cpp-python's server ignores.
        extra_body={"max_tokens": settings.local_llm_max_tokens} if settings.llm == "local" else None,
        metadata={"prompt_variant": "local", "local_url": base_url} if settings.llm == "local" else None,
    )


def prompt_variant(model: BaseChatModel) -> str | None:
    """Which prompt variant suits the model ("local" for the small local model), from its metadata."""
    variant = (model.metadata or {}).get("prompt_variant")
    return variant if isinstance(variant, str) else None


def local_url(model: BaseChatModel) -> str | None:
    """The local model server's address when the model is the local one (its errors then say how to start it)."""
    url = (model.metadata or {}).get("local_url")
    return url if isinstance(url, str) else None


def reports_finish(model: BaseChatModel) -> bool:
    """True for OpenAI-protocol models: their stream ends with a finish reason, so one without it was cut."""
    return type(model).__module__.startswith("langchain_openai")


@dataclass(frozen=True)
class RetryPolicy:
    """How failed LLM calls are retried: exponential backoff with jitter, bounded in count and total time."""

    retries: int = 3
    backoff: float = 1.0
    backoff_max: float = 10.0
    retry_after_max: float = 30.0
    budget: float = 90.0

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> RetryPolicy:
        s = settings or get_settings()
        return cls(s.llm_retries, s.llm_backoff, s.llm_backoff_max, s.llm_retry_after_max, s.llm_retry_budget)

    def delay(self, error: BaseException, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (0-based): the server's Retry-After, capped, else backoff."""
        asked = retry_after(error)
        if asked is not None:
            return min(max(asked, 0.0), self.retry_after_max)
        return min(self.backoff_max, self.backoff * 2**retry) * random.uniform(0.5, 1.0)


@dataclass
class Retrier:
    """The retries of one call: ``wait_or_raise`` after each failure sleeps, or raises the Chinese LLMError."""

    policy: RetryPolicy
    retries: int = 0
    started: float = field(default_factory=time.monotonic)
    local: str | None = None  # the local model server's address, when the calls go there

    def wait_or_raise(self, error: Exception) -> None:
        if not is_retryable(error) or self.retries >= self.policy.retries:
            raise describe_error(error, self.retries, self.local) from error
        wait = self.policy.delay(error, self.retries)
        if time.monotonic() - self.started + wait > self.policy.budget:
            raise describe_error(error, self.retries, self.local) from error
        self.retries += 1
        logger.warning("LLM call failed (%s); retry %d in %.3f s", type(error).__name__, self.retries, wait)
        time.sleep(wait)


def with_retries(call: Callable[[], T], policy: RetryPolicy | None = None, local: str | None = None) -> T:
    """``call()``, retried on timeouts, broken connections, 429 and 5xx; an LLMError when it keeps failing."""
    retrier = Retrier(policy or RetryPolicy.from_settings(), local=local)
    while True:
        try:
            return call()
        except Exception as e:
            retrier.wait_or_raise(e)


def is_retryable(error: BaseException) -> bool:
    """Timeouts, broken connections and cut streams, 408/409/429 and 5xx; not 400/401/403/404 (retrying won't help)."""
    import openai

    if isinstance(error, (StreamCut, openai.APIConnectionError)):  # APITimeoutError is one of these
        return True
    if isinstance(error, openai.APIStatusError):
        return error.status_code in (408, 409, 429) or error.status_code >= 500
    return _is_transport_error(error)


def retry_after(error: BaseException) -> float | None:
    """The wait a 429/503 answer asks for (Retry-After or retry-after-ms), in seconds; None when not given."""
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for header, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            return float(headers[header]) / divisor
        except (KeyError, TypeError, ValueError):
            continue
    return None


def _is_transport_error(error: BaseException) -> bool:
    """An httpx (or httpx2) transport failure that reached us unwrapped, e.g. while reading a stream."""
    return any(c.__name__ == "TransportError" and c.__module__.startswith("httpx") for c in type(error).__mro__)


def _is_timeout(error: BaseException) -> bool:
    import openai

    names = {c.__name__ for c in type(error).__mro__}
    return isinstance(error, openai.APITimeoutError) or "TimeoutException" in names


def describe_error(error: BaseException, retries: int = 0, local: str | None = None) -> LLMError:
    """An LLM failure as a Chinese message a user can act on (saying how often it was retried).

    ``local``: the local model server's address; its failures say how to start it, not which setting to check.
    """
    import openai

    if isinstance(error, LLMError):
        return error
    tried = f"已重试 {retries} 次仍未成功，" if retries else ""
    if local is not None and (_is_timeout(error) or isinstance(error, openai.APIConnectionError)):
        return LLMError(f"本地大模型服务（{local}）没有响应，{tried}{LOCAL_START_HINT}")
    if local is not None and isinstance(error, openai.NotFoundError):
        return LLMError(f"本地大模型服务（{local}）找不到模型（HTTP 404），{LOCAL_START_HINT}")
    if _is_timeout(error):
        return LLMError(f"大模型服务响应超时，{tried}请稍后重试或检查 OPENAI_BASE_URL。")
    if isinstance(error, StreamCut) or (_is_transport_error(error) and not isinstance(error, openai.APIError)):
        return LLMError(f"大模型服务的回复中途断开（输出不完整），{tried}请稍后重试。")
    if isinstance(error, openai.APIConnectionError):
        return LLMError(f"无法连接大模型服务或连接中途断开，{tried}请检查网络和 OPENAI_BASE_URL 设置。")
    if isinstance(error, openai.AuthenticationError):
        return LLMError("大模型服务拒绝了密钥（HTTP 401），请检查 OPENAI_API_KEY。")
    if isinstance(error, openai.RateLimitError):
        return LLMError(f"大模型服务繁忙或额度不足（HTTP 429），{tried}请稍后重试。")
    if isinstance(error, openai.NotFoundError):
        return LLMError("大模型服务找不到所配置的模型（HTTP 404），请检查 NIANBAO_CHAT_MODEL。")
    if isinstance(error, openai.APIStatusError) and error.status_code >= 500:
        return LLMError(f"大模型服务出错（HTTP {error.status_code}，服务器错误），{tried}请稍后重试。")
    if isinstance(error, openai.APIStatusError):
        return LLMError(f"大模型服务出错（HTTP {error.status_code}），请稍后重试。")
    logger.exception("unexpected LLM failure")
    return LLMError(f"调用大模型时出错：{type(error).__name__}。")
