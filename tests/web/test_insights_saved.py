"""Saved analyses (issue #16): kept from the analyse page as scores (the words only when
ticked), listed, reopened, renamed, exported and deleted by their owner alone, and drawn in
My growth next to practice runs."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from sqlalchemy import select
from tests.web.helpers import Person
from tests.web.test_insights_growth import table_rows

from empathic.analysis.labels import DIMENSIONS
from empathic.insights.models import SavedAnalysis

CONVERSATION = """\
Sam: I'm so stressed about the deadline, I feel like I'm drowning.
Alex: It sounds like you're overwhelmed and worried you'll let the team down.
Sam: Yes. And nobody seems to notice how much I'm carrying.
Alex: What would help most right now?
"""
WORDS = "nobody seems to notice"


def _rows(app: Any) -> list[SavedAnalysis]:
    with app.state.sessions() as db:
        rows = list(db.scalars(select(SavedAnalysis).order_by(SavedAnalysis.created_at)))
        db.expunge_all()
        return rows


def _save(person: Person, **extra: str) -> Any:
    data = {"transcript": CONVERSATION, "learner": "alex", "save": "1", **extra}
    response = person.post("/analyse", data)
    assert response.status_code == 200, response.text[:300]
    return response


def _saved_id(response: Any) -> str:
    found = re.search(r'Saved to <a href="/analyses/([0-9a-f]{32})">My analyses</a>', response.text)
    assert found, "the report page should say where the analysis was saved"
    return found.group(1)


def test_saving_keeps_the_scores_not_the_words(app: Any, learner: Person) -> None:
    response = _save(learner)
    page = html.unescape(response.text)
    assert "Coached speaker: <strong>Alex</strong>" in page  # the report is shown as ever
    assert "the scores only, not the words" in page
    analysis_id = _saved_id(response)
    [row] = _rows(app)
    assert row.id == analysis_id and row.transcript is None
    assert row.learner == "Alex" and row.pack == "open" and row.pack_version
    assert row.title == "Sam: I'm so stressed about the deadline, I feel …"
    assert set(row.dimensions) == set(DIMENSIONS)
    assert row.metrics["learner_turns"] == 2 and row.metrics["miti"]["overall"]
    assert "miti_thresholds" not in row.metrics
    assert WORDS not in json.dumps(row.dimensions) + json.dumps(row.metrics) + row.title

    listed = html.unescape(learner.client.get("/analyses").text)
    assert f'<a href="/analyses/{analysis_id}">{row.title}</a>' in listed
    assert "not kept" in listed
    shown = learner.client.get(f"/analyses/{analysis_id}")
    assert shown.status_code == 200
    text = html.unescape(shown.text)
    assert "Validating emotions" in text and "of 5" in text and "Turns by Alex" in text
    assert "The conversation's words were not kept" in text
    assert WORDS not in text and "Report: pasted text" not in text


def test_not_ticking_save_keeps_nothing(app: Any, learner: Person) -> None:
    response = learner.post("/analyse", {"transcript": CONVERSATION, "learner": "Alex"})
    assert response.status_code == 200 and "Saved to" not in response.text
    assert _rows(app) == []


def test_keeping_the_text_rebuilds_the_full_report(app: Any, learner: Person) -> None:
    response = _save(learner, keep_text="1", title="  1:1 with   Sam ")
    assert "the scores and the conversation text" in html.unescape(response.text)
    analysis_id = _saved_id(response)
    [row] = _rows(app)
    assert row.transcript == CONVERSATION and row.title == "1:1 with Sam"
    page = html.unescape(learner.client.get(f"/analyses/{analysis_id}").text)
    assert "Report: pasted text" in page and "Coached speaker: <strong>Alex</strong>" in page
    assert WORDS in page and "Alex (coached) · turn 2" in page
    assert 'id="pack-changed"' not in page

    with app.state.sessions() as db:  # saved with an older pack version: the page says so
        stored = db.get(SavedAnalysis, analysis_id)
        assert stored is not None
        stored.pack_version = "1999-01-01"
        db.commit()
    page = html.unescape(learner.client.get(f"/analyses/{analysis_id}").text)
    assert "were saved with model pack open version 1999-01-01" in page


def test_keeping_the_text_implies_saving(app: Any, learner: Person) -> None:
    data = {"transcript": CONVERSATION, "learner": "Alex", "keep_text": "1"}
    assert "Saved to" in learner.post("/analyse", data).text
    assert [r.transcript for r in _rows(app)] == [CONVERSATION]


def test_an_upload_is_titled_by_its_file_name(app: Any, learner: Person) -> None:
    files = {"file": ("weekly 1-1.txt", CONVERSATION.encode(), "text/plain")}
    response = learner.post("/analyse", {"learner": "Alex", "save": "1"}, files=files)
    assert response.status_code == 200
    [row] = _rows(app)
    assert row.title == "weekly 1-1.txt" and row.source == "weekly 1-1.txt" and row.fmt is None


def test_rename_and_delete_confirm_and_change_the_history(app: Any, learner: Person) -> None:
    analysis_id = _saved_id(_save(learner, keep_text="1"))
    renamed = learner.post(f"/analyses/{analysis_id}/title", {"title": "Deadline talk"})
    assert renamed.status_code == 200  # followed the 303
    assert str(renamed.url).endswith(f"/analyses/{analysis_id}?done=analysis-renamed")
    assert "The analysis was renamed." in renamed.text
    assert _rows(app)[0].title == "Deadline talk"
    learner.post(f"/analyses/{analysis_id}/title", {"title": "   "})
    assert _rows(app)[0].title == "Deadline talk"  # an empty title keeps the old one

    deleted = learner.post(f"/analyses/{analysis_id}/delete")
    assert str(deleted.url).endswith("/analyses?done=analysis-deleted")
    assert "The analysis was deleted" in deleted.text and "No saved analyses yet" in deleted.text
    assert _rows(app) == []
    assert learner.client.get(f"/analyses/{analysis_id}").status_code == 404


def test_exports_are_downloads_of_the_scores_and_the_report(app: Any, learner: Person) -> None:
    scores_only = _saved_id(_save(learner, title="Scores only"))
    with_text = _saved_id(_save(learner, keep_text="1", title="With the words"))

    data = learner.client.get(f"/analyses/{scores_only}/scores.json")
    assert data.status_code == 200
    assert data.headers["content-disposition"] == 'attachment; filename="Scores-only.json"'
    body = data.json()
    assert body["learner"] == "Alex" and set(body["dimensions"]) == set(DIMENSIONS)
    assert body["text_kept"] is False and body["pack"]["name"] == "open"
    assert WORDS not in data.text

    small = learner.client.get(f"/analyses/{scores_only}/report.html")
    assert small.status_code == 200 and small.headers["content-type"].startswith("text/html")
    assert small.headers["content-disposition"] == 'attachment; filename="Scores-only.html"'
    assert small.text.lstrip().lower().startswith("<!doctype html>")
    assert "Only the scores of this analysis were saved" in small.text
    assert "Validating emotions" in small.text and WORDS not in small.text
    assert "/static/" not in small.text  # self-contained

    full = learner.client.get(f"/analyses/{with_text}/report.html")
    assert full.status_code == 200
    assert full.headers["content-disposition"] == 'attachment; filename="With-the-words.html"'
    assert "Empathic communication report" in full.text and WORDS in full.text
    assert 'id="turn-1"' in full.text and 'id="turn-0"' not in full.text
    assert learner.client.get(f"/analyses/{with_text}/scores.json").json()["text_kept"] is True


def test_only_the_owner_may_see_export_rename_or_delete(
    app: Any, learner: Person, admin: Person, make_client: Any
) -> None:
    from tests.web.helpers import sign_up

    analysis_id = _saved_id(_save(learner, keep_text="1"))
    other = sign_up(make_client(), "Olu Other")
    for person in (other, admin):
        for path in ("", "/scores.json", "/report.html"):
            assert person.client.get(f"/analyses/{analysis_id}{path}").status_code == 404
        assert person.post(f"/analyses/{analysis_id}/title", {"title": "mine"}).status_code == 404
        assert person.post(f"/analyses/{analysis_id}/delete").status_code == 404
        assert analysis_id not in person.client.get("/analyses").text
        assert "Conversations you analysed" in person.client.get("/growth").text
        assert analysis_id not in person.client.get("/growth").text
    [row] = _rows(app)
    assert row.title != "mine"


def test_growth_draws_saved_analyses_next_to_practice(app: Any, learner: Person) -> None:
    empty = learner.client.get("/growth").text
    assert "No saved analyses yet" in empty and "<svg" not in empty
    first = _saved_id(_save(learner, title="First"))
    second = _saved_id(_save(learner, title="Second"))
    page = learner.client.get("/growth").text
    assert "Conversations you analysed" in page and "no practice runs yet" in page
    assert page.count("<svg") == 1
    section = page.split('id="analysed-h"', 1)[1]
    rows = table_rows(section)
    assert [r[0].split(". ")[0] for r in rows] == ["1", "2"]  # oldest first
    assert len(rows[0]) == 1 + len(DIMENSIONS)
    assert all(re.fullmatch(r"\d\.\d", cell) for cell in rows[0][1:])
    assert f'href="/analyses/{first}"' in section and f'href="/analyses/{second}"' in section
