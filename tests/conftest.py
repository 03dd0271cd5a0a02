"""Shared fixtures: isolated settings, a small synthetic labelled corpus, a trained pack.

Every test runs with `EMPATHIC_DATA_DIR` pointing into its own temporary folder, so
nothing ever reads or writes the user's real data directory (~/.local/share/empathic),
and with no other `EMPATHIC_*` variable leaking in from the shell.

The synthetic corpus is written by the tests themselves: 48 hand-written learner
utterances, labelled for every task of the scheme, each used twice (96 rows) in 12
conversations. It is small enough that training a pack on it takes a few seconds.
"""

from __future__ import annotations

import csv
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from empathic.analysis.labels import LABELS
from empathic.config import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
"""The research data (../shared/data next to the checkout); absent on a fresh machine."""

HEADER = ("source", "conversation_id", "turn", "speaker", "context", "text", *LABELS)

Q, RF, IN, OT = "question", "reflection", "input", "other"
QS, RS, PS, RO = (
    "Questions",
    "Restatement or Paraphrasing",
    "Providing Suggestions",
    "Reflection of feelings",
)
AR, SD, INF, OTH = "Affirmation and Reassurance", "Self-disclosure", "Information", "Other"

# text, emotional_reaction, interpretation, exploration, behaviour, subtype, strategy
UTTERANCES: tuple[tuple[str, int, int, int, str, str, str], ...] = (
    ("What has been the hardest part of this for you?", 0, 0, 2, Q, "open", QS),
    ("How are you feeling about the new rota?", 0, 0, 2, Q, "open", QS),
    ("What would help you most right now?", 0, 0, 2, Q, "open", QS),
    ("Can you tell me more about what happened on Friday?", 0, 0, 2, Q, "open", QS),
    ("How did the meeting with the director go from your side?", 0, 0, 1, Q, "open", QS),
    ("That sounds really hard. What is weighing on you most?", 1, 1, 2, Q, "open", QS),
    ("Did you tell your manager about the deadline?", 0, 0, 1, Q, "closed", QS),
    ("Is the report due on Friday?", 0, 0, 0, Q, "closed", QS),
    ("Have you tried blocking time in the mornings?", 0, 0, 0, Q, "closed", PS),
    ("Are you worried about your role?", 0, 0, 1, Q, "closed", QS),
    ("Do you want to take a break before we continue?", 1, 0, 0, Q, "closed", QS),
    ("Would a shorter shift next week help?", 0, 0, 0, Q, "closed", PS),
    ("So the deadline moved again.", 0, 1, 0, RF, "simple", RS),
    ("You are tired.", 0, 1, 0, RF, "simple", RO),
    ("It sounds like the new tool keeps flagging your numbers.", 0, 1, 0, RF, "simple", RS),
    ("You have been covering the evening calls.", 0, 1, 0, RF, "simple", RS),
    ("So you finished the audit on your own.", 0, 1, 0, RF, "simple", RS),
    ("You feel frustrated with the process.", 0, 1, 0, RF, "simple", RO),
    (
        "It sounds like you feel invisible since the reorganisation, as if nobody notices "
        "the work you carry.",
        1,
        2,
        0,
        RF,
        "complex",
        RO,
    ),
    (
        "Part of you wants to keep going, and part of you wonders whether it is worth it.",
        0,
        2,
        0,
        RF,
        "complex",
        RS,
    ),
    (
        "You are worried that one mistake will define how the team sees you.",
        1,
        2,
        0,
        RF,
        "complex",
        RO,
    ),
    (
        "It seems like the workload is not the real problem; it is feeling alone with it.",
        1,
        2,
        0,
        RF,
        "complex",
        RO,
    ),
    (
        "You care about your patients so much that this error really shook you.",
        2,
        2,
        0,
        RF,
        "complex",
        RO,
    ),
    (
        "I hear that you are exhausted and still trying to protect your team.",
        2,
        2,
        0,
        RF,
        "complex",
        RO,
    ),
    ("The data shows most people adapt within about six weeks.", 0, 0, 0, IN, "information", INF),
    ("The new policy starts on the first of March.", 0, 0, 0, IN, "information", INF),
    (
        "The training sessions are recorded and available on the intranet.",
        0,
        0,
        0,
        IN,
        "information",
        INF,
    ),
    ("You should make a list and prioritise the urgent tasks.", 0, 0, 0, IN, "advice", PS),
    ("I recommend that you talk to occupational health this week.", 0, 0, 0, IN, "advice", PS),
    ("Try to take your full lunch break every day.", 0, 0, 0, IN, "advice", PS),
    ("Let's agree on what we cover in the next ten minutes.", 0, 0, 0, IN, "negotiation", OTH),
    ("We could decide together what to focus on today.", 0, 0, 0, IN, "negotiation", OTH),
    (
        "I'd like to spend the first part on your goals, if that works for you.",
        0,
        0,
        0,
        IN,
        "negotiation",
        OTH,
    ),
    (
        "You could move the deadline, ask for help, or drop the side project.",
        0,
        0,
        0,
        IN,
        "options",
        PS,
    ),
    (
        "Some people find a weekly check-in helps, others prefer email updates.",
        0,
        0,
        0,
        IN,
        "options",
        PS,
    ),
    (
        "There are a few routes: the course, a mentor, or shadowing a colleague.",
        0,
        0,
        0,
        IN,
        "options",
        PS,
    ),
    ("Hi, thanks for coming in today.", 1, 0, 0, OT, "", OTH),
    ("Okay.", 0, 0, 0, OT, "", OTH),
    ("I went through something similar when I started here.", 0, 1, 0, OT, "", SD),
    ("When my father was ill I also struggled to focus at work.", 1, 2, 0, OT, "", SD),
    ("I had the same doubts in my first year as a manager.", 0, 1, 0, OT, "", SD),
    ("You did a great job on the launch, well done.", 2, 0, 0, OT, "", AR),
    ("Thank you for telling me that; I know it wasn't easy.", 2, 1, 0, OT, "", AR),
    ("Don't worry, everyone goes through this.", 1, 0, 0, OT, "", AR),
    ("Good morning, let's get started.", 0, 0, 0, OT, "", OTH),
    ("I am really glad you came to me with this.", 2, 0, 0, OT, "", AR),
    ("Right, see you next week.", 0, 0, 0, OT, "", OTH),
    ("That is a brave thing to admit.", 1, 1, 0, OT, "", AR),
)

