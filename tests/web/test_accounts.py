"""Sign-up, sign-in, CSRF, rate limiting, roles and the admin pages, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.helpers import PASSWORD, Person, csrf


def test_first_account_is_admin_and_later_ones_are_learners(admin: Person, learner: Person) -> None:
    assert admin.client.get("/admin").status_code == 200
    assert learner.client.get("/admin").status_code == 403


def test_sign_up_rejects_bad_input_and_keeps_what_was_typed(client: TestClient) -> None:
    token = csrf(client, "/signup")
    response = client.post(
        "/signup",
        data={"name": "Sam", "email": "not-an-email", "password": "short", "csrf_token": token},
    )
    assert response.status_code == 400
    assert "Enter an email address" in response.text
    assert "at least 10 characters" in response.text
    assert 'value="Sam"' in response.text


@pytest.mark.parametrize("password", ["aaaaaaaaaa", "password123", "qwertyuiop", "iloveyou12"])
def test_guessable_passwords_are_refused_with_the_reason(client: TestClient, password: str) -> None:
    token = csrf(client, "/signup")
    form = {"name": "Priya Sharma", "email": "priya.sharma@example.org", "password": password}
    response = client.post("/signup", data={**form, "csrf_token": token})
    assert response.status_code == 400
    assert "too easy to guess" in response.text
    strong = client.post("/signup", data={**form, "password": PASSWORD, "csrf_token": token})
    assert strong.status_code in (200, 303), strong.text


def test_duplicate_email_is_refused(admin: Person, make_client: object) -> None:
    other = make_client()  # type: ignore[operator]
    token = csrf(other, "/signup")
    response = other.post(
        "/signup",
        data={"name": "X", "email": admin.email.upper(), "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 400
    assert "already exists" in response.text


def test_post_without_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/signup")
    response = client.post(
        "/signup", data={"name": "Sam", "email": "sam@example.org", "password": PASSWORD}
    )
    assert response.status_code == 403
    wrong = client.post(
        "/signup",
        data={"name": "S", "email": "s@example.org", "password": PASSWORD, "csrf_token": "x"},
    )
    assert wrong.status_code == 403


def test_sign_out_then_in_again(admin: Person) -> None:
    c = admin.client
    assert c.get("/admin").status_code == 200
    assert admin.post("/signout", follow_redirects=False).status_code == 303
    assert c.get("/admin", follow_redirects=False).status_code == 303
    token = csrf(c, "/signin")
    response = c.post(
        "/signin",
        data={"email": admin.email, "password": PASSWORD, "csrf_token": token, "next": "/admin"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_sign_in_never_redirects_off_site(admin: Person, make_client: object) -> None:
    c = make_client()  # type: ignore[operator]
    token = csrf(c, "/signin")
    response = c.post(
        "/signin",
        data={
            "email": admin.email,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_repeated_wrong_passwords_pause_sign_in(admin: Person, make_client: object) -> None:
    c = make_client()  # type: ignore[operator]
    token = csrf(c, "/signin")
    codes = [
        c.post(
            "/signin", data={"email": admin.email, "password": "wrong" * 3, "csrf_token": token}
        ).status_code
        for _ in range(6)
    ]
    assert codes == [400] * 5 + [429]
    right = c.post(
        "/signin", data={"email": admin.email, "password": PASSWORD, "csrf_token": token}
    )
    assert right.status_code == 429
    assert int(right.headers["retry-after"]) > 0


def test_pauses_grow_progressively_and_are_capped_per_counter() -> None:
    from empathic.accounts.service import DELAY_CAPS, signin_delay

    assert [signin_delay(n, 5, 30) for n in range(4, 12)] == [0, 1, 2, 4, 8, 16, 30, 30]
    assert signin_delay(10_000, 5, DELAY_CAPS["addr"]) == 15 * 60
    assert DELAY_CAPS["email"] <= 30 < DELAY_CAPS["addr"]


def test_a_stranger_cannot_lock_the_owner_out(app: Any, admin: Person) -> None:
    """Forty wrong guesses from a stranger's address delay the owner's right password by at
    most 30 s, and keep the stranger's own address paused for minutes."""
    from datetime import timedelta

    from sqlalchemy import select

    from empathic.accounts import service
    from empathic.accounts.models import SigninAttempt
    from empathic.db import utcnow

    settings, stranger, owner = app.state.settings, "203.0.113.9", "198.51.100.7"
    with app.state.sessions() as db:
        for _ in range(40):
            for key in (
                f"email:{admin.email}",
                f"addr:{stranger}",
                f"pair:{admin.email}|{stranger}",
            ):
                db.add(SigninAttempt(key=key, at=utcnow()))
        db.commit()
        with pytest.raises(service.TooManyAttempts) as paused:
            service.sign_in(db, settings, email=admin.email, password=PASSWORD, address=owner)
        assert 0 < paused.value.retry_after <= 31
        for attempt in db.scalars(select(SigninAttempt)):
            attempt.at -= timedelta(seconds=31)  # half a minute passes
        db.commit()
        signed = service.sign_in(db, settings, email=admin.email, password=PASSWORD, address=owner)
        assert signed.user.email == admin.email
        db.rollback()
        for _ in range(40):
            db.add(SigninAttempt(key=f"addr:{stranger}", at=utcnow()))
        db.commit()
        with pytest.raises(service.TooManyAttempts) as still:
            service.sign_in(db, settings, email=admin.email, password=PASSWORD, address=stranger)
        assert still.value.retry_after > 5 * 60


