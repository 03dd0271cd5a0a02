"""The provider's discovery document is JSON of its choosing: each field is checked."""

from __future__ import annotations

from typing import Any

import pytest

from empathic.accounts import oidc
from empathic.config import Settings

ISSUER = "https://id.example.org"
META = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/auth",
    "token_endpoint": f"{ISSUER}/token",
    "jwks_uri": f"{ISSUER}/keys",
}


def _discover(monkeypatch: pytest.MonkeyPatch, meta: dict[str, object]) -> oidc.Provider:
    def fake_get_json(settings: Settings, url: str) -> dict[str, object]:
        assert url == f"{ISSUER}/.well-known/openid-configuration"
        return meta

    monkeypatch.setattr(oidc, "_get_json", fake_get_json)
    return oidc.discover(Settings(oidc_issuer=ISSUER + "/"))


def test_the_endpoints_and_the_public_key_algorithms_offered_are_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    offered = ["HS256", "none", "ES256", 7, "RS256"]
    found = _discover(monkeypatch, {**META, "id_token_signing_alg_values_supported": offered})
    assert found == oidc.Provider(
        ISSUER, f"{ISSUER}/auth", f"{ISSUER}/token", f"{ISSUER}/keys", ("ES256", "RS256")
    )


@pytest.mark.parametrize("offered", [None, [], ["HS256"], "ES256"])
def test_rs256_when_no_usable_algorithm_is_offered(
    monkeypatch: pytest.MonkeyPatch, offered: Any
) -> None:
    meta = {**META, "id_token_signing_alg_values_supported": offered}
    assert _discover(monkeypatch, meta).algorithms == ("RS256",)


@pytest.mark.parametrize("field", list(META))
@pytest.mark.parametrize("value", [None, "", 42, ["x"]])
def test_a_missing_or_odd_endpoint_is_an_unreachable_provider(
    monkeypatch: pytest.MonkeyPatch, field: str, value: object
) -> None:
    with pytest.raises(oidc.SsoError) as raised:
        _discover(monkeypatch, {**META, field: value})
    assert raised.value.reason == "provider_unreachable"


def test_another_issuer_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(oidc.SsoError) as raised:
        _discover(monkeypatch, {**META, "issuer": "https://other.example.org"})
    assert raised.value.reason == "discovery_issuer_mismatch"
