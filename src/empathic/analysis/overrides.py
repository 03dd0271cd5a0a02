"""A person's label corrections replace the coder's labels before a report counts them.

A correction is the last word on a turn: metrics, dimensions, strengths and rewrites
read the corrected labels, and each corrected label keeps the coder's value so a
report can show both ("corrected: reflection, was question"). A corrected label has
confidence 1.0, because a person decided it.

Counts are made from a turn's utterances (sentences), so a corrected behaviour also
replaces the behaviour of the utterances that carried the coder's wrong value (all
of them when none did); its subtype comes from the coder told the new behaviour,
unless the person corrected the subtype too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from empathic.analysis.coding import AnalysedTurn, CodedUtterance, Coder, RuleCoder, evidence_for
from empathic.analysis.labels import LABEL_VALUES, SUBTYPE_OF
from empathic.analysis.packs import TrainedCoder

Overrides = Mapping[int, Mapping[str, str]]
"""Turn index (its place in the transcript, from 0) -> {label: corrected value}."""

CORRECTED_CONFIDENCE = 1.0


def with_implied_behaviour(labels: Mapping[str, str]) -> dict[str, str]:
    """A corrected subtype names its behaviour: "reflection = complex" says the turn reflects.

    When several subtypes were corrected and the behaviour was not, the last one given wins.
    """
    out = dict(labels)
    subtypes = [name for name in out if name in SUBTYPE_OF]
    if "behaviour" not in out and subtypes:
        out["behaviour"] = SUBTYPE_OF[subtypes[-1]]
    return out


def apply_overrides(turns: Sequence[AnalysedTurn], overrides: Overrides, coder: Coder) -> int:
    """Replace the coded labels of the corrected learner turns in place and return how many
    labels a person set; each turn's `corrected` keeps the coder's values. ValueError for a
    turn that is not the learner's or a value outside the label scheme."""
    plans: list[tuple[AnalysedTurn, dict[str, str]]] = []
    for index, labels in overrides.items():
        coded = turns[index].coded if 0 <= index < len(turns) else None
        if coded is None:
            raise ValueError(f"turn {index} is not a coded learner turn; it cannot be corrected")
        for label, value in labels.items():
            if value not in LABEL_VALUES.get(label, ()):
                raise ValueError(f"{label}={value!r} is not in the label scheme")
        plan = with_implied_behaviour(labels)
        plans.append((turns[index], plan))
        turns[index].corrected.update({label: coded.labels.get(label) for label in plan})
    _change_behaviours(plans, coder)
    return sum(_set_labels(turn, plan) for turn, plan in plans)


def _change_behaviours(plans: Sequence[tuple[AnalysedTurn, dict[str, str]]], coder: Coder) -> None:
    """Give each corrected turn, and the utterances that carried its old behaviour, the new
    one; subtypes are guessed in one batch by the coder told that behaviour."""
    changed: list[tuple[CodedUtterance, str]] = []
    for turn, plan in plans:
        behaviour = plan.get("behaviour")
        if behaviour is None or turn.coded is None:
            continue
        old = turn.coded.labels.get("behaviour")
        carried = [u for u in turn.utterances if u.labels.get("behaviour") == old]
        for unit in (turn.coded, *(carried or turn.utterances)):
            if unit.labels.get("behaviour") != behaviour:
                changed.append((unit, behaviour))
    guessed = _coded_given(coder, changed)
    for (unit, behaviour), guess in zip(changed, guessed, strict=True):
        unit.labels["behaviour"] = behaviour
        for subtype in SUBTYPE_OF:
            value = guess.labels.get(subtype) if subtype == behaviour else None
            _put(unit, subtype, value, guess.confidence.get(subtype))


def _coded_given(
    coder: Coder, changed: Sequence[tuple[CodedUtterance, str]]
) -> list[CodedUtterance]:
    """The utterances coded with their behaviour fixed (the rule coder for a custom coder
    that cannot be told a behaviour)."""
    if not changed:
        return []
    recoder = coder if isinstance(coder, RuleCoder | TrainedCoder) else RuleCoder()
    items = [(unit.text, unit.context) for unit, _ in changed]
    return recoder.code_many(items, [behaviour for _, behaviour in changed])


def _set_labels(turn: AnalysedTurn, plan: Mapping[str, str]) -> int:
    """Put the person's values on the turn (subtypes also on its utterances of that
    behaviour) and remember what the coder had said; a subtype that does not apply to
    the turn's behaviour is left out (and not marked corrected)."""
    coded = turn.coded
    assert coded is not None  # checked by apply_overrides
    behaviour = coded.labels.get("behaviour")
    count = 0
    for label, value in plan.items():
        if label in SUBTYPE_OF and label != behaviour:
            turn.corrected.pop(label, None)
            continue
        units = [coded]
        if label == "behaviour" or label in SUBTYPE_OF:
            units += [u for u in turn.utterances if u.labels.get("behaviour") == behaviour]
        for unit in units:
            _put(unit, label, value, CORRECTED_CONFIDENCE)
        count += 1
    return count


def _put(unit: CodedUtterance, label: str, value: str | None, confidence: float | None) -> None:
    unit.labels[label] = value
    if value is None or confidence is None:
        unit.confidence.pop(label, None)
    else:
        unit.confidence[label] = confidence
    unit.evidence[label] = evidence_for(label, value, unit.cues)


def corrections_note(turns: Sequence[AnalysedTurn]) -> list[str]:
    """The report's note that its numbers count corrected labels ([] when none were)."""
    corrected = [turn for turn in turns if turn.corrected]
    if not corrected:
        return []
    labels = sum(len(turn.corrected) for turn in corrected)
    return [
        f"{labels} label(s) on {len(corrected)} turn(s) were corrected by a person; the "
        "metrics, dimensions, strengths and rewrites count the corrected labels."
    ]
