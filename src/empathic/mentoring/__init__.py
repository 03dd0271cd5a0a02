"""Mentoring companion: AI flags the data, the mentor brings the story."""
