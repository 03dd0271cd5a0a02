"""Bad input gets a clear 4xx, never a 500: huge ids, NUL bytes, oversized bodies, odd numbers."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.web.helpers import PASSWORD, Person, csrf

HUGE = str(2**70)


def test_out_of_range_ids_are_refused_cleanly(admin: Person) -> None:
    for path in (f"/facilitator/learners/{HUGE}", f"/facilitator/learners/{2**31}"):
        assert admin.client.get(path).status_code in (400, 404), path
    response = admin.post(f"/admin/users/{HUGE}", {"role": "learner"})
    assert response.status_code in (400, 404)
    response = admin.post(f"/admin/users/{2**31}", {"role": "learner", "team_id": HUGE})
    assert response.status_code in (400, 404)


def test_nul_bytes_and_odd_digits_are_refused(learner: Person) -> None:
    started = learner.post("/practice/mentor-milestones/start", {"difficulty": "easy"})
    run_id = str(started.url).rsplit("/", 1)[-1]
    response = learner.post(f"/runs/{run_id}/turns", {"text": "How are\x00 you?"})
    assert response.status_code == 200  # played, with the invisible character dropped
    page = learner.client.get(f"/runs/{run_id}").text
    assert "How are you?" in page and "\x00" not in page
    learner.post(f"/runs/{run_id}/end")
    fixed = learner.post(
        f"/runs/{run_id}/corrections", {"turn": "²", "value": "behaviour=question"}
    )
    assert fixed.status_code == 400


def test_sign_up_refuses_overlong_and_control_characters(client: TestClient) -> None:
    token = csrf(client, "/signup")
    long_email = "a" * 250 + "@example.org"
    for email, name in ((long_email, "Long"), ("nul@example.org", "N\x00ul")):
        response = client.post(
            "/signup",
            data={"name": name, "email": email, "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 400, email
    response = client.post(
        "/signin", data={"email": long_email * 3, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 400


def test_an_oversized_body_is_refused_before_sign_in(client: TestClient) -> None:
    client.get("/signup")
    body = b"x" * (5 * 1024 * 1024)
    response = client.post(
        "/analyse", files={"file": ("big.txt", body, "text/plain")}, follow_redirects=False
    )
    assert response.status_code == 413


def test_a_malformed_address_is_not_found(admin: Person) -> None:
    assert admin.client.get("/facilitator/learners/abc").status_code == 404
    assert admin.post("/admin/users/abc", {"role": "learner"}).status_code == 404


def test_an_address_with_no_route_gets_the_error_page(client: TestClient) -> None:
    """The router's own 404 and 405 are the site's error page (language, title), not JSON."""
    page = client.get("/no-such-page")
    assert page.status_code == 404 and '<html lang="en">' in page.text
    assert "<title>404 · Empathic</title>" in page.text
    assert "There is nothing at this address." in page.text
    asked = client.get("/no-such-page", headers={"accept": "application/json"})
    assert asked.json() == {"detail": "There is nothing at this address."}
    wrong = client.put("/healthz")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET"
    assert "<title>405 · Empathic</title>" in wrong.text


def test_non_ascii_tokens_are_refused_not_crashed(learner: Person, client: TestClient) -> None:
    """secrets.compare_digest raises on non-ASCII str: a CSRF token or a calendar token of
    'é' gave a 500 (found in review); now compared as bytes, and refused."""
    response = learner.client.post("/runs/whatever/end", data={"csrf_token": "é"})
    assert response.status_code == 403
    assert client.get("/mentoring/pairs/1/calendar.ics?token=é").status_code == 404
