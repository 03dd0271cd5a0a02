"""From a coded utterance to the learner's *moves*: what the state dynamics react to.

The analysis coder gives labels (behaviour, question type, EPITOME levels) and cues
(the phrases behind them). Moves combine both, so that a trained classifier pack
can replace the rules without changing the dynamics, and add the conversational
context a single utterance cannot know: is the question relevant, has the
learner understood enough to advise, did they ask permission, is it a repeat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from empathic.analysis.coding import CodedUtterance
from empathic.analysis.rules import Cue

MOVES: Final[dict[str, str]] = {
    "complex_reflection": "a complex reflection: naming a feeling or meaning behind the words",
    "simple_reflection": "a simple reflection: giving back what was said",
    "open_question": "an open question on something that matters to them",
    "open_question_generic": "an open question that does not follow their concerns",
    "invitation": "an invitation to say more",
    "closed_question": "a closed question",
    "warmth": "warmth or compassion",
    "understanding": "expressed understanding",
    "affirmation": "affirmation of their effort or strengths",
    "permission": "asking permission or negotiating the agenda",
    "offer": "advice or information offered after understanding, with permission",
    "premature_advice": "advice before understanding (or without permission)",
    "information": "unrequested information",
    "information_dump": "an information dump or lecture",
    "blame": "blame or judgement",
    "dismissal": "dismissing or minimising their feelings",
    "self_focus": "talking about yourself",
    "transparency": "being honest about what you do not know or cannot do",
    "repetition": "repeating an earlier line word for word",
}
"""Every move the engine recognises, with the wording the debrief uses."""

PUSH_BACK_MOVES: Final = (
    "blame",
    "dismissal",
    "premature_advice",
    "information_dump",
    "self_focus",
)
"""Moves the counterpart pushes back on, most serious first."""

EXPLORATORY: Final = frozenset(
    {
        "open_question",
        "open_question_generic",
        "invitation",
        "complex_reflection",
        "simple_reflection",
    }
)
"""Moves that follow a thread the counterpart opened."""

EMPATHIC: Final = frozenset(
    {"complex_reflection", "simple_reflection", "warmth", "understanding", "affirmation"}
)


_BENIGN_IMPERATIVES: Final = (
    "take your time",
    "talk me through",
    "walk me through",
    "tell me",
    "take a moment",
    "go on",
    "go ahead",
    "keep going",
)
_IMPERATIVE_WORDS: Final = frozenset(
    {
        "try",
        "stop",
        "go",
        "take",
        "make",
        "consider",
        "remember",
        "talk",
        "focus",
        "get",
        "start",
        "avoid",
        "keep",
        "don't",
        "just",
        "please",
    }
)
_ADVICE_QUESTION: Final = re.compile(
    r"(?:why don'?t you|why not|what if you|have you (?:tried|thought about|considered))", re.I
)
_SO_GIST: Final = re.compile(
    r"(?:^|[.!?]\s+)so,?\s+(?!let'?s\b|what\b|how\b|shall\b|anyway\b|should\b|can\b|could\b|"
    r"do\b|does\b|did\b|is\b|are\b|i\b|we\b|i'm\b|i'll\b|i'd\b)[^.?!]*[.!]",
    re.I,
)
"""A statement opening with "So ..." that sums up what was said: a reflection without a stem."""
_TENTATIVE: Final = re.compile(
    r"\b(?:i (?:can )?imagine|i can (?:hear|see|tell)|i guess|"
    r"i get the (?:sense|feeling|impression)|i sense|i suspect|my guess is|i'?m guessing|"
    r"i wonder if|i'?ve noticed|i notice)\b[^.?!]{0,12}"
    r"\b(?:you|that|this|it|there)\b",
    re.I,
)
"""A tentative guess at what the other person feels or means: a complex reflection."""
_TRANSPARENCY: Final = re.compile(
    r"\bi (?:honestly |really |genuinely |just )?(?:don'?t|do not) "
    r"(?:know|have (?:all )?the answers?)(?: yet| either)?\b(?! what to)|"
    r"\b(?:nobody|no one|no-one) has (?:told|shown) me\b|\bi (?:haven'?t|have not) been told\b|"
    r"\bi won'?t pretend\b|\bi'?m not (?:sure|certain) (?:yet|myself)\b|"
    r"\bi (?:can'?t|cannot|won'?t) (?:promise|guarantee)\b|"
    r"\bi (?:can'?t|cannot) (?:recommend|advise on|give you) (?:a|an|any|the)?\s?"
    r"(?:dose|dosing|off.label)",
    re.I,
)
"""Honesty about the limits of what one knows or may do: transparency, never self-focus.
("To be honest" alone is a filler that fits any line: it is not on the list.)"""
_BOAST: Final = re.compile(
    r"\bi (?:never|always) (?:once |ever )?\w+|\bin my day\b|\bback when i\b|"
    r"\bwhen i was (?:a|an|your|in)\b[^.?!]{0,60}\bi (?:never|always|would|did|had)\b",
    re.I,
)
"""The speaker holding themselves up as the standard: self-focus, never a reflection."""
_YOU_STATE: Final = re.compile(
    r"\byou(?:'re| are| must| seem| feel| felt| sound|'ve been| have been| were)\b", re.I
)


@dataclass(frozen=True)
class Move:
    """One move and the learner's words that show it."""

    name: str
    evidence: str = ""


