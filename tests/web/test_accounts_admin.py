"""The admin's daily work (#16): the audit log with names, filters, pages and CSV; invitations;
deactivating and reactivating people. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, update
from tests.web.helpers import PASSWORD, Person, csrf, sign_up
from tests.web.test_practice_access import set_role

from empathic.accounts import audit, deactivation, service
from empathic.accounts.models import AuditEntry, AuthSession, Invitation, User
from empathic.csvcells import read_cell
from empathic.mentoring import service as mentoring
from empathic.web.deps import SESSION_COOKIE

# --- helpers ----------------------------------------------------------------------------


def uid(app: Any, email: str) -> int:
    with app.state.sessions() as db:
        found = db.scalar(select(User.id).where(User.email == email))
        assert found is not None, email
        return int(found)


def user(app: Any, email: str) -> User:
    with app.state.sessions() as db:
        found = db.scalar(select(User).where(User.email == email))
        assert found is not None, email
        db.expunge(found)
        return found


def add_entries(app: Any, rows: list[tuple[int | None, int | None, str, str, datetime]]) -> None:
    """Audit entries (actor, subject, action, target, at) written straight to the table."""
    with app.state.sessions() as db:
        for actor, subject, action, target, at in rows:
            db.add(
                AuditEntry(actor_id=actor, subject_id=subject, action=action, target=target, at=at)
            )
        db.commit()


def entries(page: str) -> list[str]:
    """The audit page's rows, as text without tags."""
    rows = re.findall(r'<tr class="audit-entry">(.*?)</tr>', page, re.S)
    return [html.unescape(" ".join(re.sub(r"<[^>]+>", " ", row).split())) for row in rows]


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    form = {"email": email, "password": password, "csrf_token": csrf(client, "/signin")}
    return client.post("/signin", data=form, follow_redirects=False)


