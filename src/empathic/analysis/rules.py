"""Transparent detectors: phrases a coach would point at.

They give the evidence shown to users and dense features to the classifiers.
Each cue is a named family of regular expressions; a match yields the exact
words and their character span, so every label can be explained.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

FEELINGS: Final = [
    "afraid",
    "angry",
    "annoyed",
    "anxious",
    "ashamed",
    "alone",
    "betrayed",
    "burnt",
    "burned",
    "confused",
    "crushed",
    "defeated",
    "depressed",
    "desperate",
    "devastated",
    "disappointed",
    "discouraged",
    "drained",
    "embarrassed",
    "exhausted",
    "fed",
    "frightened",
    "frustrated",
    "furious",
    "guilty",
    "heartbroken",
    "helpless",
    "hopeless",
    "hurt",
    "insecure",
    "irritated",
    "isolated",
    "jealous",
    "lonely",
    "lost",
    "miserable",
    "nervous",
    "numb",
    "overwhelmed",
    "panicked",
    "panicky",
    "powerless",
    "rejected",
    "resentful",
    "sad",
    "scared",
    "shaken",
    "shocked",
    "sick",
    "stressed",
    "stuck",
    "terrified",
    "tired",
    "torn",
    "trapped",
    "uncertain",
    "uneasy",
    "unhappy",
    "upset",
    "useless",
    "vulnerable",
    "worried",
    "worthless",
    "excited",
    "happy",
    "glad",
    "proud",
    "relieved",
    "hopeful",
    "grateful",
    "pleased",
    "thrilled",
    "calm",
    "confident",
    "content",
    "curious",
    "determined",
    "motivated",
    "optimistic",
    "fear",
    "anxiety",
    "stress",
    "pressure",
    "grief",
    "loneliness",
    "shame",
    "guilt",
    "anger",
    "frustration",
    "worry",
    "sadness",
    "panic",
    "dread",
    "hurting",
    "struggling",
    "suffering",
    "pain",
    "painful",
    "hard",
    "difficult",
    "tough",
    "awful",
    "terrible",
    "heavy",
]

_FEELING_ALT = "|".join(sorted(set(FEELINGS), key=len, reverse=True))

CUE_PATTERNS: Final[dict[str, tuple[str, ...]]] = {
    # question form
    "question_mark": (r"\?",),
    "open_opener": (
        r"\b(?:what|how|why|where|when|who|which)\b[^.?!]*\?",
        r"\btell me (?:more|about)\b",
        r"\b(?:could|can|would) you (?:tell|say|share|describe|explain|walk)\b",
        r"\bsay (?:a bit |a little )?more\b",
        r"\bhelp me understand\b",
        r"\bwalk me through\b",
        r"\bi(?:'m| am) (?:curious|wondering) (?:about|what|how|why)\b",
        r"\bin what way\b",
    ),
    "closed_opener": (
        r"(?:^|[.!?]\s+)(?:so,?\s+|and\s+|but\s+|okay,?\s+|ok,?\s+|well,?\s+)?"
        r"(?:do|does|did|is|are|was|were|have|has|had|can|could|would|will|should|shall|may|"
        r"am|isn't|aren't|don't|doesn't|didn't|won't|wouldn't|haven't|hasn't|couldn't)\b"
        r"[^.?!]*\?",
        r"\b(?:right|okay|ok|yeah|correct)\s*\?",
        r"\bor not\s*\?",
    ),
    # reflection
    "reflection_stem": (
        r"\b(?:it |that )?sounds? (?:like|as if|as though)\b",
        r"\b(?:it |that )?seems? (?:like|as if|that)\b",
        r"\bso you(?:'re| are|'ve| have| feel| think| want|'d| would)?\b",
        r"\byou(?:'re| are) (?:feeling|saying|telling me|worried|concerned|wondering)\b",
        r"\byou feel\b",
        r"\bwhat i(?:'m| am) hearing\b",
        r"\bi hear (?:you|that)\b",
        r"\bif i understand\b",
        r"\bin other words\b",
        r"\byou(?:'ve| have) been\b",
        r"\byou sound\b",
        r"\bfor you,\b",
    ),
    "complex_reflection": (
        r"\bpart of you\b",
        r"\bon (?:the )?one hand\b",
        r"\b(?:and yet|even though|at the same time)\b",
        r"\bit'?s? (?:like|as if)\b",
        r"\bwhat (?:matters|is important|really matters) to you\b",
        r"\byou(?:'re| are) (?:worried|afraid|scared) (?:that|about)\b",
        r"\bunderneath\b",
        r"\byou (?:really )?(?:care|value|want)\b",
        r"\bbecause you\b",
    ),
    "feeling_word": (rf"\b(?:{_FEELING_ALT})\b",),
    # EPITOME mechanisms
    "warmth": (
        r"\bi(?:'m| am) (?:so |really |very |truly )?sorry\b",
        r"\b(?:that|this|it) (?:must|must've|must have|sounds?|seems?) (?:be |been )?"
        r"(?:really |so |very |incredibly )?(?:hard|difficult|tough|painful|awful|"
        r"frustrating|scary|exhausting|overwhelming|stressful|lonely|upsetting|heavy)\b",
        r"\bi can (?:only )?imagine\b",
        r"\bi feel for you\b",
        r"\b(?:hugs|sending (?:love|hugs))\b",
        r"\bhang in there\b",
        r"\bthank(?:s| you) for (?:sharing|telling|being|trusting|bringing|raising|speaking)\b",
        r"\bthat(?:'s| is) (?:awful|terrible|horrible|rough|a lot)\b",
        r"\bi(?:'m| am) (?:here|glad you)\b",
        r"\bi care\b",
        r"\bi appreciate\b",
    ),
    "understanding": (
        r"\bi (?:completely |totally |really )?(?:understand|get it|get that|know how|"
        r"know what you mean|know the feeling|can relate|relate)\b",
        r"\bmakes? (?:complete |total )?sense\b",
        r"\bi(?:'ve| have) been (?:there|through)\b",
        r"\bi felt (?:the same|that way)\b",
        r"\bi feel the same\b",
        r"\byou must (?:have |be )\b",
        r"\bno wonder\b",
        r"\bunderstandabl[ey]\b",
    ),
    "exploration": (
        r"\bhow (?:are|were|did|do|does|has|have) (?:you|that|it|things)\b[^?]*\?",
        r"\bwhat (?:happened|was (?:that|it) like|'?s been|has been|is (?:going on|on your mind)|"
        r"would help|do you (?:need|think|feel|mean)|made)\b",
        r"\bhow do you feel\b",
        r"\btell me (?:more|about)\b",
        r"\b(?:can|could|would) you (?:say|tell me|share) (?:a bit |a little )?more\b",
        r"\bwhy do you (?:feel|think)\b",
        r"\bdo you want to talk\b",
        r"\bwhat'?s (?:going on|up|on your mind)\b",
    ),
    # input
    "advice": (
        r"\byou (?:should|need to|must|ought to|have to|might want to|'d better|had better)\b",
        r"\b(?:i (?:would )?(?:suggest|recommend|advise)|my advice)\b",
        r"\b(?:have you (?:tried|thought about|considered)|why don't you|why not)\b",
        r"\bwhat if you (?:just|tried)\b",
        r"\b(?:it would be|it'd be|it's) (?:best|better|wise|a good idea)\b",
        r"\bmake sure\b",
        r"\b(?:^|[.!]\s+)(?:just |please )?(?:try|stop|go|take|make|consider|remember|talk|"
        r"focus|get|start|avoid|keep|don't(?! worry))\b",
        r"\byou could (?:try|just|always)\b",
    ),
    "information": (
        r"\b\d+(?:[.,]\d+)?\s*(?:%|percent|mg|ml|weeks?|days?|months?|years?|times|patients)\b",
        r"\b(?:studies|research|evidence|data|trial|guidelines?|label|protocol|policy|"
        r"label(?:l)?ed|approved|indicated|the (?:results|numbers))\b",
        r"\b(?:is|are) (?:known|recommended|associated|linked)\b",
    ),
    "negotiation": (
        r"\b(?:is it|would it be|would that be) (?:okay|ok|alright|all right)\b",
        r"\b(?:may|can|could) i (?:ask|share|suggest|offer|tell)\b",
        r"\bwhat would you like to (?:talk|focus|start)\b",
        r"\b(?:let'?s|shall we|should we)\b",
        r"\bhow would you like\b",
        r"\bwhere would you like\b",
    ),
    "options": (
        r"\b(?:one|another|a few|some|several|couple of) (?:option|options|choices|ways|ideas)\b",
        r"\bsome people (?:find|try|choose)\b",
        r"\beither\b[^.]*\bor\b",
        r"\b(?:could|might) (?:either|also)\b",
    ),
    # risk phrases
    "dismissal": (
        r"\bdon'?t (?:worry|stress|be (?:sad|upset|silly)|take it (?:so )?personally)\b",
        r"\b(?:it|everything|things)(?:'ll| will) (?:be (?:fine|okay|ok|alright)|work out)\b",
        r"\bcalm down\b",
        r"\b(?:it'?s|that'?s) (?:not (?:a )?(?:big deal|that bad)|nothing)\b",
        r"\b(?:could|it could) be worse\b",
        r"\bat least\b",
        r"\blook on the bright side\b",
        r"\beverything happens for a reason\b",
        r"\b(?:get over it|move on|cheer up|toughen up|man up|just relax|relax)\b",
        r"\b(?:over ?reacting|too sensitive|no need to (?:worry|be))\b",
        r"\bstop (?:worrying|complaining)\b",
    ),
    "blame": (
        r"\b(?:whose|your) fault\b",
        r"\bwhy (?:did|didn't|would|wouldn't) you\b",
        r"\byou (?:should(?:n't)? have|should've|shouldn't've)\b",
        r"\bhow could you\b",
        r"\bwho (?:is|was) (?:responsible|to blame)\b",
        r"\bwhat were you thinking\b",
        r"\b(?:careless|sloppy|negligent|incompetent|lazy)\b",
        r"\byou (?:always|never)\b",
        r"\bwho (?:did|made|messed)\b",
        r"\bthis (?:can'?t|cannot|won'?t) happen again\b",
    ),
    "self_disclosure": (
        r"\bwhen i was\b",
        r"\bi (?:remember|recall) (?:when|how) i\b",
        r"\bi(?:'ve| have) (?:had|gone through|been through|struggled|dealt)\b",
        r"\b(?:in my (?:experience|case|own)|my own|for me,?|me too|same here)\b",
        r"\bsame thing happened\b",
        r"\bi (?:also|too) (?:have|had|felt|feel|was|am)\b",
        r"\bthat happened to me\b",
    ),
    "affirmation": (
        r"\b(?:well done|great job|good job|nice work|good for you|brilliant|impressive)\b",
        r"\byou(?:'re| are| have|'ve) (?:doing|done|made|shown|been) (?:great|well|so well|"
        r"a (?:great|good|lot)|real|the right)\b",
        r"\bthat (?:took|takes) (?:courage|guts|strength)\b",
        r"\b(?:it'?s|that'?s) (?:great|good|wonderful|brave) (?:that|you)\b",
        r"\byou should be proud\b",
        r"\byou(?:'re| are) (?:strong|brave|capable|not alone)\b",
        r"\b(?:it'?s|that'?s) (?:okay|ok|normal|natural|understandable|human) to\b",
        r"\bmany people (?:feel|go through|struggle)\b",
        r"\b(?:it|things) (?:will|can|does) get better\b",
    ),
    "greeting": (
        r"^\s*(?:hi|hello|hey|good (?:morning|afternoon|evening)|thanks|thank you|bye|"
        r"goodbye|see you|take care|nice to (?:meet|see))\b",
    ),
    "first_person": (r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself)\b",),
    "second_person": (r"\b(?:you|you're|you've|you'd|you'll|your|yours|yourself)\b",),
}

CUES: Final = tuple(CUE_PATTERNS)


@dataclass(frozen=True, slots=True)
class Cue:
    """One matched phrase: which detector fired, on which words, where."""

    name: str
    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _compiled() -> dict[str, re.Pattern[str]]:
    return {
        name: re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
        for name, patterns in CUE_PATTERNS.items()
    }


def find_cues(text: str, names: Iterable[str] | None = None) -> list[Cue]:
    """Every cue that fires on text, in reading order."""
    compiled = _compiled()
    found: list[Cue] = []
    for name in names if names is not None else CUES:
        for match in compiled[name].finditer(text):
            span = match.group(0).strip()
            if span:
                found.append(Cue(name, span, match.start(), match.end()))
    found.sort(key=lambda cue: (cue.start, cue.name))
    return found


def cue_counts(text: str) -> dict[str, int]:
    """How often each cue fires: dense features for the classifiers."""
    compiled = _compiled()
    return {name: sum(1 for _ in compiled[name].finditer(text)) for name in CUES}


def is_question(text: str) -> bool:
    """Question form: a question mark, or an interrogative opener in the last sentence."""
    counts = cue_counts(text)
    return counts["question_mark"] > 0


def feelings_in(text: str) -> list[str]:
    """Feeling words the speaker used, lower-cased, in order, without repeats."""
    seen: dict[str, None] = {}
    for cue in find_cues(text, ["feeling_word"]):
        seen.setdefault(cue.text.lower(), None)
    return list(seen)
