"""Reference playthroughs behave as labelled, and so do a learner's OWN lines.

The paraphrased empathic lines below are written independently of the scenario
files (different words, different sentence shapes); they must still uncover every
fact, which shows topic matching and the dynamics reward empathy, not keywords.
Lecturing, early-advice and blaming lines must not uncover the story, even on easy.
"""

from __future__ import annotations

import pytest

from empathic.roleplay.check import check_scenario
from empathic.roleplay.engine import run_lines
from empathic.roleplay.loading import find_scenario

PARAPHRASED = {
    "msl-neurologist": [
        "Thanks for fitting me in between clinics. How are things for you at the moment?",
        "I imagine you're bombarded by companies like mine. What's that like for you?",
        "So it isn't that you lack information, it's finding what's relevant. "
        "How would you prefer to receive anything from me?",
        # takes up what they said before asking (it once passed on "most" echoing "I delete
        # most of them", a word that takes up nothing)
        "So most of it goes unread. What questions come up in your clinic that you'd like "
        "more support with?",
        "I get the sense you're cautious about meetings like this. "
        "What has your experience been with reps in the past?",
        "That sounds really frustrating. Is there anyone on your team who'd benefit from "
        "something for patients?",
        "Would it help if I sent you a single page on monitoring, and we set up a follow up "
        "call next month?",
    ],
    "mentor-milestones": [
        "Good to see you, Jordan. Before we look at any numbers, how are you doing, honestly?",
        "I get the feeling there's more going on than those red flags show. "
        "What's been filling your weeks?",
        "Taking on Sam's clients on top of your own is a big ask. "
        "How is life away from work right now?",
        "I'm really sorry to hear about your father. Caring for him every evening and weekend "
        "while working full time must be draining.",
        "Earlier you started to say something about the certification. Tell me more about that.",
        "It sounds like your heart is more in the client work than the modelling. "
        "Which recent piece of work are you proudest of?",
        "You handled that brilliantly. I'm curious what stopped you from reaching out when "
        "things got this heavy?",
        "I'm glad you told me. Could we look at the milestones together and agree on a plan "
        "that fits your life right now?",
    ],
    "ai-tool-anxiety": [
        "I appreciate you coming to talk. How did you feel when you saw yesterday's email?",
        "I imagine the phrase efficiency savings felt pretty threatening. "
        "Are you worried about your role?",
        "To be straight with you, I don't know yet what every role will look like. "
        "What has building those reports over the years meant to you?",
        "So this isn't about software for you; it's about years of craft suddenly feeling "
        "worthless. That must hurt.",
        "You said you're not much of a tech person. How did it go when you tried the tool "
        "yourself?",
        "Practising alone at home and worrying about looking slow sounds stressful. "
        "How is everything at home with this hanging over you?",
        "That's a heavy load, and thank you for trusting me with it. When you looked at the "
        "tool's output, what did you spot?",
        "That's exactly why your judgement matters. Let's agree on a plan where you review its "
        "drafts, and meet again on Friday.",
    ],
    "nurse-medication-error": [
        "I'm really glad you came straight to me. That can't have been easy, and you look "
        "exhausted.",
        "This isn't about blame; I want to understand what happened so we can learn from it. "
        "Take me through the evening from handover.",
        "So the chart said the dose hadn't been given. How were things on the ward overnight?",
        "Eleven patients, two colleagues down and the system offline. That's a lot. "
        "How are you doing with all of this?",
        "I can hear how scared you are that you'll be treated the way your colleague was. "
        "That won't happen here.",
        "Earlier you mentioned the paper charts being confusing. Has there been anything like "
        "this before, even a near miss?",
        "Thank you for being honest about that. In your view, what would prevent this "
        "happening again?",
        "I'd like us to agree on a plan: we write up the incident together, and if you're "
        "willing, you share the learning at the huddle.",
    ],
    "remote-wellbeing": [
        "Hey Leo, good to see you. No agenda today, I just wanted to check in. You don't have "
        "to share anything you'd rather not.",
        "I guess working from home can be a bit isolating. I've noticed the camera's been off "
        "lately; how's your setup at home?",
        "Totally fair to ask. Nothing from this goes on any form; it stays between us. "
        "Why do you ask?",
        "That's completely understandable after that survey. With your flatmate gone, what are "
        "your evenings and weekends like?",
        "Moving somewhere new where you don't know anyone sounds isolating. I really appreciate "
        "you telling me.",
        "You mentioned odd hours. How has your sleep been?",
        "So work ends up filling the quiet. What would make you feel more part of the team?",
        "Pairing sessions sound like a great idea, and you'd be welcome at the meetup, your "
        "choice. Can we check in again soon?",
    ],
    "off-label-request": [
        "I can hear how much you want to help this patient. Can you tell me more about her "
        "situation?",
        "Someone so young, out of options and struggling to hold a pen. How much pressure are "
        "you under with this?",
        "So you promised her something by Friday. I'll be honest: I can't recommend dosing "
        "outside the licence, and I realise that's not what you hoped to hear.",
        "I imagine you've had that answer before and walked away empty-handed. What's your "
        "experience been with other companies?",
        "Being treated as a risk instead of a doctor is infuriating. What would genuinely help "
        "you for Friday?",
        "So you need evidence to weigh and a documented rationale. I can raise an unsolicited "
        "medical information request so the published data reaches you in writing. Who else "
        "has to approve this?",
        "Could we agree on a plan: I'll submit the request today and follow up before the "
        "committee?",
    ],
}

