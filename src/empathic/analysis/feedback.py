"""Strengths, missed opportunities and suggested rewrites for one conversation.

Every finding cites the turns it is about and the learner's (or the other
person's) exact words, so a coach can check it against the transcript. Rewrites
are built from the other person's own words, because reflecting what someone
actually said is the clearest proof of listening.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any

from empathic.analysis.coding import AnalysedTurn, CodedUtterance, Coder
from empathic.analysis.metrics import (
    Exchange,
    acknowledges,
    exchanges,
    is_advice,
    is_self_focused,
)
from empathic.analysis.phrasing import (
    flip_pronouns,
    lower_first,
    reused_words,
    source_clause,
    unique,
)
from empathic.analysis.report_types import SessionMetrics
from empathic.analysis.rewrite import rewrite_own_line


@dataclass
class Finding:
    """One observation about the conversation, with the turns and words behind it."""

    kind: str
    title: str
    detail: str
    turns: list[int] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Rewrite:
    """A weaker learner turn and a better one built from the other person's words."""

    turn: int
    original: str
    rewrite: str
    why: str
    uses: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cues(coded: CodedUtterance, *names: str) -> list[str]:
    """Texts of the named cues, in reading order, without repeats."""
    seen: dict[str, None] = {}
    for cue in coded.cues:
        if cue.name in names:
            seen.setdefault(cue.text, None)
    return list(seen)


def _quote(words: Sequence[str]) -> str:
    return ", ".join(f"“{w}”" for w in words)


def _coded(ex: Exchange) -> CodedUtterance:
    assert ex.turn.coded is not None  # exchanges() only pairs learner turns
    return ex.turn.coded


def _cue_phrases(exs: Sequence[Exchange], *names: str) -> list[str]:
    return unique([p for ex in exs for p in _cues(_coded(ex), *names)])


def _evidence(exs: Sequence[Exchange], label: str) -> list[str]:
    return unique([p for ex in exs for p in _coded(ex).evidence.get(label, [])])


def _words_before(ex: Exchange) -> int:
    return sum(len(t.text.split()) for t in ex.before)


FINDING_TEXT: dict[str, tuple[str, str]] = {
    "complex_reflection": (
        "Complex reflections",
        "In {n} turn(s) you reflected meaning or feeling beyond their literal words, the skill "
        "most linked to people opening up.",
    ),
    "open_question": (
        "Open questions that invited elaboration",
        "{n} open question(s) were followed by a fuller answer from the other person.",
    ),
    "acknowledged_feeling": (
        "Acknowledging feelings",
        "When they voiced {feelings}, your reply acknowledged it.",
    ),
    "affirmation": (
        "Affirming strengths",
        "You named something the other person did well, which builds confidence.",
    ),
    "miti_band": (
        "MITI {band} band reached",
        "Reflection-to-question ratio {r_q} and {pct_cr}% complex reflections meet the MITI 4 "
        "{band} thresholds.",
    ),
    "advice_before_exploration": (
        "Advice before exploring",
        "You offered advice before asking an open question or reflecting what you heard, so "
        "the advice rested on guesses about their situation.",
    ),
    "unacknowledged_feeling": (
        "Feelings left unacknowledged",
        "They said {feelings} and your next turn moved on without naming or reflecting it.",
    ),
    "closed_question_streak": (
        "Runs of closed questions",
        "{n} run(s) of closed questions (longest {longest} in a row) turned the talk into an "
        "interview; an open question or a reflection would let them lead.",
    ),
    "blame": (
        "Blaming language",
        "Phrases like these put people on the defensive; a learning culture asks what got in "
        "the way, not who failed.",
    ),
    "dismissal": (
        "Dismissing feelings",
        "Reassurance such as this can tell someone their feelings do not count, even when it "
        "is meant kindly.",
    ),
    "self_focus": (
        "Attention turned to yourself",
        "Your own story took the floor and the turn did not hand it back with a question or a "
        "reflection.",
    ),
    "below_miti": (
        "Below the MITI fair thresholds",
        "Aim for at least one reflection per question (R:Q ≥ 1) and 40% complex reflections.",
    ),
}
"""Title and detail template of every finding kind."""


def _finding(kind: str, turns: list[int], evidence: list[str], **fmt: Any) -> Finding:
    title, detail = FINDING_TEXT[kind]
    return Finding(kind, title.format(**fmt), detail.format(**fmt), turns, evidence)


def _add(
    found: list[Finding], kind: str, exs: Sequence[Exchange], evidence: list[str], **fmt: Any
) -> None:
    """Append a finding of kind when any exchange supports it."""
    if exs:
        found.append(_finding(kind, [ex.turn.index for ex in exs], evidence, n=len(exs), **fmt))


