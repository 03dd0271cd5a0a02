"""Blameless learning reviews: every perspective, blame-language coaching, actions, a library."""
