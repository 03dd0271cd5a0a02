"""Neutral rewrites of a blaming sentence: keep the facts, drop the verdict, ask about the system.

Rule-based and deterministic, like `rewrite`: "She should have checked the chart"
becomes "She had not checked the chart. What could the people involved see and know
at the time?"; "Sam caused the outage" becomes "Sam was involved in the outage.
What else in the system contributed?". Judgements with no fact in them ("The
handover was sloppy") become a question about what shaped the thing judged. The
caller (`blame.find_blame`) checks every rewrite with the detector and falls back
to a general one when a rule leaves blame behind, so a suggestion is never itself
flagged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Final

from empathic.analysis.blame_clauses import (
    caused,
    fault_of,
    if_inside,
    if_opening,
    judged,
    lower_first,
    object_form,
    while_involved,
    why_question,
    would_clause,
)

QUESTIONS: Final = {
    "hindsight": "What could the people involved see and know at the time?",
    "counterfactual": "What made that the path taken at the time?",
    "blame": "What in the task, the tools or the workload made this likely?",
    "person_as_cause": "What else in the system contributed?",
    "judgement": "What made this make sense to the person at the time?",
}
"""The system question each kind of sentence ends on."""

FALLBACK: Final = {
    "hindsight": "Describe what the people involved saw and knew at the time, and what "
    "made their actions make sense then.",
    "counterfactual": "Describe what happened rather than what might have, and what made "
    "that path the one taken.",
    "blame": "Describe what was and was not done, and what in the task, the tools or the "
    "workload made that likely.",
    "person_as_cause": "Describe what happened and each condition that contributed, not "
    "who caused it.",
    "judgement": "Describe what was done, without a verdict on the person, and what made "
    "it make sense at the time.",
}

_A = r"['’]"
_ADJ = (
    r"(?:careless|negligent|sloppy|lazy|reckless|incompetent|unprofessional|irresponsible|"
    r"complacent|inexcusable|unforgivable|unacceptable|useless|stupid|shoddy|slapdash|"
    r"cavalier|inattentive)"
)
_INTENSIFIER = (
    r"(?:(?:too|so|very|really|completely|totally|utterly|simply|frankly|just|pretty)\s+)"
)
_BE = r"(?:was|were|is|are|has\s+been|had\s+been)"
_PLAIN = r"(?:(?!\b(?:because|when|while|after|and|but|as|since|that)\b)[^,;:])"
"""One character of a plain subject: no clause boundary, no conjunction."""
_WHO = (
    r"(?:(?:the|a|an|our|their|this|that)\s+(?:[\w-]+\s+){0,2}[\w-]+|(?-i:[A-Z])[\w-]*"
    r"|he|she|they|you|we|I|him|her|them|us|me)"
)
"""A person as a rewrite rule sees them: a determiner and a noun, a name or a pronoun."""
Rule = tuple[str, str | Callable[[re.Match[str]], str]]
"""A pattern and its replacement (a template or a function of the match)."""

_RULES: Final[tuple[Rule, ...]] = (
    # openers that only add a verdict
    (
        r"^(?P<pre>\W*)(?:honestly|frankly|surely|clearly|obviously|in\s+hindsight|with\s+"
        r"hindsight|looking\s+back),?\s+",
        r"\g<pre>",
    ),
    # questions that ask someone to defend themselves
    (
        rf"^(?P<pre>\W*)(?P<aux>why\s+(?:on\s+earth\s+)?(?:did|would|could|had|was|were|have|"
        rf"has)(?:n{_A}t|\s+not)|why\s+(?:on\s+earth\s+)?would|how\s+could|(?:could|did|was|"
        rf"were|had|would)n{_A}t)\s+(?P<body>[^?]+)\?",
        why_question,
    ),
    # a blaming reason inside a sentence: dropped before the sentence is judged whole
    (rf",?\s*\bbecause\s+[^,.;]*?\s+{_BE}\s+{_INTENSIFIER}?{_ADJ}\b", ""),
    # judgements with no fact in them
    (
        rf"^(?P<pre>\W*)it\s+(?:was|is)\s+{_INTENSIFIER}?{_ADJ}\s+of\s+(?P<who>[^,.;]+?)\s+to\s+"
        r"(?P<vp>[^.;!?]+)[.!]?",
        lambda m: f"{m.group('pre')}What led {object_form(m.group('who'))} to {m.group('vp')}?",
    ),
    (
        rf"^(?P<pre>\W*)(?P<who>{_PLAIN}+?)\s+{_BE}\s+(?:too|so)\s+{_ADJ}\s+to\s+(?P<vp>[^.;!?]+)"
        r"[.!]?",
        lambda m: (
            f"{m.group('pre')}What made it hard for {object_form(m.group('who'))} "
            f"to {m.group('vp')}?"
        ),
    ),
    (
        rf"^(?P<pre>\W*)(?P<who>{_PLAIN}+?)\s+{_BE}\s+{_ADJ}\s+to\s+(?P<vp>[^.;!?]+)[.!]?",
        lambda m: f"{m.group('pre')}What led {object_form(m.group('who'))} to {m.group('vp')}?",
    ),
    (
        rf"^(?P<pre>\W*)(?P<subj>{_PLAIN}+?)\s+{_BE}\s+{_INTENSIFIER}?{_ADJ}(?:\s+and\s+\w+)?"
        r"(?P<rest>(?:\s+(?:in|about|with|to|on|at|for)\s+[^.!?;]+)?)[.!]?$",
        judged,
    ),
    (
        r"^(?P<pre>\W*)(?:there(?:['’]s|\s+is|\s+was)\s+)?no\s+excuse\s+for\s+(?P<x>[^.!?]+)"
        r"[.!]?",
        lambda m: f"{m.group('pre')}What led to {m.group('x')}?",
    ),
    (
        r"^(?P<pre>\W*)(?P<who>[^,;]+?)\s+let\s+(?P<whom>[^,;]+?)\s+down\s+by\s+(?P<x>[^.!?]+)"
        r"[.!]?",
        lambda m: (
            f"{m.group('pre')}What led to {m.group('x')}, and how did it affect "
            f"{lower_first(m.group('whom'))}?"
        ),
    ),
    (
        r"\blet\s+(?P<whom>the\s+whole\s+\w+|the\s+\w+|us|them|me|him|her|everyone)\s+down\b",
        r"affected \g<whom>",
    ),
    (
        r"\bwhat\s+(?:was|were)\s+(?P<p>he|she|they|you)\s+thinking\b",
        lambda m: f"what was going on for {object_form(m.group('p'))}",
    ),
    # hindsight frames
    (
        r"\bit\s+(?:was|is)\s+(?:so\s+|really\s+)?(?:obvious|clear|evident|apparent|plain)\s+"
        r"from\s+(?P<src>[^,.;]+?)\s+that\s+",
        lambda m: f"{m.group('src')} showed that ",
    ),
    (
        r"\b(?:it|this|that)\s+(?:should|must)\s+have\s+been\s+(?:obvious|clear|apparent)\b",
        "it was not obvious at the time",
    ),
    (
        r"\b(?:it|this|that)\s+(?:was|is|had\s+been)\s+(?:so\s+|really\s+|pretty\s+|quite\s+|"
        r"perfectly\s+|blindingly\s+)?(?:obvious|clear|evident|apparent|plain)(?:\s+that)?\s+",
        "",
    ),
    (r"\s*\b(?:obviously|clearly)\b,?", ""),
    (
        rf"\b(?:anyone|anybody|any\s+(?:[\w-]+\s+)?[\w-]+|a\s+(?:competent|decent|good|sensible|"
        rf"reasonable|experienced|qualified|proper)\s+[\w-]+)\s+(?:would|could|should)"
        rf"(?:\s+have|{_A}ve)\s+(?P<pp>\w+)",
        r"no one had \g<pp>",
    ),
    # counterfactuals
    (
        r"\b(?:could|should|would)\s+(?:(?:so\s+)?easily\s+|surely\s+)?have\s+been\s+"
        r"(?:avoided|prevented|averted)\b",
        "happened",
    ),
    (
        r"\b(?:was|is)\s+(?:entirely|completely|totally|wholly|easily|so|clearly)\s+"
        r"(?:avoidable|preventable)\b",
        "happened",
    ),
    (
        r"^(?P<pre>\W*)(?P<head>if\s+only|if|had)\s+(?P<body>[^,;.!?]+)(?:,\s*(?P<rest>[^.!?]*))?",
        if_opening,
    ),
    (r",?\s+\bif\s+(?:only\s+)?(?P<body>[^,;.!?]+)", if_inside),
    (rf"\bwould(?P<neg>n{_A}t|\s+not|\s+never)?\s+have\s+(?P<w>\w+)", would_clause),
    (rf",\s+[^,]*\b(?:would|{_A}d)\s+(?:still\s+)?be\b[^,.;!?]*", ""),
    # hindsight modals
    (
        rf"\b(?:should|ought\s+to)(?P<neg>n{_A}t|\s+not|\s+never)?(?:\s+(?:just|really|simply|"
        rf"easily|surely|definitely|certainly|at\s+least))?(?:\s+have|{_A}ve)(?:\s+(?:just|"
        rf"really|easily|simply|already|also|at\s+least))?\s+(?P<pp>\w+(?:-\w+)?)",
        lambda m: f"had {'' if m.group('neg') else 'not '}{m.group('pp')}",
    ),
    (
        rf"\bcould(?:\s+(?:just|really|simply|easily|so\s+easily))?(?:\s+have|{_A}ve)"
        rf"(?:\s+(?:just|really|easily))?\s+(?P<pp>\w+(?:-\w+)?)",
        lambda m: f"had not {m.group('pp')}",
    ),
    # failure verbs
    (r"\b(?P<aux>has|have|had)\s+(?:failed|neglected|forgotten)\s+to\b", r"\g<aux> not"),
    (r"\b(?:keeps|kept)\s+(?:failing|forgetting|neglecting)\s+to\b", "repeatedly did not"),
    (r"\b(?:fails|forgets|neglects)\s+to\b", "does not"),
    (r"\b(?:failed|neglected|forgot)\s+to\b", "did not"),
    (r"\b(?:fail|forget|neglect)\s+to\b", "do not"),
    (r"\b(?:failing|forgetting|neglecting)\s+to\b", "not"),
    (rf"\b(?:did\s+not|didn{_A}t|never)\s+bother(?:ed)?\s+to\b", "did not"),
    (rf"\b(?:couldn{_A}t|could\s+not|can{_A}t|cannot)\s+be\s+bothered\s+to\b", "did not"),
    (rf"\b(?:couldn{_A}t|could\s+not)\s+be\s+bothered\b", "did not do it"),
    (r"\b(?P<who>nobody|no\s+one|no-one)\s+bothered\s+to\b", r"\g<who> managed to"),
    (r"\bforgot\b(?=\s*[.!?;,]|\s*$)", "did not recall it"),
    (r"\bforgot\b", "did not act on"),
    (r"\b(?:always|never)\s+ignores\b", "does not act on"),
    (r"\b(?:always|never)\s+ignore\b", "do not act on"),
    (
        r"\b(?:was|were|been|being|is|are)\s+ignored\b",
        lambda m: f"{m.group().split()[0]} not acted on",
    ),
    (r"\bignored\s+(?=(?:him|her|them|me|us|the\s+patient|the\s+family)\b)", "did not attend to "),
    (r"\b(?:ignored|overlooked)\b", "did not act on"),
    (r"\bignores\b", "does not act on"),
    (r"\bignore\b", "do not act on"),
    (r"\bignoring\b", "not acting on"),
    (
        r"\b(?:a\s+case\s+of\s+)?(?:human|operator|user|staff|pilot)\s+(?:error|failure|failings?)\b",
        "an action that did not go as intended",
    ),
    # a person named as the cause
    (
        rf"\bit\s+(?:is|was)\s+(?P<who>{_WHO}){_A}s?\s+(?:own\s+)?fault\s+(?:that\s+)?"
        r"(?P<rest>[^.!?]+)",
        lambda m: f"{m.group('rest')}, and {m.group('who')} was involved",
    ),
    (
        rf"\b(?:is|was|are|were)\s+(?P<who>{_WHO}|his|her|their|my|your|our)(?:{_A}s?)?\s+"
        r"(?:own\s+)?fault\b",
        lambda m: f"involved {object_form(m.group('who'))}",
    ),
    (
        rf"(?:(?P<who>{_WHO}){_A}s?|\b(?P<pos>his|her|their|my|your|our))\s+(?:own\s+|big\s+|"
        r"stupid\s+|silly\s+)?(?P<noun>fault|mistakes?|errors?|blunders?|failures?|failings?|"
        r"negligence|carelessness|incompetence|laziness|oversights?|screw-?ups?|cock-?ups?|"
        r"slip-?ups?|(?:poor|bad)\s+judge?ment)\b",
        fault_of,
    ),
    (
        r"\b(?P<be>is|was|are|were)\s+(?:(?:partly|entirely|largely|mainly|wholly|totally|also|"
        r"equally|solely)\s+)?(?:to\s+blame|at\s+fault|responsible)(?P<for>\s+for)?\b",
        lambda m: f"{m.group('be')} involved" + (" in" if m.group("for") else ""),
    ),
    (
        rf"^(?P<pre>\W*)(?:the\s+)?blame\s+(?:lies|rests|sits)\s+with\s+(?P<who>{_WHO})",
        lambda m: f"{m.group('pre')}{m.group('who')} was involved",
    ),
    (
        r"\b(?:is|was|are|were|came)\s+(?:down\s+to|due\s+to|because\s+of)\s+",
        "involved ",
    ),
    (
        rf"^(?P<pre>\W*)(?:because\s+of|due\s+to|thanks\s+to|owing\s+to)\s+(?P<who>{_WHO}),",
        while_involved,
    ),
    (
        rf"\b(?:because\s+of|due\s+to|thanks\s+to|owing\s+to)\s+(?P<who>{_WHO})"
        r"(?=\s*(?:[,.;:!?]|$)|\s+(?:and|but|when|while|after|before|during)\b)",
        while_involved,
    ),
    (
        rf"(?P<who>\b(?:{_WHO}|who))\s+(?:caused|triggered|brought\s+down|took\s+down)\b",
        caused,
    ),
    (
        rf",?\s*\bbecause\s+(?=(?:[\w'’-]+\s+){{0,2}}?[\w'’-]+\s+(?:did(?:n{_A}t|\s+not)|never|"
        rf"forgot|failed|ignored|neglected|was(?:n{_A}t|\s+not)|were(?:n{_A}t|\s+not)|"
        rf"could(?:n{_A}t|\s+not)|refused|skipped|rushed|pushed|deleted|broke|chose\s+not)\b)",
        ", and ",
    ),
    # judgement of character or effort
    (
        r"\s*\b(?:through|out\s+of)\s+(?:sheer\s+|pure\s+)?(?:carelessness|negligence|laziness|"
        r"incompetence|stupidity|recklessness)\b",
        "",
    ),
    (
        r"\b(?:carelessly|negligently|sloppily|lazily|recklessly|irresponsibly|stupidly|"
        r"incompetently|unprofessionally)\s+",
        "",
    ),
    (
        r"\s+(?:carelessly|negligently|sloppily|lazily|recklessly|irresponsibly|stupidly|"
        r"incompetently|unprofessionally)\b",
        "",
    ),
    (
        r"\b(?:careless|sloppy|negligent|lazy|reckless|stupid|silly|basic|rookie|schoolboy|"
        r"incompetent|irresponsible|shoddy|inexcusable|unforgivable|avoidable|slapdash)\s+"
        r"(?=[a-z])",
        "",
    ),
    (
        rf"\b{_BE}\s+{_INTENSIFIER}?{_ADJ}(?:\s+and\s+\w+)?\b",
        lambda m: f"{m.group().split()[0]} involved",
    ),
    (r"\buseless\b", "not yet confident"),
    (
        r"\b(?:messed|screwed|cocked)\s+up\b(?=\s+(?:the|a|an|his|her|their|our|my|your)\b)",
        "made an error in",
    ),
    (r"\b(?:messed|screwed|cocked)\s+up\b|\bmess(?:es)?\s+up\b", "made an error"),
    (r"\b(?:botched|bungled)\b", "made an error in"),
    (r"\bdropp?(?:ed|ing|s)?\s+the\s+ball\s+on\b", "did not complete"),
    (r"\bdropp?(?:ed|ing|s)?\s+the\s+ball\b", "did not complete the task"),
    (r"\bcut(?:s|ting)?\s+corners\s+(?:with|on)\b", "did not complete every step of"),
    (r"\bcut(?:s|ting)?\s+corners\b", "skipped steps"),
    (
        rf"\b(?P<be>was|were|is|are)(?:n{_A}t|\s+not)\s+paying\s+attention(?:\s+to\s+[^,.;!?]+)?",
        lambda m: f"{m.group('be')} attending to other things",
    ),
    (
        rf"\b(?:did(?:n{_A}t|\s+not)|does(?:n{_A}t|\s+not))\s+(?:really\s+)?care\s+about\b",
        "gave less time to",
    ),
    (
        r"\bhad\s+no\s+idea\s+what\s+(?:he|she|they|you|I)\s+(?:was|were)\s+doing\b",
        "was unsure what to do",
    ),
    (r"\basleep\s+at\s+the\s+wheel\b", "unable to keep watch"),
)


@cache
def _compiled() -> tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...]:
    return tuple((re.compile(p, re.IGNORECASE), r) for p, r in _RULES)


def neutral_rewrite(sentence: str, kinds: Sequence[str]) -> str:
    """The sentence reworded by the rules above, ending on the system question for its
    first kind (unless it became a question itself)."""
    text = sentence.strip()
    for pattern, replacement in _compiled():
        text = pattern.sub(replacement, text)
    text = _tidy(text)
    if not text:
        return ""
    if "?" not in text and kinds:
        text = f"{text} {QUESTIONS[kinds[0]]}"
    return text


def fallback_rewrite(kind: str) -> str:
    """The general rewrite for a sentence the rules could not reword cleanly."""
    return FALLBACK[kind]


def _tidy(text: str) -> str:
    """Spaces, commas, articles, a capital and a full stop after the substitutions."""
    text = re.sub(r"\s{2,}", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    text = re.sub(r"^(\W*),\s*", r"\1", text)
    text = re.sub(r"\b([Aa])n\s+(?=[b-df-hj-np-tv-z])", r"\1 ", text)
    text = re.sub(r"\b([Aa])\s+(?=[aeiou])", r"\1n ", text)
    text = re.sub(r"^(\W*)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text).strip()
    if text and text[-1] not in ".!?\"'”’":
        text += "."
    return text
