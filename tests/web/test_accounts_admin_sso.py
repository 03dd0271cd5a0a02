"""Invitations and deactivation with single sign-on (#16), against the mock provider on
127.0.0.1 (tests/web/oidc_servers.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.web.helpers import Person
from tests.web.oidc_servers import MockProvider, mock_provider
from tests.web.test_accounts_oidc import CLIENT_ID, SECRET, refused, sso_sign_in

from empathic.accounts.models import Invitation, User
from empathic.config import Settings
from empathic.web.deps import SESSION_COOKIE


@pytest.fixture(scope="module")
def provider() -> Iterator[MockProvider]:
    with mock_provider() as running:
        yield running


@pytest.fixture
def web_settings(isolated_env: Path, database_url: str, provider: MockProvider) -> Settings:
    """Single sign-on without role or team claims: the invitation is what sets them."""
    return Settings(
        data_dir=isolated_env,
        database_url=database_url,
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=SECRET,
        oidc_provider_name="Mock SSO",
    )


def passwords_off(app: Any) -> None:
    """The organisation switches to single sign-on only (after the admin signed up)."""
    app.state.settings = app.state.settings.model_copy(update={"password_signin": False})


def person(app: Any, email: str) -> User | None:
    with app.state.sessions() as db:
        found = db.scalar(select(User).where(User.email == email))
        if found is not None:
            db.expunge(found)
        return found


def test_a_verified_sso_sign_in_takes_the_invitation_role_and_team(
    admin: Person, make_client: Any, provider: MockProvider, app: Any
) -> None:
    assert admin.post("/admin/teams", {"name": "Ward 7"}).status_code == 200
    found = re.search(r'<option value="(\d+)"[^>]*>Ward 7<', admin.client.get("/admin").text)
    assert found
    passwords_off(app)
    page = admin.post(
        "/admin/invitations",
        {"email": "ivy@example.org", "role": "facilitator", "team_id": found.group(1)},
    )
    assert "signs in with Mock SSO using ivy@example.org" in page.text
    assert admin.post("/admin/invitations", {"email": "uma@example.org", "role": "admin"})

    provider.set_claims("sub-ivy", {"email": "Ivy@example.org", "email_verified": True})
    assert sso_sign_in(make_client(), provider, "sub-ivy").status_code == 303
    ivy = person(app, "ivy@example.org")
    assert ivy is not None and ivy.role == "facilitator" and str(ivy.team_id) == found.group(1)

    # The provider does not vouch for Uma's address: the invitation is not hers to take.
    provider.set_claims("sub-uma", {"email": "uma@example.org", "email_verified": False})
    assert sso_sign_in(make_client(), provider, "sub-uma").status_code == 303
    uma = person(app, "uma@example.org")
    assert uma is not None and uma.role == "learner"
    with app.state.sessions() as db:
        used = {i.email: i.used_by_id for i in db.scalars(select(Invitation))}
    assert used == {"ivy@example.org": ivy.id, "uma@example.org": None}


def test_a_deactivated_person_cannot_sign_in_by_sso(
    admin: Person, make_client: Any, provider: MockProvider, app: Any
) -> None:
    provider.set_claims("sub-dan", {"email": "dan@example.org"})
    browser = make_client()
    assert sso_sign_in(browser, provider, "sub-dan").status_code == 303
    dan = person(app, "dan@example.org")
    assert dan is not None
    assert admin.post(f"/admin/users/{dan.id}/deactivate").status_code == 200
    assert browser.get("/practice", follow_redirects=False).status_code == 303  # signed out
    again = make_client()
    refused(sso_sign_in(again, provider, "sub-dan"), 403, "has been deactivated")
    assert SESSION_COOKIE not in again.cookies
    assert admin.post(f"/admin/users/{dan.id}/reactivate").status_code == 200
    assert sso_sign_in(make_client(), provider, "sub-dan").status_code == 303