@contextmanager
def statements(app: Any) -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends while the block runs."""
    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(app.state.engine, "before_cursor_execute", record)


DAY = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


# --- the audit log ----------------------------------------------------------------------


def test_the_audit_log_has_its_own_page_with_names_and_sentences(
    admin: Person, make_client: Any, app: Any
) -> None:
    mona = sign_up(make_client(), "Mona Mentor")
    theo = sign_up(make_client(), "Theo Mentee")
    with app.state.sessions() as db:
        boss = db.scalars(select(User).where(User.email == admin.email)).one()
        pair = mentoring.create_pair(db, boss, mentor_email=mona.email, mentee_email=theo.email)
        mentoring.pair_for(db, boss, pair.id)  # an admin administering: audited for both
        db.commit()
        pair_id = pair.id
    home = admin.client.get("/admin").text
    assert 'href="/admin/audit"' in home and "audit-entry" not in home
    rows = entries(admin.client.get("/admin/audit").text)
    assert len(rows) == 2
    for row in rows:
        assert f"Ada Admin {admin.email}" in row
        assert "opened the mentoring pair of Mona Mentor and Theo Mentee to administer it" in row
        assert f"(mentoring.admin.view pair:{pair_id})" in row  # the raw code stays visible
    assert {r.split(admin.email)[1].split(" opened")[0].strip() for r in rows} == {
        "Mona Mentor",
        "Theo Mentee",
    }


def test_filters_by_who_whose_what_and_dates(admin: Person, make_client: Any, app: Any) -> None:
    lee, kim = sign_up(make_client(), "Lee Learner"), sign_up(make_client(), "Kim Coach")
    a, l_, k = uid(app, admin.email), uid(app, lee.email), uid(app, kim.email)
    add_entries(
        app,
        [
            (k, l_, "viewed shared run", "run-1", DAY - timedelta(days=2)),
            (k, l_, "viewed shared growth", f"user {l_}", DAY),
            (a, l_, "viewed shared run", "run-2", DAY + timedelta(hours=11, minutes=59)),
            (a, k, "viewed shared run", "run-3", DAY + timedelta(days=1)),
            (k, None, "viewed cohort", "team 1 Ward 7", DAY + timedelta(days=3)),
        ],
    )
    page = admin.client.get
    assert len(entries(page("/admin/audit").text)) == 5
    by_kim = entries(page(f"/admin/audit?actor={k}").text)
    assert len(by_kim) == 3 and all(f"Kim Coach {kim.email}" in r for r in by_kim)
    assert "viewed a team's cohort figures" in by_kim[0] and "no one person" in by_kim[0]
    about_lee = entries(page(f"/admin/audit?subject={l_}").text)
    assert [r.split("(")[-1] for r in about_lee] == [
        "viewed shared run run-2)",
        f"viewed shared growth user {l_})",
        "viewed shared run run-1)",
    ]
    runs = entries(page("/admin/audit?action=viewed+shared+run").text)
    assert len(runs) == 3 and all("viewed a shared practice run" in r for r in runs)
    one_day = entries(page("/admin/audit?since=2026-03-10&until=2026-03-10").text)
    assert [r.split("(")[-1] for r in one_day] == [
        "viewed shared run run-2)",  # 23:59 on the 10th: the "to" day counts whole
        f"viewed shared growth user {l_})",
    ]
    both = entries(page(f"/admin/audit?actor={a}&subject={l_}&since=2026-03-10").text)
    assert len(both) == 1 and "run-2" in both[0]
    form = page(f"/admin/audit?actor={k}&since=2026-03-09").text
    assert f'<option value="{k}" selected>' in form and 'value="2026-03-09"' in form
    bad = page("/admin/audit?since=10/03/2026")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text and not entries(bad.text)
    backwards = page("/admin/audit?since=2026-03-10&until=2026-03-01")
    assert backwards.status_code == 400 and "on or after" in backwards.text
    assert page("/admin/audit?actor=abc").status_code == 400


def test_pages_of_100_keep_the_filters(admin: Person, app: Any) -> None:
    a = uid(app, admin.email)
    add_entries(
        app, [(a, None, "viewed cohort", f"n{n}", DAY + timedelta(minutes=n)) for n in range(230)]
    )
    add_entries(app, [(a, None, "other", "x", DAY)])
    first = admin.client.get("/admin/audit?action=viewed+cohort").text
    assert len(entries(first)) == 100 and "Page 1 of 3" in first
    assert "230 entries match the filters; showing 1–100" in first
    assert "n229)" in entries(first)[0]  # newest first
    following = re.search(r'href="/admin/audit\?([^"]+)" rel="next"', first)
    assert following is not None
    assert following.group(1).replace("&amp;", "&") == "action=viewed+cohort&page=2"
    last = admin.client.get("/admin/audit?action=viewed+cohort&page=3").text
    assert len(entries(last)) == 30 and "n0)" in entries(last)[-1]
    assert 'rel="prev"' in last and 'rel="next"' not in last
    beyond = admin.client.get("/admin/audit?action=viewed+cohort&page=99").text
    assert "Page 3 of 3" in beyond


def test_a_page_costs_the_same_statements_for_5_rows_or_100(
    admin: Person, make_client: Any, app: Any
) -> None:
    people = [sign_up(make_client(), f"Person {n}") for n in range(6)]
    ids = [uid(app, p.email) for p in people]
    with app.state.sessions() as db:
        boss = db.scalars(select(User).where(User.email == admin.email)).one()
        pairs = []
        for n in range(3):
            made = mentoring.create_pair(
                db, boss, mentor_email=people[n].email, mentee_email=people[n + 3].email
            )
            mentoring.pair_for(db, boss, made.id)
            pairs.append(made.id)
        db.commit()

    def cost() -> int:
        admin.client.get("/admin/audit")  # warm the caches
        with statements(app) as sent:
            assert admin.client.get("/admin/audit").status_code == 200
        return len(sent)

    few = cost()
    add_entries(
        app,
        [
            (ids[n % 6], ids[(n + 1) % 6], "mentoring.view", f"pair:{pairs[n % 3]}", DAY)
            for n in range(50)
        ]
        + [(ids[n % 6], ids[(n + 2) % 6], "viewed shared run", f"r{n}", DAY) for n in range(50)],
    )
    assert cost() == few
    assert "the mentoring pair of Person 0 and Person 3" in admin.client.get("/admin/audit").text


def test_csv_export_of_the_filtered_rows_neutralises_formulas(
    admin: Person, make_client: Any, app: Any
) -> None:
    evil = sign_up(make_client(), "=HYPERLINK(1)", "evil@example.org")
    a, e = uid(app, admin.email), uid(app, evil.email)
    add_entries(
        app,
        [
            (a, e, "viewed shared run", "@SUM(1+1)", DAY),
            (a, e, "viewed shared growth", f"user {e}", DAY - timedelta(days=5)),
        ],
    )
    response = admin.client.get("/admin/audit.csv?action=viewed+shared+run")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert re.match(
        r'attachment; filename="empathic-audit-[\d-]+\.csv"',
        response.headers["content-disposition"],
    )
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:4] == ["when (UTC)", "who", "who (email)", "whose data"]
    assert len(rows) == 2  # the filter holds: the growth view is left out
    when, who, who_email, whose, _, what, action, target = rows[1]
    assert (when, who, who_email) == ("2026-03-10 12:00:00", "Ada Admin", admin.email)
    assert whose == "'=HYPERLINK(1)" and read_cell(whose) == "=HYPERLINK(1)"
    assert target == "'@SUM(1+1)"
    assert (what, action) == ("viewed a shared practice run", "viewed shared run")
    page = admin.client.get("/admin/audit?action=viewed+shared+run").text
    assert 'href="/admin/audit.csv?action=viewed+shared+run"' in page
    assert admin.client.get("/admin/audit.csv?until=nope").status_code == 400


def test_the_csv_export_streams_in_batches_and_names_every_batch(
    admin: Person, make_client: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export is written a batch at a time (audit.CSV_BATCH): every entry comes out once,
    newest first, and a pair met again in a later batch is still named."""
    monkeypatch.setattr(audit, "CSV_BATCH", 2)
    kim, lee = (sign_up(make_client(), n) for n in ("Kim Coach", "Lee Learner"))
    k, l_ = uid(app, kim.email), uid(app, lee.email)
    with app.state.sessions() as db:
        boss = db.scalars(select(User).where(User.email == admin.email)).one()
        pair = mentoring.create_pair(db, boss, mentor_email=kim.email, mentee_email=lee.email)
        db.commit()
        target = f"pair:{pair.id}"
    add_entries(
        app,
        [
            (k, l_, "mentoring.view" if n % 2 else "viewed shared run", target, DAY + timedelta(n))
            for n in range(5)
        ],
    )
    rows = list(csv.reader(io.StringIO(admin.client.get("/admin/audit.csv").text)))
    assert rows[0][0] == "when (UTC)" and len(rows) == 1 + 5
    assert [r[0][:10] for r in rows[1:]] == [f"2026-03-{day}" for day in (14, 13, 12, 11, 10)]
    named = [r[5] for r in rows[1:] if r[6] == "mentoring.view"]
    assert named == ["opened the mentoring pair of Kim Coach and Lee Learner"] * 2
    empty = admin.client.get("/admin/audit.csv?action=nothing").text
    assert list(csv.reader(io.StringIO(empty))) == [list(audit.CSV_HEADER)]


