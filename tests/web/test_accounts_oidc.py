"""Single sign-on with OpenID Connect, against a real provider on 127.0.0.1.

The browser is the TestClient; the provider is `oidc-provider-mock` (its authorisation
form is posted as a person would) or, for answers a real provider never gives (wrong
issuer, audience, key), our own `FakeProvider`. Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from tests.web.helpers import PASSWORD, csrf
from tests.web.oidc_servers import FakeProvider, MockProvider, mock_provider, s256

from empathic.accounts import oidc
from empathic.accounts.models import AuthSession, Identity, OidcLogin, Team, User
from empathic.accounts.provisioning import email_verified, role_from_claims, team_from_claims
from empathic.config import Settings
from empathic.web.app import create_app
from empathic.web.deps import SESSION_COOKIE
from empathic.web.local import free_port

CLIENT_ID = "empathic-tests"
SECRET = "test-secret"
CALLBACK = "http://testserver/signin/oidc/callback"


@pytest.fixture(scope="module")
def provider() -> Iterator[MockProvider]:
    with mock_provider() as running:
        yield running


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeProvider]:
    running = FakeProvider()
    yield running
    running.close()


@pytest.fixture
def web_settings(isolated_env: Path, database_url: str, provider: MockProvider) -> Settings:
    """The shared web fixtures (`app`, `client`, `admin`, ...) with single sign-on set up."""
    return Settings(
        data_dir=isolated_env,
        database_url=database_url,
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=SECRET,
        oidc_provider_name="Mock SSO",
        oidc_role_claim="groups",
        oidc_admin_values="empathic-admins",
        oidc_facilitator_values="Empathic-Coaches, mentors",
        oidc_team_claim="team",
    )


@pytest.fixture
def app_with(web_settings: Settings) -> Iterator[Callable[..., tuple[Any, TestClient]]]:
    """Another app on the same database with some settings changed, and a browser for it."""
    made: list[tuple[Any, TestClient]] = []

    def build(**changes: Any) -> tuple[Any, TestClient]:
        application = create_app(web_settings.model_copy(update=changes), run_migrations=False)
        made.append((application, TestClient(application)))
        return made[-1]

    yield build
    for application, browser in made:
        browser.close()
        application.state.engine.dispose()


def start(browser: TestClient, next_path: str = "/") -> str:
    """Press "Sign in with ...": the provider's authorisation URL we are sent to."""
    response = browser.get(f"/signin/oidc?next={quote(next_path)}", follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def sso_sign_in(
    browser: TestClient, provider: MockProvider, sub: str, next_path: str = "/"
) -> httpx.Response:
    back = provider.authorize(start(browser, next_path), sub)
    assert back.startswith(CALLBACK + "?")
    return browser.get(back, follow_redirects=False)


def count(app: Any, query: Any) -> int:
    with app.state.sessions() as db:
        return int(db.scalar(query) or 0)


def person(app: Any, email: str) -> User | None:
    with app.state.sessions() as db:
        return db.scalar(select(User).where(User.email == email))


def refused(response: httpx.Response, status: int, words: str) -> None:
    """The ordinary error page with a plain reason, and no sign-in cookie."""
    assert response.status_code == status, response.text
    assert words in response.text
    assert 'role="alert"' in response.text and "Traceback" not in response.text
    assert SESSION_COOKIE not in response.cookies


def security_events(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "empathic.security"]


# --- the whole flow -------------------------------------------------------------------


def test_sign_in_provisions_a_person_with_role_and_team_from_claims(
    admin: Any, make_client: Any, provider: MockProvider, app: Any, caplog: Any
) -> None:
    caplog.set_level(logging.INFO, logger="empathic")
    browser = make_client()
    assert "Sign in with Mock SSO" in browser.get("/signin").text
    provider.set_claims(
        "sub-cora",
        {"email": "Cora@Example.org", "name": "Cora Coach", "groups": ["x", "empathic-coaches"]}
        | {"team": "Blue Team"},
    )
    response = sso_sign_in(browser, provider, "sub-cora", "/practice")
    assert response.status_code == 303 and response.headers["location"] == "/practice"
    assert SESSION_COOKIE in browser.cookies
    assert "Sign out (Cora Coach)" in browser.get("/").text

    with app.state.sessions() as db:
        cora = db.scalar(select(User).where(User.email == "cora@example.org"))
        assert cora is not None and cora.password_hash is None
        assert cora.role == "facilitator"
        assert cora.team is not None and cora.team.name == "Blue Team"
        identity = db.scalar(select(Identity).where(Identity.user_id == cora.id))
        assert identity is not None
        assert (identity.provider, identity.subject) == (provider.issuer, "sub-cora")
        assert identity.email == "cora@example.org"
        assert db.scalar(select(func.count(OidcLogin.state_hash))) == 0  # used up
    signed = [e for e in security_events(caplog) if e["event"] == "sso_sign_in"]
    assert signed == [signed[0]] and signed[0]["how"] == "created"
    assert signed[0]["user"] == cora.id
    assert "cora@example.org" not in caplog.text.lower()


def test_a_second_sign_in_reuses_the_identity_and_applies_the_claims_again(
    admin: Any, make_client: Any, provider: MockProvider, app: Any
) -> None:
    provider.set_claims(
        "sub-rex", {"email": "rex@example.org", "groups": "empathic-admins", "team": "Red"}
    )
    assert sso_sign_in(make_client(), provider, "sub-rex").status_code == 303
    first = person(app, "rex@example.org")
    assert first is not None and first.role == "admin"

    # The provider now says: no admin group, another team, a new email address.
    provider.set_claims(
        "sub-rex", {"email": "rex.new@example.org", "groups": ["mentors"], "team": "Green"}
    )
    assert sso_sign_in(make_client(), provider, "sub-rex").status_code == 303
    with app.state.sessions() as db:
        rex = db.get(User, first.id)
        assert rex is not None and rex.email == "rex@example.org"  # the same person
        assert rex.role == "facilitator"
        assert rex.team is not None and rex.team.name == "Green"
        assert db.scalar(select(func.count(Identity.id))) == 1
        assert db.scalar(select(func.count(User.id))) == 2  # the admin and Rex
        assert {t.name for t in db.scalars(select(Team))} == {"Red", "Green"}

    provider.set_claims("sub-rex", {"email": "rex@example.org"})  # no groups, no team
    assert sso_sign_in(make_client(), provider, "sub-rex").status_code == 303
    rex_after = person(app, "rex@example.org")
    assert rex_after is not None and (rex_after.role, rex_after.team_id) == ("learner", None)


def test_the_first_person_can_bootstrap_by_sso_with_passwords_switched_off(
    app_with: Any, provider: MockProvider, app: Any
) -> None:
    _, browser = app_with(password_signin=False)
    provider.set_claims("sub-first", {"email": "first@example.org", "groups": []})
    assert sso_sign_in(browser, provider, "sub-first").status_code == 303
    first = person(app, "first@example.org")
    assert first is not None and first.role == "admin"
    # Their claims say learner, but the only admin is never demoted.
    _, again = app_with(password_signin=False)
    assert sso_sign_in(again, provider, "sub-first").status_code == 303
    first_again = person(app, "first@example.org")
    assert first_again is not None and first_again.role == "admin"

    provider.set_claims("sub-second", {"email": "second@example.org"})
    _, other = app_with(password_signin=False)
    assert sso_sign_in(other, provider, "sub-second").status_code == 303
    second = person(app, "second@example.org")
    assert second is not None and second.role == "learner"


def test_a_verified_email_joins_the_existing_account(
    learner: Any, make_client: Any, provider: MockProvider, app: Any
) -> None:
    users_before = count(app, select(func.count(User.id)))
    existing = person(app, learner.email)
    assert existing is not None
    provider.set_claims(
        "sub-lee", {"email": learner.email.upper(), "email_verified": True, "name": "Someone"}
    )
    browser = make_client()
    assert sso_sign_in(browser, provider, "sub-lee").status_code == 303
    assert f"Sign out ({learner.name})" in browser.get("/").text
    assert count(app, select(func.count(User.id))) == users_before
    linked = select(func.count(Identity.id)).where(Identity.user_id == existing.id)
    assert count(app, linked) == 1


@pytest.mark.parametrize("verified", [False, "false", None])
def test_an_unverified_email_of_an_existing_account_is_refused(
    learner: Any, make_client: Any, provider: MockProvider, app: Any, verified: Any
) -> None:
    claims: dict[str, Any] = {"email": learner.email}
    if verified is not None:
        claims["email_verified"] = verified
    provider.set_claims("sub-mallory", claims)
    browser = make_client()
    refused(sso_sign_in(browser, provider, "sub-mallory"), 403, "has not confirmed")
    assert count(app, select(func.count(Identity.id))) == 0
    assert SESSION_COOKIE not in browser.cookies


def test_an_sso_only_person_cannot_sign_in_with_a_password(
    client: TestClient, provider: MockProvider
) -> None:
    provider.set_claims("sub-sam", {"email": "sam@example.org"})
    assert sso_sign_in(client, provider, "sub-sam").status_code == 303
    client.post("/signout", data={"csrf_token": csrf(client)})
    assert SESSION_COOKIE not in client.cookies
    for password in ("", PASSWORD, "None"):
        form = {"email": "sam@example.org", "password": password, "csrf_token": csrf(client)}
        response = client.post("/signin", data=form, follow_redirects=False)
        assert response.status_code == 400
        assert "That email and password do not match an account." in response.text


def test_pkce_s256_and_a_nonce_are_sent_and_the_client_authenticates(
    client: TestClient, provider: MockProvider
) -> None:
    url = start(client)
    asked = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert asked["code_challenge_method"] == "S256"
    assert asked["nonce"] and asked["state"] and "code_verifier" not in asked
    assert asked["client_id"] == CLIENT_ID and asked["redirect_uri"] == CALLBACK
    assert asked["scope"].split() == ["openid", "email", "profile"]
    before = len(provider.token_requests)
    provider.set_claims("sub-pkce", {"email": "pkce@example.org"})
    assert client.get(provider.authorize(url, "sub-pkce"), follow_redirects=False).is_redirect
    form, authorization = provider.token_requests[before]
    verifier = form["code_verifier"]
    assert 43 <= len(verifier) <= 128 and s256(verifier) == asked["code_challenge"]
    assert form["grant_type"] == "authorization_code" and form["redirect_uri"] == CALLBACK
    assert authorization is not None and authorization.startswith("Basic ")
    credentials = base64.b64decode(authorization.removeprefix("Basic ")).decode()
    assert credentials == f"{CLIENT_ID}:{SECRET}"


def test_next_stays_on_this_site(client: TestClient, provider: MockProvider) -> None:
    provider.set_claims("sub-next", {"email": "next@example.org"})
    response = sso_sign_in(client, provider, "sub-next", "//evil.example/phish")
    assert response.status_code == 303 and response.headers["location"] == "/"


# --- refusals --------------------------------------------------------------------------


def test_a_wrong_nonce_is_refused(
    client: TestClient, provider: MockProvider, app: Any, caplog: Any
) -> None:
    caplog.set_level(logging.INFO, logger="empathic")
    url = start(client)
    with app.state.sessions() as db:
        db.execute(update(OidcLogin).values(nonce="not-the-nonce-we-sent"))
        db.commit()
    provider.set_claims("sub-nonce", {"email": "nonce@example.org"})
    response = client.get(provider.authorize(url, "sub-nonce"), follow_redirects=False)
    refused(response, 403, "does not belong to the sign-in you started")
    assert person(app, "nonce@example.org") is None
    assert count(app, select(func.count(AuthSession.token_hash))) == 0
    reasons = [e.get("reason") for e in security_events(caplog) if e["event"] == "sso_refused"]
    assert reasons == ["wrong_nonce"]


def test_a_replayed_or_unknown_state_is_refused(
    client: TestClient, provider: MockProvider, app: Any
) -> None:
    provider.set_claims("sub-replay", {"email": "replay@example.org"})
    back = provider.authorize(start(client), "sub-replay")
    assert client.get(back, follow_redirects=False).status_code == 303
    refused(client.get(back, follow_redirects=False), 400, "expired or was already used")
    unknown = f"{CALLBACK}?code=abc&state=never-issued"
    refused(client.get(unknown, follow_redirects=False), 400, "expired or was already used")
    refused(client.get(f"{CALLBACK}?code=abc"), 400, "incomplete")
    assert count(app, select(func.count(AuthSession.token_hash))) == 1  # the first only


def test_an_expired_sign_in_is_refused(
    client: TestClient, provider: MockProvider, app: Any
) -> None:
    url = start(client)
    with app.state.sessions() as db:
        db.execute(update(OidcLogin).values(expires_at=datetime(2000, 1, 1, tzinfo=UTC)))
        db.commit()
    provider.set_claims("sub-late", {"email": "late@example.org"})
    response = client.get(provider.authorize(url, "sub-late"), follow_redirects=False)
    refused(response, 400, "expired or was already used")
    assert person(app, "late@example.org") is None


def test_an_answer_brought_by_another_browser_is_refused(
    make_client: Any, provider: MockProvider, app: Any
) -> None:
    victim, attacker = make_client(), make_client()
    provider.set_claims("sub-attacker", {"email": "attacker@example.org"})
    back = provider.authorize(start(attacker), "sub-attacker")
    refused(victim.get(back, follow_redirects=False), 400, "started in another browser")
    assert SESSION_COOKIE not in victim.cookies
    # and the answer is used up: the attacker cannot use it afterwards either
    refused(attacker.get(back, follow_redirects=False), 400, "already used")
    assert person(app, "attacker@example.org") is None


def test_a_refusal_at_the_provider_is_shown_plainly(
    client: TestClient, provider: MockProvider, app: Any
) -> None:
    back = provider.deny(start(client))
    assert "error=access_denied" in back
    refused(client.get(back, follow_redirects=False), 403, "Mock SSO did not sign you in")
    assert count(app, select(func.count(OidcLogin.state_hash))) == 0  # this browser's, gone


def test_an_unreachable_provider_is_a_502_not_a_crash(app_with: Any) -> None:
    _, browser = app_with(oidc_issuer=f"http://127.0.0.1:{free_port()}")
    refused(browser.get("/signin/oidc", follow_redirects=False), 502, "could not be reached")


def test_without_an_issuer_there_is_no_sso(app_with: Any) -> None:
    _, browser = app_with(oidc_issuer=None)
    assert "Sign in with" not in browser.get("/signin").text
    refused(browser.get("/signin/oidc", follow_redirects=False), 404, "not set up")
    refused(browser.get(f"{CALLBACK}?state=x&code=y"), 404, "not set up")


# --- answers only a broken or hostile provider gives (our FakeProvider) -------------------


@pytest.fixture
def fake_browser(fake: FakeProvider, app_with: Any) -> Iterator[TestClient]:
    fake.reset()
    _, browser = app_with(oidc_issuer=fake.issuer)
    yield browser
    fake.reset()


def fake_sign_in(browser: TestClient) -> httpx.Response:
    back = httpx.get(start(browser), follow_redirects=False).headers["location"]
    return browser.get(back, follow_redirects=False)


def test_the_fake_provider_signs_in_when_nothing_is_tampered(
    fake_browser: TestClient, app: Any
) -> None:
    assert fake_sign_in(fake_browser).status_code == 303
    assert person(app, "fay@example.org") is not None


@pytest.mark.parametrize(
    ("tamper", "status", "words"),
    [
        ({"iss": "http://evil.example"}, 403, "different sign-in service"),
        ({"aud": "someone-else"}, 403, "issued for a different application"),
        ({"aud": ["someone-else", CLIENT_ID], "azp": "someone-else"}, 403, "different application"),
        ({"nonce": "a-nonce-from-another-sign-in"}, 403, "does not belong to the sign-in"),
        ({"exp": 1_000_000_000, "iat": 999_999_000}, 403, "has expired"),
        ({"iat": 4_000_000_000}, 403, "dated in the future"),
        ("other key", 403, "could not be verified"),
    ],
    ids=["issuer", "audience", "azp", "nonce", "expired", "future", "signature"],
)
def test_a_tampered_id_token_is_refused(
    fake: FakeProvider, fake_browser: TestClient, app: Any, tamper: Any, status: int, words: str
) -> None:
    if tamper == "other key":
        fake.sign_with_other_key = True
    else:
        fake.overrides = tamper
    refused(fake_sign_in(fake_browser), status, words)
    assert person(app, "fay@example.org") is None
    assert count(app, select(func.count(AuthSession.token_hash))) == 0


def test_the_pkce_verifier_is_what_the_provider_checks(fake_browser: TestClient, app: Any) -> None:
    url = start(fake_browser)
    with app.state.sessions() as db:
        db.execute(update(OidcLogin).values(code_verifier="x" * 64))
        db.commit()
    back = httpx.get(url, follow_redirects=False).headers["location"]
    refused(fake_browser.get(back, follow_redirects=False), 400, "would not complete")
    assert person(app, "fay@example.org") is None


def test_rotated_signing_keys_are_fetched_again_but_not_for_every_bad_token(
    fake: FakeProvider, fake_browser: TestClient, app: Any, monkeypatch: Any
) -> None:
    assert fake_sign_in(fake_browser).status_code == 303  # the first key set is cached
    fake.rotate()
    jwks_fetches = len(fake.jwks_requests)
    refused(fake_sign_in(fake_browser), 403, "could not be verified")  # fetched a minute ago
    assert len(fake.jwks_requests) == jwks_fetches
    monkeypatch.setattr(oidc, "MIN_REFRESH_S", 0.0)
    assert fake_sign_in(fake_browser).status_code == 303
    assert len(fake.jwks_requests) == jwks_fetches + 1


def test_without_a_secret_it_is_a_public_client_relying_on_pkce(
    fake: FakeProvider, app_with: Any, app: Any
) -> None:
    fake.reset()
    _, browser = app_with(oidc_issuer=fake.issuer, oidc_client_secret=None)
    assert fake_sign_in(browser).status_code == 303
    form, authorization = fake.token_requests[-1]
    assert authorization is None and "client_secret" not in form
    assert form["client_id"] == CLIENT_ID and form["code_verifier"]
    assert person(app, "fay@example.org") is not None


def test_a_provider_without_an_email_is_refused(
    fake: FakeProvider, fake_browser: TestClient, app: Any
) -> None:
    fake.claims = {"name": "No Mail"}
    refused(fake_sign_in(fake_browser), 403, "did not share a usable email address")
    assert count(app, select(func.count(User.id))) == 0


# --- passwords switched off ------------------------------------------------------------


def test_password_sign_in_can_be_switched_off(learner: Any, app_with: Any, app: Any) -> None:
    _, browser = app_with(password_signin=False)
    page = browser.get("/signin").text
    assert "Sign in with Mock SSO" in page and 'name="password"' not in page
    form = {"email": learner.email, "password": PASSWORD, "csrf_token": csrf(browser)}
    refused(browser.post("/signin", data=form, follow_redirects=False), 403, "switched off")
    assert SESSION_COOKIE not in browser.cookies

    assert 'name="password"' not in browser.get("/signup").text
    users = count(app, select(func.count(User.id)))
    form = {"name": "New Person", "email": "new@example.org", "password": PASSWORD}
    response = browser.post("/signup", data={**form, "csrf_token": csrf(browser)})
    refused(response, 403, "switched off")
    assert count(app, select(func.count(User.id))) == users
    assert 'href="/signup"' not in browser.get("/").text


# --- claim mapping ---------------------------------------------------------------------


def test_role_and_team_claims_map_as_documented() -> None:
    settings = Settings(
        oidc_role_claim="realm_access.roles",
        oidc_admin_values="Admins",
        oidc_facilitator_values="coaches, mentors",
        oidc_team_claim="teams",
    )
    assert role_from_claims(settings, {"realm_access": {"roles": ["admins"]}}) == "admin"
    assert role_from_claims(settings, {"realm_access": {"roles": ["x", "Mentors"]}}) == (
        "facilitator"
    )
    assert role_from_claims(settings, {"realm_access": {"roles": "coaches"}}) == "facilitator"
    assert role_from_claims(settings, {"realm_access": {}}) == "learner"
    assert role_from_claims(settings, {"realm_access.roles": ["admins"]}) == "admin"
    assert role_from_claims(Settings(), {"groups": ["admins"]}) is None
    assert team_from_claims(settings, {"teams": ["  North   Team ", "South"]}) == "North Team"
    assert team_from_claims(settings, {"teams": [" "]}) is None
    assert team_from_claims(Settings(), {"teams": "North"}) is None
    assert email_verified({"email_verified": "TRUE"}) and not email_verified({})
    assert not email_verified({"email_verified": "yes"})


def test_time_checks_allow_a_minute_of_clock_difference(
    fake: FakeProvider, fake_browser: TestClient
) -> None:
    now = int(time.time())
    fake.overrides = {"iat": now + 30, "exp": now - 30}
    assert fake_sign_in(fake_browser).status_code == 303
