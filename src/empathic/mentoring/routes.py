"""Placeholder router; the mentoring pages are added here."""

from __future__ import annotations

from fastapi import APIRouter

from empathic.web.deps import CsrfDep

router = APIRouter(dependencies=[CsrfDep])
