"""Mentoring pages over HTTP: authorisation, forms, transparency, import and the calendar feed."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.helpers import Person, asked_pair, sign_up

from empathic.db import utcnow
from empathic.mentoring.models import Pair
from empathic.roleplay.loading import find_scenario


def _person(make_client: Any, name: str) -> Person:
    return sign_up(make_client(), name)


def _pair(admin: Person, mentor: Person, mentee: Person) -> int:
    """A pair the admin proposes and the mentee accepts (it is pending until then)."""
    response = admin.post(
        "/mentoring/pairs",
        {"mentor_email": mentor.email, "mentee_email": mentee.email, "programme": "Pilot"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    found = re.search(r"/mentoring/pairs/(\d+)$", response.headers["location"])
    assert found
    pair_id = int(found.group(1))
    accepted = mentee.post(
        f"/mentoring/pairs/{pair_id}/state", {"action": "accept"}, follow_redirects=False
    )
    assert accepted.status_code == 303, accepted.text
    return pair_id


@pytest.fixture
def people(admin: Person, make_client: Any) -> dict[str, Person]:
    return {
        "admin": admin,
        **{n: _person(make_client, n.title()) for n in ("mona", "theo", "carl", "dina")},
    }


def _share(mentee: Person, pair_id: int, source: str, granted: bool = True) -> None:
    response = mentee.post(
        f"/mentoring/pairs/{pair_id}/consent",
        {"source": source, "granted": "1" if granted else "0"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def _overdue(person: Person, pair_id: int) -> None:
    due = (date.today() - timedelta(days=6)).isoformat()
    response = person.post(
        f"/mentoring/pairs/{pair_id}/milestones",
        {"title": "Finish the leadership course", "due_date": due},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def _flag_ids(html: str) -> list[int]:
    return sorted({int(x) for x in re.findall(r"/mentoring/flags/(\d+)", html)})


def _feed(app: Any, pair_id: int, token_of: int | None = None) -> str:
    """The calendar feed URL of `pair_id`, carrying the token of `token_of` (default: its own)."""
    with app.state.sessions() as db:
        pair = db.get(Pair, token_of or pair_id)
        assert pair is not None
        return f"/mentoring/pairs/{pair_id}/calendar.ics?token={pair.feed_token}"


def test_a_mentor_cannot_read_another_pair(people: dict[str, Person], app: Any) -> None:
    p = people
    mine = _pair(p["admin"], p["mona"], p["theo"])
    theirs = _pair(p["admin"], p["carl"], p["dina"])
    _share(p["dina"], theirs, "milestones")
    _overdue(p["dina"], theirs)
    assert p["carl"].client.get(f"/mentoring/pairs/{theirs}").status_code == 200
    flag_ids = _flag_ids(p["dina"].client.get(f"/mentoring/pairs/{theirs}").text)
    assert len(flag_ids) == 1
    mona = p["mona"].client
    assert mona.get(f"/mentoring/pairs/{mine}").status_code == 200
    for path in (
        f"/mentoring/pairs/{theirs}",
        f"/mentoring/pairs/{theirs}/transparency",
        f"/mentoring/flags/{flag_ids[0]}",
        _feed(app, theirs, token_of=mine),  # her own pair's token does not open theirs
        f"/mentoring/pairs/{theirs}/sessions/1/reflection",
    ):
        assert mona.get(path).status_code == 404, path
    assert mona.get(_feed(app, theirs)).status_code == 200  # the token, not the sign-in, decides
    response = p["mona"].post(
        f"/mentoring/pairs/{theirs}/sessions", {"notes": "Sneaky"}, follow_redirects=False
    )
    assert response.status_code == 404
    home = mona.get("/mentoring").text
    assert "Theo" in home and "Dina" not in home


def test_mentee_transparency_shows_every_flag_even_hidden_ones(people: dict[str, Person]) -> None:
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    _share(p["theo"], pair_id, "milestones")
    _overdue(p["theo"], pair_id)
    mentor_page = p["mona"].client.get(f"/mentoring/pairs/{pair_id}").text
    assert "Finish the leadership course" in mentor_page
    assert len(_flag_ids(mentor_page)) == 1
    _share(p["theo"], pair_id, "milestones", granted=False)
    mentor_page = p["mona"].client.get(f"/mentoring/pairs/{pair_id}").text
    assert _flag_ids(mentor_page) == [] and "Finish the leadership course" not in mentor_page
    page = p["theo"].client.get(f"/mentoring/pairs/{pair_id}/transparency")
    assert page.status_code == 200
    assert len(_flag_ids(page.text)) == 1
    assert "Hidden from your mentor" in page.text
    assert "was due 6 days ago" in page.text
    assert "Not shared: your mentor sees none of them." in page.text
    assert "mentoring.view" in page.text  # the mentor's views are listed


def test_invitation_then_accept(people: dict[str, Person]) -> None:
    p = people
    pair_id = asked_pair(p["theo"], p["mona"])
    theo_home = p["theo"].client.get("/mentoring").text
    assert f"You asked <strong>{p['mona'].email}</strong>" in theo_home
    assert f"/mentoring/pairs/{pair_id}" not in theo_home  # until Mona answers
    assert p["theo"].client.get(f"/mentoring/pairs/{pair_id}").status_code == 404
    refused = p["theo"].post(f"/mentoring/pairs/{pair_id}/state", {"action": "accept"})
    assert refused.status_code == 404
    mona_home = p["mona"].client.get("/mentoring").text
    assert "Theo" in mona_home and f"/mentoring/pairs/{pair_id}/state" in mona_home
    accepted = p["mona"].post(
        f"/mentoring/pairs/{pair_id}/state", {"action": "accept"}, follow_redirects=False
    )
    assert accepted.status_code == 303
    assert 'badge good">active' in p["mona"].client.get(f"/mentoring/pairs/{pair_id}").text
    theo_home = p["theo"].client.get("/mentoring").text
    assert f'/mentoring/pairs/{pair_id}">Mona<' in theo_home and "You asked" not in theo_home
    learner_create = p["theo"].post(
        "/mentoring/pairs", {"mentor_email": p["carl"].email, "mentee_email": p["dina"].email}
    )
    assert learner_create.status_code == 403


def test_asking_tells_nothing_about_who_has_an_account(people: dict[str, Person]) -> None:
    """Every address gets the same answer and the same line on the page: one without an
    account, one whose owner has not answered, one whose owner declined, and the address
    of someone the mentee is already paired with."""
    p = people
    theo = p["theo"]
    _pair(p["admin"], p["dina"], theo)  # Dina already mentors Theo
    asked = {
        "ghost@example.org": None,
        p["mona"].email: None,
        p["carl"].email: None,
        p["dina"].email: None,
    }
    for email in asked:
        response = theo.post(
            "/mentoring/invite",
            {"mentor_email": email},
            follow_redirects=False,
        )
        asked[email] = (response.status_code, response.headers.get("location"))
    assert set(asked.values()) == {(303, "/mentoring?done=asked")}
    carl_home = p["carl"].client.get("/mentoring").text
    assert "Theo" in carl_home
    declined = re.search(r'/mentoring/pairs/(\d+)">Theo<', carl_home)
    assert declined
    p["carl"].post(f"/mentoring/pairs/{declined.group(1)}/state", {"action": "decline"})
    home = theo.client.get("/mentoring").text
    lines = re.findall(r"<li>You asked .*?</li>", home, flags=re.S)
    shown = set()
    for line in lines:
        for email in asked:
            line = line.replace(email, "X")
        shown.add(re.sub(r"/requests/\d+/", "/requests/N/", line))
    assert len(lines) == 4 and len(shown) == 1, shown  # all four, shown alike
    assert "not accepted yet" in shown.pop()
    assert "Carl" not in home and "Mona" not in home  # no name of anyone asked
    assert theo.client.get(f"/mentoring/pairs/{declined.group(1)}").status_code == 404


def test_a_request_can_be_withdrawn_and_there_is_a_limit(people: dict[str, Person]) -> None:
    theo, dina = people["theo"], people["dina"]
    pair_id = asked_pair(theo, dina)
    home = theo.client.get("/mentoring").text
    request_ids = re.findall(r"/mentoring/requests/(\d+)/withdraw", home)
    assert len(request_ids) == 1
    stranger = people["carl"].post(f"/mentoring/requests/{request_ids[0]}/withdraw")
    assert stranger.status_code == 404
    again = theo.post("/mentoring/invite", {"mentor_email": dina.email.upper()})
    assert again.status_code == 400 and "already asked" in again.text
    withdrawn = theo.post(f"/mentoring/requests/{request_ids[0]}/withdraw")
    assert withdrawn.status_code == 200 and "Request withdrawn." in withdrawn.text
    assert f"/mentoring/pairs/{pair_id}" not in dina.client.get("/mentoring").text
    assert dina.client.get(f"/mentoring/pairs/{pair_id}").status_code == 404
    for number in range(5):
        theo.post("/mentoring/invite", {"mentor_email": f"someone{number}@example.org"})
    full = theo.post("/mentoring/invite", {"mentor_email": "sixth@example.org"})
    assert full.status_code == 400 and "5 requests waiting" in full.text
    assert len(re.findall(r"You asked <strong>", full.text)) == 5


def test_progress_needs_a_comment(people: dict[str, Person]) -> None:
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    _overdue(p["theo"], pair_id)
    page = p["theo"].client.get(f"/mentoring/pairs/{pair_id}").text
    milestone_id = re.search(r"/milestones/(\d+)/progress", page)
    assert milestone_id
    path = f"/mentoring/pairs/{pair_id}/milestones/{milestone_id.group(1)}/progress"
    missing = p["theo"].post(path, {"progress": "50", "comment": " "})
    assert missing.status_code == 400 and "comment is required" in missing.text
    done = p["theo"].post(path, {"progress": "50", "comment": "Half way"}, follow_redirects=False)
    assert done.status_code == 303
    assert "“Half way”" in p["theo"].client.get(f"/mentoring/pairs/{pair_id}").text
    blocked = p["mona"].post(path, {"progress": "60", "comment": "Nudging"})
    assert blocked.status_code == 403  # not shared with the mentor


def test_csv_import_preview_then_confirm(people: dict[str, Person]) -> None:
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    bad = "Title,Due Date,Progress\nGood,2027-01-10,10\nBad,someday,20\n"
    response = p["theo"].post(
        f"/mentoring/pairs/{pair_id}/import", files={"file": ("hris.csv", bad, "text/csv")}
    )
    assert response.status_code == 400
    assert "Row 3: &#39;someday&#39; is not a date" in response.text
    assert 'name="csv_text"' not in response.text
    forged = p["theo"].post(
        f"/mentoring/pairs/{pair_id}/import/confirm", {"csv_text": bad, "filename": "x.csv"}
    )
    assert forged.status_code == 400
    page = p["theo"].client.get(f"/mentoring/pairs/{pair_id}").text
    assert "No milestones yet" in page
    good = "name;deadline;% complete\nPresent at town hall;2027-01-10;25\n"
    preview = p["theo"].post(
        f"/mentoring/pairs/{pair_id}/import", files={"file": ("lms.csv", good, "text/csv")}
    )
    assert preview.status_code == 200 and "Import 1 milestone(s)" in preview.text
    saved = p["theo"].post(
        f"/mentoring/pairs/{pair_id}/import/confirm",
        {"csv_text": good, "filename": "lms.csv"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = p["theo"].client.get(f"/mentoring/pairs/{pair_id}").text
    assert "Present at town hall" in page and "Imported from lms.csv" in page


def test_flag_page_demands_the_story_first(people: dict[str, Person]) -> None:
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    _share(p["theo"], pair_id, "milestones")
    _overdue(p["theo"], pair_id)
    flag_id = _flag_ids(p["mona"].client.get(f"/mentoring/pairs/{pair_id}").text)[0]
    page = p["mona"].client.get(f"/mentoring/flags/{flag_id}").text
    assert "Stories that fit the same facts" in page and "/practice/mentor-milestones" in page
    assert "Relationship friction" in page and "Advice before understanding" in page
    assert f"Practise first: {find_scenario('mentor-milestones').title}" in page
    early = p["mona"].post(f"/mentoring/flags/{flag_id}/resolve", {"outcome": "done"})
    assert early.status_code == 400 and "record what you learned" in early.text
    p["mona"].post(f"/mentoring/flags/{flag_id}/story", {"story": "The course moved."})
    no_consent = p["mona"].post(f"/mentoring/flags/{flag_id}/escalate", {"to": "Lead"})
    assert no_consent.status_code == 400 and "not agreed" in no_consent.text
    p["theo"].post(f"/mentoring/flags/{flag_id}/account", {"account": "HR moved it."})
    p["theo"].post(f"/mentoring/flags/{flag_id}/consent", {"consent": "1"})
    assert p["admin"].client.get(f"/mentoring/flags/{flag_id}").status_code == 404
    done = p["mona"].post(
        f"/mentoring/flags/{flag_id}/escalate", {"to": "Programme lead"}, follow_redirects=False
    )
    assert done.status_code == 303
    admin_view = p["admin"].client.get(f"/mentoring/flags/{flag_id}")
    assert admin_view.status_code == 200 and "HR moved it." in admin_view.text


def test_sessions_tags_reflection_and_calendar(people: dict[str, Person]) -> None:
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    p["mona"].post(
        f"/mentoring/pairs/{pair_id}/sessions",
        {"notes": "Mona: What feels hardest?\nTheo: I feel anxious about the promotion panel."},
    )
    page = p["mona"].client.get(f"/mentoring/pairs/{pair_id}").text
    assert "Counselling (psychosocial): “anxious”" in page
    session_id = re.search(r"/sessions/(\d+)/tags", page)
    assert session_id
    sid = session_id.group(1)
    assert (
        p["mona"].client.get(f"/mentoring/pairs/{pair_id}/sessions/{sid}/reflection").status_code
        == 403
    )  # analysis not shared yet
    _share(p["theo"], pair_id, "session_analysis")
    reflection = p["mona"].client.get(f"/mentoring/pairs/{pair_id}/sessions/{sid}/reflection")
    assert reflection.status_code == 200 and "Key metrics for Mona" in reflection.text
    p["mona"].post(
        f"/mentoring/pairs/{pair_id}/sessions/{sid}/tags",
        {"function": ["counselling", "coaching"]},  # type: ignore[dict-item]
    )
    page = p["mona"].client.get(f"/mentoring/pairs/{pair_id}").text
    assert "<svg" in page and "Career and psychosocial balance" in page
    p["mona"].post(
        f"/mentoring/pairs/{pair_id}/schedule",
        {"starts_at": "2026-12-01T09:00", "interval_weeks": "2", "count": "5", "minutes": "45"},
    )
    page = p["mona"].client.get(f"/mentoring/pairs/{pair_id}").text
    feed = re.search(
        r'href="http://testserver(/mentoring/pairs/\d+/calendar\.ics\?token=[^"]+)"', page
    )
    assert feed
    ics = p["dina"].client.get(feed.group(1).replace("&amp;", "&"))  # the token is the key
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert "RRULE:FREQ=WEEKLY;COUNT=5;INTERVAL=2\r\n" in ics.text
    # no zone sent (a browser without JavaScript): Europe/London, local time kept
    assert "DTSTART;TZID=Europe/London:20261201T090000\r\n" in ics.text
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n" in ics.text
    assert "from 01 Dec 2026 09:00 Europe/London" in page


def test_a_schedule_is_entered_in_the_browsers_zone(people: dict[str, Person]) -> None:
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    form = p["mona"].client.get(f"/mentoring/pairs/{pair_id}").text
    assert '<script src="/static/timezone.js" defer></script>' in form
    assert 'name="time_zone" value="Europe/London"' in form and "data-browser-zone" in form
    path = f"/mentoring/pairs/{pair_id}/schedule"
    fields = {"starts_at": "2026-03-05T17:30", "interval_weeks": "1", "count": "4"}
    bad = p["mona"].post(path, {**fields, "time_zone": "Atlantis/Capital"})
    assert bad.status_code == 400 and "Time zone: enter a zone name" in bad.text
    gap = p["mona"].post(
        path, {**fields, "starts_at": "2026-03-08T02:30", "time_zone": "America/New_York"}
    )
    assert gap.status_code == 400 and "does not exist on 08 Mar 2026" in gap.text
    p["mona"].post(path, {**fields, "time_zone": "America/New_York"})
    page = p["mona"].client.get(f"/mentoring/pairs/{pair_id}").text
    assert "from 05 Mar 2026 17:30 America/New_York" in page
    feed = re.search(
        r'href="http://testserver(/mentoring/pairs/\d+/calendar\.ics\?token=[^"]+)"', page
    )
    assert feed
    ics = p["mona"].client.get(feed.group(1).replace("&amp;", "&")).text
    assert "DTSTART;TZID=America/New_York:20260305T173000\r\n" in ics


def test_notes_that_are_not_a_dialogue_get_a_clear_message(people: dict[str, Person]) -> None:
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    _share(p["theo"], pair_id, "session_analysis")
    p["mona"].post(f"/mentoring/pairs/{pair_id}/sessions", {"notes": "We talked about goals."})
    page = p["theo"].client.get(f"/mentoring/pairs/{pair_id}").text
    sid = re.search(r"/sessions/(\d+)/reflection", page)
    assert sid
    reflection = p["theo"].client.get(
        f"/mentoring/pairs/{pair_id}/sessions/{sid.group(1)}/reflection"
    )
    assert "not written as a dialogue" in reflection.text


def test_nudge_on_home_and_csrf(people: dict[str, Person], app: Any) -> None:
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    assert "Time to reconnect" not in p["mona"].client.get("/mentoring").text
    with app.state.sessions() as db:
        db.get(Pair, pair_id).created_at = utcnow() - timedelta(days=100)
        db.commit()
    home = p["mona"].client.get("/mentoring").text
    assert "Time to reconnect" in home and "no session for 100 days" in home
    assert "Time to reconnect" not in p["theo"].client.get("/mentoring").text
    response = p["mona"].client.post("/mentoring/invite", data={"mentor_email": "x@example.org"})
    assert response.status_code == 403


def test_each_change_is_confirmed_and_unknown_confirmations_show_nothing(
    client: TestClient, admin: Person, make_client: Any
) -> None:
    """After a change the page says what was saved; the address cannot put words on it."""
    mona, theo = sign_up(make_client(), "Mona"), sign_up(make_client(), "Theo")
    pair_id = asked_pair(theo, mona)
    mona.post(f"/mentoring/pairs/{pair_id}/state", {"action": "accept"})
    added = theo.post(f"/mentoring/pairs/{pair_id}/goals", {"title": "Lead a meeting"})
    assert added.status_code == 200 and str(added.url).endswith("?done=goal")
    assert '<p class="notice" role="status">Goal added.</p>' in added.text
    checked = theo.post(
        f"/mentoring/pairs/{pair_id}/checkins", {"energy": "3", "workload": "4", "support": "4"}
    )
    assert '<p class="notice" role="status">Check-in saved.</p>' in checked.text
    forged = theo.client.get(f"/mentoring/pairs/{pair_id}?done=<script>alert(1)</script>")
    assert forged.status_code == 200 and 'class="notice" role="status"' not in forged.text
    team = admin.post("/admin/teams", {"name": "Ward 7"})
    assert '<p class="notice" role="status">Team created.</p>' in team.text


def test_either_person_can_make_a_new_calendar_link(
    client: TestClient, admin: Person, make_client: Any
) -> None:
    mona, theo = sign_up(make_client(), "Mona"), sign_up(make_client(), "Theo")
    pair_id = asked_pair(theo, mona)
    mona.post(f"/mentoring/pairs/{pair_id}/state", {"action": "accept"})
    theo.post(
        f"/mentoring/pairs/{pair_id}/schedule",
        {
            "starts_at": "2030-03-04T09:00",
            "interval_weeks": "1",
            "count": "3",
            "minutes": "30",
            "time_zone": "Europe/London",
        },
    )

    def feed(person: Person) -> str:
        found = re.search(
            r'href="(http://testserver/mentoring/pairs/\d+/calendar\.ics\?token=[^"]+)"',
            person.client.get(f"/mentoring/pairs/{pair_id}").text,
        )
        assert found, "the pair page shows the whole feed address"
        return html.unescape(found.group(1))

    old = feed(theo)
    assert client.get(old).status_code == 200
    rotated = mona.post(f"/mentoring/pairs/{pair_id}/calendar/rotate")
    assert "The calendar link is new" in rotated.text
    new = feed(mona)
    assert new != old and client.get(old).status_code == 404 and client.get(new).status_code == 200
    assert admin.post(f"/mentoring/pairs/{pair_id}/calendar/rotate").status_code == 404
