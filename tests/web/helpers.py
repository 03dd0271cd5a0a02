"""Helpers for web tests: read a page's CSRF token, sign people up, post forms as them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from empathic.web.local import csrf_token_in

PASSWORD = "correct horse battery"


def csrf(client: TestClient, path: str = "/") -> str:
    """The CSRF token a page of this browser carries (as a real form would send it)."""
    return csrf_token_in(client.get(path).text)


@dataclass
class Person:
    client: TestClient
    email: str
    name: str

    def post(self, path: str, data: dict[str, str] | None = None, **kwargs: Any) -> Any:
        token = csrf(self.client)
        return self.client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)


def sign_up(client: TestClient, name: str, email: str | None = None) -> Person:
    email = email or f"{name.lower().replace(' ', '.')}@example.org"
    token = csrf(client, "/signup")
    response = client.post(
        "/signup",
        data={"name": name, "email": email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return Person(client, email, name)
