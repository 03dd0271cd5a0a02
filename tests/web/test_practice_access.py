"""Who may see a run: the owner; an admin or the team's facilitator only when shared, audited."""

from __future__ import annotations

import re
from typing import Any

from tests.web.helpers import Person, ended_run, sign_up

SCENARIO = "nurse-medication-error"


def set_role(admin: Person, person: Person, role: str, team: str = "") -> None:
    """Give a person a role and (by name) a team, creating the team when needed."""
    page = admin.client.get("/admin").text
    if team and f">{team}</option>" not in page:
        assert admin.post("/admin/teams", {"name": team}).status_code == 200
        page = admin.client.get("/admin").text
    found = re.search(
        re.escape(person.email) + r'</td><td>\s*<form method="post" action="/admin/users/(\d+)"',
        page,
    )
    assert found, "the person is not on the admin page"
    team_id = ""
    if team:
        option = re.search(r'<option value="(\d+)"[^>]*>' + re.escape(team) + "<", page)
        assert option, f"no team {team} on the admin page"
        team_id = option.group(1)
    response = admin.post(f"/admin/users/{found.group(1)}", {"role": role, "team_id": team_id})
    assert response.status_code == 200


def make_facilitator(admin: Person, person: Person, team: str = "") -> None:
    set_role(admin, person, "facilitator", team)


def test_another_learner_gets_404_everywhere(learner: Person, make_client: Any) -> None:
    run_id = ended_run(learner, SCENARIO, "easy")
    active = str(learner.post(f"/practice/{SCENARIO}/start", {"difficulty": "easy"}).url)
    active_id = active.rsplit("/", 1)[-1]
    learner.post(f"/runs/{active_id}/turns", {"text": "How are you?"})
    other = sign_up(make_client(), "Olu Other")
    for path in (
        f"/runs/{run_id}",
        f"/runs/{run_id}/debrief",
        f"/runs/{active_id}",
        f"/runs/{active_id}/turns/1/stream",
    ):
        assert other.client.get(path).status_code == 404, path
    posts = {
        f"/runs/{active_id}/turns": {"text": "Hello"},
        f"/runs/{active_id}/end": {},
        f"/runs/{run_id}/corrections": {"turn": "1", "label": "question", "value": "open"},
        f"/runs/{run_id}/share": {"shared": "1"},
        f"/runs/{run_id}/reflection": {"reflection": "mine now"},
    }
    for path, data in posts.items():
        assert other.post(path, data).status_code == 404, path
    assert learner.client.get(f"/runs/{active_id}").status_code == 200
    assert "mine now" not in learner.client.get(f"/runs/{run_id}/debrief").text


def test_facilitator_sees_only_shared_runs_and_each_view_is_audited(
    admin: Person, learner: Person, make_client: Any
) -> None:
    run_id = ended_run(learner, SCENARIO, "easy")
    coach = sign_up(make_client(), "Fay Facilitator")
    elsewhere = sign_up(make_client(), "Gil Otherteam")
    set_role(admin, learner, "learner", "Ward 7")
    make_facilitator(admin, coach, "Ward 7")
    make_facilitator(admin, elsewhere, "Ward 9")
    assert coach.client.get(f"/runs/{run_id}/debrief").status_code == 404
    assert run_id not in admin.client.get("/admin/audit").text
    shared = learner.post(f"/runs/{run_id}/share", {"shared": "1"})
    assert "Shared with facilitators" in shared.text and "audit log" in shared.text
    page = coach.client.get(f"/runs/{run_id}/debrief")
    assert page.status_code == 200
    assert "shared with you" in page.text and "Is a label wrong?" not in page.text
    assert elsewhere.client.get(f"/runs/{run_id}/debrief").status_code == 404  # not their team
    assert coach.client.get(f"/runs/{run_id}").status_code == 404  # the conversation stays private
    assert coach.post(f"/runs/{run_id}/share", {"shared": "0"}).status_code == 404
    assert f"viewed shared run {run_id}" in admin.client.get("/admin/audit").text
    learner.post(f"/runs/{run_id}/share", {"shared": "0"})
    assert coach.client.get(f"/runs/{run_id}/debrief").status_code == 404


def test_reflection_is_saved_and_only_after_the_end(learner: Person) -> None:
    run_id = ended_run(learner, SCENARIO, "easy")
    page = learner.post(f"/runs/{run_id}/reflection", {"reflection": "I rushed to the fix."})
    assert page.status_code == 200 and "Your reflection was saved" in page.text
    assert "I rushed to the fix." in page.text
    started = learner.post(f"/practice/{SCENARIO}/start", {"difficulty": "easy"})
    active_id = str(started.url).rsplit("/", 1)[-1]
    early = learner.post(f"/runs/{active_id}/reflection", {"reflection": "too soon"})
    assert early.status_code == 400


def test_facilitator_feedback_on_a_shared_run_reaches_the_learner(
    learner: Person, admin: Person, make_client: Any
) -> None:
    """Only readers of the debrief comment; the learner sees the feedback and may reply."""
    coach, stranger = sign_up(make_client(), "Cora Coach"), sign_up(make_client(), "Sam Stranger")
    set_role(admin, learner, "learner", "Ward 7")
    make_facilitator(admin, coach, "Ward 7")
    run_id = ended_run(learner, SCENARIO)
    path = f"/runs/{run_id}/comments"
    assert coach.post(path, {"body": "Before sharing"}).status_code == 404  # not shared yet
    learner.post(f"/runs/{run_id}/share", {"shared": "1"})
    saved = coach.post(path, {"body": "Lovely reflection at turn 2.\n<b>Next:</b> ask first."})
    assert saved.status_code == 200 and "Comment saved" in saved.text
    page = learner.client.get(f"/runs/{run_id}/debrief").text
    assert "Cora Coach" in page and "Lovely reflection at turn 2." in page
    assert "&lt;b&gt;Next:&lt;/b&gt; ask first." in page  # shown as text, never as markup
    assert learner.post(path, {"body": "Thank you!"}).status_code == 200
    assert "Thank you!" in coach.client.get(f"/runs/{run_id}/debrief").text
    assert stranger.post(path, {"body": "Hi"}).status_code == 404
    empty = coach.post(path, {"body": "   "})
    assert empty.status_code == 400 and "Write a comment" in empty.text
    learner.post(f"/runs/{run_id}/share", {"shared": "0"})
    assert coach.post(path, {"body": "After unsharing"}).status_code == 404
    assert "After unsharing" not in learner.client.get(f"/runs/{run_id}/debrief").text