@dataclass(frozen=True)
class TurnContext:
    """What the engine knows beyond the utterance itself."""

    relevant: bool = False
    understood: bool = False
    permission_before: bool = False
    repeated: bool = False
    asked: bool = False
    """The other person just asked a question: information in reply was requested."""


def _inside(cue: Cue, spans: list[tuple[int, int]]) -> bool:
    """The cue lies within one of the spans ("you feel" inside "How do you feel…?")."""
    return any(start <= cue.start and cue.end <= end for start, end in spans)


def _imperative_only(cue: Cue) -> bool:
    words = cue.text.lower().strip(" .!").split()
    return 0 < len(words) <= 2 and all(w in _IMPERATIVE_WORDS for w in words)


def _benign_advice(cue: Cue, coded: CodedUtterance) -> bool:
    """Advice cues that are really invitations or understanding ("you must be tired")."""
    lowered = coded.text.lower()
    if any(phrase in lowered for phrase in _BENIGN_IMPERATIVES) and _imperative_only(cue):
        return True
    names = coded.cue_names()
    if _imperative_only(cue) and ({"exploration", "open_opener"} & names):
        return True
    inside_open_question = any(
        other.name == "open_opener"
        and other.text.endswith("?")
        and other.start <= cue.start < other.end
        for other in coded.cues
    )
    if inside_open_question and not _ADVICE_QUESTION.match(cue.text):
        return True
    return any(
        other.name == "understanding" and other.start <= cue.start < other.end + 3
        for other in coded.cues
    )


