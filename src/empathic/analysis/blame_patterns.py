"""The phrase rules behind `blame.find_blame` (data, kept apart from the logic).

Each rule is a regular expression run case-insensitively over the whole text plus
the few checks a regex cannot make cheaply: who the subject is (the nurse, or the
alarm?), whether a negation comes just before ("she did not fail to"), whether a
person follows ("because of Tom"). Every repetition is bounded or runs over one
character class, so no rule can backtrack catastrophically.

Where the line is drawn (data/blame/README.md says it for the labelled data too):
hindsight and failure verbs about equipment, software or process are not blame
("the alarm failed to sound", "the job should have run at midnight"); the same
words about a person are ("the nurse failed to check"). Plain description of what
a person did is never flagged ("the nurse gave the second dose").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Subject = Literal["any", "person", "not_thing"]


@dataclass(frozen=True)
class BlameRule:
    """One phrase rule: its pattern and the checks made around a match."""

    kind: str
    pattern: str
    why: str
    subject: Subject = "any"
    """Who must come just before: "person" (a pronoun, a name, a role such as
    "the nurse"), "not_thing" (anything but equipment or software), or "any"."""
    person_after: bool = False
    """A person must follow ("because of Tom"); the phrase runs to their name."""
    negatable: bool = True
    """A negation just before cancels it ("not careless", "nobody is to blame")."""
    clause_start: bool = False
    """It must open a sentence or a clause ("Had she checked...", "Clearly, ...")."""
    question: bool = False
    """Only in a question ("Couldn't she see ...?")."""
    inner_subject: bool = False
    """The pattern's `subj` group must name a person ("if the nurse had", not "if the
    pump had")."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_A = r"['’]"  # an apostrophe, straight or typographic
_NT = rf"(?:n{_A}t|\s+not)"

WHY_SHOULD: Final = (
    "'Should have' judges the choice against what we know now, not what the person "
    "could see at the time (hindsight bias)."
)
WHY_COULD: Final = (
    "A counterfactual describes what did not happen; asking what did happen, and why "
    "it made sense then, is what the team can learn from."
)
WHY_FAILED: Final = (
    "Saying someone 'failed to' or 'forgot' frames a gap in the system as a personal "
    "failing; say what was not done and ask what made it hard to do."
)
WHY_HUMAN_ERROR: Final = (
    "'Human error' names a person as the end of the story, so the inquiry stops before "
    "it reaches the conditions that made the error likely."
)
WHY_OBVIOUS: Final = (
    "'Obvious' and 'clear' are hindsight: what is plain after the outcome was rarely "
    "plain to the people there at the time."
)
WHY_WHY_NOT: Final = (
    "'Why didn't you' asks someone to defend themselves; 'what made it hard' asks about "
    "the situation and gets a fuller answer."
)
WHY_CAUSE: Final = (
    "Naming a person as the cause stops the search for the conditions that shaped "
    "their actions, and people stop reporting when reviews name them."
)
WHY_JUDGEMENT: Final = (
    "A judgement of character or effort tells the team nothing it can change and makes "
    "people less willing to speak; describe what was done instead."
)

PARTICIPLES: Final = _words(
    """been done gone seen known told said kept left put set run sent spent taken given
    written brought caught thought found held heard read rung understood stood felt meant
    paid built dealt had got gotten made shut cut let hit led fed met sat lost won sold
    bought taught spoken chosen driven fallen forgotten begun broken drawn shown woken
    withdrawn undertaken overseen hidden struck sought hung dug lit come become"""
)
_PP = r"(?P<pp>(?:[a-z]+-)?(?:[a-z]{2,}(?:ed|en|wn)|" + "|".join(sorted(PARTICIPLES)) + r"))\b"
"""A past participle ("checked", "seen", "double-checked"), so that the subject of "had
the night nurse looked" ends before "looked", not before "nurse"."""
_FAULT = (
    r"(?:own\s+|big\s+|stupid\s+|silly\s+)?(?:fault|mistakes?|blunders?|failures?|failings?|"
    r"errors?(?!\s+(?:messages?|codes?|logs?|rates?|handling|output|pages?|budgets?|bars?)\b)|"
    r"negligence|carelessness|incompetence|laziness|oversights?|screw-?ups?|cock-?ups?|"
    r"slip-?ups?|(?:poor|bad)\s+judge?ment)\b"
)
"""What a possessive names as someone's failing ("Tom's mistake", "her fault")."""
_ADV = r"(?:just|really|simply|easily|so\s+easily|surely|definitely|certainly|also|at\s+least)"

