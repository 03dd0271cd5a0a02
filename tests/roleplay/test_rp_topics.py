"""Topic matching is robust to inflections, synonyms and word order, and explains itself."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from empathic.roleplay.topics import TopicMatcher, content_overlap, shared_synonyms, stem


def test_inflections_share_a_stem():
    assert stem("asking") == stem("asked") == stem("asks") == stem("ask")
    assert stem("studies") == stem("studied") == stem("study")
    assert stem("replaced") == stem("replacing") == stem("replace")
    assert stem("children") == stem("child")
    assert stem("felt") == stem("feel")
    assert stem("don't") == "do"


def test_terms_reach_topics_through_inflections_synonyms_and_any_order():
    m = TopicMatcher({"help": ["ask for help"], "family": ["family"], "job": ["replace"]})
    assert m.topics_in("What stopped you asking anyone for some help?") == {"help"}
    assert m.topics_in("Is it hard to get help when you need to ask?") == {"help"}
    # the shared synonym table widens "family" to parents, children, partners...
    assert m.topics_in("How is your dad doing?") == {"family"}
    assert m.topics_in("Worried the tool makes you redundant?") == {"job"}
    assert m.topics_in("Nice weather today.") == set()


def test_hits_carry_the_learner_words():
    m = TopicMatcher({"sleep": ["sleep"]})
    (hit,) = m.match("How have you been SLEEPING lately?")
    assert hit.topic == "sleep" and hit.words == "sleeping"


def test_scenario_synonyms_and_no_shared_table():
    m = TopicMatcher({"committee": ["committee"]}, [["committee", "formulary"]], shared=False)
    assert m.topics_in("Does the formulary have to approve it?") == {"committee"}
    bare = TopicMatcher({"family": ["family"]}, shared=False)
    assert bare.topics_in("How is your dad?") == set()


def test_exact_mode_needs_the_phrase_in_order():
    m = TopicMatcher({"promise": ["i promise"]}, shared=False, exact=True)
    assert m.topics_in("I promise nothing will change.") == {"promise"}
    assert m.topics_in("Promise me I can help.") == set()


def test_shared_table_is_parsed_into_groups():
    groups = shared_synonyms()
    assert len(groups) > 10
    family = next(g for g in groups if g[0] == "family")
    assert "caregiver" in family  # continuation lines join the group above


def test_content_overlap_ignores_stopwords():
    assert content_overlap("I am drowning in emails", "So many emails, drowning") == {
        "drown",
        "email",
    }


@given(st.text(max_size=200))
def test_matching_never_fails_on_any_text(text):
    m = TopicMatcher({"a": ["ask for help", "family"], "b": ["x y z"]})
    hits = m.match(text)
    assert {h.topic for h in hits} <= {"a", "b"}
    assert m.topics_in(text.upper()) == m.topics_in(text.lower())


@given(st.from_regex(r"[a-z]{1,12}", fullmatch=True))
def test_stem_is_short_and_lowercase(word):
    from empathic.analysis.words import IRREGULAR

    s = stem(word)
    assert s == s.lower() and len(s) > 0
    assert len(s) <= len(word) + 1 or word in IRREGULAR  # "mom" -> "mother" by design


def test_a_multi_word_term_never_collapses_to_one_common_word():
    from empathic.roleplay.topics import term_key

    assert term_key("what you want") == ("what", "you", "want")
    assert term_key("right for you") == ("right", "for", "you")
    assert term_key("more than") == ("more", "than")
    assert term_key("talk to") == ("talk", "to")
    assert term_key("in person") == ("person",)  # a content word of its own is enough
    matcher = TopicMatcher({"doubt": ["what you want"], "meet": ["in person"]})
    assert matcher.topics_in("I want to be straight with you.") == set()
    assert matcher.topics_in("Is this still what you want?") == {"doubt"}
    assert matcher.topics_in("Could we meet, as a person, not on a screen?") == {"meet"}


def test_superlatives_reach_the_adjective():
    matcher = TopicMatcher({"strengths": ["proud"]})
    assert matcher.topics_in("Which piece of work are you proudest of?") == {"strengths"}
