"""OpenID Connect sign-in: discovery, the authorisation request and checking the answer.

The flow is the authorisation code flow with PKCE (S256). What a sign-in in progress
needs (state, nonce, code verifier, where to go next) lives in `oidc_logins`, keyed by a
hash of the state, so whichever worker receives the provider's answer can finish it.
Nothing here knows the web framework: the routes turn an `SsoError` into the error page.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import delete
from sqlalchemy.orm import Session

from empathic.accounts.models import OidcLogin
from empathic.config import Settings
from empathic.db import utcnow

if TYPE_CHECKING:
    from authlib.integrations.httpx_client import OAuth2Client

TIMEOUT_S = 10.0
"""Seconds to wait for the provider (discovery, keys, code exchange)."""
LOGIN_TTL = timedelta(minutes=10)
"""How long a started sign-in may take at the provider before it must start again."""
CACHE_TTL_S = 3600.0
"""Discovery metadata and signing keys are fetched again after an hour."""
MIN_REFRESH_S = 60.0
"""Signing keys are fetched again on an unknown key, but not more often than this."""
LEEWAY_S = 60
"""Clock difference tolerated between the provider and us for `exp` and `iat`."""
SIGNING_ALGORITHMS = (
    *("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"),
    *("ES256", "ES384", "ES512", "EdDSA"),
)
"""Public-key algorithms only: a shared-secret or `none` token is never accepted."""

Claims: TypeAlias = Mapping[str, object]
"""An ID token's claims: JSON whose values the provider chooses, so each is type-checked
where it is read."""


class SsoError(Exception):
    """A sign-in that cannot finish: `message` is for the person, `reason` for the log."""

    def __init__(self, status: int, message: str, reason: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class Provider:
    """The parts of the provider's discovery document this flow uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    algorithms: tuple[str, ...]


@dataclass(frozen=True)
class Pending:
    """What a started sign-in left for its answer."""

    nonce: str
    code_verifier: str
    next_path: str


def unreachable(settings: Settings) -> SsoError:
    return SsoError(
        502,
        f"{settings.oidc_provider_name} could not be reached or answered in a way we do not "
        "understand. Try again in a minute; if it keeps happening, tell your administrator.",
        "provider_unreachable",
    )


class ProviderCache:
    """The provider's metadata and keys, fetched once per app and refreshed hourly, so a
    sign-in does not cost two extra round trips."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._provider: tuple[float, Provider] | None = None
        self._keys: tuple[float, KeySet] | None = None

    def provider(self, settings: Settings) -> Provider:
        with self._lock:
            cached = self._provider
        if cached is not None and time.monotonic() - cached[0] < CACHE_TTL_S:
            return cached[1]
        found = discover(settings)
        with self._lock:
            self._provider = (time.monotonic(), found)
        return found

    def keys(self, settings: Settings, provider: Provider, *, fresh: bool = False) -> KeySet:
        """The signing keys; `fresh` fetches them again (the provider may have rotated)."""
        with self._lock:
            cached = self._keys
        age = time.monotonic() - cached[0] if cached is not None else CACHE_TTL_S
        # at most one fetch a minute however many bad tokens arrive: no load on the provider
        if cached is not None and (age < MIN_REFRESH_S or (not fresh and age < CACHE_TTL_S)):
            return cached[1]
        keys = _fetch_keys(settings, provider)
        with self._lock:
            self._keys = (time.monotonic(), keys)
        return keys


def _get_json(settings: Settings, url: str) -> dict[str, object]:
    """A JSON object from the provider (a document of its choosing: read with checks)."""
    try:
        response = httpx.get(url, timeout=TIMEOUT_S, headers={"Accept": "application/json"})
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise unreachable(settings) from exc
    if not isinstance(body, dict):
        raise unreachable(settings)
    return body


def discover(settings: Settings) -> Provider:
    """Read the provider's discovery document; its issuer must be the configured one."""
    issuer = (settings.oidc_issuer or "").rstrip("/")
    meta = _get_json(settings, f"{issuer}/.well-known/openid-configuration")
    fields = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    found, authorization, token, jwks = (_text(settings, meta, name) for name in fields)
    if found.rstrip("/") != issuer:
        raise SsoError(
            502,
            f"{settings.oidc_provider_name} is not set up the way this site expects. "
            "Tell your administrator.",
            "discovery_issuer_mismatch",
        )
    offered = meta.get("id_token_signing_alg_values_supported")
    named = offered if isinstance(offered, list) else []
    algorithms = tuple(a for a in named if isinstance(a, str) and a in SIGNING_ALGORITHMS)
    return Provider(found, authorization, token, jwks, algorithms or ("RS256",))


def _text(settings: Settings, meta: Mapping[str, object], name: str) -> str:
    """A discovery field that must be a non-empty string (else the provider is unusable)."""
    value = meta.get(name)
    if not isinstance(value, str) or not value:
        raise unreachable(settings)
    return value


def _fetch_keys(settings: Settings, provider: Provider) -> KeySet:
    found: Any = _get_json(settings, provider.jwks_uri)
    try:
        return KeySet.import_key_set(found)
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise unreachable(settings) from exc