def strengths(turns: Sequence[AnalysedTurn], metrics: SessionMetrics) -> list[Finding]:
    """What the learner did well, so feedback starts from what to keep doing.

    Kinds: complex_reflection; open_question (the reply that followed had at
    least 12 words and no fewer than what came before the question);
    acknowledged_feeling; affirmation; miti_band (overall band fair or good).
    """
    pairs = exchanges(turns)
    found: list[Finding] = []
    cx = [ex for ex in pairs if _coded(ex).labels.get("reflection") == "complex"]
    _add(found, "complex_reflection", cx, _evidence(cx, "reflection"))
    opened = [
        ex
        for ex, nxt in pairwise(pairs)
        if _coded(ex).labels.get("question") == "open"
        and _words_before(nxt) >= max(12, _words_before(ex))
    ]
    _add(found, "open_question", opened, _evidence(opened, "question"))
    ack = [ex for ex in pairs if ex.feelings and acknowledges(_coded(ex))]
    feelings = _quote(unique([f for ex in ack for f in ex.feelings]))
    phrases = _cue_phrases(ack, "warmth", "understanding", "reflection_stem", "feeling_word")
    _add(found, "acknowledged_feeling", ack, phrases, feelings=feelings)
    aff = [ex for ex in pairs if "affirmation" in _coded(ex).cue_names()]
    _add(found, "affirmation", aff, _cue_phrases(aff, "affirmation"))
    band = (metrics.get("miti") or {}).get("overall")
    if band in ("fair", "good"):
        refl = [ex for ex in pairs if _coded(ex).labels.get("behaviour") == "reflection"]
        numbers = {
            "r_q": metrics.get("r_q_ratio"),
            "pct_cr": metrics.get("pct_complex_reflections"),
        }
        _add(found, "miti_band", refl, _evidence(refl, "reflection"), band=band, **numbers)
    return found


def _closed_streaks(pairs: Sequence[Exchange], length: int = 3) -> list[list[Exchange]]:
    """Runs of at least length consecutive closed questions by the learner."""
    streaks: list[list[Exchange]] = []
    run: list[Exchange] = []
    for ex in [*pairs, None]:
        if ex is not None and _coded(ex).labels.get("question") == "closed":
            run.append(ex)
            continue
        if len(run) >= length:
            streaks.append(run)
        run = []
    return streaks


def _advice_before_exploration(pairs: Sequence[Exchange]) -> list[Exchange]:
    """Advice given before the learner's first open question or reflection."""
    early: list[Exchange] = []
    for ex in pairs:
        c = _coded(ex)
        if c.labels.get("question") == "open" or c.labels.get("behaviour") == "reflection":
            break
        if is_advice(c):
            early.append(ex)
    return early


def missed_opportunities(turns: Sequence[AnalysedTurn], metrics: SessionMetrics) -> list[Finding]:
    """Moments where a more empathic move was available.

    Kinds: advice_before_exploration, unacknowledged_feeling (its turns include
    the other person's), closed_question_streak (3 or more in a row), blame,
    dismissal, self_focus, and below_miti when the overall MITI band is "below".
    """
    pairs = exchanges(turns)
    found: list[Finding] = []
    early = _advice_before_exploration(pairs)
    _add(found, "advice_before_exploration", early, _cue_phrases(early, "advice", "options"))
    missed = [ex for ex in pairs if ex.feelings and not acknowledges(_coded(ex))]
    if missed:
        feelings = unique([f for ex in missed for f in ex.feelings])
        turns_ = sorted({t.index for ex in missed for t in (*ex.before, ex.turn)})
        found.append(
            _finding("unacknowledged_feeling", turns_, feelings, feelings=_quote(feelings))
        )
    streaks = _closed_streaks(pairs)
    if streaks:
        closed = [ex for run in streaks for ex in run]
        found.append(
            _finding(
                "closed_question_streak",
                [ex.turn.index for ex in closed],
                unique([ex.turn.text for ex in closed]),
                n=len(streaks),
                longest=max(map(len, streaks)),
            )
        )
    for kind in ("blame", "dismissal"):
        hits = [ex for ex in pairs if kind in _coded(ex).cue_names()]
        _add(found, kind, hits, _cue_phrases(hits, kind))
    selfish = [ex for ex in pairs if is_self_focused(_coded(ex))]
    _add(found, "self_focus", selfish, _cue_phrases(selfish, "self_disclosure"))
    if (metrics.get("miti") or {}).get("overall") == "below":
        found.append(_finding("below_miti", [], []))
    return found


# --- rewrites: built from the other person's words ---------------------------------------