CONTEXTS = (
    "I've been feeling completely overwhelmed since the reorganisation.",
    "Honestly I don't know if this goal is even right for me any more.",
    "The new tool flagged my numbers again and nobody explained why.",
    "I made a mistake with the dose yesterday and I can't stop thinking about it.",
    "It's fine. I'm fine. Just tired, I suppose.",
    "My manager keeps moving the deadline and I'm the one who pays for it.",
    "I don't want to make a fuss, but the evening calls are wearing me down.",
)

N_CONVERSATIONS = 12


def synthetic_rows() -> list[dict[str, str]]:
    """96 canonical-CSV rows: every utterance twice, shuffled into 12 conversations."""
    order = [(u, copy) for copy in range(2) for u in range(len(UTTERANCES))]
    random.Random(7).shuffle(order)
    per_conversation = len(order) // N_CONVERSATIONS
    rows = []
    for i, (u, _copy) in enumerate(order):
        text, er, ip, ex, behaviour, subtype, strategy = UTTERANCES[u]
        row = dict.fromkeys(HEADER, "")
        row |= {
            "source": "synthetic",
            "conversation_id": f"conv-{i // per_conversation:02d}",
            "turn": str(2 * (i % per_conversation) + 1),
            "speaker": "Sam",
            "context": CONTEXTS[i % len(CONTEXTS)],
            "text": text,
            "emotional_reaction": str(er),
            "interpretation": str(ip),
            "exploration": str(ex),
            "behaviour": behaviour,
            "strategy": strategy,
        }
        if subtype:
            row[behaviour] = subtype
        rows.append(row)
    return rows


