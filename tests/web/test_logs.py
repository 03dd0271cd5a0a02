"""Access and security logs that people can use, with nothing secret or personal in them."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from tests.web.helpers import PASSWORD, Person, csrf

from empathic.web.logs import BURST, redacted_path

SECRET_LINE = "My manager shouted at me in front of the whole ward"


def _records(caplog: pytest.LogCaptureFixture, name: str) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == name]


def test_requests_are_logged_and_secrets_never_are(
    learner: Person, make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="empathic")
    learner.post("/analyse", {"transcript": f"Sam: {SECRET_LINE}\nAlex: That sounds awful."})
    stranger = make_client()
    token = csrf(stranger, "/signin")
    wrong = "not-the-password-xyz"
    stranger.post("/signin", data={"email": learner.email, "password": wrong, "csrf_token": token})
    learner.client.get("/runs/0123456789abcdef01234567?token=secret-query-value")
    access = _records(caplog, "empathic.access")
    assert any(a["path"] == "/analyse" and a["status"] == 200 for a in access)
    assert all({"method", "path", "status", "ms", "client"} <= set(a) for a in access)
    security = _records(caplog, "empathic.security")
    assert {"event": "sign_in_failed", "path": "/signin", "client": "testclient"} in security
    assert any(e["event"] == "not_found" and e["path"] == "/runs/0123…" for e in security)
    text = caplog.text
    for secret in (SECRET_LINE, wrong, PASSWORD, token, "secret-query-value", learner.email):
        assert secret not in text, secret
    assert "0123456789abcdef01234567" not in text


def test_a_burst_of_refusals_from_one_address_is_flagged_once(
    learner: Person, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="empathic")
    for n in range(BURST + 5):
        learner.client.get(f"/runs/{n:024x}")
    bursts = [e for e in _records(caplog, "empathic.security") if e["event"] == "probe_burst"]
    assert bursts == [{"event": "probe_burst", "client": "testclient", "refusals": BURST}]


def test_token_like_segments_are_shortened() -> None:
    assert redacted_path("/calendar/Zx9_kq2LmN0pQrStUvWx.ics") == "/calendar/Zx9_…"
    assert redacted_path("/runs/abc/debrief") == "/runs/abc/debrief"
    assert redacted_path("/practice/mentor-milestones/start") == "/practice/mentor-milestones/start"
