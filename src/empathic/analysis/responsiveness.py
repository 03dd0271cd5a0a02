"""Responsiveness: does an utterance take up what the other person actually said?

Empathy is responsiveness (DESIGN §2.9). A reflection, a validation or a question
earns credit in proportion to how specifically it takes up the other person's
words, the feelings they voiced and what they told us. Stock lines ("I hear you",
"that sounds hard", "tell me more") could be said to anyone: they earn a small
credit that shrinks with each use, and a line that nearly repeats an earlier one
earns nothing. A line that lists many topics at once ("your job, your role, your
family, your health?") is fishing, not listening.

`uptake` judges one utterance against what was said before it; `SessionJudge`
remembers the session (stock phrases used, earlier lines) and gives each turn a
credit factor in 0..1 that the role-play dynamics and the session report use.
Everything is transparent: a judgement names the words that took something up,
the stock phrases and the earlier line it repeats.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from empathic.analysis.cue_patterns import FEELINGS
from empathic.analysis.words import STOPWORDS, stem, tokens

STOCK_PATTERNS: Final[dict[str, str]] = {
    "I hear you": r"\bi (?:can )?hear (?:you|what you'?re saying|that)\b",
    "that sounds hard": r"\b(?:that|it|this)(?: sounds| seems| must be| must feel| is|'s)"
    r"(?: (?:really|so|very|incredibly|pretty|quite|super))? "
    r"(?:hard|tough|difficult|rough|awful|challenging|stressful|frustrating|painful|upsetting)\b",
    "tell me more": r"\b(?:tell|say) (?:me )?(?:a (?:bit|little) )?more"
    r"(?: about (?:that|it|this))?\b",
    "go on": r"\b(?:please )?(?:go|carry) on\b|\bkeep going\b|\bi'?m (?:all ears|listening)\b",
    "I understand": r"\bi (?:completely |totally |really |fully )?(?:understand|get it|get that|"
    r"know how you feel|know what you mean)\b(?: how you (?:feel|must feel))?|"
    r"\bin your (?:shoes|position|place)\b",
    "how does that make you feel": r"\bhow (?:does|did|do) (?:that|this|it) (?:make|leave) you "
    r"feel\b|\bhow do you feel about (?:that|this|it)\b|"
    r"\bhow are you feeling about (?:that|this|it)\b",
    "thank you for sharing": r"\bthank(?:s| you) (?:so much )?for (?:sharing|telling me|"
    r"opening up|being (?:so )?(?:open|honest))\b|\bi appreciate you (?:sharing|telling me|"
    r"opening up)\b",
    "I'm here for you": r"\bi'?m (?:always )?here (?:for you|to (?:listen|help|support you))\b",
    "that's valid": r"\b(?:that'?s|that is|your feelings are|it'?s) (?:completely |totally |so |"
    r"perfectly )?(?:valid|understandable|normal|okay to feel|ok to feel)\b",
    "I can imagine": r"\bi can (?:only )?imagine\b",
    "what else": r"\bwhat else (?:is|'s) (?:on your mind|going on|there)\b|\banything else\b",
    "you're not alone": r"\byou'?re not alone\b",
    "take your time": r"\btake (?:all )?(?:the |your )time(?: you need)?\b",
    "I'm sorry to hear that": r"\b(?:i'?m |i am )?(?:so |very |really |truly )?sorry (?:to hear"
    r"(?: (?:that|this|about (?:that|this|it)))?|(?:that )?you'?re going through (?:this|that|"
    r"all (?:this|that)))\b|\bmy heart goes out to you\b|\bi feel for you\b",
    "stay strong": r"\bstay strong\b|\byou'?ve got this\b|\bhang in there\b|\bgood luck\b|"
    r"\bsending (?:love|hugs|strength)\b|\b(?:things|it)(?:'ll| will) get better\b|"
    r"\bi hope (?:things|it|everything) (?:gets?|works?) (?:better|out)\b",
}
"""Phrases that fit any conversation, named as the debrief names them."""

GENERIC_WORDS: Final = frozenset(
    """
    hear heard sound sounds sounding seem seems hard tough difficult rough awful challenging
    stressful tell told more feel feeling feelings felt understand understood understandable
    imagine share sharing shared thank thanks listen listening valid must really completely
    totally absolutely here appreciate know knew see saw get got makes make made sense okay
    ok sure right go going goes say said saying mind else anything something everything
    things thing way lot lots happening happen happened want wanted like need needed talk
    talking open opening yes yeah well course good great wow oh ah hmm mean means kind
    pretty much bit now today always able bring brought glad sorry situation experience
    experiences support important matter matters anyone someone everyone alone normal
    perfectly incredibly super please keep moment moments time lately recently doing done
    been being stuff point honestly honest feels truly deeply hope hoping care cares caring
    worth thoughts thought think thinking whatever whenever anyway next last first
    straight frank frankly candid candidly upfront truth truthful truthfully plainly
    most same helpful useful natural nobody everybody somebody anybody sometimes through
    """.split()
)
"""Words that carry no content of their own in talk about feelings: what stock lines are made of."""

_CLITIC: Final = re.compile(r"'(?:s|re|ve|ll|d|m)$")
_FEELING_STEMS: Final = frozenset(stem(w) for f in FEELINGS for w in f.split())
_SENTENCES: Final = re.compile(r"[^.?!;\n]+[.?!;\n]*")
_LIST_SPLIT: Final = re.compile(r",|\bor\b|\band\b|/")
PARROT_RUN: Final = 6
"""Consecutive words copied from one of their turns that make a line an echo."""
FRAGMENT_WORDS: Final = 4
"""A statement of fewer words, stock phrases cut out, is a fragment, not something said."""
CARRIES: Final = 3
"""Content words a responsive turn needs before its stock connectors earn its full credit."""
_NEAR_DUPLICATE: Final = 0.6
"""Share of content stems two lines must have in common to count as the same line."""


@dataclass(frozen=True)
class Uptake:
    """How one utterance relates to what the other person said before it."""

    kind: str
    """responsive (takes up their words or feelings), specific (its own content), stock, empty."""
    echoed: tuple[str, ...] = ()
    """The learner's words that take up the other person's words or voiced feelings."""
    specific: tuple[str, ...] = ()
    """The learner's content words beyond stock phrases and generic empathy vocabulary."""
    stock: tuple[str, ...] = ()
    """Stock phrases used (their names in STOCK_PATTERNS)."""
    listed: int = 0
    """Items in the longest list of the utterance (3 or more is fishing)."""
    residue: str = ""
    """The utterance with its stock phrases cut out: what is left to reach a topic."""
    parrots: bool = False
    """It copies a run of PARROT_RUN or more of their words verbatim and adds no content
    word of its own: an echo, not a reflection in the learner's words."""

    @property
    def is_spray(self) -> bool:
        return self.listed >= 3

    @property
    def stock_carried(self) -> bool:
        """Its stock phrases are carried by what it says: it takes up their words with
        CARRIES content words or more. "I hear you, your projects" is still stock."""
        return self.kind == "responsive" and len(self.specific) >= CARRIES

    words: int = 0
    """Words in the utterance once its stock phrases are cut out."""

    @property
    def fragment(self) -> bool:
        """A few bare words ("workload.", "extra work.", "the camera") with content: they
        name a subject, theirs or not, and say nothing about it."""
        return self.kind in ("specific", "responsive") and self.words < FRAGMENT_WORDS

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "echoed": list(self.echoed),
            "specific": list(self.specific),
            "stock": list(self.stock),
            "listed": self.listed,
            "parrots": self.parrots,
        }


