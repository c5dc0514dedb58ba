"""Saved drafts as the shells use them: the draft store of a data folder, a draft's record and its chat."""

from __future__ import annotations

from nianbao.drafts import ChatMessage, DraftStore, StoredDraft, is_user_key, new_user_key
from nianbao.settings import Settings
from nianbao.usecases import components

__all__ = ["ChatMessage", "DraftStore", "StoredDraft", "draft_store", "is_user_key", "new_user_key"]


def draft_store(settings: Settings) -> DraftStore:
    """The draft store of the configured data folder (opened once per folder)."""
    return components.draft_store(settings)
