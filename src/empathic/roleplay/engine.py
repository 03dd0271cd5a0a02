"""The simulation: code the learner's turn, update the state, choose an intent, voice it.

Decisions (state, intent, disclosure) are deterministic functions of the
learner's words; the seeded `random.Random` only chooses wording, so a seed
replays a run exactly and different seeds never change what the persona does.
Hidden facts stay in the engine: the voice gets a `VoiceView` holding facts
already unlocked and public hints, never a locked fact or the rubric.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, cast

from empathic.analysis.coding import CodedUtterance, Coder, RuleCoder
from empathic.analysis.responsiveness import Judgement, SessionJudge, uptake
from empathic.analysis.rules import is_question
from empathic.conversation import Turn
from empathic.roleplay.moves import (
    EMPATHIC,
    PUSH_BACK_MOVES,
    Move,
    TurnContext,
    classify,
)
from empathic.roleplay.result import LEARNER, RunResult, StepRecord
from empathic.roleplay.scenario import Fact, Scenario
from empathic.roleplay.state import (
    UPSET_EMOTION,
    UPSET_EXTRA,
    Dynamics,
    PersonaState,
    difficulty_for,
)
from empathic.roleplay.topics import TopicMatcher, tokens
from empathic.roleplay.voices import FactView, ScriptedVoice, Voice, VoiceView

if TYPE_CHECKING:
    from empathic.analysis.packs import TrainedCoder

UNDERSTOOD_FRACTION = 0.6
"""Share of the core story uncovered before advice counts as informed rather than premature."""
HINT_MARGIN = 0.15
"""The persona drops a hint about a fact once trust is within this margin of its need."""
HEARD_CREDIT = 0.6
"""Credit a turn needs before the persona tells it anything (stock lines, lists of topics
and bare questions on new topics are below it); with an empathic move of its own it also
brings back a fact held back earlier, as people do once they feel heard."""


def _trained_pack(coder: Coder) -> TrainedCoder | None:
    """The coder when it is a trained pack (which can skip explaining its labels).

    The module is looked up, not imported: a pack's coder exists only once its module
    is loaded, and the engine alone should not pull in numpy and scipy.
    """
    packs = sys.modules.get("empathic.analysis.packs")
    if packs is not None and isinstance(coder, packs.TrainedCoder):
        return cast("TrainedCoder", coder)
    return None


class SimulationOver(RuntimeError):
    """Raised when a step is attempted after the conversation ended."""


class Simulation:
    """One role-play run against one scenario, difficulty and seed."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        difficulty: str = "medium",
        seed: int = 0,
        coder: Coder | None = None,
        voice: Voice | None = None,
    ) -> None:
        self.scenario = scenario
        self.difficulty = difficulty
        self.seed = seed
        self.coder: Coder = coder if coder is not None else RuleCoder()
        self._pack = _trained_pack(self.coder)
        self.voice: Voice = voice if voice is not None else ScriptedVoice()
        self._rng = random.Random(seed)
        self._level = difficulty_for(scenario, difficulty)
        self._dynamics = Dynamics(scenario, self._level)
        self._topics = TopicMatcher(scenario.topics, scenario.synonyms)
        self._markers = TopicMatcher(scenario.markers, shared=False, exact=True)
        self._closing = TopicMatcher({"closing": scenario.end.closing}, shared=False, exact=True)
        self._judge = SessionJudge()
        self._heard: list[str] = []
        """What the counterpart said, as the engine chose it (every authored variant of each
        reply): what the learner's uptake is judged against, the same for every voice."""
        self.initial = self._dynamics.initial(scenario.counterpart.emotion)
        self.state = self.initial
        self.unlocked: list[str] = []
        self.steps: list[StepRecord] = []
        self.history: list[Turn] = []
        self.ended_by: str | None = None
        self._pending: str | None = None
        self.opening = self._say("opening", "default", tuple(scenario.opening))

    @property
    def finished(self) -> bool:
        return self.ended_by is not None

    @property
    def max_turns(self) -> int:
        return self.scenario.counterpart.time_budget.turns

    def step(self, learner_text: str) -> StepRecord:
        """Play one learner turn and return what happened, reply included."""
        if self.finished:
            raise SimulationOver(f"the conversation has ended ({self.ended_by})")
        text = " ".join(learner_text.split())
        if not text:
            raise ValueError("a learner turn needs some words")
        context = self.history[-1].text if self.history else ""
        judgement = self._judge.judge(text, self._heard)
        coded = self._code(text, context)
        hits = self._topics.match(judgement.uptake.residue)
        if not is_question(text) and judgement.uptake.kind != "responsive":
            # "whatever happens" says nothing of what happened; "What happened?" asks, and
            # "You're feeling awful about it" reflects what they said
            hits = [hit for hit in hits if not hit.generic]
        topics = list(dict.fromkeys(hit.topic for hit in hits))
        spray = judgement.uptake.is_spray
        follows_hint = (
            self._pending is not None and uptake(text, self._heard[-1:]).kind == "responsive"
        )
        ctx = TurnContext(
            relevant=(bool(topics) and not spray) or follows_hint or bool(judgement.uptake.echoed),
            understood=self._understood(),
            permission_before=bool(self.steps) and "permission" in self.steps[-1].move_names,
            repeated=judgement.repeats is not None,
            asked="?" in context,
        )
        moves = classify(coded, ctx)
        from_stock = self._stock_moves(judgement, moves, context, ctx)
        moves += [
            Move(hit.topic, hit.words)
            for hit in self._markers.match(text)
            if not (self._dynamics.is_harmful(hit.topic) and _negated(hit.words, text))
        ]
        recent = [s.move_names for s in self.steps[-2:]]
        before = self.state
        credits = {m.name: judgement.stock_credit for m in moves if m.name in from_stock}
        after, effects = self._dynamics.apply(
            before, moves, recent, credit=judgement.credit, credits=credits
        )
        self.state = after
        self.history.append(Turn(LEARNER, text))
        names = [m.name for m in moves]

        own = {m.name for m in moves} - from_stock
        # an empathic move about them (their words, or a topic of theirs) brings a held-back
        # fact back; "It's natural to feel like that" fits anyone, whatever its own words
        about_them = judgement.uptake.kind == "responsive" or bool(topics)
        heard_well = judgement.credit >= HEARD_CREDIT and bool(EMPATHIC & own) and about_them
        intent, reason, fact, hint, lines = self._decide(
            text,
            names,
            [] if spray else topics,
            after,
            judgement,
            follows_hint or heard_well,
            spray,
        )
        if fact is not None and intent == "disclose":
            self.unlocked.append(fact.id)
            if self._pending == fact.id:
                self._pending = None
        if hint is not None:
            self._pending = hint.id
        also: list[str] = []
        reply = self._say(intent, reason, lines, fact=fact, hint=hint, learner=text)
        if intent in ("leave",):
            self.ended_by = "counterpart_left"
        elif intent == "wrap_up":
            self.ended_by = "wrapped_up"
        elif len(self.steps) + 1 >= self.max_turns:
            also.append("wrap_up")
            extra = self._say("wrap_up", "time_up", self._voice_lines("wrap_up", "time_up"))
            reply = f"{reply} {extra}"
            self.ended_by = "time_up"
        self.history.append(Turn(self.scenario.counterpart.name, reply))
        record = StepRecord(
            index=len(self.steps) + 1,
            learner=text,
            reply=reply,
            intent=intent,
            reason=reason,
            also=tuple(also),
            fact=fact.id if fact is not None and intent == "disclose" else None,
            hinted=hint.id if hint is not None else None,
            topics=tuple(topics),
            moves=tuple(moves),
            effects=tuple(effects),
            labels=dict(coded.labels),
            before=before,
            after=after,
            ended_by=self.ended_by,
            judgement=judgement,
        )
        self.steps.append(record)
        return record

    def _stock_moves(
        self, judgement: Judgement, moves: list[Move], context: str, ctx: TurnContext
    ) -> set[str]:
        """Moves only the turn's stock phrases make: the same turn coded without them
        does not have them, so they earn the stock credit, not the turn's."""
        if not judgement.uptake.stock or judgement.stock_credit >= judgement.credit:
            return set()
        residue = self._code(judgement.uptake.residue, context)
        own = {m.name for m in classify(residue, ctx)}
        return {m.name for m in moves} - own

    def _code(self, text: str, context: str) -> CodedUtterance:
        """One utterance coded for the engine's decisions, which read its labels and cues,
        never its evidence phrases: a trained pack skips its n-gram evidence (the same
        labels, about a sixth less work per turn)."""
        if self._pack is not None:
            return self._pack.code_many([(text, context)], explain=False)[0]
        return self.coder.code_many([(text, context)])[0]

    def end(self, reason: str = "learner_ended") -> None:
        """The learner stops (end of script, EOF, Ctrl-C); a no-op once ended."""
        if self.ended_by is None:
            self.ended_by = reason

    def result(self) -> RunResult:
        """Everything the debrief, the JSON output and the saved run need."""
        s = self.scenario
        return RunResult(
            scenario=s.id,
            title=s.title,
            persona=s.counterpart.name,
            difficulty=self.difficulty,
            seed=self.seed,
            coder=self.coder.name,
            voice=self.voice.name,
            opening=self.opening,
            steps=list(self.steps),
            ended_by=self.ended_by or "in_progress",
            uncovered=list(self.unlocked),
            facts=s.fact_ids,
            core=[f.id for f in s.facts if f.core],
            initial=self.initial,
            success_trust=s.end.success_trust,
        )

    # -- decisions -------------------------------------------------------------

    def _decide(
        self,
        text: str,
        names: list[str],
        topics: list[str],
        state: PersonaState,
        judgement: Judgement,
        comes_back: bool,
        spray: bool,
    ) -> tuple[str, str, Fact | None, Fact | None, tuple[str, ...]]:
        """(intent, reason, fact, hint, candidate lines) from the state and the moves.

        `comes_back`: the turn takes up the last hint, or is heard well with an empathic
        move of its own (not one only its stock phrases make): a held-back fact may come.
        A fact is told only to a turn heard as more than stock or a bare new question.
        """
        harmful = [n for n in names if self._dynamics.is_harmful(n) and n != "repetition"]
        serious = self._push_back_reasons(names, harmful)
        if self._walks_out(state, harmful):
            reason = serious[0] if serious else "default"
            return "leave", reason, None, None, self._voice_lines("leave", reason)
        if serious:
            reason = serious[0]
            if self._near_walk_out(state):
                reason = "warning" if self.scenario.voice.push_back.get("warning") else reason
            return "push_back", reason, None, None, self._voice_lines("push_back", reason)
        closes = [h for h in self._closing.match(text) if not _negated(h.words, text)]
        if closes and not harmful:
            reason = "success" if self._core_done() else "early"
            return "wrap_up", reason, None, None, self._voice_lines("wrap_up", reason)
        if spray:
            return "deflect", "spray", None, None, self._voice_lines("deflect", "spray")

        locked = [f for f in self.scenario.facts if f.id not in self.unlocked]
        targets = [f for f in locked if set(f.topics) & set(topics)]
        candidates = list(targets)
        if self._pending is not None and comes_back:
            pending = self.scenario.fact(self._pending)
            if pending not in candidates:
                candidates.append(pending)  # reached by topic first, then what they held back
        heard = judgement.credit >= HEARD_CREDIT
        for fact in candidates:
            if heard and self._prerequisites_met(fact) and state.trust >= self._need(fact, state):
                others = [f for f in candidates if f is not fact and self._prerequisites_met(f)]
                if others and self._pending is None:
                    self._pending = others[0].id  # reached too: comes back to it when heard
                return "disclose", "default", fact, None, tuple(fact.lines)
        if targets:
            hint = self._blocking(targets[0])
            return "deflect", "guarded", None, hint, self._voice_lines("deflect", "guarded")
        answered = [f for f in self._unlocked_facts() if set(f.topics) & set(topics)]
        asks = {"open_question", "closed_question", "invitation"} & set(names)
        if answered and asks:
            known = answered[-1]
            lines = self._unsaid(known.more) or self._voice_lines("answer", "default")
            return "answer", "default", known, None, lines
        lead = self._next_hint(state)
        if judgement.repeats is not None:
            return "deflect", "repeat", None, None, self._voice_lines("deflect", "repeat")
        if judgement.uptake.kind in ("stock", "empty"):
            return "deflect", "stock", None, lead, self._voice_lines("deflect", "stock")
        if EMPATHIC & set(names) or answered:
            reason = "heard" if judgement.uptake.kind == "responsive" else "default"
            return "appreciate", reason, None, lead, self._voice_lines("appreciate", reason)
        if {"open_question", "open_question_generic", "invitation"} & set(names):
            return "answer", "default", None, lead, self._voice_lines("answer", "default")
        if "closed_question" in names:
            return "answer", "closed", None, lead, self._voice_lines("answer", "closed")
        return "deflect", "default", None, lead, self._voice_lines("deflect", "default")

    def _walks_out(self, state: PersonaState, harmful: list[str]) -> bool:
        """Leave only after real harm in this turn and an earlier push back the learner
        could have heeded, never while trust is at the level of a good ending."""
        end = self.scenario.end
        if not harmful or state.trust >= end.success_trust:
            return False
        warned = any(s.intent == "push_back" for s in self.steps)
        spent = state.patience <= end.leave_below_patience
        hurt = state.trust <= end.leave_below_trust and state.emotion <= end.leave_below_emotion
        return warned and (spent or hurt)

    def _near_walk_out(self, state: PersonaState) -> bool:
        """One more harmful turn could end it: the push back says so."""
        end = self.scenario.end
        return state.patience <= end.leave_below_patience + 0.2 or (
            state.trust <= end.leave_below_trust + 0.1 and state.emotion <= end.leave_below_emotion
        )

    def _push_back_reasons(self, names: list[str], harmful: list[str]) -> list[str]:
        """Moves worth pushing back on: authored reasons first, then the most harmful."""
        found: list[str] = [n for n in PUSH_BACK_MOVES if n in names]
        found += [n for n in harmful if n in self.scenario.markers]
        authored = self.scenario.voice.push_back

        def rank(name: str) -> tuple[int, float]:
            return (0 if name in authored else 1, self._dynamics.table[name][0])

        return sorted(found, key=rank)

    def _need(self, fact: Fact, state: PersonaState) -> float:
        need = fact.trust + self._level.threshold_shift
        return need + (UPSET_EXTRA if state.emotion <= UPSET_EMOTION else 0.0)

    def _prerequisites_met(self, fact: Fact) -> bool:
        return all(req in self.unlocked for req in fact.requires)

    def _blocking(self, fact: Fact) -> Fact:
        """The locked fact to hint at: the first missing prerequisite, recursively."""
        for req in fact.requires:
            if req not in self.unlocked:
                return self._blocking(self.scenario.fact(req))
        return fact

    def _next_hint(self, state: PersonaState) -> Fact | None:
        for fact in self.scenario.facts:
            if fact.id in self.unlocked or not self._prerequisites_met(fact):
                continue
            if state.trust >= self._need(fact, state) - HINT_MARGIN:
                return fact
            return None
        return None

    def _understood(self) -> bool:
        core = [f.id for f in self.scenario.facts if f.core]
        done = sum(1 for f in core if f in self.unlocked)
        return bool(core) and done / len(core) >= UNDERSTOOD_FRACTION

    def _core_done(self) -> bool:
        return all(f.id in self.unlocked for f in self.scenario.facts if f.core)

    def _unlocked_facts(self) -> list[Fact]:
        return [self.scenario.fact(i) for i in self.unlocked]

    def _voice_lines(self, intent: str, reason: str) -> tuple[str, ...]:
        """Authored lines for the reason not yet said in this run; once they are all used,
        the intent's default lines, then its other reasons', so replies do not repeat."""
        voice = self.scenario.voice
        own = voice.lines(intent, reason)
        pools = [own, voice.lines(intent, "default")]
        if intent in ("deflect", "answer", "appreciate"):
            entry: dict[str, list[str]] = getattr(voice, intent)
            pools += [entry[r] for r in sorted(entry) if r not in (reason, "default")]
        for pool in pools:
            fresh = self._unsaid(pool)
            if fresh:
                return fresh
        return tuple(own)

    def _unsaid(self, lines: Iterable[str]) -> tuple[str, ...]:
        """The lines not yet said in this run (a line counts as said inside a longer reply)."""
        said = " ".join(t.text for t in self.history)
        return tuple(line for line in lines if line not in said)

    # -- voicing ---------------------------------------------------------------

    def _say(
        self,
        intent: str,
        reason: str,
        lines: tuple[str, ...],
        *,
        fact: Fact | None = None,
        hint: Fact | None = None,
        learner: str = "",
    ) -> str:
        """Build the public view and let the voice phrase it."""
        hints = self._unsaid(hint.hint) if hint is not None else ()
        heard = " ".join(lines + hints)
        if intent == "wrap_up" and reason == "time_up" and self._heard:
            self._heard[-1] = f"{self._heard[-1]} {heard}"
        else:
            self._heard.append(heard)
        persona = self.scenario.counterpart
        view = VoiceView(
            persona=persona.name,
            persona_role=persona.role,
            style=persona.style,
            setting=self.scenario.setting,
            intent=intent,
            reason=reason,
            mood=self.state.mood(),
            lines=lines,
            hint=hints,  # each hint is given once: a persona does not repeat its hints
            fact=_view(fact) if fact is not None else None,
            unlocked=tuple(_view(f) for f in self._unlocked_facts()),
            learner_text=learner,
            history=tuple(self.history),
            recent=tuple(t.text for t in self.history if t.speaker != LEARNER),
        )
        return self.voice.render(intent, view, self._rng)


def _view(fact: Fact) -> FactView:
    return FactView(id=fact.id, summary=fact.summary, lines=tuple(fact.lines) + tuple(fact.more))


_NEGATION = frozenset("not never no won't can't cannot don't wouldn't shouldn't isn't".split())


def _negated(words: str, text: str) -> bool:
    """A phrase with a negation in the three words before it ("I won't promise")."""
    said = tokens(text)
    found = tokens(words)
    for i in range(len(said) - len(found) + 1):
        if said[i : i + len(found)] == found:
            return bool(_NEGATION & set(said[max(0, i - 3) : i]))
    return False


def run_lines(
    scenario: Scenario,
    lines: Iterable[str],
    *,
    difficulty: str = "medium",
    seed: int = 0,
    coder: Coder | None = None,
    voice: Voice | None = None,
) -> RunResult:
    """Play learner lines until they run out or the conversation ends."""
    sim = Simulation(scenario, difficulty=difficulty, seed=seed, coder=coder, voice=voice)
    played = 0
    pending: Sequence[str] = [line for line in lines if line.strip()]
    for line in pending:
        if sim.finished:
            break
        sim.step(line)
        played += 1
    sim.end()
    result = sim.result()
    result.unplayed = len(pending) - played
    return result