@dataclass(frozen=True)
class Judgement:
    """One turn's responsiveness in its session: the uptake and the credit it earns."""

    uptake: Uptake
    credit: float
    """Multiplier 0..1 of what empathic moves in this turn earn."""
    repeats: int | None = None
    """Index (0-based, among the learner's earlier turns) of a line this one nearly repeats."""
    why: str = ""
    stock_credit: float = 0.0
    """Multiplier of what the turn's stock phrases alone earn: the wearing-out stock credit,
    never more than `credit` ("I hear you" wrapped round a topic word stays stock), or the
    turn's own credit when it takes up their words with content of its own (`CARRIES`)."""

    def as_dict(self) -> dict[str, object]:
        return {
            **self.uptake.as_dict(),
            "credit": round(self.credit, 3),
            "repeats": self.repeats,
            "why": self.why,
        }


@cache
def _compiled() -> dict[str, re.Pattern[str]]:
    """The stock patterns, compiled on first use."""
    return {name: re.compile(p) for name, p in STOCK_PATTERNS.items()}


def stock_spans(text: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of every stock phrase in text, in reading order."""
    lowered = text.lower().replace("\u2019", "'")
    found = [
        (name, m.start(), m.end())
        for name, pattern in _compiled().items()
        for m in pattern.finditer(lowered)
    ]
    return sorted(found, key=lambda f: f[1])


def without_stock(text: str) -> str:
    """Text with its stock phrases blanked out (same length, so offsets still hold)."""
    chars = list(text)
    for _, start, end in stock_spans(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def content_stems(text: str) -> dict[str, str]:
    """stem -> first word, for the words that carry content (no stopwords or generic words)."""
    out: dict[str, str] = {}
    for token in tokens(text):
        word = _CLITIC.sub("", token)  # "there's" is "there", "nobody's" is "nobody"
        if word in STOPWORDS or word in GENERIC_WORDS or len(word) < 3:
            continue
        key = stem(word)
        if key not in STOPWORDS and key not in GENERIC_WORDS:
            out.setdefault(key, word)
    return out


def longest_list(text: str) -> int:
    """Items in the longest enumeration of short phrases in a question ("your job, your role
    or your team?"): fishing for a topic rather than following one.

    A question is split on commas, "or", "and" and slashes; an enumeration is a run of
    short parts (four words or fewer) after the first part, which counts as an item too.
    Three items count when at least two open with the same word ("your job, your role")
    or the later ones are bare words ("work, home and health"); four or more always
    count, so "in terms of staffing and workload" is no list.
    """
    best = 0
    for sentence in _SENTENCES.findall(text):
        if not sentence.rstrip().endswith("?"):
            continue
        parts = [p.lower().split() for p in _LIST_SPLIT.split(sentence)]
        run: list[list[str]] = []
        for words in parts[1:]:
            short = 0 < len(words) <= 4 and any(w.strip("?.!") not in STOPWORDS for w in words)
            run = [*run, words] if short else []
            items = len(run) + 1
            openers = Counter(w[0] for w in run)
            parallel = bool(openers) and openers.most_common(1)[0][1] >= 2
            bare = all(len(w) <= 2 for w in run)
            if items >= 4 or (items == 3 and (parallel or bare)):
                best = max(best, items)
    return best


def uptake(text: str, said: Sequence[str]) -> Uptake:
    """Judge text against what the other person said (`said`, oldest first).

    Words echo when they share a stem with the other person's last three turns,
    or name a feeling they voiced (any feeling word they used, or a feeling word
    in the same family by stem). A feeling named without their having voiced one
    is the learner's own guess: specific, not yet responsive.
    """
    stocks = tuple(dict.fromkeys(name for name, _, _ in stock_spans(text)))
    residue = without_stock(text)
    mine = content_stems(residue)
    listed = longest_list(text)
    if not mine:
        return Uptake("stock" if stocks else "empty", stock=stocks, listed=listed, residue=residue)
    theirs: dict[str, str] = {}
    for turn in said[-3:]:
        theirs.update(content_stems(turn))
    voiced_feelings = {k for k in theirs if k in _FEELING_STEMS}
    echoed = tuple(
        word
        for key, word in mine.items()
        if key in theirs or (key in _FEELING_STEMS and voiced_feelings)
    )
    kind = "responsive" if echoed else "specific"
    own = [key for key in mine if key not in theirs]
    parrots = not own and _copies_a_run(text, said[-3:])
    words = len(tokens(residue))
    return Uptake(kind, echoed, tuple(mine.values()), stocks, listed, residue, parrots, words)


def _copies_a_run(text: str, said: Sequence[str]) -> bool:
    """True when `text` repeats PARROT_RUN consecutive words of one of their turns (linear:
    a set of their word runs, then one pass over the text's)."""
    mine = tokens(text)
    if len(mine) < PARROT_RUN:
        return False
    runs = {
        tuple(words[i : i + PARROT_RUN])
        for words in (tokens(turn) for turn in said)
        for i in range(len(words) - PARROT_RUN + 1)
    }
    return any(tuple(mine[i : i + PARROT_RUN]) in runs for i in range(len(mine) - PARROT_RUN + 1))


@dataclass
class SessionJudge:
    """Remembers a session so that repeats and overused stock phrases stop earning."""

    stock_base: float = 0.35
    """Credit of a first line with no content of its own (stock phrases or an empty "How are
    things?"); each further such line multiplies it by `stock_decay`."""
    stock_decay: float = 0.5
    specific_credit: float = 0.75
    question_credit: float = 0.45
    """Credit of a turn that only asks (questions, "tell me about…") about something new,
    taking up nothing they said: interviewing topic by topic is not listening."""
    spray_credit: float = 0.15
    _earlier: list[set[str]] = field(default_factory=list)
    _stock_turns: int = 0

    def judge(self, text: str, said: Sequence[str]) -> Judgement:
        """The turn's uptake and credit; call once per learner turn, in order."""
        up = uptake(text, said)
        # what the line says: its content words, or for a line of stock phrases only, its
        # words; so a stock line wrapped round the same content again is still a repeat
        skeleton = set(content_stems(up.residue)) or {
            stem(w) for w in tokens(text) if w not in STOPWORDS
        }
        repeats = _near_duplicate(skeleton, self._earlier)
        self._earlier.append(skeleton)
        generic = up.kind in ("stock", "empty")
        stock_credit = self.stock_base * self.stock_decay**self._stock_turns
        self._stock_turns += generic or bool(up.stock)
        if repeats is not None:
            credit, why = 0.0, f"nearly repeats your turn {repeats + 1}"
        elif up.is_spray:
            credit, why = self.spray_credit, f"lists {up.listed} topics at once"
        elif up.parrots:
            credit, why = self.question_credit, "repeats their words back without your own"
        elif generic:  # fits any conversation, named stock phrase or not: it wears out
            credit = stock_credit
            why = "stock phrases that fit any conversation" if up.stock else "no content of its own"
        elif up.fragment and not _only_asks(text, up.residue):
            credit, why = self.question_credit, "names a topic and says nothing about it"
        elif up.kind == "responsive":
            credit, why = 1.0, "takes up their words: " + ", ".join(up.echoed[:4])
        elif _only_asks(text, up.residue):
            credit, why = self.question_credit, "asks about something they have not raised"
        else:
            credit, why = self.specific_credit, "specific, but not built on what they said"
        # in a turn that takes up their words with content of its own, "tell me more about
        # that" carries them; wrapped round a single echoed word it is still stock
        stock_credit = credit if up.stock_carried else min(stock_credit, credit)
        return Judgement(up, credit, repeats, why, stock_credit if up.stock else credit)


def stock_habits(judgements: Iterable[Judgement]) -> list[str]:
    """Stock phrases of a session, most used first, as the debrief names them
    ("'I hear you' 4 times"): the habit, not only the score."""
    counts = Counter(name for j in judgements for name in j.uptake.stock)
    return [f"'{name}' {n} time{'s' if n != 1 else ''}" for name, n in counts.most_common()]


_INVITATION: Final = re.compile(
    r"^\W*(?:(?:so|and|please|now|okay|ok|well),?\s+)*(?:tell me|talk me through|walk me "
    r"through|say (?:a (?:bit|little) )?more|what about|how about)\b"
)


def _only_asks(text: str, residue: str) -> bool:
    """Every sentence with content of its own is a question or an invitation ("Tell me
    about…", "What about…"): the turn only asks, it says nothing back."""
    lowered = text.lower()
    asks = [
        m.group().rstrip().endswith("?") or _INVITATION.match(m.group()) is not None
        for m in _SENTENCES.finditer(lowered)
        if content_stems(residue[m.start() : m.end()])
    ]
    return bool(asks) and all(asks)


def _near_duplicate(skeleton: set[str], earlier: Sequence[set[str]]) -> int | None:
    if not skeleton:
        return None
    for i, other in enumerate(earlier):
        if not other:
            continue
        shared = len(skeleton & other) / len(skeleton | other)
        if shared >= _NEAR_DUPLICATE:
            return i
    return None