RULES: Final[tuple[BlameRule, ...]] = (
    # hindsight: what should have happened
    BlameRule(
        "hindsight",
        rf"\b(?:should(?:n{_A}t)?|ought(?:n{_A}t)?\s+to|ought\s+not\s+to)"
        rf"(?:\s+(?:not|never|{_ADV}))?(?:\s+have|{_A}ve)(?:\s+{_ADV})?\s+{_PP}",
        WHY_SHOULD,
        subject="person",
        negatable=False,
    ),
    BlameRule(
        "hindsight",
        r"\b(?:it|this|that)\s+(?:was|is|were|had\s+been|should\s+have\s+been|"
        r"must\s+have\s+been)\s+(?:so\s+|really\s+|pretty\s+|quite\s+|perfectly\s+|"
        r"blindingly\s+|completely\s+)?(?:obvious|(?:clear|evident|apparent|plain)"
        r"(?!\s+(?:from|in|on|at|when|once|after)\b))\b",
        WHY_OBVIOUS,
    ),
    BlameRule("hindsight", r"\bshould\s+have\s+been\s+(?:obvious|clear|apparent)\b", WHY_OBVIOUS),
    BlameRule("hindsight", r"\bobviously\b", WHY_OBVIOUS),
    BlameRule(
        "hindsight",
        rf"\bclearly\s+(?:did{_NT}|was{_NT}|were{_NT}|had{_NT}|could{_NT}|never|not|"
        r"should|ignored|missed|forgot|failed|knew|nobody|no\s+one)\b",
        WHY_OBVIOUS,
    ),
    BlameRule("hindsight", r"\bclearly\b,?", WHY_OBVIOUS, clause_start=True),
    BlameRule(
        "hindsight",
        r"\b(?:anyone|anybody|any\s+(?:competent\s+|decent\s+|good\s+|sensible\s+|"
        r"reasonable\s+|experienced\s+|qualified\s+|half-decent\s+)?[a-z-]+|a\s+(?:competent|"
        r"decent|good|sensible|reasonable|experienced|qualified|proper)\s+[a-z-]+)\s+"
        rf"(?:would|could|should)(?:\s+have|{_A}ve)\s+(?:known|seen|spotted|noticed|caught|"
        r"realised|realized|picked\s+up|predicted|checked|recognised|recognized|understood|"
        r"questioned|stopped|escalated)\b",
        WHY_OBVIOUS,
    ),
    BlameRule(
        "hindsight",
        rf"\bwhy\s+(?:on\s+earth\s+)?(?:did{_NT}|would{_NT}|could{_NT}|had{_NT}|was{_NT}|"
        rf"were{_NT}|have{_NT}|has{_NT}|would)",
        WHY_WHY_NOT,
        person_after=True,
        negatable=False,
    ),
    BlameRule("hindsight", r"\bhow\s+could", WHY_WHY_NOT, person_after=True, negatable=False),
    BlameRule(
        "hindsight",
        rf"\b(?:could|did|was|were|had|would){_A}?n{_A}?t",
        WHY_WHY_NOT,
        person_after=True,
        negatable=False,
        clause_start=True,
        question=True,
    ),
    # counterfactual: what would have happened instead
    BlameRule(
        "counterfactual",
        rf"\bcould(?:\s+(?:{_ADV}|so\s+easily))?(?:\s+have|{_A}ve)(?:\s+{_ADV})?\s+{_PP}",
        WHY_COULD,
        subject="person",
        negatable=False,
    ),
    BlameRule("counterfactual", r"\bif\s+only\b", WHY_COULD, negatable=False),
    BlameRule(
        "counterfactual",
        rf"(?<!\bas\s)\bif\s+(?P<subj>(?:[\w'’-]+\s+){{0,3}}?[\w'’-]+)(?:\s+had|{_A}d)(?:n{_A}t|\s+not)?"
        rf"(?:\s+(?:just|only|simply|bothered\s+to|been))?\s+{_PP}",
        WHY_COULD,
        negatable=False,
        inner_subject=True,
    ),
    BlameRule(
        "counterfactual",
        rf"\bhad\s+(?P<subj>(?:[\w'’-]+\s+){{0,3}}?[\w'’-]+)(?:\s+(?:just|only|simply))?\s+{_PP}",
        WHY_COULD,
        negatable=False,
        clause_start=True,
        inner_subject=True,
    ),
    BlameRule(
        "counterfactual",
        r"\b(?:could|should|would)\s+(?:(?:so\s+)?easily\s+|surely\s+)?have\s+been\s+"
        r"(?:avoided|prevented|averted)\b",
        WHY_COULD,
    ),
    BlameRule(
        "counterfactual",
        r"\b(?:entirely|completely|totally|wholly|easily|so|clearly)\s+(?:avoidable|preventable)\b",
        WHY_COULD,
    ),
    # blame: failure verbs and labels that end the inquiry
    BlameRule(
        "blame",
        r"\b(?:fail(?:ed|s|ing)?|neglect(?:ed|s|ing)?|forg(?:ot|otten|et|ets|etting))\s+to\b",
        WHY_FAILED,
        subject="person",
    ),
    BlameRule("blame", r"\bforg(?:ot|otten)\b(?!\s+to\b)", WHY_FAILED, subject="person"),
    BlameRule(
        "blame",
        rf"\b(?:did{_NT}|never|could{_NT}\s+be|can{_NT}\s+be|nobody|no\s+one|no-one)\s+"
        r"bother(?:ed)?\b",
        WHY_FAILED,
        negatable=False,
    ),
    BlameRule("blame", r"\bignor(?:ed|es|e|ing)\b", WHY_FAILED, subject="not_thing"),
    BlameRule("blame", r"\boverlook(?:ed|s)\b", WHY_FAILED, subject="person"),
    BlameRule(
        "blame",
        r"\b(?:human|operator|user|staff|pilot)\s+(?:error|failure|failings?)\b",
        WHY_HUMAN_ERROR,
    ),
    BlameRule(
        "blame",
        r"\bnever\s+(?:listens?|learns?|bothers?|cares?|pays?\s+attention)\b",
        WHY_FAILED,
        subject="person",
    ),
    BlameRule(
        "blame",
        r"\bblam(?:e|ed|es|ing)\b(?!\s+(?:culture|game|free|lies|rests|sits)\b)",
        WHY_CAUSE,
    ),
    # person as cause
    BlameRule(
        "person_as_cause",
        r"\b(?:because\s+of|due\s+to|thanks\s+to|owing\s+to|down\s+to|blamed\s+on|"
        r"caused\s+by|the\s+fault\s+of|lies\s+with|rests\s+with)",
        WHY_CAUSE,
        person_after=True,
    ),
    BlameRule(
        "person_as_cause",
        r"\b(?:caused|causes|triggered|brought\s+down|took\s+down)\b",
        WHY_CAUSE,
        subject="person",
    ),
    BlameRule(
        "person_as_cause",
        rf"{_A}s?\s+{_FAULT}",
        WHY_CAUSE,
        subject="person",
    ),
    BlameRule("person_as_cause", rf"\b(?:his|her|their|your|my|our)\s+{_FAULT}", WHY_CAUSE),
    BlameRule(
        "person_as_cause",
        r"\b(?:is|was|are|were|be|been)\s+(?:(?:partly|entirely|largely|mainly|wholly|totally|"
        r"also|equally|solely)\s+)?(?:to\s+blame|at\s+fault|responsible\s+for\s+(?:the\s+|this\s+|"
        r"that\s+)?(?:\w+\s+)?(?:error|mistake|incident|outage|harm|fall|delay|breach|"
        r"overdose|death|problem|mess|loss))\b",
        WHY_CAUSE,
    ),
    BlameRule(
        "person_as_cause",
        rf"\bbecause\s+(?P<subj>(?:[\w'’-]+\s+){{0,2}}?[\w'’-]+)\s+(?:(?:did{_NT}|never)"
        r"(?!\s+(?:want|know|have|feel|realise|realize|hear|see|get|receive|think)\b)|forgot|"
        r"failed|ignored|neglected|refused|skipped|rushed|pushed|deleted|broke|chose\s+not)\b",
        WHY_CAUSE,
        negatable=False,
        inner_subject=True,
    ),
    # judgement of character or effort
    BlameRule(
        "judgement",
        r"\b(?:careless(?:ly|ness)?|negligen(?:t|tly|ce)|slopp(?:y|ily|iness)|laz(?:y|ily|iness)|"
        r"incompeten(?:t|tly|ce)|unprofessional(?:ly)?|reckless(?:ly|ness)?|"
        r"irresponsib(?:le|ly)|stupid(?:ly|ity)?|idiot(?:ic|s)?|inexcusabl[ey]|unforgivabl[ey]|"
        r"complacen(?:t|cy)|cavalier|shoddy|slapdash|slipshod|inattentive)\b",
        WHY_JUDGEMENT,
    ),
    BlameRule("judgement", r"\buseless\b", WHY_JUDGEMENT, subject="person"),
    BlameRule(
        "judgement",
        r"\b(?:(?:attitude|behaviou?r|conduct|performance|handling|approach)\b[^.!?;]{0,40}?"
        r"\b(?:is|was|were|are|has\s+been)\s+(?:(?:simply|frankly|totally|completely|just)\s+)?"
        r"unacceptable|unacceptable\s+(?:of|from)\s+(?:him|her|them|you|the\s+\w+))\b",
        WHY_JUDGEMENT,
    ),
    BlameRule(
        "judgement",
        r"\b(?:no\s+excuse|cut(?:s|ting)?\s+corners|dropp?(?:ed|ing|s)?\s+the\s+ball|"
        r"(?:messed|screwed|cocked)\s+up|mess(?:es)?\s+up|botch(?:ed|es)?|bungled?|"
        r"(?:rookie|schoolboy|basic|silly)\s+(?:mistake|error)s?|asleep\s+at\s+the\s+wheel|"
        r"poor\s+judge?ment|should\s+(?:know|have\s+known)\s+better|"
        r"had\s+no\s+idea\s+what\s+(?:he|she|they|you|I)\s+(?:was|were)\s+doing|"
        r"what\s+(?:was|were)\s+(?:he|she|they|you)\s+thinking)\b",
        WHY_JUDGEMENT,
    ),
    BlameRule(
        "judgement",
        rf"\b(?:was{_NT}|were{_NT}|is{_NT}|are{_NT}|not)\s+paying\s+attention\b",
        WHY_JUDGEMENT,
        negatable=False,
    ),
    BlameRule(
        "judgement",
        rf"\b(?:did{_NT}|does{_NT}|do{_NT})\s+(?:really\s+)?care\b",
        WHY_JUDGEMENT,
        subject="person",
        negatable=False,
    ),
    BlameRule(
        "judgement",
        r"\blet\s+(?:the\s+whole\s+\w+|the\s+\w+|us|them|me|him|her|everyone|everybody)\s+down\b",
        WHY_JUDGEMENT,
        subject="person",
    ),
)


