"""The HTML report: self-contained, escaped, accessible, and showing what it must."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from empathic.analysis.coding import AnalysedTurn, RuleCoder
from empathic.analysis.dimensions import dimension_scores
from empathic.analysis.feedback import missed_opportunities, strengths, suggest_rewrites
from empathic.analysis.html import highlight, render_html
from empathic.analysis.metrics import DIMENSION_TITLES, session_metrics

CODER = RuleCoder()

RULES_PACK = {
    "name": "rules",
    "version": "0.1.0",
    "licence": "Apache-2.0",
    "commercial_use": True,
    "description": "Transparent phrase detectors; no training data.",
}
RESEARCH_PACK = {
    "name": "research-epitome",
    "version": "2024.1",
    "licence": "CC BY-NC-SA 4.0",
    "commercial_use": False,
    "description": "Trained on non-commercial research data.",
}

CONVERSATION = [
    ("Priya", "Honestly, I'm exhausted. The workload has doubled since Sam left."),
    ("Alex", "You should just prioritise better."),
    ("Priya", "I'm worried the launch will slip."),
    ("Alex", "It sounds like you're worried the launch will slip."),
    ("Priya", "Yes, and nobody seems to notice."),
    ("Alex", "What would help most?"),
    ("Priya", "More time, and someone to cover the evening calls."),
    ("Alex", "Don't worry, at least the team is strong."),
]


def build_report(
    lines: list[tuple[str, str]],
    learner: str = "Alex",
    pack: dict[str, Any] | None = None,
    source: str = "1-1 with Priya.vtt",
) -> dict[str, Any]:
    """The report dict in the shape analysis/report.py produces."""
    turns = [
        AnalysedTurn(
            i,
            who,
            text,
            start=12.0 * i,
            end=12.0 * i + 10,
            coded=CODER.code(text) if who == learner else None,
        )
        for i, (who, text) in enumerate(lines)
    ]
    metrics = session_metrics(turns)
    return {
        "pack": pack or RULES_PACK,
        "source": source,
        "learner": learner,
        "notes": ["Speakers were read from the caption file."],
        "turns": [
            {
                "index": t.index,
                "speaker": t.speaker,
                "text": t.text,
                "start": t.start,
                "end": t.end,
                "learner": t.is_learner,
                "labels": t.coded.labels if t.coded else None,
                "confidence": t.coded.confidence if t.coded else None,
                "evidence": t.coded.evidence if t.coded else None,
            }
            for t in turns
        ],
        "summary": {
            "metrics": metrics,
            "dimensions": dimension_scores(turns),
            "strengths": [f.to_dict() for f in strengths(turns, metrics)],
            "missed_opportunities": [f.to_dict() for f in missed_opportunities(turns, metrics)],
            "rewrites": [r.to_dict() for r in suggest_rewrites(turns)],
        },
    }


class TagCollector(HTMLParser):
    """Collects the start tags and attributes a browser would see."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = TagCollector()
    collector.feed(html)
    return collector.tags


def test_malicious_transcript_is_escaped_not_executable() -> None:
    attack = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    lines = [
        ("Priya" + attack, f"I'm worried. {attack}"),
        ("Alex", f"You should calm down. {attack}"),
    ]
    report = build_report(lines, source=f"notes{attack}.txt")
    report["learner"] = f"Alex{attack}"
    # evidence phrases that themselves contain markup must be escaped when highlighted
    report["turns"][1]["evidence"]["behaviour"] = ["<img src=x onerror=alert(1)>"]
    html = render_html(report)
    tags = parse(html)
    assert not [t for t, _ in tags if t in ("script", "img", "iframe", "object")]
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert '<mark title="Evidence for Behaviour">&lt;img src=x onerror=alert(1)&gt;</mark>' in html


def test_header_shows_source_learner_pack_and_licence() -> None:
    html = render_html(build_report(CONVERSATION))
    assert "1-1 with Priya.vtt" in html
    assert "Apache-2.0" in html
    assert "rules" in html and "0.1.0" in html
    assert "Transparent phrase detectors" in html
    assert "What this analysis cannot know" in html
    assert "Speakers were read from the caption file." in html
    assert "Research pack" not in html


