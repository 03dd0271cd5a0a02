"""The language-model judge, end to end against a stub OpenAI-compatible server on 127.0.0.1.

Every test goes through the real `ChatClient` and HTTP; nothing is mocked. The stub records
each request, so tests can count them (the cache) and read what was sent (the prompt).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import pytest

from empathic.analysis.html import render_html
from empathic.analysis.judge_cache import JudgeCache
from empathic.analysis.judges import (
    DISAGREE_AT,
    NO_ENDPOINT,
    apply_llm_judge,
    compare_judges,
    judge_cache,
    judge_report,
)
from empathic.analysis.labels import DIMENSIONS
from empathic.analysis.llm_judge import locate, prompt_version
from empathic.analysis.report import Report, analyze, build_report
from empathic.analysis.textreport import render_text
from empathic.config import Settings
from empathic.conversation import parse_transcript
from empathic.llm import ChatClient
from llm_judge_stub import CONVERSATION, GOOD, GOOD_QUOTES, as_reply, verdict
from test_llm import Reply, StubServer


@pytest.fixture
def server() -> Iterator[StubServer]:
    stub = StubServer().start()
    stub.default = Reply(content=as_reply(GOOD))
    yield stub
    stub.stop()


def _client(url: str, model: str = "tiny", **kwargs: Any) -> ChatClient:
    options: dict[str, Any] = {"timeout": 2.0, "backoff": 0.01} | kwargs
    return ChatClient(url, model, **options)


def _offline() -> Report:
    return build_report(parse_transcript(CONVERSATION, source="chat.txt"))


def _judged(server: StubServer, cache: JudgeCache | None = None, **kwargs: Any) -> Report:
    with _client(server.url, **kwargs) as client:
        return apply_llm_judge(_offline(), client, cache)


def _fallback(report: Report) -> str:
    """The reason of a report that fell back; fails when it did not fall back."""
    judge = report.judge
    assert judge is not None and judge["name"] == "offline" and judge["fell_back"] is True
    assert report.judges is None
    assert report.dimensions == _offline().dimensions  # the normal offline report
    assert any(judge["why"] in note for note in report.notes)
    return str(judge["why"])


def test_the_prompt_is_package_data_and_only_the_transcript_is_filled_in(
    server: StubServer,
) -> None:
    _judged(server)
    (body,) = server.requests
    folder = resources.files("empathic.analysis").joinpath("prompts")
    system = Template(folder.joinpath("judge_system.txt").read_text("utf-8"))
    user = Template(folder.joinpath("judge_user.txt").read_text("utf-8"))
    lines = [f"[{i}] {line}" for i, line in enumerate(CONVERSATION.splitlines())]
    assert body["messages"] == [
        {"role": "system", "content": system.substitute(learner="Alex")},
        {"role": "user", "content": user.substitute(learner="Alex", transcript="\n".join(lines))},
    ]
    assert body["model"] == "tiny" and body["temperature"] == 0.0
    assert "validating_emotions" in body["messages"][0]["content"]


def test_a_good_reply_gives_the_llm_judges_dimensions_with_verified_quotes(
    server: StubServer,
) -> None:
    offline = _offline()
    report = _judged(server)
    assert report.judge == {
        "name": "llm",
        "model": "tiny",
        "fell_back": False,
        "why": "",
        "dropped_quotes": 0,
        "prompt_version": prompt_version(),
        "cached": False,
    }
    expected = {name: float(GOOD["dimensions"][name]["score"]) for name in DIMENSIONS}
    assert report.dimensions == expected
    assert report.reliability == {}  # the pack's measured ρ says nothing about the model
    # the quote shown is the transcript's own words, not the model's spelling of them
    assert report.dimension_evidence["demonstrating_understanding"] == [
        {"turn": 1, "quote": "It sounds like you're overwhelmed"}
    ]
    assert report.dimension_evidence["advice_giving"] == []
    data = report.to_dict()
    assert data["judge"]["name"] == "llm"
    judges = data["summary"]["judges"]
    assert judges["judge"] == "llm" and judges["threshold"] == DISAGREE_AT
    for name in DIMENSIONS:
        row = judges["dimensions"][name]
        assert row["llm"] == expected[name] and row["offline"] == offline.dimensions[name]
        assert row["disagree"] == (abs(row["llm"] - row["offline"]) >= DISAGREE_AT)
    assert [row["turn"] for row in judges["turns"]] == [1, 3]
    assert judges["turns"][0]["llm"] == {
        "behaviour": "reflection",
        "emotional_reaction": "1",
        "interpretation": "2",
        "exploration": "0",
    }
    assert judges["turns"][0]["evidence"]["interpretation"] == ["you're overwhelmed"]
    assert "exploration" not in judges["turns"][0]["evidence"]  # level 0: no quote
    assert any(f"{GOOD_QUOTES} found, 0 dropped" in note for note in report.notes)
    assert report.metrics == offline.metrics  # metrics and findings stay the offline coder's


def test_quotes_not_in_the_turn_they_cite_are_dropped_and_counted(server: StubServer) -> None:
    server.default = Reply(
        content=as_reply(
            verdict(
                {
                    # invented words; real words from another turn; no such turn; no words
                    "dimensions.validating_emotions.evidence": [
                        {"turn": 1, "quote": "you must feel terrible"},
                        {"turn": 3, "quote": "worried you'll let the team down"},
                        {"turn": 42, "quote": "What would help"},
                        {"turn": 1, "quote": "..."},
                    ],
                    "turns.1.behaviour.quote": "It sounds like",  # from turn 1, cited for turn 3
                }
            )
        )
    )
    report = _judged(server)
    assert report.judge is not None and report.judge["name"] == "llm"
    assert report.judge["dropped_quotes"] == 5
    assert report.dimension_evidence["validating_emotions"] == []
    turn3 = next(row for row in (report.judges or {})["turns"] if row["turn"] == 3)
    assert "behaviour" not in turn3["evidence"]
    assert turn3["llm"]["behaviour"] == "question"  # the label stays; its quote does not
    assert any(f"{GOOD_QUOTES - 2} found, 5 dropped" in note for note in report.notes)


def test_a_reply_whose_quotes_are_all_unverifiable_falls_back(server: StubServer) -> None:
    data = verdict()
    for item in data["dimensions"].values():
        for cite in item["evidence"]:
            cite["quote"] = "words nobody said"
    for entry in data["turns"]:
        for label in ("behaviour", "emotional_reaction", "interpretation", "exploration"):
            if entry[label]["quote"]:
                entry[label]["quote"] = "a made-up line"
    server.default = Reply(content=as_reply(data))
    report = _judged(server)
    why = _fallback(report)
    assert "no quote in the reply could be found in the transcript" in why
    assert report.judge is not None and report.judge["dropped_quotes"] == GOOD_QUOTES


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"dimensions.validating_emotions.score": 7},
            "validating_emotions.score is 7, outside 1–5",
        ),
        ({"dimensions.self_oriented.score": 0}, "self_oriented.score is 0, outside 1–5"),
        ({"dimensions.advice_giving.score": True}, "advice_giving.score is True"),
        ({"dimensions.advice_giving.score": "3"}, "advice_giving.score is '3'"),
        ({"turns.0.exploration.value": 3}, "turn 1 exploration is 3, not one of 0/1/2"),
        ({"turns.1.interpretation.value": -1}, "turn 3 interpretation is -1"),
        ({"turns.1.emotional_reaction.value": "2"}, "turn 3 emotional_reaction is '2'"),
        ({"turns.0.behaviour.value": "lecture"}, "turn 1 behaviour is 'lecture'"),
        ({"turns.0.turn": 0}, "turns[0].turn 0 is not a turn of the learner"),
        ({"turns.1.turn": 1}, "turn 1 is labelled twice"),
        ({"dimensions.empathy": {"score": 3, "evidence": []}}, "unknown: ['empathy']"),
    ],
)
def test_out_of_range_scores_and_labels_reject_the_reply_and_say_so(
    server: StubServer, changes: dict[str, Any], reason: str
) -> None:
    server.default = Reply(content=as_reply(verdict(changes)))
    why = _fallback(_judged(server))
    assert why.startswith("its reply was rejected: ")
    assert reason in why


def test_a_missing_dimension_rejects_the_reply(server: StubServer) -> None:
    data = verdict()
    del data["dimensions"]["dismissing_emotions"]
    server.default = Reply(content=as_reply(data))
    assert "missing: ['dismissing_emotions']" in _fallback(_judged(server))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("Sure! Here is my verdict: " + as_reply(GOOD), "the reply is not valid JSON"),
        (as_reply(GOOD)[:-20], "the reply is not valid JSON"),
        ('{"dimensions": {}, "dimensions": {}, "turns": []}', "duplicate key 'dimensions'"),
        ("[1, 2, 3]", "the reply is not an object"),
        (as_reply(verdict({"dimensions.advice_giving.score": float("nan")})), "NaN"),
    ],
)
def test_bad_json_falls_back_to_offline_with_the_reason(
    server: StubServer, content: str, reason: str
) -> None:
    server.default = Reply(content=content)
    why = _fallback(_judged(server))
    assert reason in why


def test_a_fenced_json_reply_is_read(server: StubServer) -> None:
    server.default = Reply(content="```json\n" + as_reply(GOOD) + "\n```")
    report = _judged(server)
    assert report.judge is not None and report.judge["name"] == "llm"


def test_a_server_error_falls_back_after_the_retries(server: StubServer) -> None:
    server.default = Reply(status=500, raw='{"error": {"message": "model exploded"}}')
    why = _fallback(_judged(server))
    assert "LLMServerError" in why and "HTTP 500" in why and "model exploded" in why
    assert len(server.requests) == 3  # the client's two retries, then the fallback


def test_no_endpoint_a_refused_connection_and_a_timeout_fall_back(
    server: StubServer, tmp_path: Path
) -> None:
    assert _fallback(apply_llm_judge(_offline(), None)) == NO_ENDPOINT
    assert _fallback(judge_report(_offline(), "llm", Settings(data_dir=tmp_path))) == NO_ENDPOINT
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with _client(f"http://127.0.0.1:{port}/v1", retries=0) as client:
        assert "LLMConnectionError" in _fallback(apply_llm_judge(_offline(), client))
    server.default = Reply(content=as_reply(GOOD), delay=0.6)
    assert "LLMTimeout" in _fallback(_judged(server, timeout=0.2))
    bad_url = Settings(data_dir=tmp_path, llm_base_url="ftp://nowhere")
    assert "bad LLM base URL" in _fallback(judge_report(_offline(), "llm", bad_url))


def test_the_cache_answers_the_second_call_without_asking_the_server(
    server: StubServer, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, llm_base_url=server.url, llm_model="tiny")
    first = judge_report(_offline(), "llm", settings)
    assert len(server.requests) == 1
    server.default = Reply(status=500)  # a second request would now fall back
    second = judge_report(_offline(), "llm", settings)
    assert len(server.requests) == 1
    assert second.judge is not None and second.judge["cached"] is True
    assert second.judge["name"] == "llm"
    assert second.dimensions == first.dimensions
    assert second.dimension_evidence == first.dimension_evidence
    assert second.judges == first.judges
    stored = list((tmp_path / "cache" / "judge").glob("*.json"))
    assert len(stored) == 1
    text = stored[0].read_text("utf-8")
    assert "overwhelmed" not in text and "Alex" not in text  # offsets, never transcript text
    # another model, another learner or another transcript is another key: the server is asked
    server.default = Reply(content=as_reply(GOOD))
    judge_report(_offline(), "llm", settings.model_copy(update={"llm_model": "other"}))
    assert len(server.requests) == 2
    transcript = parse_transcript(CONVERSATION, source="chat.txt")
    judge_report(build_report(transcript, learner="Sam"), "llm", settings)
    assert len(server.requests) == 3
    changed = parse_transcript(CONVERSATION.replace("right now", "today"), source="chat.txt")
    judge_report(build_report(changed), "llm", settings)
    assert len(server.requests) == 4
    judge_report(_offline(), "llm", settings)  # the first conversation is still cached
    assert len(server.requests) == 4
    # cached quotes are offsets into the turns as written, so spacing is part of the key too
    spaced = CONVERSATION.replace("It sounds like", "It  sounds like")
    report = judge_report(
        build_report(parse_transcript(spaced, source="chat.txt")), "llm", settings
    )
    assert len(server.requests) == 5
    quote = report.dimension_evidence["demonstrating_understanding"][0]["quote"]
    assert quote == "It  sounds like you're overwhelmed"


def test_a_corrupt_cache_entry_is_asked_again(server: StubServer, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, llm_base_url=server.url, llm_model="tiny")
    judge_report(_offline(), "llm", settings)
    (entry,) = (tmp_path / "cache" / "judge").glob("*.json")
    data = json.loads(entry.read_text("utf-8"))
    data["dimension_spans"]["demonstrating_understanding"] = [[1, 0, 10_000]]
    entry.write_text(json.dumps(data), "utf-8")
    report = judge_report(_offline(), "llm", settings)
    assert len(server.requests) == 2
    assert report.judge is not None and report.judge["cached"] is False


def test_no_cache_when_the_data_dir_cannot_be_written(server: StubServer, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data dir should be", "utf-8")
    settings = Settings(data_dir=blocker, llm_base_url=server.url, llm_model="tiny")
    assert judge_cache(settings) is None
    for _ in range(2):
        report = judge_report(_offline(), "llm", settings)
        assert report.judge is not None and report.judge["name"] == "llm"
    assert len(server.requests) == 2


def test_disagreements_on_a_constructed_case() -> None:
    offline = {
        "validating_emotions": 2.2,  # 4.0: 1.8 apart
        "encouraging_elaboration": 3.5,  # 5.0: exactly 1.5 apart, which counts
        "demonstrating_understanding": 1.0,  # 2.4: 1.4 apart, which does not
        "advice_giving": 5.0,
        "self_oriented": 1.0,
        "dismissing_emotions": 2.6,  # 1.0: 1.6 apart, the other way
    }
    llm = {
        "validating_emotions": 4.0,
        "encouraging_elaboration": 5.0,
        "demonstrating_understanding": 2.4,
        "advice_giving": 5.0,
        "self_oriented": 1.0,
        "dismissing_emotions": 1.0,
    }
    levels = {"emotional_reaction": "0", "interpretation": "1", "exploration": "2"}
    offline_labels = {
        1: {"behaviour": "question", **levels, "strategy": "Questions"},
        3: {"behaviour": "reflection", **levels},
        5: {"behaviour": "other", **levels},  # the model did not label it: not compared
    }
    llm_labels = {
        1: {"behaviour": "reflection", **levels, "interpretation": "2"},
        3: {"behaviour": "reflection", **levels},
    }
    result = compare_judges(offline, offline_labels, llm, llm_labels, {1: {"behaviour": ["So"]}})
    flags = {name: row["disagree"] for name, row in result["dimensions"].items()}
    assert flags == {
        "validating_emotions": True,
        "encouraging_elaboration": True,
        "demonstrating_understanding": False,
        "advice_giving": False,
        "self_oriented": False,
        "dismissing_emotions": True,
    }
    assert result["dimensions"]["validating_emotions"] == {
        "llm": 4.0,
        "offline": 2.2,
        "difference": 1.8,
        "disagree": True,
    }
    assert [(row["turn"], row["disagree"]) for row in result["turns"]] == [
        (1, ["behaviour", "interpretation"]),
        (3, []),
    ]
    assert result["turns"][0]["offline"]["behaviour"] == "question"
    assert result["turns"][0]["evidence"] == {"behaviour": ["So"]}
    assert result["disagreements"] == {
        "dimensions": ["validating_emotions", "encouraging_elaboration", "dismissing_emotions"],
        "turns": [1],
    }


def test_quotes_match_ignoring_case_and_whitespace_only() -> None:
    text = "It sounds like  you're\toverwhelmed."
    assert locate("it SOUNDS like you're overwhelmed", text) == (0, len(text) - 1)
    assert locate("you\u2019re overwhelmed", text) == (16, len(text) - 1)
    assert locate("it sound like", text) is None  # not a paraphrase
    assert locate("overwhelmed and tired", text) is None
    assert locate(" . ", text) is None  # punctuation alone is no evidence


def test_text_and_html_reports_name_the_judge_and_show_the_disagreements(
    server: StubServer,
) -> None:
    server.default = Reply(
        content=as_reply(
            verdict({"turns.1.behaviour.value": "other", "turns.1.behaviour.quote": None})
        )
    )
    data = _judged(server).to_dict()
    split = data["summary"]["judges"]["disagreements"]
    assert 3 in split["turns"]  # the data counts from 0; the reports show it as turn 4
    text = render_text(data)
    assert "Judge: language model tiny" in text
    assert "Two judges compared: language model tiny and offline" in text
    assert "turn 4 behaviour: llm other, offline question" in text
    for name in split["dimensions"]:
        assert any(
            line.strip().startswith(name) and "! disagree" in line for line in text.split("\n")
        )
    page = render_html(data)
    assert '<dd id="judge">language model tiny' in page
    assert "Two judges compared" in page
    assert (
        '<td><a href="#turn-4">4</a></td><td>Behaviour</td><td>other</td><td>question</td>' in page
    )
    assert page.count("<strong>disagree</strong>") == len(split["dimensions"])


def test_the_python_api_falls_back_without_an_endpoint(tmp_path: Path) -> None:
    report = analyze(CONVERSATION, pack="rules", settings=Settings(data_dir=tmp_path), judge="llm")
    assert _fallback(report) == NO_ENDPOINT
    assert "judge" not in analyze(CONVERSATION, pack="rules").to_dict()  # offline: unchanged
    with pytest.raises(ValueError, match="unknown judge"):
        analyze(CONVERSATION, judge="oracle")