def classify(coded: CodedUtterance, ctx: TurnContext) -> list[Move]:
    """The learner's moves in one turn, each with evidence, in a stable order."""
    cues_by: dict[str, list[Cue]] = {}
    for cue in coded.cues:
        cues_by.setdefault(cue.name, []).append(cue)
    has = cues_by.__contains__

    def ev(*names: str) -> str:
        return "; ".join(c.text for n in names for c in cues_by.get(n, []))[:120]

    labels = coded.labels
    words = len(coded.text.split())
    boast = _BOAST.search(coded.text) is not None
    transparent = _TRANSPARENCY.search(coded.text)
    is_question = labels.get("behaviour") == "question" or has("question_mark")
    advice_cues = [c for c in cues_by.get("advice", []) if not _benign_advice(c, coded)]
    advice = bool(advice_cues) or (labels.get("input") == "advice" and not has("advice"))
    blame, dismissal = has("blame"), has("dismissal")
    information = (labels.get("input") == "information" or has("information")) and not is_question
    asked = [(c.start, c.end) for c in cues_by.get("open_opener", []) if c.text.endswith("?")]
    stems = [c for c in cues_by.get("reflection_stem", []) if not _inside(c, asked)]
    stem_or_complex = bool(stems) or (has("complex_reflection") and not is_question)
    implicit = (
        not is_question
        and not (advice or blame or dismissal)
        and _YOU_STATE.search(coded.text) is not None
        and (has("feeling_word") or has("understanding"))
    )
    gist = _SO_GIST.search(coded.text) is not None and not (
        advice or blame or dismissal or has("negotiation")
    )
    tentative = _TENTATIVE.search(coded.text) is not None and not (advice or blame or dismissal)
    reflection = not boast and (
        labels.get("behaviour") == "reflection" or stem_or_complex or implicit or gist or tentative
    )
    complex_ = reflection and (
        tentative
        or labels.get("reflection") == "complex"
        or has("complex_reflection")
        or has("feeling_word")
        or has("understanding")
        or has("warmth")
    )

    moves: list[Move] = []
    if ctx.repeated:
        moves.append(Move("repetition", coded.text[:80]))
    if reflection:
        kind = "complex_reflection" if complex_ else "simple_reflection"
        moves.append(Move(kind, ev("reflection_stem", "complex_reflection", "feeling_word")))
    if is_question and not blame:
        open_ = (labels.get("question") == "open" or has("open_opener")) and not advice
        if open_:
            kind = "open_question" if ctx.relevant else "open_question_generic"
            moves.append(Move(kind, ev("open_opener")))
        else:
            moves.append(Move("closed_question", ev("closed_opener", "question_mark")))
    elif not is_question and (has("exploration") or has("open_opener")) and not blame:
        moves.append(Move("invitation", ev("exploration", "open_opener")))
    # encouragement ("good luck", "stay strong") is a weak emotional reaction in EPITOME's
    # terms but no warmth a counterpart feels (`analysis.level_cues`)
    cheer = has("affirmation") or has("encouragement")
    if has("warmth") or (coded.level("emotional_reaction") >= 1 and not cheer):
        moves.append(Move("warmth", ev("warmth", "sympathy")))
    if has("understanding") and not reflection:
        moves.append(Move("understanding", ev("understanding")))
    if has("affirmation"):
        moves.append(Move("affirmation", ev("affirmation")))
    asks = [c for c in cues_by.get("negotiation", []) if not c.text.lower().startswith("let")]
    if asks:
        moves.append(Move("permission", "; ".join(c.text for c in asks)))
    allowed = ctx.understood and (ctx.permission_before or bool(asks))
    if advice:
        evidence = "; ".join(c.text for c in advice_cues) or ev("advice")
        moves.append(Move("offer" if allowed else "premature_advice", evidence))
    caring = reflection or has("warmth") or has("understanding") or has("affirmation")
    lecture = words >= 60 and not is_question and not caring
    if (information and not reflection) or lecture:
        dump = lecture or len(cues_by.get("information", [])) >= 2 or words >= 35
        if allowed and not dump:
            moves.append(Move("offer", ev("information")))
        elif lecture or not ctx.asked:  # what they asked for is an answer, not an imposition
            moves.append(Move("information_dump" if dump else "information", ev("information")))
    if blame:
        moves.append(Move("blame", ev("blame")))
    if dismissal:
        moves.append(Move("dismissal", ev("dismissal")))
    if transparent is not None:
        moves.append(Move("transparency", transparent.group(0)))
    firsts, seconds = len(cues_by.get("first_person", [])), len(cues_by.get("second_person", []))
    if boast:
        moves.append(Move("self_focus", ev("self_disclosure") or coded.text[:80]))
    elif transparent is None and (
        (has("self_disclosure") and words > 25) or (firsts >= 4 and seconds <= 1 and words > 15)
    ):
        moves.append(Move("self_focus", ev("self_disclosure", "first_person")))
    return _dedupe(moves)


def _dedupe(moves: list[Move]) -> list[Move]:
    seen: dict[str, Move] = {}
    for move in moves:
        seen.setdefault(move.name, move)
    return list(seen.values())
