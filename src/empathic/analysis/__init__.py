"""Conversation analysis: coding, session metrics, feedback and model packs (no web, no SQL)."""
