"""Teach it your organisation: a correction changes the debrief it was made on, facilitators
review the least confident turns first, and admins see whether an organisation pack beats
open on the corrections it never trained on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.helpers import Person, ended_run, sign_up
from tests.web.test_insights_facilitator import assign, audit_entries, make_team
from tests.web.test_insights_growth import user_id

from empathic.analysis.labels import MECHANISMS
from empathic.config import Settings
from empathic.practice.models import Correction, PracticeTurn, TurnCode

SCENARIO = "ai-tool-anxiety"
JSON = {"Accept": "application/json"}
REVIEWED = ("behaviour", *MECHANISMS)


def debrief_json(person: Person, run_id: str) -> dict[str, Any]:
    response = person.client.get(f"/runs/{run_id}/debrief", headers=JSON)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def learner_turns(debrief: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in debrief["report"]["turns"] if t.get("learner")]


def test_a_correction_changes_the_debrief_it_was_made_on(learner: Person) -> None:
    run_id = ended_run(learner, SCENARIO, "medium")
    before = debrief_json(learner, run_id)
    turns = learner_turns(before)
    turn = next(t for t in turns if t["labels"]["behaviour"] != "reflection")
    was = turn["labels"]["behaviour"]
    units = [u["behaviour"] for u in turn["utterances"]]
    moved = units.count(was) or len(units)  # the utterances that carried the wrong value
    metrics = before["report"]["summary"]["metrics"]

    saved = learner.post(
        f"/runs/{run_id}/corrections",
        {"turn": str(turn["turn"]), "value": "behaviour=reflection"},
        follow_redirects=False,
    )
    assert saved.status_code == 303

    after = debrief_json(learner, run_id)
    fixed = after["report"]["summary"]["metrics"]
    assert fixed["reflections"] == metrics["reflections"] + moved
    if was == "question":
        assert fixed["questions"] == metrics["questions"] - moved
    expected = round(fixed["reflections"] / fixed["questions"], 2) if fixed["questions"] else None
    assert fixed["r_q_ratio"] == expected and fixed["r_q_ratio"] != metrics["r_q_ratio"]
    [corrected] = [t for t in learner_turns(after) if t.get("corrected")]
    assert corrected["turn"] == turn["turn"]
    assert corrected["labels"]["behaviour"] == "reflection"
    assert corrected["confidence"]["behaviour"] == 1.0
    assert corrected["corrected"] == {"behaviour": {"value": "reflection", "was": was}}
    assert any("corrected by a person" in note for note in after["report"]["notes"])

    page = learner.client.get(f"/runs/{run_id}/debrief").text
    assert f"corrected by you: reflection, was {was}" in page
    assert 'id="corrected-note"' in page and f"turn {turn['turn']})" in page
    assert f"{fixed['reflections']} reflections" in page


def test_a_newer_correction_of_the_same_label_wins(learner: Person) -> None:
    run_id = ended_run(learner, SCENARIO, "medium")
    post = learner.post
    post(f"/runs/{run_id}/corrections", {"turn": "1", "value": "behaviour=input"})
    post(f"/runs/{run_id}/corrections", {"turn": "1", "value": "behaviour=other"})
    [first, *_] = learner_turns(debrief_json(learner, run_id))
    assert first["labels"]["behaviour"] == "other"
    assert first["corrected"]["behaviour"]["value"] == "other"


def share(person: Person, run_id: str) -> None:
    assert person.post(f"/runs/{run_id}/share", {"shared": "1"}).status_code == 200


def least_confidence(turn: dict[str, Any], skip: set[str] | None = None) -> float:
    labels = [label for label in REVIEWED if label in turn["labels"] and label not in (skip or ())]
    return float(min(turn["confidence"][label] for label in labels))


def test_the_queue_lists_least_confident_first_and_refuses_a_learner(
    app: Any, admin: Person, learner: Person, make_client: Any
) -> None:
    runs = [ended_run(learner, SCENARIO, "medium"), ended_run(learner, "mentor-milestones")]
    private = ended_run(learner, SCENARIO, "easy")  # never shared: never in the queue
    for run_id in runs:
        share(learner, run_id)

    queue = admin.client.get("/corrections/queue", headers=JSON).json()
    items = queue["items"]
    assert queue["runs"] == 2 and queue["total"] == len(items) == 4  # two turns a run
    confidences = [item["confidence"] for item in items]
    assert confidences == sorted(confidences)
    assert {item["run"] for item in items} == set(runs) and private not in str(items)
    # the confidence is the debrief's: the lowest of the behaviour and EPITOME labels
    for item in items:
        turns = learner_turns(debrief_json(admin, item["run"]))
        turn = next(t for t in turns if t["turn"] == item["turn"])
        assert item["confidence"] == least_confidence(turn)
        assert item["link"] == f"/runs/{item['run']}/debrief#turn-{item['turn']}"
        assert item["learner"] == learner.name and item["label"] in REVIEWED

    page = admin.client.get("/corrections/queue")
    assert page.status_code == 200
    assert "4 turns to review; showing 1–4." in page.text
    assert page.text.count('class="queue-item"') == 4
    assert (user_id(app, admin.email), user_id(app, learner.email), "viewed review queue") in (
        audit_entries(app)
    )

    assert learner.client.get("/corrections/queue").status_code == 403
    assert learner.client.get("/corrections/queue", headers=JSON).status_code == 403
    assert learner.client.get("/corrections/packs").status_code == 403

    # a facilitator of another team sees none of it
    team = make_team(app, admin, "Elsewhere")
    fac = sign_up(make_client(), "Fay Facilitator")
    assign(app, admin, fac, "facilitator", team)
    assert fac.client.get("/corrections/queue", headers=JSON).json()["total"] == 0
    assert fac.client.get("/corrections/packs").status_code == 403


def test_a_label_the_learner_corrected_no_longer_ranks_its_turn(
    admin: Person, learner: Person
) -> None:
    run_id = ended_run(learner, SCENARIO, "medium")
    share(learner, run_id)
    first = admin.client.get("/corrections/queue", headers=JSON).json()["items"][0]
    turn, label = first["turn"], first["label"]
    learner.post(
        f"/runs/{run_id}/corrections", {"turn": str(turn), "value": f"{label}={first['value']}"}
    )
    again = admin.client.get("/corrections/queue", headers=JSON).json()["items"]
    entry = next(i for i in again if i["turn"] == turn)
    assert entry["label"] != label
    debrief = learner_turns(debrief_json(learner, run_id))
    assert entry["confidence"] == least_confidence(
        next(t for t in debrief if t["turn"] == turn), {label}
    )


def test_the_packs_page_scores_open_and_an_organisation_pack_on_held_back_runs_only(
    app: Any,
    admin: Person,
    learner: Person,
    install: Any,
    web_settings: Settings,
    tmp_path: Path,
) -> None:
    held, trained = ended_run(learner, SCENARIO, "medium"), ended_run(learner, SCENARIO, "hard")
    for run_id in (held, trained):
        learner.post(f"/runs/{run_id}/corrections", {"turn": "1", "value": "behaviour=reflection"})
        learner.post(f"/runs/{run_id}/corrections", {"turn": "2", "value": "exploration=2"})
    folder = install("acme")
    card = json.loads((folder / "card.json").read_text("utf-8"))
    card["held_back"] = {"conversations": [held], "rows": 2}
    (folder / "card.json").write_text(json.dumps(card), "utf-8")

    found = admin.client.get("/corrections/packs", headers=JSON).json()["comparisons"]
    [acme] = found
    assert acme["pack"] == "acme"
    assert acme["held_back"] == {"runs": 1, "runs_with_rows": 1, "rows": 2}
    assert {t["task"]: t["n"] for t in acme["tasks"]} == {"behaviour": 1, "exploration": 1}
    assert all(set(t["scores"]) == {"open", "acme"} for t in acme["tasks"])

    page = admin.client.get("/corrections/packs")
    assert page.status_code == 200
    assert (
        "open vs acme" in page.text and "2 corrections from 1 of the 1 held-back runs" in page.text
    )
    with app.state.sessions() as db:
        assert len(list(db.scalars(select(Correction)))) == 4  # scoring wrote nothing


def test_no_organisation_pack_yet(admin: Person) -> None:
    page = admin.client.get("/corrections/packs")
    assert page.status_code == 200 and "No organisation pack yet" in page.text


def test_queue_pages(admin: Person, client: TestClient) -> None:
    page = admin.client.get("/corrections/queue?page=7", headers=JSON).json()
    assert page == {"total": 0, "runs": 0, "page": 1, "pages": 1, "items": []}
    assert "Nothing to review" in admin.client.get("/corrections/queue").text


def test_the_queue_codes_a_turn_once_and_again_when_its_words_change(
    app: Any, admin: Person, learner: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Coding every shared turn again on each view took seconds at 200 runs (bench/pages.py):
    codes are kept per turn and coder, and a turn is coded again only when its words or
    the line it answered change."""
    run_id = ended_run(learner, SCENARIO, "medium")
    share(learner, run_id)
    first = admin.client.get("/corrections/queue", headers=JSON).json()
    with app.state.sessions() as db:
        assert len(db.scalars(select(TurnCode)).all()) == first["total"] == 2

    cache, coded = app.state.simulations, []
    real = cache.coder()

    class Counting:
        """The app's coder, counting the turns it is asked to code."""

        name = real.name
        info = getattr(real, "info", None)
        fingerprint = getattr(real, "fingerprint", "")

        def code_many(self, items: list[tuple[str, str]]) -> Any:
            coded.append(len(items))
            return real.code_many(items)

    monkeypatch.setattr(cache, "coder", Counting)
    assert admin.client.get("/corrections/queue", headers=JSON).json() == first
    assert coded == []

    words = "What worries you most about it?"
    with app.state.sessions() as db:
        turn = db.scalar(
            select(PracticeTurn).where(PracticeTurn.run_id == run_id, PracticeTurn.index == 1)
        )
        assert turn is not None
        turn.learner_text = words
        db.commit()
    changed = admin.client.get("/corrections/queue", headers=JSON).json()
    assert coded == [1]  # turn 2 answered the same line as before: its code stands
    assert next(i for i in changed["items"] if i["turn"] == 1)["text"] == words


def test_stored_codes_are_keyed_to_the_pack_files_not_only_its_version(tmp_path: Path) -> None:
    """A pack retrained the same day keeps its date-version; its stored codes must not."""
    from types import SimpleNamespace

    from empathic.analysis.packs import PackInfo, files_fingerprint
    from empathic.practice.review import coder_key

    def loaded() -> SimpleNamespace:  # as TrainedCoder keeps it: the files at load time
        return SimpleNamespace(name="org", info=info, fingerprint=files_fingerprint(tmp_path))

    (tmp_path / "model.json").write_text("{}")
    info = PackInfo("org", "2026-12-06", "MIT", True, "", tmp_path, True)
    pack = loaded()
    first = coder_key(pack)  # type: ignore[arg-type]
    assert first.startswith("org@2026-12-06#") and coder_key(pack) == first  # type: ignore[arg-type]
    (tmp_path / "model.json").write_text('{"retrained": true}')
    # the pack in memory is unchanged until it is loaded again; the reloaded one differs
    assert coder_key(pack) == first  # type: ignore[arg-type]
    assert coder_key(loaded()) != first  # type: ignore[arg-type]
    rules = SimpleNamespace(name="rules")
    assert coder_key(rules).startswith("rules#")  # type: ignore[arg-type]
