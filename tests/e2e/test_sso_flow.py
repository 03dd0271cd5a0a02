"""Single sign-on in the browser: "Sign in with Mock SSO", the provider's form, signed in.

The app runs with its own settings (an OpenID issuer) on its own port; the provider is
`oidc-provider-mock` on 127.0.0.1, as in tests/web/test_accounts_oidc.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from tests.e2e.helpers import browsing, serving
from tests.web.oidc_servers import MockProvider, mock_provider

from empathic.accounts.models import Identity, User
from empathic.config import Settings
from empathic.web.app import create_app


@pytest.fixture(scope="module")
def provider() -> Iterator[MockProvider]:
    with mock_provider() as running:
        yield running


@pytest.fixture(scope="module")
def sso_app(tmp_path_factory: pytest.TempPathFactory, provider: MockProvider) -> Any:
    folder = tmp_path_factory.mktemp("e2e-sso")
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'sso.db'}",
        oidc_issuer=provider.issuer,
        oidc_client_id="empathic-e2e",
        oidc_client_secret="e2e-secret",  # the mock accepts no public clients
        oidc_provider_name="Mock SSO",
        oidc_team_claim="team",
        password_signin=False,
    )
    return create_app(settings)


@pytest.fixture(scope="module")
def sso_server(sso_app: Any) -> Iterator[str]:
    with serving(sso_app) as base:
        yield base


@pytest.fixture
def sso_page(browser: Any, sso_server: str) -> Iterator[Any]:
    with browsing(browser, sso_server) as opened:
        yield opened


def test_sign_in_with_the_provider_lands_signed_in(
    sso_page: Any, sso_server: str, sso_app: Any, provider: MockProvider
) -> None:
    sub = f"erin-{secrets.token_hex(3)}"
    provider.set_claims(sub, {"email": f"{sub}@example.org", "name": "Erin Sso", "team": "Ops"})
    page = sso_page
    page.goto("/practice")  # not signed in: sent to the sign-in page, which offers SSO only
    assert page.get_by_label("Password").count() == 0
    page.get_by_role("link", name="Sign in with Mock SSO").click()
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{sso_server}/practice")
    assert page.get_by_role("button", name="Sign out (Erin Sso)").is_visible()
    with sso_app.state.sessions() as db:
        erin = db.scalar(select(User).where(User.email == f"{sub}@example.org"))
        assert erin is not None and erin.password_hash is None
        assert erin.team is not None and erin.team.name == "Ops"
        assert db.scalar(select(Identity.subject).where(Identity.user_id == erin.id)) == sub


def test_a_refusal_at_the_provider_shows_a_clear_page(sso_page: Any, sso_server: str) -> None:
    page = sso_page
    page.goto("/signin")
    page.get_by_role("link", name="Sign in with Mock SSO").click()
    page.get_by_role("button", name="Deny").click()
    page.wait_for_url(f"{sso_server}/signin/oidc/callback**")
    assert "Mock SSO did not sign you in" in page.get_by_role("alert").inner_text()
    assert page.get_by_role("heading", name="Not allowed").is_visible()
    assert page.get_by_role("button", name="Sign out").count() == 0
