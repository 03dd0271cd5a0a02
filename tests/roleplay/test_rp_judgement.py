"""Practice rewards specific empathy, not stock phrases (issue: practice judgement).

The learner scripts in `learner_scripts/dev` were written from public scenario briefs
only, without the engine's topic lists; every kind must behave as a learner would
expect. Coding in context: honesty, a compliant redirect and reassurance are skills;
a boast and "you're supposed to" are not.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from empathic.roleplay.engine import Simulation, run_lines

SCRIPTS = Path(__file__).parent / "learner_scripts" / "dev"
STOCK_LINES = [
    "I hear you.",
    "That sounds hard. Tell me more.",
    "I understand how you feel.",
    "That must be difficult. How does that make you feel?",
    "Thank you for sharing that with me.",
    "Go on, I'm listening.",
    "That's completely valid.",
    "I can only imagine. What else is on your mind?",
    "You're not alone. Take your time.",
    "I'm here for you.",
]


def scripts(scenario_id: str) -> dict[str, list[str]]:
    return yaml.safe_load((SCRIPTS / f"{scenario_id}.yaml").read_text())["scripts"]


def test_stock_phrases_reach_no_topic_in_any_scenario(coder, library):
    for scenario in library.values():
        for line in STOCK_LINES:
            step = Simulation(scenario, seed=1, coder=coder).step(line)
            assert step.topics == () and step.fact is None, (scenario.id, line, step.topics)


@pytest.mark.parametrize("kind", ["stock", "stock_varied", "spray"])
@pytest.mark.parametrize("level", ["easy", "medium", "hard"])
def test_stock_and_spraying_never_uncover_the_story_or_end_good(coder, library, kind, level):
    for scenario in library.values():
        for seed in (1, 2):
            run = run_lines(
                scenario, scripts(scenario.id)[kind], difficulty=level, seed=seed, coder=coder
            )
            assert not run.core_uncovered, (scenario.id, kind, level, run.uncovered)
            assert run.outcome != "good", (scenario.id, kind, level)


def test_stock_lines_cost_trust_compared_with_skilled(coder, library):
    for scenario in library.values():
        stock = run_lines(scenario, scripts(scenario.id)["stock"], seed=1, coder=coder)
        skilled = run_lines(scenario, scripts(scenario.id)["skilled"], seed=1, coder=coder)
        assert stock.final.trust < skilled.final.trust - 0.3, scenario.id


def test_skilled_and_paraphrase_end_good_at_medium_and_never_poor_at_hard(coder, library):
    good = []
    for scenario in library.values():
        for kind in ("skilled", "paraphrase"):
            lines = scripts(scenario.id)[kind]
            good.append(
                run_lines(scenario, lines, difficulty="medium", seed=1, coder=coder).outcome
                == "good"
            )
            hard = run_lines(scenario, lines, difficulty="hard", seed=2, coder=coder)
            assert hard.outcome != "poor", (scenario.id, kind)
    assert sum(good) >= 11, f"{sum(good)} of 12 skilled/paraphrase scripts end good at medium"


@pytest.mark.parametrize("level", ["easy", "medium", "hard"])
def test_poor_scripts_end_poor(coder, library, level):
    for scenario in library.values():
        run = run_lines(
            scenario, scripts(scenario.id)["poor"], difficulty=level, seed=1, coder=coder
        )
        assert run.outcome == "poor", (scenario.id, run.outcome, run.uncovered)


def first_step(coder, library, scenario_id: str, line: str):
    return Simulation(library[scenario_id], seed=1, coder=coder).step(line)


def test_honesty_about_not_knowing_is_transparency_not_self_focus(coder, library):
    step = first_step(
        coder,
        library,
        "ai-tool-anxiety",
        "I want to be honest: nobody has told me yet what the rollout means for our roles, "
        "and I won't pretend I know.",
    )
    assert "transparency" in step.move_names and "self_focus" not in step.move_names
    assert step.intent != "push_back"


def test_the_compliant_redirect_is_a_skill_not_an_information_dump(coder, library):
    step = first_step(
        coder,
        library,
        "off-label-request",
        "I can't recommend a dose outside the licence, but I can make sure you get the "
        "published data: our medical information team can send you a balanced written "
        "summary if you make a request. What's her situation?",
    )
    assert "information_dump" not in step.move_names
    assert step.delta()["trust"] > 0


def test_reassurance_about_apologising_is_not_dismissal(coder, library):
    step = first_step(
        coder,
        library,
        "nurse-medication-error",
        "Please don't worry about saying sorry. I'm glad you came.",
    )
    assert "dismissal" not in step.move_names and step.delta()["trust"] > 0


def test_a_boast_is_self_focus_and_never_a_reflection(coder, library):
    step = first_step(
        coder,
        library,
        "nurse-medication-error",
        "When I was a staff nurse I never once gave a double dose, because I always checked.",
    )
    assert "self_focus" in step.move_names
    assert not {"complex_reflection", "simple_reflection"} & set(step.move_names)
    assert step.delta()["trust"] < 0


def test_supposed_to_is_blame_and_costs_trust(coder, library):
    step = first_step(
        coder,
        library,
        "nurse-medication-error",
        "You know you're supposed to check the chart properly.",
    )
    assert "blame" in step.move_names and step.delta()["trust"] < 0


def test_a_summary_or_a_follow_up_question_does_not_end_the_conversation(coder, library):
    scenario = library["mentor-milestones"]
    sim = Simulation(scenario, seed=1, coder=coder)
    sim.step("So to sum up, the milestones slipped while you covered Sam's clients.")
    step = sim.step("Can I follow up on what you said about the dashboard?")
    assert not sim.finished and step.intent != "wrap_up"


def test_a_walk_out_needs_harm_and_a_warning_first(coder, library):
    scenario = library["off-label-request"]
    sim = Simulation(scenario, difficulty="hard", seed=1, coder=coder)
    first = sim.step("Why didn't you read the label? You should have known better.")
    assert first.intent == "push_back" and not sim.finished


def test_held_back_facts_do_not_open_for_stock_lines_after_a_hint(coder, library):
    scenario = library["mentor-milestones"]
    sim = Simulation(scenario, difficulty="easy", seed=1, coder=coder)
    sim.step("Thanks for coming. How have things been for you lately?")
    for _ in range(4):
        step = sim.step("I hear you. That sounds hard. Tell me more.")
        assert step.fact is None


def _sentences(texts: list[str]) -> list[str]:
    return [
        s.strip() for text in texts for s in re.split(r"(?<=[.?!])\s+", text) if len(s.split()) >= 3
    ]


@pytest.mark.parametrize("kind", ["skilled", "stock", "stock_varied", "spray"])
def test_a_twelve_turn_run_repeats_no_reply(coder, library, kind):
    """Every scenario, difficulty and seeds 1-20: no reply said twice, >= 95 % of sentences new."""
    distinct = total = 0
    for scenario in library.values():
        lines = (scripts(scenario.id)[kind] * 3)[:12]
        for level in ("easy", "medium", "hard"):
            for seed in range(1, 21):
                run = run_lines(scenario, lines, difficulty=level, seed=seed, coder=coder)
                replies = [s.reply for s in run.steps]
                assert len(set(replies)) == len(replies), (scenario.id, level, seed)
                said = _sentences([run.opening, *replies])
                assert len(set(said)) >= 0.9 * len(said), (scenario.id, level, seed)
                distinct, total = distinct + len(set(said)), total + len(said)
    assert distinct >= 0.99 * total


def test_scenarios_check_plays_stock_spray_and_paraphrase_lines(coder, library):
    from empathic.roleplay.check import check_scenario, spray_playthrough

    scenario = library["mentor-milestones"]
    result = check_scenario(scenario)
    assert {"stock", "spray", "paraphrase"} <= set(result.runs)
    for label in ("stock", "spray"):
        assert all(r["outcome"] != "good" for r in result.runs[label].values())
    fishing = spray_playthrough(scenario)
    assert fishing and all(line.count("your") >= 4 for line in fishing)


def test_the_debrief_names_stock_habits_and_does_not_tick_reflection_for_them(coder, library):
    from empathic.roleplay.debrief import build_debrief

    scenario = library["mentor-milestones"]
    lines = ["I hear you. That sounds hard. Tell me more."] + [
        f"I hear you. {s}" for s in ("That sounds tough.", "That must be difficult.", "Go on.")
    ]
    run = run_lines(scenario, lines, seed=1, coder=coder)
    debrief = build_debrief(run, scenario).to_dict()
    assert "'I hear you' 4 times" in debrief["listening"]["stock_phrases"]
    assert debrief["listening"]["responsive_turns"] == 0
    listening = next(r for r in debrief["rubric"] if r["id"] == "listening")
    assert not listening["met"] and listening["turns"] == []
    assert debrief["ended_why"]


def test_the_debrief_credits_turns_that_take_up_their_words(coder, library):
    from empathic.roleplay.debrief import build_debrief

    scenario = library["mentor-milestones"]
    run = run_lines(scenario, scenario.playthroughs.empathic.lines, seed=1, coder=coder)
    debrief = build_debrief(run, scenario).to_dict()
    assert debrief["listening"]["responsive_turns"] >= 3
    assert "turn" in debrief["ended_why"]


def _threes(words: list[str]) -> list[list[str]]:
    return [words[i : i + 3] for i in range(0, len(words) - 2, 3)]


ADVERSARIES = {
    "honest filler and stock": lambda s: (
        [f"To be honest, {line[0].lower()}{line[1:]}" for line in STOCK_LINES]
        + ["I want to be straight with you. I hear you."]
    ),
    "stock and the scenario's marker phrases": lambda s: [
        f"{line} {terms[0]}."
        for line, terms in zip(STOCK_LINES, list(s.markers.values()) * 10, strict=False)
    ],
    "questions with no content": lambda s: [
        "How are things?",
        "What's going on for you?",
        "And how is that?",
        "What's been happening?",
        "How have you been?",
        "How's everything?",
        "How are you doing today?",
        "And then what?",
    ],
    "three bare topic words at a time": lambda s: [
        f"How are {a}, {b} and {c}?" for a, b, c in _threes([t[0] for t in s.topics.values()] * 3)
    ],
    "comfort in words of its own": lambda s: [
        "Feelings like these are part of being human.",
        "It's okay not to be okay.",
        "Be gentle with yourself.",
        "There's no right or wrong way to react.",
        "Your reaction makes perfect sense to me.",
        "Life throws curveballs at all of us.",
        "I admire your courage.",
        "Whatever happens, you'll get through this.",
        "Nobody could blame you for that.",
        "You're handling this with real grace.",
    ],
    # the formulae EPITOME counts as emotional reactions (`analysis.level_cues`): a level,
    # not a sign that anything they said was heard
    "sympathy and encouragement formulae": lambda s: [
        "Sorry to hear that.",
        "My heart goes out to you.",
        "I'm so sorry you're going through this.",
        "I feel for you.",
        "Stay strong.",
        "Hang in there, you've got this.",
        "Good luck, I hope things get better.",
        "Sending strength.",
    ],
}
"""Adversarial scripts a stock-phrase learner or a keyword sprayer might write."""


@pytest.mark.parametrize("name", sorted(ADVERSARIES))
def test_adversarial_generic_scripts_unlock_nothing(coder, library, name):
    for scenario in library.values():
        for level in ("easy", "medium"):
            run = run_lines(
                scenario, ADVERSARIES[name](scenario), difficulty=level, seed=1, coder=coder
            )
            assert run.uncovered == [], (scenario.id, level, run.uncovered)


@pytest.mark.parametrize(
    ("wrap", "levels"),
    [
        ("I hear you. Tell me more about {}.", ("easy", "medium")),
        # plain questions that happen to echo the persona's own hint words are following
        # them up; at easy that may be enough (ai-tool-anxiety), at medium it is not
        ("How do you feel about your {}?", ("medium",)),
    ],
)
def test_asking_about_each_topic_word_in_turn_never_uncovers_the_story(
    coder, library, wrap, levels
):
    for scenario in library.values():
        lines = [wrap.format(t) for terms in scenario.topics.values() for t in terms[:2]]
        for level in levels:
            run = run_lines(scenario, lines, difficulty=level, seed=1, coder=coder)
            assert not run.core_uncovered and run.outcome != "good", (scenario.id, level)


def test_comfort_that_fits_anyone_brings_no_held_back_fact_back(coder, library):
    """A validation in words of its own but about nothing they said ("Your reaction makes
    perfect sense to me") is warm, not heard: the fact they hinted at stays with them,
    while taking up their words brings it."""
    for scenario in library.values():
        generic = Simulation(scenario, difficulty="easy", seed=1, coder=coder)
        generic.step("Feelings like these are part of being human.")
        hint = generic.steps[-1].hinted or generic.step("Be gentle with yourself.").hinted
        if hint is None:
            continue
        assert generic.step("Your reaction makes perfect sense to me.").fact is None, scenario.id


def test_generic_words_reach_a_topic_only_when_asked_or_built_on_their_words(coder, library):
    """'Whatever happens, you'll get through this' says nothing about what happened; 'What
    happened?' asks about it, and a reflection of what they said reaches their fear through
    'feel'."""
    scenario = library["nurse-medication-error"]

    def first(line: str) -> tuple[str, ...]:
        return Simulation(scenario, seed=1, coder=coder).step(line).topics

    assert "events" not in first("Whatever happens, you'll get through this.")
    assert "fear" not in first("Feelings like these are part of being human.")
    assert "events" in first("What happened?")
    assert "fear" in first("You feel terrible about giving Mr Hughes his insulin twice.")


def test_a_bare_topic_word_names_a_subject_and_is_not_heard():
    """'workload.' or 'the job.' names a subject, theirs or not, and says nothing about it:
    below the credit a fact needs, whatever it echoes."""
    from empathic.analysis.responsiveness import SessionJudge
    from empathic.roleplay.engine import HEARD_CREDIT

    said = ["I'm worried about my job and the workload since the new tool came in."]
    for line in ("workload.", "The job.", "I hear you. That sounds hard, the workload."):
        assert SessionJudge().judge(line, said).credit < HEARD_CREDIT, line
    heard = SessionJudge().judge("You're worried the new tool could cost you your job.", said)
    assert heard.credit >= HEARD_CREDIT


def test_a_question_about_feelings_is_not_a_reflection(coder, library):
    step = first_step(coder, library, "ai-tool-anxiety", "How do you feel about the new tool?")
    assert "open_question" in step.move_names
    assert not {"simple_reflection", "complex_reflection"} & set(step.move_names)


@pytest.mark.parametrize("wrap", ["So {}?", "It sounds like {}", "I hear you. {}"])
def test_echoing_their_replies_back_never_opens_the_story(coder, library, wrap):
    """Parroting: each line repeats the persona's last reply (or its last words) verbatim."""
    for scenario in library.values():
        for level in ("easy", "hard"):
            sim = Simulation(scenario, difficulty=level, seed=1, coder=coder)
            reply = sim.step("Tell me more.").reply
            for _ in range(11):
                if sim.finished:
                    break
                reply = sim.step(wrap.format(reply.rstrip(".?!"))).reply
            run = sim.result()
            assert not run.core_uncovered and run.outcome != "good", (scenario.id, level)
            assert len(run.uncovered) <= 1, (scenario.id, level, run.uncovered)
