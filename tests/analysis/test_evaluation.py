"""Scoring coders on labelled data: aligned rows, subtypes judged given the gold behaviour."""

from __future__ import annotations

import pytest

from empathic.analysis.coding import RuleCoder
from empathic.analysis.datasets import read_labelled_csv
from empathic.analysis.evaluation import evaluate, rows_for, work_size
from empathic.analysis.labels import LABELS, SUBTYPE_OF

CONTEXT = "I'm tired and nobody notices."
EXTRA = [
    "So, how are you feeling about the move?",
    "Have you thought about asking Dana to cover Fridays?",
    "Don't worry, at least the team is strong.",
    "It sounds like you've been carrying this on your own for a while.",
    "You could take Friday off, or swap with Sam, or leave it as it is.",
]


def _row(corpus, text: str, labels: dict[str, str | None], cid: str = "c1") -> dict[str, str]:
    row = dict.fromkeys(corpus.header, "")
    row |= {"source": "t", "conversation_id": cid, "speaker": "Sam", "context": CONTEXT}
    row |= {"text": text} | {k: v for k, v in labels.items() if v is not None}
    return row


@pytest.fixture
def rules_gold_csv(tmp_path, corpus):
    """Gold labels equal to what the rules coder says, plus rows evaluation must skip."""
    coder = RuleCoder()
    texts = [u[0] for u in corpus.utterances] + EXTRA
    coded = coder.code_many([(t, CONTEXT) for t in texts])
    rows = [
        _row(corpus, t, c.labels, f"c{i % 7}")
        for i, (t, c) in enumerate(zip(texts, coded, strict=True))
    ]
    # a subtype label on a row whose gold behaviour is another type: not scored
    rows.append(
        _row(corpus, "Right, see you next week.", {"behaviour": "other", "question": "open"})
    )
    rows.append(
        _row(corpus, "So the deadline moved.", {"behaviour": "reflection", "input": "advice"})
    )
    # a subtype label without a behaviour label: scored, given the subtype's behaviour
    given = coder.code_many([("Is it Friday?", CONTEXT)], ["question"])[0].labels["question"]
    rows.append(_row(corpus, "Is it Friday?", {"question": given}))
    # empty text: never scored
    rows.append(_row(corpus, "", {"behaviour": "other", "strategy": "Other"}))
    return corpus.write(tmp_path / "rules-gold.csv", rows), coded


def test_rules_coder_scores_perfectly_on_its_own_labels(rules_gold_csv):
    path, coded = rules_gold_csv
    rows = read_labelled_csv(path)
    results = evaluate(RuleCoder(), rows)
    assert set(results) == set(LABELS)
    for task, result in results.items():
        assert result["accuracy"] == 1.0 and result["macro_f1"] == 1.0, (task, result)
    texts = len(coded)
    # the empty-text row is left out; the two rows with a mismatched subtype count for behaviour
    assert results["behaviour"]["n"] == texts + 2
    for task in ("emotional_reaction", "interpretation", "exploration", "strategy"):
        assert results[task]["n"] == texts, task
    by_behaviour = {sub: sum(c.labels["behaviour"] == sub for c in coded) for sub in SUBTYPE_OF}
    assert results["question"]["n"] == by_behaviour["question"] + 1  # + the unlabelled behaviour
    assert results["reflection"]["n"] == by_behaviour["reflection"]
    assert results["input"]["n"] == by_behaviour["input"]
    assert min(by_behaviour.values()) >= 3


def test_subtypes_are_scored_given_the_gold_behaviour(tmp_path, corpus):
    rows = [
        _row(corpus, "Okay.", {"behaviour": "input", "input": "information"}),
        _row(
            corpus,
            "Is the report due on Friday?",
            {"behaviour": "reflection", "reflection": "simple"},
        ),
        _row(corpus, "What would help?", {"behaviour": "question", "question": "open"}),
    ]
    path = corpus.write(tmp_path / "given.csv", rows)
    results = evaluate(RuleCoder(), read_labelled_csv(path))
    # the rules call these other / question / question: behaviour is one of three right ...
    assert results["behaviour"] == {"n": 3, "accuracy": 0.3333, "macro_f1": pytest.approx(0.1667)}
    # ... yet each subtype is judged on its own, as if the behaviour had been right
    assert results["input"] == {"n": 1, "accuracy": 1.0, "macro_f1": 1.0}
    assert results["reflection"] == {"n": 1, "accuracy": 1.0, "macro_f1": 1.0}
    assert results["question"] == {"n": 1, "accuracy": 1.0, "macro_f1": 1.0}


def test_given_behaviour_fixes_behaviour_and_fills_the_subtype():
    coder = RuleCoder()
    natural = coder.code("Okay.")
    assert natural.labels["behaviour"] == "other" and natural.labels["input"] is None
    given = coder.code_many([("Okay.", ""), ("You should rest.", "")], ["input", None])
    assert given[0].labels["behaviour"] == "input" and given[0].confidence["behaviour"] == 1.0
    assert given[0].labels["input"] == "information"  # what is left with no input cue
    assert given[0].labels["question"] is None and given[0].labels["reflection"] is None
    assert given[1].labels == coder.code("You should rest.").labels  # None leaves it alone


def test_evaluation_matches_a_hand_computed_score(synthetic_csv):
    rows = read_labelled_csv(synthetic_csv)
    coder = RuleCoder()
    results = evaluate(coder, rows)
    for task in LABELS:
        selected = rows_for(rows, task)
        hits = 0
        for row in selected:
            given = [task] if task in SUBTYPE_OF else None
            coded = coder.code_many([(row.text, row.context)], given)[0]
            hits += coded.labels.get(task) == row.labels[task]
        assert results[task]["n"] == len(selected), task
        assert results[task]["accuracy"] == round(hits / len(selected), 4), task
        assert 0.0 <= results[task]["macro_f1"] <= 1.0
    assert results["question"]["n"] == 24 and results["behaviour"]["n"] == 96
    assert results["behaviour"]["accuracy"] < 1.0  # hand-written gold is not the rules' output


def test_progress_counts_every_coded_utterance(synthetic_csv):
    rows = read_labelled_csv(synthetic_csv)
    seen: list[int] = []
    evaluate(RuleCoder(), rows, seen.append)
    assert sum(seen) == work_size(rows) == 96 + 3 * 24


def test_nothing_to_score_gives_no_tasks(tmp_path, corpus):
    path = corpus.write(tmp_path / "none.csv", [_row(corpus, "Hello there.", {})])
    assert evaluate(RuleCoder(), read_labelled_csv(path)) == {}