LECTURING = {
    "msl-neurologist": [
        "Let me quickly run through our new data: the trial showed a 35 percent drop in "
        "relapses and the guidelines now recommend earlier treatment.",
        "You should really consider switching your newly diagnosed patients sooner.",
        "I'd recommend signing up for our webinar series, it covers all the evidence.",
        "Why haven't you opened the materials we sent you?",
        "Don't worry about the volume of emails, just skim the subject lines.",
        "I suggest we book a longer meeting so I can go through everything properly.",
    ],
    "mentor-milestones": [
        "Right, the data is clear: three milestones missed out of five this quarter.",
        "You need to prioritise the certification, it's the most important thing for your career.",
        "Have you tried getting up an hour earlier to study?",
        "You always leave things to the last minute, don't you?",
        "Don't stress about it, just make a schedule and stick to it.",
        "I suggest you send me a weekly progress update from now on.",
    ],
    "ai-tool-anxiety": [
        "Let me explain how the tool works: it uses the data from the last 36 months to draft "
        "each report in 5 minutes.",
        "You should look at this as an opportunity to learn new skills.",
        "Don't worry, it's not a big deal, everyone will adapt.",
        "Why are you being so negative about it?",
        "I'd recommend you book the advanced training before the end of the month.",
        "Just try it for a week and you'll see.",
    ],
    "nurse-medication-error": [
        "You should have checked the drug chart and asked the agency nurse.",
        "What were you thinking, giving insulin without confirming?",
        "The policy says every dose must be signed, and the guidelines are very clear on "
        "double-checking insulin.",
        "Don't worry, these things happen, he's fine.",
        "Make sure you read the medication policy again before your next shift.",
        "I suggest you do the competency again this week.",
    ],
    "remote-wellbeing": [
        "You need to turn your camera on, it's important for team culture.",
        "Have you tried going to the office once a week?",
        "Don't worry, everyone feels a bit flat sometimes. Cheer up!",
        "Research shows that 70 percent of remote workers benefit from a daily routine and "
        "regular exercise.",
        "You should really join a sports club or something.",
        "Make sure you speak up more in stand-up.",
    ],
    "off-label-request": [
        "I cannot discuss off-label use, it's not permitted.",
        "You should follow the licensed indication; the label is based on the phase 3 data.",
        "Have you tried another biologic first?",
        "Off the record, I'd give her the standard rheumatoid arthritis dose.",
        "Don't worry, something will turn up for her.",
        "I suggest you read the SmPC again.",
    ],
}


def test_library_has_six_scenarios_with_both_line_sets(library):
    assert len(library) >= 6
    assert set(PARAPHRASED) == set(library) == set(LECTURING)


@pytest.mark.parametrize("scenario_id", sorted(PARAPHRASED))
def test_every_shipped_scenario_passes_check(coder, scenario_id):
    result = check_scenario(find_scenario(scenario_id), coder=coder)
    assert result.problems == []
    for level in ("easy", "medium", "hard"):
        empathic = result.runs["empathic"][level]
        assert len(empathic["uncovered"]) == empathic["total"] > 0
        assert empathic["outcome"] == "good"
        assert result.runs["poor"][level]["outcome"] != "good"


@pytest.mark.parametrize("scenario_id", sorted(PARAPHRASED))
def test_paraphrased_lines_differ_from_the_reference(scenario_id, library):
    scenario = library[scenario_id]
    authored = {line.lower() for line in scenario.playthroughs.empathic.lines}
    authored |= {f.example.lower() for f in scenario.facts}
    assert not authored & {line.lower() for line in PARAPHRASED[scenario_id]}


@pytest.mark.parametrize("level", ["medium", "hard"])
@pytest.mark.parametrize("scenario_id", sorted(PARAPHRASED))
def test_own_empathic_lines_uncover_every_fact(coder, scenario_id, level, library):
    scenario = library[scenario_id]
    run = run_lines(scenario, PARAPHRASED[scenario_id], difficulty=level, seed=11, coder=coder)
    missing = [f for f in scenario.fact_ids if f not in run.uncovered]
    assert missing == [], [(s.learner, s.move_names, s.topics, s.intent) for s in run.steps]
    assert run.outcome == "good"
    assert run.ended_by == "wrapped_up"


@pytest.mark.parametrize("level", ["easy", "medium"])
@pytest.mark.parametrize("scenario_id", sorted(LECTURING))
def test_lecturing_and_early_advice_do_not_uncover_the_story(coder, scenario_id, level, library):
    scenario = library[scenario_id]
    run = run_lines(scenario, LECTURING[scenario_id], difficulty=level, seed=11, coder=coder)
    assert not run.core_uncovered
    assert len(run.uncovered) <= 1
    assert run.outcome == "poor"
    assert run.final.trust < run.initial.trust or run.ended_by == "counterpart_left"
    assert any(s.intent in ("push_back", "leave") for s in run.steps)


@pytest.mark.parametrize("scenario_id", sorted(LECTURING))
def test_poor_reference_leaves_the_core_story_hidden(coder, scenario_id, library):
    scenario = library[scenario_id]
    run = run_lines(
        scenario, scenario.playthroughs.poor.lines, difficulty="easy", seed=0, coder=coder
    )
    assert not run.core_uncovered
    assert run.outcome != "good"
