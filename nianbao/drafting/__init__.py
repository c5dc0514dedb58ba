"""Drafting a report: sources, the offline drafter and the number verification (no LLM here)."""
