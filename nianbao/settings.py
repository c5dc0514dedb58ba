"""One validated Settings object; nothing else in the product reads os.environ.

The shells (app.py through nianbao.usecases.container, the ``nianbao`` command) read it; every layer below is
given the settings, or the values it needs, by its caller (tests/test_import_graph.py checks it)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from nianbao.readers import DEFAULT_LIMITS, MB, ReadLimits


class Settings(BaseSettings):
    """Settings from the environment and .env (see .env.example)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    openai_api_key: SecretStr | None = Field(default=None, alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    chat_model: str = Field(default="gpt-4o-mini", alias="NIANBAO_CHAT_MODEL")
    # Where the bodies using this installation are (江苏省, 江苏省宿迁市): a body without past reports borrows
    # the structure of a report of its own province first. What a clerk says in the chat comes first.
    place: str = Field(default="", alias="NIANBAO_PLACE")
    llm: Literal["auto", "offline", "openai", "local"] = Field(default="auto", alias="NIANBAO_LLM")
    # NIANBAO_LLM=local: llama-cpp-python's server on 127.0.0.1 (make local-llm, then make run)
    local_llm_port: int = Field(default=8766, alias="NIANBAO_LOCAL_LLM_PORT")
    local_llm_context: int = Field(default=8192, alias="NIANBAO_LOCAL_LLM_CONTEXT")
    local_llm_threads: int = Field(default=2, alias="NIANBAO_LOCAL_LLM_THREADS")
    # A reply of the small local model is capped (and not continued): a runaway one ran 1,794 tokens at 3/s.
    local_llm_max_tokens: int = Field(default=1536, alias="NIANBAO_LOCAL_LLM_MAX_TOKENS")
    # LLM faults (agents.llm.RetryPolicy): timeouts, dropped connections, 429 and 5xx are retried with
    # exponential backoff and jitter, a bounded number of times within a bounded total time.
    llm_timeout: float = Field(default=60.0, gt=0, alias="NIANBAO_LLM_TIMEOUT")
    llm_retries: int = Field(default=3, ge=0, alias="NIANBAO_LLM_RETRIES")
    llm_backoff: float = Field(default=1.0, ge=0, alias="NIANBAO_LLM_BACKOFF")
    llm_backoff_max: float = Field(default=10.0, ge=0, alias="NIANBAO_LLM_BACKOFF_MAX")
    llm_retry_after_max: float = Field(default=30.0, ge=0, alias="NIANBAO_LLM_RETRY_AFTER_MAX")
    llm_retry_budget: float = Field(default=90.0, ge=0, alias="NIANBAO_LLM_RETRY_BUDGET")
    # What one reply may take (agents.llm.ReplyLimits): tokens asked for, characters accumulated per part,
    # and time per part and per whole draft; past them the offline draft's part stands, with a note.
    llm_max_tokens: int = Field(default=2048, gt=0, alias="NIANBAO_LLM_MAX_TOKENS")
    llm_part_chars: int = Field(default=8000, gt=0, alias="NIANBAO_LLM_PART_CHARS")
    llm_part_seconds: float = Field(default=120.0, gt=0, alias="NIANBAO_LLM_PART_SECONDS")
    llm_draft_seconds: float = Field(default=180.0, gt=0, alias="NIANBAO_LLM_DRAFT_SECONDS")
    local_llm_draft_seconds: float = Field(default=3600.0, gt=0, alias="NIANBAO_LOCAL_LLM_DRAFT_SECONDS")

    embeddings: Literal["local", "openai"] = Field(default="local", alias="NIANBAO_EMBEDDINGS")
    embedding_model: str = Field(default="text-embedding-3-small", alias="NIANBAO_EMBEDDING_MODEL")

    data_dir: Path = Field(default=Path("data"), alias="NIANBAO_DATA_DIR")
    chroma_host: str | None = Field(default=None, alias="CHROMA_HOST")
    chroma_port: int | None = Field(default=None, alias="CHROMA_PORT")

    admin_password: SecretStr | None = Field(default=None, alias="NIANBAO_ADMIN_PASSWORD")
    max_file_mb: int = Field(default=DEFAULT_LIMITS.max_bytes // MB, alias="NIANBAO_MAX_FILE_MB")
    # A file whose reading takes longer is stopped (nianbao.readers.guard): its worker process is killed.
    read_timeout: float = Field(default=DEFAULT_LIMITS.timeout, gt=0, alias="NIANBAO_READ_TIMEOUT")
    # The memory a read's worker process may take beyond its start (MB; 0: no ceiling): past it, the read stops.
    read_memory_mb: int = Field(default=DEFAULT_LIMITS.memory_mb, ge=0, alias="NIANBAO_READ_MEMORY_MB")

    @property
    def uses_llm(self) -> bool:
        """True when a real LLM endpoint is configured and not switched off."""
        if self.llm == "offline":
            return False
        if self.llm == "local":
            return True
        key = self.openai_api_key.get_secret_value() if self.openai_api_key else ""
        return bool(key or self.openai_base_url)

    @property
    def local_llm_base_url(self) -> str:
        """The OpenAI-compatible endpoint of the local model's server (loopback only)."""
        return f"http://127.0.0.1:{self.local_llm_port}/v1"

    @property
    def read_limits(self) -> ReadLimits:
        """The limits of reading one file users hand us, for the readers and their guard."""
        return ReadLimits(self.max_file_mb * MB, self.read_timeout, self.read_memory_mb)

    @property
    def uses_chroma_server(self) -> bool:
        return bool(self.chroma_host)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (read once)."""
    return Settings()