PERSON_WORDS: Final = _words(
    """nurse doctor registrar consultant locum surgeon anaesthetist anesthetist pharmacist
    technician paramedic crew midwife physio physiotherapist porter hca gp fy1 fy2 sho
    clinician prescriber manager matron sister coordinator clerk receptionist engineer
    developer dev sre dba admin administrator operator analyst tester reviewer lead leader
    msl rep representative team staff colleague worker starter hire trainee student intern
    contractor supervisor director executive ceo cto owner author approver writer trainer
    mentor mentee agent handler scientist radiologist sonographer physician carer assistant
    member person people individual officer management checker shift surgery practice
    patient relative daughter son wife husband family caller customer client user
    vendor supplier investigator coach governor board committee nursing"""
)
"""Nouns for people (and teams of people) as the subject of a sentence; "the GP
surgery" and "the night shift" are people here."""

THING_WORDS: Final = _words(
    """alarm pump system server test check job script deploy deployment release patch update
    build pipeline alert monitor process policy project rollback cache service database disk
    config form email letter screen device machine printer phone network api clock sensor
    mat label chart tool parser linter filter app software code rule model query compiler
    algorithm bot cron scanner interface feature flag migration"""
)

PRONOUNS: Final = _words("i you he she we they someone somebody anyone anybody everyone everybody")
DETERMINERS: Final = _words("the a an our their this that his her your my its")
OBJECT_PRONOUNS: Final = {"him": "he", "her": "she", "them": "they", "me": "I", "us": "we"}
NEGATIVE_SUBJECTS: Final = _words("nobody none no-one")
NEGATORS: Final = _words("not no never nobody none nothing neither nor without no-one")
SKIP_BEFORE: Final = _words(
    """just really simply clearly obviously also still surely definitely certainly probably
    then all even only again repeatedly keeps kept keep has have had was were is are been
    be being will would may might did do does"""
)
"""Words passed over when looking back for the subject ("she has clearly failed to")."""
FOLLOWERS: Final = _words(
    """and or but not who that which for in on at with when while after before because as
    was were is are had has to by from so than then during"""
)
"""Words that may follow a person named as the cause ("because of Tom and ...")."""

