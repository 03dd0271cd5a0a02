"""Insights: analyse a transcript, my growth, the facilitator's views and how the AI works."""
