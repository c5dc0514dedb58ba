"""The one module that builds the chat model (langchain-openai's ChatOpenAI) and knows OpenAI's errors.

Everything else takes a LangChain chat model as an argument (``BaseChatModel``), so tests can
pass any model; ``chat_model_from_settings`` returns None when no LLM is configured, and the
product then drafts offline.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from langchain_core.language_models.chat_models import BaseChatModel
from pydantic import SecretStr

from nianbao.errors import NianbaoError
from nianbao.localmodel import QWEN_CODER_1_5B
from nianbao.settings import Settings

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_MAX_RETRIES = 0  # retries are tenacity's (``retried``): bounded in count and total time, Retry-After capped
T = TypeVar("T")
LOCAL_TIMEOUT_SECONDS = 600.0
LOCAL_START_HINT = (
    "请在侧栏重新选用本地大模型（应用会在本机启动它），或用 NIANBAO_LLM=local make run 启动应用；"
    "尚未安装时先运行 make local-llm。"
)


class LLMError(NianbaoError):
    """The LLM endpoint failed; the message says why in Chinese."""


class LLMDeadline(LLMError):
    """A part or a draft took longer than its time limit: stopped, not retried."""


class ReplyTooLong(LLMError):
    """A reply ran past the cap on characters per part: stopped, not retried (an endpoint flooding us)."""


class NotAStream(Exception):
    """A streamed request answered 200 with something other than server-sent events (JSON, an HTML page)."""

    def __init__(self, content_type: str, head: bytes) -> None:
        super().__init__(f"not an event stream: {content_type!r} {head[:80]!r}")
        self.content_type, self.head = content_type, head

    def what(self) -> str:
        kind, head = self.content_type.lower(), self.head.lstrip()[:1]
        if "html" in kind or head == b"<":
            return "一个网页（HTML）"
        if "json" in kind or head in (b"{", b"["):
            return "一段普通 JSON（不是流式数据）"
        return f"无法识别的内容（{self.content_type or '未注明类型'}）"


class StreamCut(Exception):
    """A streamed reply ended without its finish reason: the connection was cut mid-way."""


class ChatModelProvider(Protocol):
    """Anything that can give a chat model (or None when there is none)."""

    def __call__(self) -> BaseChatModel | None: ...


def chat_model_from_settings(
    settings: Settings,
    *,
    timeout: float | None = None,
    max_retries: int = DEFAULT_MAX_RETRIES,
) -> BaseChatModel | None:
    """ChatOpenAI against the configured OpenAI-compatible endpoint, streaming; None when no LLM is set."""
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
    import openai

    return ChatOpenAI(
        http_client=openai.DefaultHttpxClient(event_hooks={"response": [check_stream_answer]}),
        model=model,
        api_key=SecretStr(key or "not-needed"),  # local OpenAI-compatible servers accept any key
        base_url=base_url,
        streaming=True,
        timeout=timeout,
        max_retries=max_retries,
        temperature=0.3,
        # ChatOpenAI sends its max_tokens as max_completion_tokens, which llama-cpp-python's server and many
        # OpenAI-compatible services ignore: max_tokens itself is what every one of them reads.
        extra_body={
            "max_tokens": settings.local_llm_max_tokens if settings.llm == "local" else settings.llm_max_tokens
        },
        metadata={"prompt_variant": "local", "local_url": base_url} if settings.llm == "local" else None,
    )


def check_stream_answer(response: Any) -> None:
    """httpx hook: a streamed request must be answered with server-sent events; anything else is NotAStream
    (the SDK would find no event in it, and LangChain say only "No generation chunks were returned")."""
    kind = response.headers.get("content-type", "")
    if response.status_code != 200 or not _asks_to_stream(response.request) or "text/event-stream" in kind:
        return
    head = next(response.iter_raw(1024), b"")
    raise NotAStream(kind, head)


def _asks_to_stream(request: Any) -> bool:
    import httpx

    try:
        body = bytes(request.content)
    except httpx.RequestNotRead:  # a body sent as a stream (an upload): not a chat request
        return False
    return b'"stream":true' in body.replace(b" ", b"")


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
    def from_settings(cls, s: Settings) -> RetryPolicy:
        return cls(s.llm_retries, s.llm_backoff, s.llm_backoff_max, s.llm_retry_after_max, s.llm_retry_budget)

    def delay(self, error: BaseException | None, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (0-based): the server's Retry-After, capped, else backoff."""
        asked = retry_after(error) if error is not None else None
        if asked is not None:
            return min(max(asked, 0.0), self.retry_after_max)
        return min(self.backoff_max, self.backoff * 2**retry) * random.uniform(0.5, 1.0)