BEEN_EXCUSED: Final = _words(
    """told given trained supported warned informed offered shown asked consulted briefed
    paired rostered relieved included invited hurt harmed injured killed worse"""
)
"""After "should/could have been": the person received (or suffered) it, so the gap is
not theirs ("she should have been told", "he could have been hurt")."""
HARMS: Final = _words(
    """died aspirated fallen bled arrested deteriorated choked collapsed suffered drowned
    seized"""
)
"""After "could have": harm that might have happened to someone ("he could have
aspirated"), not something they should have done."""


def is_participle(word: str) -> bool:
    """A past participle ("checked", "seen", "double-checked"), by ending or by list."""
    word = word.lower()
    return word in PARTICIPLES or (len(word) > 3 and word.endswith(("ed", "en", "wn")))


def singular(word: str) -> str:
    """A plural noun's singular, roughly ("nurses" -> "nurse"), for the word lists."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def is_person_noun(word: str, people: frozenset[str] = frozenset()) -> bool:
    """A word naming a person or a team: a role ("nurse", "radiologist") or a name on the
    review. Lower-case input."""
    one = singular(word)
    if word in people or one in PERSON_WORDS or word in PERSON_WORDS:
        return True
    return len(one) > 5 and (one.endswith("ian") or (one.endswith("ist") and one[-4] != "l"))