def write_csv(path: Path, rows: list[dict[str, Any]], header: tuple[str, ...] = HEADER) -> Path:
    """Write rows as a canonical CSV (creating the folder) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@dataclass(frozen=True)
class SyntheticCorpus:
    """What tests need to build their own variants of the synthetic corpus."""

    utterances: tuple[tuple[str, int, int, int, str, str, str], ...] = UTTERANCES
    header: tuple[str, ...] = HEADER
    conversations: int = N_CONVERSATIONS

    @staticmethod
    def rows() -> list[dict[str, str]]:
        return synthetic_rows()

    @staticmethod
    def write(path: Path, rows: list[dict[str, Any]], header: tuple[str, ...] = HEADER) -> Path:
        return write_csv(path, rows, header)

    def count(self, behaviour: str) -> int:
        """Rows of the corpus whose gold behaviour is `behaviour` (each utterance is used twice)."""
        return 2 * sum(1 for u in self.utterances if u[4] == behaviour)


@pytest.fixture(scope="session")
def corpus() -> SyntheticCorpus:
    return SyntheticCorpus()


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point EMPATHIC_DATA_DIR at a fresh folder and drop every other EMPATHIC_* variable.

    Passwords are hashed with argon2's cheapest parameters (docs/configuration.md, "For
    test suites only"); tests/test_passwords.py checks the standard profile itself.
    """
    for name in list(os.environ):
        if name.startswith("EMPATHIC_"):
            monkeypatch.delenv(name)
    data_dir = tmp_path_factory.mktemp("empathic-data")
    monkeypatch.setenv("EMPATHIC_DATA_DIR", str(data_dir))
    monkeypatch.setenv("EMPATHIC_PASSWORD_HASH_PROFILE", "test")
    return data_dir


@pytest.fixture
def settings(isolated_env: Path) -> Settings:
    """Settings read from the isolated environment (packs in DATA_DIR/packs)."""
    return Settings()


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the synthetic corpus as one canonical CSV (read-only by convention)."""
    folder = tmp_path_factory.mktemp("synthetic-corpus")
    write_csv(folder / "synthetic.csv", synthetic_rows())
    return folder


@pytest.fixture(scope="session")
def synthetic_csv(synthetic_dir: Path) -> Path:
    return synthetic_dir / "synthetic.csv"


@pytest.fixture(scope="session")
def trained_pack(tmp_path_factory: pytest.TempPathFactory, synthetic_dir: Path) -> Iterator[Path]:
    """An `open`-style pack trained once per session on the synthetic corpus; yields its folder.

    Tests copy it into their own packs directory rather than writing into it.
    """
    from empathic.analysis.training import DataFile, Recipe, train_pack

    recipe = Recipe(
        name="open",
        description="Synthetic test corpus.",
        licence="CC0 test data",
        commercial_use=True,
        files=(DataFile("synthetic", synthetic_dir / "synthetic.csv", "CC0"),),
    )
    folder = tmp_path_factory.mktemp("trained") / "open"
    train_pack(recipe, folder)
    yield folder


def bundled_default() -> str:
    """The pack `auto` must pick on a fresh machine, judged from the bundled folders alone."""
    from empathic.analysis.packs import bundled_packs_dir

    trained = {p.name for p in bundled_packs_dir().iterdir() if (p / "models.npz").is_file()}
    return next((name for name in ("open", "research") if name in trained), "rules")


@pytest.fixture(scope="session")
def default_pack() -> str:
    return bundled_default()


def install_pack(trained: Path, settings: Settings, name: str) -> Path:
    """Copy a trained pack into the settings' packs dir as `name` (card renamed to match)."""
    import json
    import shutil

    folder = settings.resolved_packs_dir() / name
    shutil.copytree(trained, folder)
    card_path = folder / "card.json"
    card = json.loads(card_path.read_text("utf-8"))
    card |= {"name": name, "commercial_use": name != "research", "licence": f"{name} licence"}
    card_path.write_text(json.dumps(card), "utf-8")
    return folder


@pytest.fixture
def install(trained_pack: Path, settings: Settings) -> Any:
    """`install(name)` copies the session's trained pack into the isolated packs dir."""
    return lambda name: install_pack(trained_pack, settings, name)


@pytest.fixture
def research_data() -> Path:
    """The shared research data, or skip with the reason when it is absent."""
    if not (SHARED_DATA / "epitome_train.csv").is_file():
        pytest.skip(f"research data not found at {SHARED_DATA} (../shared/data is optional)")
    return SHARED_DATA
