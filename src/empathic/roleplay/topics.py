"""Robust topic matching: does a learner's turn touch a topic, whatever the wording?

Learners paraphrase. Exact keywords would reward guessing the author's words, so
terms and text are both lower-cased, tokenised and reduced by a light stemmer
(inflections: "asking" = "asked" = "ask"), each term is widened by synonym sets
(a small shared table plus the scenario's own), and multi-word terms match when
their content words occur close together in any order ("ask for help" matches
"help ... asking"). No NLP dependency: the rules are short and transparent, and
every match reports the words that triggered it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from empathic.analysis.responsiveness import GENERIC_WORDS
from empathic.analysis.words import STOPWORDS, stem, tokens

_SHARED_SYNONYMS_TEXT = """
family, home, kid, child, son, daughter, partner, husband, wife, spouse, mother, father, parent,
  baby, carer, caring for, caregiver
ill, illness, sick, unwell, diagnosis, diagnosed, hospital, health
job, role, position, career, livelihood
replace, redundant, obsolete, automate, laid off, made redundant, lose my job, out of a job,
  take over
worry, worried, concern, concerned, anxious, anxiety, afraid, fear, scared, nervous, uneasy,
  frightened
email, inbox, mail, newsletter, mailing
slide, slide deck, deck, powerpoint, presentation
summary, one page, one-pager, handout, brief, digest, short
help, support, assistance, backing
ask, request, reach out, speak up, raise
lonely, loneliness, alone, isolated, isolation, disconnected, on my own, by myself, cut off,
  left out
tired, exhausted, drained, worn out, burnt out, burned out, burnout, fatigue, fatigued
goal, target, aim, ambition, aspiration, direction, path
doubt, unsure, not sure, uncertain, second thoughts, hesitant
mistake, error, slip, incident, mix up, wrong dose
staffing, short staffed, understaffed, short of staff, short handed
learn, learning, training, skill, upskill, course
value, valued, worth, contribution, appreciated, recognised, recognized
manager, boss, management, leadership
team, department, unit, ward, colleague, coworker, co-worker, workmate, people you work with
who else, anyone else, other people, someone else, others
private, privacy, personal, confidential, between us
patient, case
busy, rushed, pressed, swamped, snowed under, stretched
meeting, call, video, zoom, virtual
"""


@lru_cache(maxsize=1)
def shared_synonyms() -> tuple[tuple[str, ...], ...]:
    """Broad everyday synonym sets shared by every scenario (scenarios add their own).

    One set per line of `_SHARED_SYNONYMS_TEXT`; an indented line continues the set above.
    """
    groups: list[list[str]] = []
    for raw in _SHARED_SYNONYMS_TEXT.strip("\n").splitlines():
        terms = [t.strip() for t in raw.split(",") if t.strip()]
        if raw.startswith(" ") and groups:
            groups[-1].extend(terms)
        else:
            groups.append(terms)
    return tuple(tuple(g) for g in groups)


@lru_cache(maxsize=16384)  # pure; every new run builds its matchers from the same terms
def term_key(term: str, *, keep_stopwords: bool = False) -> tuple[str, ...]:
    """The stems a term needs: its content words, but a multi-word term never collapses to
    one common word ("what you want" is not "want", "right for you" is not "right", while
    "in person" is "person"): when the one content word left is generic talk, every word
    is needed."""
    words = tokens(term.replace("-", " "))
    content = words if keep_stopwords else [w for w in words if w not in STOPWORDS]
    if len(words) > 1 and (not content or (len(content) == 1 and _generic(content[0]))):
        content = words
    return tuple(stem(w) for w in content)


def _generic(word: str) -> bool:
    return word in GENERIC_WORDS or stem(word) in GENERIC_WORDS


@dataclass(frozen=True)
class TopicHit:
    """One topic a turn touched, with the learner's words that triggered it."""

    topic: str
    term: str
    words: str

    @property
    def generic(self) -> bool:
        """Reached only through words of generic talk ("whatever happens", "feel"): a
        question with them asks about the topic, a statement with them says nothing of it."""
        return all(_generic(w) or w in STOPWORDS for w in tokens(self.words))


class TopicMatcher:
    """Matches text against named topics, each a list of terms widened by synonyms."""

    def __init__(
        self,
        topics: Mapping[str, Sequence[str]],
        synonyms: Iterable[Sequence[str]] = (),
        *,
        shared: bool = True,
        exact: bool = False,
    ) -> None:
        """`exact` keeps every word of a term (stopwords too): for precise phrases like markers."""

        def key_of(term: str) -> tuple[str, ...]:
            return term_key(term, keep_stopwords=exact)

        groups = [tuple(g) for g in synonyms]
        if shared:
            groups.extend(shared_synonyms())
        by_key: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        labels: dict[tuple[str, ...], str] = {}
        for group in groups:
            keys = {key_of(t) for t in group if key_of(t)}
            for t in group:
                labels.setdefault(key_of(t), t)
            for key in keys:
                by_key.setdefault(key, set()).update(keys)
        self.exact = exact
        self._topics: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for topic, terms in topics.items():
            expanded: dict[tuple[str, ...], str] = {}
            for term in terms:
                key = key_of(term)
                if not key:
                    continue
                expanded.setdefault(key, term)
                for other in sorted(by_key.get(key, ())):
                    expanded.setdefault(other, labels.get(other, " ".join(other)))
            self._topics[topic] = sorted(expanded.items(), key=lambda kv: (-len(kv[0]), kv[0]))

    def match(self, text: str) -> list[TopicHit]:
        """Topics the text touches, in declaration order, each with its evidence."""
        words = tokens(text.replace("-", " "))
        stems = [stem(w) for w in words]
        positions: dict[str, list[int]] = {}
        for i, s in enumerate(stems):
            positions.setdefault(s, []).append(i)
        hits: list[TopicHit] = []
        for topic, keys in self._topics.items():
            for key, label in keys:
                span = _find_exact(key, stems) if self.exact else _find(key, positions)
                if span is not None:
                    hits.append(TopicHit(topic, label, " ".join(words[span[0] : span[1] + 1])))
                    break
        return hits

    def topics_in(self, text: str) -> set[str]:
        return {hit.topic for hit in self.match(text)}


def _find(key: tuple[str, ...], positions: Mapping[str, list[int]]) -> tuple[int, int] | None:
    """Span of the words of key when all occur within a small window, in any order."""
    if any(k not in positions for k in key):
        return None
    if len(key) == 1:
        first = positions[key[0]][0]
        return first, first
    window = len(key) + 4
    for start in positions[key[0]]:
        span = [start]
        for k in key[1:]:
            near = [p for p in positions[k] if abs(p - start) <= window]
            if not near:
                break
            span.append(min(near, key=lambda p: abs(p - start)))
        else:
            return min(span), max(span)
    return None


def _find_exact(key: tuple[str, ...], stems: list[str]) -> tuple[int, int] | None:
    """Span of key as consecutive words, in order."""
    n = len(key)
    for i in range(len(stems) - n + 1):
        if tuple(stems[i : i + n]) == key:
            return i, i + n - 1
    return None


def content_overlap(a: str, b: str) -> set[str]:
    """Content stems two texts share: a cheap sign that a reflection picks up what was said."""
    sa = {stem(w) for w in tokens(a) if w not in STOPWORDS and len(w) > 2}
    sb = {stem(w) for w in tokens(b) if w not in STOPWORDS and len(w) > 2}
    return sa & sb
