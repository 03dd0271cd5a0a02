"""Browser steps shared by the end-to-end tests."""

from __future__ import annotations

import secrets
from typing import Any


def sign_up(page: Any, name: str = "Eve Tester") -> str:
    email = f"e2e-{secrets.token_hex(4)}@example.org"
    page.goto("/signup")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/")
    return email
