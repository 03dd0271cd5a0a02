"""Phrases that set a floor under an EPITOME mechanism level, as EPITOME defines them.

Sharma et al. (2020) define the levels by what the words do, not by the domain: an
*emotional reaction* is weak when it alludes to warmth without naming a feeling
("Stay strong", "I hope things get better", "You're not alone") and strong when it names
the compassion felt ("I'm so sorry you're going through this", "My heart goes out to
you"); an *interpretation* is strong when it "communicates understanding through a
similar experience" ("I went through the same thing last year", "Same here").

The open pack is trained on workplace conversations only, where these forms are rare
(an apology, "good luck", a story of one's own), so it ranked them below what the
definition says. These families are found with every other cue, and the coder lifts a
mechanism level to their floor (`level_floors`); the trained model can still rank a turn
higher. They are *not* model features (`rules.CUES`): adding a feature would change every
trained pack's width and require a retrain.

Where the definition and coaching differ, coaching wins elsewhere: encouragement is a weak
emotional reaction here, but it does not make a turn validating (`metrics.acknowledges`),
nor count as warmth in role-play (`roleplay.moves`); a shared experience is strong
interpretation, but it is a story of one's own, not understanding in the session
dimensions (`dimensions._NOT_UNDERSTANDING`).
"""

from __future__ import annotations

from typing import Final

LEVEL_CUE_PATTERNS: Final[dict[str, tuple[str, ...]]] = {
    "sympathy": (
        r"\bi(?:'m| am) (?:so |very |really |truly |terribly |deeply |just )?sorry\b"
        r"(?!,? (?:but|if|i|i'm|to (?:bother|interrupt|ask|say|be)|for (?:the|my|being|asking|"
        r"interrupting|the delay))\b)",
        r"\bso (?:so )?sorry\b(?!,? (?:but|i|i'm|for (?:the|my|being|asking|interrupting))\b)",
        r"\bsorry (?:to hear|for your loss|(?:that )?you(?:'re| are| have|'ve| had| went| feel|"
        r" were|'ve been| have been| got)|about (?:your|what))\b",
        r"\bi (?:really |truly )?feel (?:so |really |very )?(?:bad|sad|terrible|awful) for you\b",
        r"\bmy heart (?:goes out|breaks|aches|hurts)\b",
        r"\bheart ?(?:breaking|broken for you)\b",
        r"\b(?:sad|awful|heartbreaking|horrible|terrible|gutted) to hear\b",
    ),
    "encouragement": (
        r"\b(?:you(?:'re| are) )?not alone\b",
        r"\bstay strong\b",
        r"\byou(?:'ve)? got this\b",
        r"\byou (?:can|will|'ll) (?:do|get through|make it through|beat|get past|overcome) "
        r"(?:it|this|that)\b",
        r"\bgood luck\b",
        r"\bhang in there\b",
        r"\bi (?:really |truly |just |sincerely )?hope (?:you|things|it|that|everything|this|"
        r"tomorrow|the)\b",
        r"\bi(?:'m| am) (?:always |still )?here (?:for you|if you (?:need|want)|to (?:listen|talk|"
        r"help))\b",
        r"\b(?:pm|dm|message) me\b",
        r"\bsending (?:love|hugs|strength|good vibes|positive vibes|you)\b",
        r"\b(?:hugs|virtual hug)\b",
        r"<3",
        r"\b(?:it|things|life)(?:'ll| will| does| can) get better\b",
        r"\btake care of yourself\b",
        r"\brooting for you\b",
    ),
    "shared_experience": (
        r"\bi (?:was|had|used to|went through|felt|struggled|suffered|lost|dealt)\b"
        r"(?! (?:wondering|going to|gonna|thinking|just|about to|told|asked|hoping|saying|"
        r"looking|reading|reviewing|checking|meaning|trying to (?:say|ask|understand)|a (?:look|"
        r"chat|word|quick|think|glance|call|meeting)|to (?:ask|say|check))\b)",
        r"\bi(?:'ve| have) (?:been|had|felt|gone through|struggled|dealt|lost|suffered)\b"
        r"(?! (?:wondering|thinking|meaning|looking|reading|reviewing|checking|asked|told|"
        r"a (?:look|chat|word|quick|think|glance|call|meeting))\b)",
        r"\bi(?:'m| am) (?:also|too|in the same|going through|dealing with|struggling)\b",
        r"\b(?:same here|me too|same (?:with|for) me|i can relate|been there|same boat)\b",
        r"\bi(?:'m| am) (?:very much |pretty much |exactly |just )?(?:the same|like that|"
        r"similar)\b",
    ),
}
"""Each family's patterns, written as in `cue_patterns` (lower case, bounded)."""

LEVEL_CUES: Final = tuple(LEVEL_CUE_PATTERNS)


def level_floors(names: set[str]) -> dict[str, int]:
    """The lowest level each mechanism can have given the level cues that fired."""
    floors: dict[str, int] = {}
    if "sympathy" in names:
        floors["emotional_reaction"] = 2
    elif "encouragement" in names:
        floors["emotional_reaction"] = 1
    if "shared_experience" in names:
        floors["interpretation"] = 2
    return floors