class Deadline:
    """The time a part or a whole draft may take (NIANBAO_LLM_PART_SECONDS, NIANBAO_LLM_DRAFT_SECONDS)."""

    def __init__(self, seconds: float, what: str, setting: str) -> None:
        self.seconds, self.what, self.setting = seconds, what, setting
        self.until = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.until - time.monotonic()

    def check(self) -> None:
        if self.remaining() <= 0:
            raise self.error()

    def error(self) -> LLMDeadline:
        return LLMDeadline(f"大模型{self.what}超过了 {self.seconds:g} 秒的时间上限（{self.setting}），已停止。")

    @staticmethod
    def sooner(*deadlines: Deadline | None) -> Deadline | None:
        given = [d for d in deadlines if d is not None]
        return min(given, key=lambda d: d.until) if given else None


LOCAL_DRAFT_SECONDS = 3600.0  # two CPU cores: a part of the local model takes many minutes


@dataclass(frozen=True)
class ReplyLimits:
    """What one part's reply may take: characters accumulated, and time (per part and per whole draft)."""

    max_chars: int = 8000
    part_seconds: float = 120.0
    draft_seconds: float = 180.0

    @classmethod
    def default(cls, local: bool = False) -> ReplyLimits:
        """The settings' defaults, for a caller given none (the local model: NIANBAO_LOCAL_LLM_DRAFT_SECONDS's)."""
        return cls(part_seconds=LOCAL_DRAFT_SECONDS, draft_seconds=LOCAL_DRAFT_SECONDS) if local else cls()

    @classmethod
    def from_settings(cls, s: Settings, local: bool = False) -> ReplyLimits:
        if local:  # two CPU cores: a part of the local model takes many minutes
            return cls(s.llm_part_chars, s.local_llm_draft_seconds, s.local_llm_draft_seconds)
        return cls(s.llm_part_chars, s.llm_part_seconds, s.llm_draft_seconds)


def retried(
    policy: RetryPolicy,
    local: str | None = None,
    deadline: Deadline | None = None,
    keep: tuple[type[BaseException], ...] = (),
) -> Iterator[Any]:
    """tenacity's attempts at a call (``for attempt in retried(…): with attempt: …``): timeouts, broken
    connections, 429 and 5xx are retried with backoff, within ``policy`` and before ``deadline``.

    When the attempts run out, the last error is raised as a Chinese LLMError saying how often it was retried
    (or the deadline's, once passed); errors of the ``keep`` types are raised as they are.
    """
    from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_before_delay
    from tenacity.stop import stop_base

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        return policy.delay(error, state.attempt_number - 1)

    class past_deadline(stop_base):
        def __call__(self, state: RetryCallState) -> bool:
            return deadline is not None and deadline.remaining() - (state.upcoming_sleep or 0.0) <= 0

    def log_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        logger.warning(
            "LLM call failed (%s); retry %d in %.3f s", type(error).__name__, state.attempt_number, state.upcoming_sleep
        )

    retrying = Retrying(
        stop=stop_after_attempt(policy.retries + 1) | stop_before_delay(policy.budget) | past_deadline(),
        wait=wait,
        retry=retry_if_exception(is_retryable),
        before_sleep=log_retry,
        reraise=True,
    )
    try:
        yield from retrying
    except keep:
        raise
    except Exception as e:
        if deadline is not None and deadline.remaining() <= 0 and not isinstance(e, LLMError):
            raise deadline.error() from e
        raise describe_error(e, retrying.statistics.get("attempt_number", 1) - 1, local) from e


def with_retries(call: Callable[[], T], policy: RetryPolicy | None = None, local: str | None = None) -> T:
    """``call()``, retried on timeouts, broken connections, 429 and 5xx; an LLMError when it keeps failing."""
    for attempt in retried(policy or RetryPolicy(), local):
        with attempt:
            return call()
    raise AssertionError("unreachable: tenacity returns or raises")


def is_retryable(error: BaseException) -> bool:
    """Timeouts, broken connections and cut streams, 408/409/429 and 5xx; not 400/401/403/404 (retrying won't help)."""
    import openai

    if _cause(error, NotAStream) is not None:  # the endpoint answers so every time
        return False
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
    not_a_stream = _cause(error, NotAStream)
    if not_a_stream is not None:
        return LLMError(
            f"大模型服务没有按流式（SSE）回复，而是返回了{not_a_stream.what()}，"
            "请检查 OPENAI_BASE_URL 是否指向 OpenAI 兼容的接口（通常以 /v1 结尾）。"
        )
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
    if isinstance(error, ValueError) and "No generation chunks" in str(error):
        return LLMError("大模型服务的回复是空的（没有任何内容），请稍后重试或检查 OPENAI_BASE_URL。")
    logger.warning("unexpected LLM failure: %r", error)
    logger.debug("unexpected LLM failure", exc_info=error)
    return LLMError(f"调用大模型时出错：{type(error).__name__}。")


E = TypeVar("E", bound=BaseException)


def _cause(error: BaseException | None, kind: type[E]) -> E | None:
    """``error`` or the first error in its chain of causes of this kind (the SDK wraps a hook's error)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, kind):
            return error
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None
