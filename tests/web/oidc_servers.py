"""OpenID providers on 127.0.0.1 for the single sign-on tests.

`mock_provider()` runs the real `oidc-provider-mock` (a Flask app with an authorisation
form where the subject is typed) and records every token request, so a test can see the
PKCE verifier that was sent. `FakeProvider` is a few lines of our own that can be told to
misbehave the ways the real one will not: sign with the wrong key, name the wrong issuer
or audience, date a token in the past; it insists on PKCE (S256) like a strict provider.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, parse_qsl, quote, urlencode, urlsplit

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class MockProvider:
    issuer: str
    token_requests: list[tuple[dict[str, str], str | None]] = field(default_factory=list)
    """(form fields, Authorization header) of every POST to the token endpoint."""

    def set_claims(self, sub: str, claims: dict[str, Any]) -> None:
        """The claims the provider will put in this subject's ID token."""
        response = httpx.put(f"{self.issuer}/users/{quote(sub, safe='')}", json=claims)
        assert response.status_code == 204, response.text

    def authorize(self, url: str, sub: str) -> str:
        """Submit the provider's form as `sub`; returns where it sends the browser back."""
        response = httpx.post(url, data={"sub": sub}, follow_redirects=False)
        assert response.status_code == 302, response.text
        return response.headers["location"]

    def deny(self, url: str) -> str:
        response = httpx.post(url, data={"action": "deny"}, follow_redirects=False)
        assert response.status_code == 302, response.text
        return response.headers["location"]


@contextmanager
def mock_provider() -> Iterator[MockProvider]:
    """oidc-provider-mock on a free port of 127.0.0.1, in a background thread."""
    import oidc_provider_mock
    import werkzeug.serving

    inner = oidc_provider_mock.app(require_nonce=True)
    recorded: list[tuple[dict[str, str], str | None]] = []

    def recording(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == "/oauth2/token":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            recorded.append((dict(parse_qsl(body.decode())), environ.get("HTTP_AUTHORIZATION")))
            environ["wsgi.input"] = io.BytesIO(body)
        return inner(environ, start_response)

    server = werkzeug.serving.make_server("127.0.0.1", 0, recording, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield MockProvider(f"http://127.0.0.1:{server.server_port}", recorded)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class FakeProvider:
    """A minimal OpenID provider whose ID tokens a test can tamper with."""

    def __init__(self) -> None:
        self.first_key = RSAKey.generate_key(2048, parameters={"kid": "fake-1", "use": "sig"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "fake-1", "use": "sig"})
        self.reset()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake.answer(self, "GET", b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                fake.answer(self, "POST", self.rfile.read(length))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self) -> None:
        """Behave correctly again (each test starts from here)."""
        self.key = self.first_key
        self.claims: dict[str, Any] = {"email": "fay@example.org", "email_verified": True}
        self.overrides: dict[str, Any] = {}
        """Claims replaced in the next ID tokens (`iss`, `aud`, `exp`, ...)."""
        self.sign_with_other_key = False
        self.codes: dict[str, dict[str, str]] = {}
        self.token_requests: list[tuple[dict[str, str], str | None]] = []
        self.jwks_requests: list[float] = []

    def rotate(self) -> None:
        """Publish a new signing key (another kid) and sign with it from now on."""
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(4), "use": "sig"})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, handler: BaseHTTPRequestHandler, method: str, body: bytes) -> None:
        path = urlsplit(handler.path).path
        query = {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}
        if method == "GET" and path == "/.well-known/openid-configuration":
            self._json(handler, 200, self.discovery())
        elif method == "GET" and path == "/jwks":
            self.jwks_requests.append(time.monotonic())
            self._json(handler, 200, KeySet([self.key]).as_dict(private=False))
        elif method == "GET" and path == "/authorize":
            code = secrets.token_urlsafe(16)
            self.codes[code] = query
            back = {"code": code, "state": query.get("state", "")}
            handler.send_response(302)
            handler.send_header("Location", f"{query['redirect_uri']}?{urlencode(back)}")
            handler.end_headers()
        elif method == "POST" and path == "/token":
            form = dict(parse_qsl(body.decode()))
            self.token_requests.append((form, handler.headers.get("Authorization")))
            status, reply = self.token(form)
            self._json(handler, status, reply)
        else:
            self._json(handler, 404, {"error": "not_found"})

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        asked = self.codes.pop(form.get("code", ""), None)
        if asked is None:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        if asked.get("code_challenge_method") != "S256" or s256(verifier) != asked.get(
            "code_challenge"
        ):
            return 400, {"error": "invalid_grant", "error_description": "PKCE check failed"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": asked["client_id"],
            "sub": "fake-subject",
            "nonce": asked.get("nonce"),
            "iat": now,
            "exp": now + 300,
            **self.claims,
            **self.overrides,
        }
        key = self.other_key if self.sign_with_other_key else self.key
        token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, key)
        return 200, {"access_token": "at", "token_type": "Bearer", "id_token": token}

    @staticmethod
    def _json(handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