def test_pages_need_sign_in(client: TestClient) -> None:
    response = client.get("/admin", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/admin"
    # the practice script's fetch calls ask for JSON: they get a 401 they can read, not a page
    scripted = client.get("/admin", headers={"Accept": "application/json"}, follow_redirects=False)
    assert scripted.status_code == 401 and scripted.json() == {"detail": "Sign in first."}


def test_admin_sets_roles_and_teams(admin: Person, learner: Person) -> None:
    assert admin.post("/admin/teams", {"name": "Oncology MSLs"}).status_code == 200
    page = admin.client.get("/admin").text
    assert "Oncology MSLs" in page
    import re

    learner_id = re.findall(r'action="/admin/users/(\d+)"', page)[-1]
    team_id = re.search(r'<option value="(\d+)"[^>]*>Oncology MSLs', page).group(1)  # type: ignore[union-attr]
    done = admin.post(f"/admin/users/{learner_id}", {"role": "facilitator", "team_id": team_id})
    assert done.status_code == 200
    assert learner.client.get("/admin").status_code == 403
    assert learner.client.get("/").status_code == 200
    assert "Facilitator" in learner.client.get("/").text
    bad = admin.post(f"/admin/users/{learner_id}", {"role": "emperor"})
    assert bad.status_code == 400


def test_only_admin_cannot_demote_themselves(admin: Person) -> None:
    page = admin.client.get("/admin").text
    import re

    my_id = re.findall(r'action="/admin/users/(\d+)"', page)[0]
    response = admin.post(f"/admin/users/{my_id}", {"role": "learner"})
    assert response.status_code == 400
    assert "only admin" in response.text


def test_security_headers(client: TestClient) -> None:
    response = client.get("/")
    assert response.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_private_pages_are_never_cached_but_static_assets_may_be(learner: Person) -> None:
    for path in ("/", "/analyse", "/growth", "/practice"):
        response = learner.client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
    asset = learner.client.get("/static/app.css")
    assert asset.status_code == 200 and "no-store" not in asset.headers.get("cache-control", "")


def test_two_first_sign_ups_at_once_make_one_admin(app: object) -> None:
    """The second sign-up waits for the first to commit before it counts the accounts."""
    import threading
    import time

    from sqlalchemy import select

    from empathic.accounts.models import User
    from empathic.accounts.service import sign_up as create

    sessions = app.state.sessions  # type: ignore[attr-defined]
    errors: list[BaseException] = []

    def first() -> None:
        with sessions() as db:
            create(db, email="one@example.org", name="One", password=PASSWORD)
            time.sleep(0.4)  # still uncommitted while the second one signs up
            db.commit()

    def second() -> None:
        time.sleep(0.15)
        try:
            with sessions() as db:
                create(db, email="two@example.org", name="Two", password=PASSWORD)
                db.commit()
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert not errors
    with sessions() as db:
        roles = dict(db.execute(select(User.email, User.role)).all())
    assert roles == {"one@example.org": "admin", "two@example.org": "learner"}


def test_sign_out_everywhere_ends_every_session_of_that_person_only(
    admin: Person, learner: Person, make_client: object
) -> None:
    laptop, phone = learner.client, make_client()  # type: ignore[operator]
    token = csrf(phone, "/signin")
    phone.post("/signin", data={"email": learner.email, "password": PASSWORD, "csrf_token": token})
    assert phone.get("/growth", follow_redirects=False).status_code == 200
    ended = learner.post("/signout/everywhere")
    assert ended.status_code == 200 and "/signin" in str(ended.url)
    for device in (laptop, phone):
        assert device.get("/growth", follow_redirects=False).status_code == 303
    assert admin.client.get("/admin", follow_redirects=False).status_code == 200
    refused = phone.post("/signout/everywhere", data={}, follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token: refused before anything happens


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("priya@example.org", True),
        ("priya@example", False),
        ("pri ya@example.org", False),
        ("priya@@example.org", False),
        ("priya@example.org\x00", False),
        ("p" * 242 + "@example.org", True),  # 254 characters, the SMTP limit
        ("p" * 243 + "@example.org", False),
    ],
)
def test_one_email_check_for_sign_up_invitations_sso_and_mentor_requests(
    address: str, ok: bool
) -> None:
    from empathic.accounts.service import valid_email

    assert valid_email(address) is ok