REWRITE_KINDS: dict[str, tuple[int, str, str]] = {
    "dismissal": (
        3,
        "I can hear that {clause}, and I don't want to brush that aside. "
        "What's weighing on you most?",
        "“{evidence}” can sound as if their feelings don't count; naming what they said "
        "shows you take it seriously.",
    ),
    "blame": (
        3,
        "So {clause}. I'd like to understand how it looks from your side: what happened?",
        "“{evidence}” puts people on the defensive; curiosity keeps them talking, so you "
        "learn first and act second.",
    ),
    "advice_before_exploration": (
        3,
        "It sounds like {clause}. Before we get to solutions, what's been the hardest part?",
        "Advice came before you had explored their situation; reflecting their own words "
        "first shows you listened and earns the right to suggest.",
    ),
    "closed_after_feeling": (
        2,
        "It sounds like {clause}. What has that been like for you?",
        "They had just voiced {feeling}; a closed question narrows the talk, while a "
        "reflection and an open question invite them to say more.",
    ),
    "self_focus": (
        2,
        "It sounds like {clause}. I'd like to hear more about your side: how is it affecting you?",
        "Your own story moved attention to you; keeping the focus on their experience shows "
        "you are listening.",
    ),
    "unacknowledged_feeling": (
        2,
        "It sounds like {clause}. How are you holding up?",
        "They voiced {feeling} and the reply moved on; naming it shows you heard it.",
    ),
    "advice": (
        1,
        "It sounds like {clause}. What do you think would help most right now?",
        "Advice right after a feeling can feel like being fixed; asking what would help lets "
        "them own the solution.",
    ),
}
"""Per problem: severity (higher is rewritten first), rewrite template, and why."""


def _problems(ex: Exchange, early_advice: bool) -> list[str]:
    """Problems of one learner turn, most severe first."""
    c = _coded(ex)
    names = c.cue_names()
    checks = {
        "dismissal": "dismissal" in names,
        "blame": "blame" in names,
        "advice_before_exploration": early_advice,
        "closed_after_feeling": bool(ex.feelings) and c.labels.get("question") == "closed",
        "self_focus": is_self_focused(c),
        "unacknowledged_feeling": bool(ex.feelings) and not acknowledges(c),
        "advice": bool(ex.feelings) and is_advice(c) and not early_advice,
    }
    found = [kind for kind, hit in checks.items() if hit]
    return sorted(found, key=lambda kind: -REWRITE_KINDS[kind][0])


def _build(kind: str, ex: Exchange, history: str) -> Rewrite | None:
    """A rewrite from their latest words, else from all they said so far; None if too thin."""
    feeling, clause, sentence = source_clause(ex.context)
    if clause is None and not sentence.endswith("?") and history:
        feeling, clause, sentence = source_clause(history)
    c = _coded(ex)
    _, template, why = REWRITE_KINDS[kind]
    if clause is not None:
        text = template.format(clause=lower_first(flip_pronouns(clause)))
    elif sentence.endswith("?"):
        text = f"You asked, “{sentence}” Before I answer, what's behind that question for you?"
    else:
        return None
    evidence = (_cues(c, kind) if kind in ("dismissal", "blame") else []) or [c.text]
    why = why.format(evidence=evidence[0], feeling=f"“{feeling}”" if feeling else "a feeling")
    return Rewrite(ex.turn.index, ex.turn.text, text, why, reused_words(feeling, sentence, text))


def suggest_rewrites(
    turns: Sequence[AnalysedTurn], limit: int = 3, coder: Coder | None = None
) -> list[Rewrite]:
    """Rewrite the learner's weakest turns (at most limit, returned in turn order).

    Weakness ranks by the most severe problem (dismissal, blame and advice before
    exploration first), then the number of problems, then the lowest empathy level
    (sum of the three mechanism levels), then the earliest turn. Only turns that
    follow something the other person said are rewritten, because the rewrite is
    built from their words (their latest turn, or earlier turns when it was as thin
    as "Yes.").

    With a coder, the learner's own line is rewritten (content kept, move changed) where a
    re-coded rewrite verifies (`rewrite_own_line`); the template line is the fallback.
    """
    pairs = exchanges(turns)
    early = {ex.turn.index for ex in _advice_before_exploration(pairs)}
    said_before: dict[int, int] = {}  # learner turn -> how many other-person turns precede it
    said: list[str] = []
    for turn in turns:
        if turn.is_learner:
            said_before[turn.index] = len(said)
        else:
            said.append(turn.text)
    ranked: list[tuple[tuple[int, int, int, int], str, Exchange]] = []
    for ex in pairs:
        problems = _problems(ex, ex.turn.index in early)
        if not problems or not ex.context.strip():
            continue
        c = _coded(ex)
        empathy = sum(c.level(m) for m in ("emotional_reaction", "interpretation", "exploration"))
        key = (-REWRITE_KINDS[problems[0]][0], -len(problems), empathy, ex.turn.index)
        ranked.append((key, problems[0], ex))
    ranked.sort(key=lambda item: item[0])
    chosen: list[Rewrite] = []
    for _, kind, ex in ranked:
        if len(chosen) >= limit:
            break
        heard = said[: said_before.get(ex.turn.index, 0)]
        rewrite = _build(kind, ex, " ".join(heard))
        own = rewrite_own_line(ex.turn.text, ex.context, coder, said=heard) if coder else None
        if own is not None:
            why = f"{rewrite.why} {own.why}" if rewrite is not None else own.why
            rewrite = Rewrite(ex.turn.index, ex.turn.text, own.text, why, list(own.reuses))
        if rewrite is not None:
            chosen.append(rewrite)
    return sorted(chosen, key=lambda r: r.turn)