def test_research_pack_is_flagged_as_non_commercial() -> None:
    html = render_html(build_report(CONVERSATION, pack=RESEARCH_PACK))
    assert "CC BY-NC-SA 4.0" in html
    assert "Research pack." in html
    assert "not allowed: research use only" in html


def test_all_six_dimensions_and_metrics_are_shown() -> None:
    report = build_report(CONVERSATION)
    html = render_html(report)
    for key, title in DIMENSION_TITLES.items():
        assert title in html
        assert f'data-dimension="{key}"' in html
    assert "fair 1" in html and "good 2" in html  # R:Q thresholds drawn
    assert "fair 40" in html and "good 50" in html  # %CR thresholds drawn
    r_q = report["summary"]["metrics"]["r_q_ratio"]
    assert r_q == 1.0
    assert "R:Q ratio: 1:1, band fair" in html


def test_no_external_resources() -> None:
    html = render_html(build_report(CONVERSATION))
    for _, attrs in parse(html):
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not re.match(r"\s*(https?:)?//", value), value
            assert not value or value.startswith("#"), value
    assert "http://" not in html and "https://" not in html
    assert "@import" not in html and "url(" not in html


def test_accessible_structure() -> None:
    html = render_html(build_report(CONVERSATION))
    assert html.startswith("<!doctype html>")
    assert '<html lang="en">' in html
    assert "<title>Empathic report: 1-1 with Priya.vtt</title>" in html
    assert 'name="viewport"' in html and "@media (max-width" in html
    svgs = [attrs for tag, attrs in parse(html) if tag == "svg"]
    # images, except the timeline: its markers are links, so it is a group (nested-interactive)
    assert [attrs["role"] for attrs in svgs] == ["img", "img", "group"]
    for attrs in svgs:
        for ref in (attrs["aria-labelledby"] or "").split():
            assert f'id="{ref}"' in html
    assert html.count("<h2") >= 6


def test_transcript_chips_confidence_and_highlighted_evidence() -> None:
    html = render_html(build_report(CONVERSATION))
    assert 'id="turn-1"' in html and 'id="turn-0"' not in html  # counted from 1, as people do
    assert '<span class="when">turn 4 · 0:36</span>' in html  # "It sounds like...", index 3
    assert 'Behaviour: <strong>question</strong> <span class="conf">85%</span>' in html
    assert "Emotional reaction: <strong>0/2</strong>" in html
    assert (
        '<mark title="Evidence for Behaviour, Interpretation, Reflection, Strategy">'
        "It sounds like</mark>"
    ) in html
    # risk phrases from missed opportunities are marked differently
    assert re.search(
        r'<mark class="risk" title="[^"]*Dismissing feelings[^"]*">at least</mark>', html
    )


def test_findings_rewrites_and_timeline_are_rendered() -> None:
    report = build_report(CONVERSATION)
    html = render_html(report)
    rewrites = report["summary"]["rewrites"]
    assert rewrites
    for r in rewrites:
        assert r["rewrite"].replace("'", "&#39;") in html
    assert "Advice before exploring" in html
    assert "Dismissing feelings" in html
    assert "Turn 4: reflection, empathy level 2 of 6" in html  # timeline marker titles
    assert "Turn 6: question, empathy level" in html  # (indexes 3 and 5, shown from 1)
    assert 'href="#turn-4"' in html and 'href="#turn-0"' not in html


def test_empty_session_says_not_enough_data() -> None:
    report = build_report([("Priya", "Hello?")])
    html = render_html(report)
    assert report["summary"]["dimensions"] == {}
    assert "Not enough data: the learner has no coded turns." in html
    assert 'class="chart"' in html  # the MITI chart still shows the n/a bars


def test_highlight_keeps_the_text_and_merges_overlaps() -> None:
    text = "It sounds like you feel stuck. What has been hardest?"
    segments = highlight(
        text,
        {"interpretation": ["It sounds like", "sounds like you feel"], "question": ["what has"]},
    )
    assert "".join(s["text"] for s in segments) == text
    marked = [s for s in segments if s["mark"]]
    assert [s["text"] for s in marked] == ["It sounds like you feel", "What has"]
    assert marked[0]["why"] == "Evidence for Interpretation"
    assert highlight("plain", None) == [{"text": "plain", "mark": False, "risk": False, "why": ""}]
