"""ASGI entry point for servers that start workers themselves (uvicorn --factory, gunicorn)."""

from __future__ import annotations

from fastapi import FastAPI

from empathic.config import Settings
from empathic.web.app import create_app


def app_from_env() -> FastAPI:
    """Settings from EMPATHIC_* variables; the parent process has already migrated."""
    return create_app(Settings(), run_migrations=False)