def _client(settings: Settings, redirect_uri: str) -> OAuth2Client:
    """authlib's client, imported here: only a site with single sign-on needs it (and its
    import prints a deprecation warning at every start)."""
    from authlib.integrations.httpx_client import OAuth2Client

    secret = settings.oidc_client_secret
    return OAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=secret,
        token_endpoint_auth_method="client_secret_basic" if secret else "none",
        scope=settings.oidc_scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=TIMEOUT_S,
    )


def state_hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def start(
    db: Session, settings: Settings, provider: Provider, redirect_uri: str, next_path: str
) -> tuple[str, str]:
    """Record a new sign-in and return (the provider's authorisation URL, the state)."""
    now = utcnow()
    db.execute(delete(OidcLogin).where(OidcLogin.expires_at < now))
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    verifier += secrets.token_urlsafe(32)  # 86 characters: RFC 7636 asks for 43 to 128
    db.add(
        OidcLogin(
            state_hash=state_hash(state),
            nonce=nonce,
            code_verifier=verifier,
            next_path=next_path,
            expires_at=now + LOGIN_TTL,
        )
    )
    with _client(settings, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            provider.authorization_endpoint, state=state, code_verifier=verifier, nonce=nonce
        )
    return str(url), state


def consume(db: Session, state: str) -> Pending:
    """The sign-in this state belongs to, deleted in the same statement so its answer can
    be used once only, even when two requests bring it at the same moment."""
    row = db.execute(
        delete(OidcLogin)
        .where(OidcLogin.state_hash == state_hash(state))
        .returning(
            OidcLogin.nonce, OidcLogin.code_verifier, OidcLogin.next_path, OidcLogin.expires_at
        )
    ).one_or_none()
    if row is None or row.expires_at <= utcnow():
        raise SsoError(
            400,
            "This sign-in link has expired or was already used. Start the sign-in again.",
            "unknown_state",
        )
    return Pending(row.nonce, row.code_verifier, row.next_path)


def exchange(
    settings: Settings, provider: Provider, login: Pending, code: str, redirect_uri: str
) -> str:
    """Trade the authorisation code (and the PKCE verifier) for the ID token."""
    from authlib.integrations.base_client.errors import OAuthError

    try:
        with _client(settings, redirect_uri) as client:
            token = client.fetch_token(
                provider.token_endpoint,
                grant_type="authorization_code",
                code=code,
                code_verifier=login.code_verifier,
            )
    except OAuthError as exc:
        raise SsoError(
            400,
            f"{settings.oidc_provider_name} would not complete the sign-in. "
            "Start the sign-in again.",
            "code_refused",
        ) from exc
    except (httpx.HTTPError, ValueError) as exc:
        raise unreachable(settings) from exc
    id_token = token.get("id_token") if isinstance(token, dict) else None
    if not isinstance(id_token, str):
        raise unreachable(settings)
    return id_token


def check_id_token(
    settings: Settings, cache: ProviderCache, provider: Provider, id_token: str, nonce: str
) -> Claims:
    """The ID token's claims once its signature, issuer, audience, nonce and times hold."""
    claims = _signed_claims(settings, cache, provider, id_token)
    client_id = settings.oidc_client_id
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience
    if claims.get("iss") != provider.issuer:
        raise _refused(
            "This sign-in came from a different sign-in service than the one this site trusts.",
            "wrong_issuer",
        )
    if not isinstance(audiences, list) or client_id not in audiences:
        raise _refused("This sign-in was issued for a different application.", "wrong_audience")
    if len(audiences) > 1 and claims.get("azp", client_id) != client_id:
        raise _refused("This sign-in was issued for a different application.", "wrong_azp")
    sent = claims.get("nonce")
    if not isinstance(sent, str) or not secrets.compare_digest(sent, nonce):
        raise _refused(
            "This sign-in answer does not belong to the sign-in you started. "
            "Start the sign-in again.",
            "wrong_nonce",
        )
    now = time.time()
    expires, issued = claims.get("exp"), claims.get("iat")
    if not _number(expires) or expires + LEEWAY_S < now:
        raise _refused("This sign-in answer has expired. Start the sign-in again.", "expired")
    if not _number(issued) or issued - LEEWAY_S > now:
        raise _refused("This sign-in answer is dated in the future.", "issued_in_future")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not 0 < len(subject) <= 255:
        raise _refused("This sign-in answer does not say who you are.", "no_subject")
    return claims


def _signed_claims(
    settings: Settings, cache: ProviderCache, provider: Provider, id_token: str
) -> dict[str, object]:
    """Verify the signature; on an unknown key fetch the key set once more (rotation)."""
    for fresh in (False, True):
        keys = cache.keys(settings, provider, fresh=fresh)
        try:
            return dict(jwt.decode(id_token, keys, algorithms=list(provider.algorithms)).claims)
        except (JoseError, ValueError, KeyError, TypeError):
            continue
    raise _refused(
        "This sign-in answer could not be verified as coming from your sign-in service.",
        "bad_signature",
    )


def _number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _refused(message: str, reason: str) -> SsoError:
    return SsoError(403, message, reason)