# --- deactivation -----------------------------------------------------------------------


def test_deactivation_ends_sessions_refuses_sign_in_and_reactivation_restores_it(
    admin: Person, learner: Person, app: Any
) -> None:
    lee = uid(app, learner.email)
    assert learner.client.get("/practice").status_code == 200
    done = admin.post(f"/admin/users/{lee}/deactivate")
    assert done.status_code == 200 and "every sign-in of that person has ended" in done.text
    assert "deactivated" in done.text and f"/admin/users/{lee}/reactivate" in done.text
    with app.state.sessions() as db:
        assert db.scalar(select(func.count()).where(AuthSession.user_id == lee)) == 0
    gone = learner.client.get("/practice", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/signin")

    refused = sign_in(learner.client, learner.email)
    assert refused.status_code == 400 and "has been deactivated" in refused.text
    assert SESSION_COOKIE not in refused.cookies
    wrong = sign_in(learner.client, learner.email, "not the password at all")
    assert "deactivated" not in wrong.text  # only someone with the password learns it

    assert admin.post(f"/admin/users/{lee}/reactivate").status_code == 200
    assert sign_in(learner.client, learner.email).status_code == 303
    assert learner.client.get("/practice").status_code == 200
    rows = entries(admin.client.get("/admin/audit").text)
    assert "reactivated their account" in rows[0] and "deactivated their account" in rows[1]
    assert all("Lee Learner" in r for r in rows[:2])


def test_a_session_left_behind_does_not_outlive_deactivation(learner: Person, app: Any) -> None:
    """Even a session the deactivation did not delete (made at the same moment) is refused."""
    with app.state.sessions() as db:
        db.execute(
            update(User).where(User.email == learner.email).values(deactivated_at=datetime.now(UTC))
        )
        db.commit()
    response = learner.client.get("/practice", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/signin")


def test_nobody_deactivates_themselves_or_the_last_active_admin(
    admin: Person, make_client: Any, app: Any
) -> None:
    own = admin.post(f"/admin/users/{uid(app, admin.email)}/deactivate")
    assert own.status_code == 400 and "cannot deactivate yourself" in own.text
    assert user(app, admin.email).active
    assert admin.post("/admin/users/999999/deactivate").status_code == 400

    other = sign_up(make_client(), "Bea Admin")
    set_role(admin, other, "admin")
    with app.state.sessions() as db:
        ada = db.scalars(select(User).where(User.email == admin.email)).one()
        bea = db.scalars(select(User).where(User.email == other.email)).one()
        # Two admins deactivate each other at the same moment: the second one is refused.
        deactivation.deactivate(db, ada, bea.id)
        with pytest.raises(service.AccountError, match="last active admin"):
            deactivation.deactivate(db, bea, ada.id)
        assert ada.active
        # A deactivated admin does not count: the only active admin cannot step down.
        with pytest.raises(service.AccountError, match="only admin"):
            service.set_role(db, ada, ada.id, "learner")
        db.commit()


def test_a_deactivated_person_cannot_be_chosen_for_a_mentoring_pair(
    admin: Person, learner: Person, make_client: Any, app: Any
) -> None:
    mentor = sign_up(make_client(), "Mo Mentor")
    admin.post(f"/admin/users/{uid(app, learner.email)}/deactivate")
    with app.state.sessions() as db:
        boss = db.scalars(select(User).where(User.email == admin.email)).one()
        # the same answer as for an address with no account: nothing about the person is told
        with pytest.raises(mentoring.MentoringError, match="No account uses"):
            mentoring.create_pair(db, boss, mentor_email=mentor.email, mentee_email=learner.email)
        with pytest.raises(mentoring.MentoringError, match="No account uses"):
            mentoring.create_pair(db, boss, mentor_email=learner.email, mentee_email=mentor.email)


# --- invitations ------------------------------------------------------------------------


def invite(admin: Person, email: str, role: str = "learner", team_id: str = "") -> str:
    """Invite by the admin page; the sign-up link's token shown once."""
    response = admin.post("/admin/invitations", {"email": email, "role": role, "team_id": team_id})
    assert response.status_code == 200, response.text
    assert "Empathic sends no email" in response.text
    found = re.search(r'value="http://testserver/signup\?invite=([\w-]+)"', response.text)
    assert found, "no sign-up link on the page"
    return found.group(1)


def accept(
    client: TestClient, token: str, name: str, password: str = PASSWORD, **extra: str
) -> Any:
    form = {"invite": token, "name": name, "password": password, **extra}
    return client.post(
        "/signup", data={**form, "csrf_token": csrf(client, "/signup")}, follow_redirects=False
    )


def team_id(admin: Person, name: str) -> str:
    assert admin.post("/admin/teams", {"name": name}).status_code == 200
    found = re.search(
        r'<option value="(\d+)"[^>]*>' + re.escape(name) + "<", admin.client.get("/admin").text
    )
    assert found
    return found.group(1)


def test_an_invitation_signs_up_once_with_its_email_role_and_team(
    admin: Person, make_client: Any, app: Any
) -> None:
    ward = team_id(admin, "Ward 7")
    token = invite(admin, "Nia@Example.org", "facilitator", ward)
    with app.state.sessions() as db:
        stored = db.scalars(select(Invitation)).one()
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert stored.expires_at - stored.created_at == timedelta(days=7)
    assert "nia@example.org: facilitator, Ward 7" in admin.client.get("/admin").text

    browser = make_client()
    page = browser.get(f"/signup?invite={token}")
    assert page.status_code == 200 and 'readonly value="nia@example.org"' in page.text
    assert "invited as facilitator in Ward 7" in page.text
    response = accept(browser, token, "Nia Nurse", email="someone.else@example.org")
    assert response.status_code == 303 and SESSION_COOKIE in browser.cookies
    nia = user(app, "nia@example.org")
    assert (nia.name, nia.role, str(nia.team_id)) == ("Nia Nurse", "facilitator", ward)
    with app.state.sessions() as db:
        assert db.scalar(select(User.id).where(User.email == "someone.else@example.org")) is None

    again = make_client()
    used = again.get(f"/signup?invite={token}")
    assert (
        used.status_code == 400
        and "already been used" in used.text
        and "<form" not in used.text.split("<main")[-1]
    )
    assert accept(again, token, "Mallory", email="m@example.org").status_code == 400
    with app.state.sessions() as db:
        assert db.scalar(select(func.count(User.id))) == 2
    rows = entries(admin.client.get("/admin/audit").text)
    assert "invited nia@example.org as facilitator" in rows[0] and "no one person" in rows[0]


def test_expired_wrong_replaced_and_refused_invitations(
    admin: Person, learner: Person, make_client: Any, app: Any
) -> None:
    browser = make_client()
    token = invite(admin, "ola@example.org")
    weak = accept(browser, token, "Ola", "password123")
    assert weak.status_code == 400 and "too easy to guess" in weak.text
    assert 'readonly value="ola@example.org"' in weak.text  # the form is offered again
    with app.state.sessions() as db:  # the refused password left the invitation open
        assert db.scalars(select(Invitation)).one().used_at is None

    with app.state.sessions() as db:
        db.execute(update(Invitation).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.commit()
    expired = browser.get(f"/signup?invite={token}")
    assert expired.status_code == 400 and "has expired" in expired.text
    assert accept(browser, token, "Ola").status_code == 400
    wrong = browser.get("/signup?invite=not-a-real-token")
    assert wrong.status_code == 400 and "not valid" in wrong.text

    first = invite(admin, "pia@example.org")
    second = invite(admin, "pia@example.org")  # replaces the first
    assert "not valid" in browser.get(f"/signup?invite={first}").text
    assert accept(browser, second, "Pia").status_code == 303

    for email, role in (
        (learner.email, "learner"),
        ("nobody", "learner"),
        ("q@example.org", "boss"),
    ):
        refused = admin.post("/admin/invitations", {"email": email, "role": role})
        assert refused.status_code == 400, email
    assert learner.post("/admin/invitations", {"email": "x@example.org"}).status_code == 403


def test_with_passwords_off_the_invitation_says_to_use_single_sign_on(
    admin: Person, app: Any, web_settings: Any
) -> None:
    token = invite(admin, "sso@example.org")
    app.state.settings = web_settings.model_copy(update={"password_signin": False})
    page = admin.client.get("/admin").text
    assert "Password sign-in is switched off here" in page
    shown = admin.post("/admin/invitations", {"email": "sso2@example.org", "role": "learner"})
    assert "signs in with single sign-on using sso2@example.org" in shown.text
    assert "?invite=" not in shown.text
    admin.post("/signout")
    invited = admin.client.get(f"/signup?invite={token}").text
    assert "Password sign-in is switched off here: sign in with single sign-on" in invited
    assert accept(admin.client, token, "Sso").status_code == 403


def test_odd_digits_in_the_audit_filters_are_refused_not_crashed(admin: Person) -> None:
    """'²' passes str.isdigit but not int(): found in review."""
    for field in ("actor", "subject"):
        response = admin.client.get(f"/admin/audit?{field}=²")
        assert response.status_code == 400, response.text
