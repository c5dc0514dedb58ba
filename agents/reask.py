"""One re-ask loop for every LLM answer that must pass a pydantic validator.

The answer is validated; when validation fails, the error goes back to the model with the answer it
judged, and the model tries again, at most ``max_retries`` times (the pattern of pydantic-ai's output
validators and ModelRetry). A retry that fails at the transport keeps the answer before it. Used by
drafting (a part validated against the report) and by reading figures out of a chat message.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Generic, TypeVar

from langchain_core.messages import BaseMessage
from pydantic import ValidationError

from agents.llm import LLMError

Chunk = TypeVar("Chunk")
Reply = TypeVar("Reply")
Valid = TypeVar("Valid")

Answer = Callable[[list[BaseMessage]], Generator[Chunk, None, Reply]]


@dataclass
class Outcome(Generic[Reply, Valid]):
    """How the asking ended: the last reply, its validated value (None if it never passed), the last rejection."""

    reply: Reply
    value: Valid | None
    error: Exception | None = None
    retries: int = 0
    failed_retry: LLMError | None = None  # a retry that failed at the transport: ``reply`` is the one before it


def ask_until_valid(
    messages: list[BaseMessage],
    answer: Answer[Chunk, Reply],
    validate: Callable[[Reply], Valid],
    again: Callable[[Reply, Exception], list[BaseMessage]],
    max_retries: int,
    rejections: tuple[type[Exception], ...] = (ValidationError,),
) -> Generator[Chunk, None, Outcome[Reply, Valid]]:
    """Ask, validate, and re-ask with the rejection (``again`` builds the messages) until valid or out of retries.

    The first answer's errors propagate; a retry's LLMError ends the loop with the answer before it.
    """
    reply = yield from answer(messages)
    retries = 0
    while True:
        try:
            return Outcome(reply, validate(reply), None, retries)
        except rejections as e:
            error: Exception = e
        if retries == max_retries:
            return Outcome(reply, None, error, retries)
        retries += 1
        try:
            reply = yield from answer(again(reply, error))
        except LLMError as e:
            return Outcome(reply, None, error, retries, e)


def answered(value: Reply) -> Generator[Chunk, None, Reply]:
    """A non-streamed answer as the loop takes it (nothing to show on the way)."""
    yield from ()
    return value


def run_to_end(loop: Generator[None, None, Reply]) -> Reply:
    """The result of a loop whose answers are not streamed."""
    while True:
        try:
            next(loop)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
