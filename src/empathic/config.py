"""One settings object, read from the environment (`EMPATHIC_*`) and injected where needed."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("empathic", appauthor=False))


class Settings(BaseSettings):
    """Every user-facing setting; documented in docs/configuration.md."""

    model_config = SettingsConfigDict(env_prefix="EMPATHIC_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    """Where Empathic keeps trained packs, practice runs and the database."""

    packs_dir: Path | None = None
    """Where trained model packs live (default: DATA_DIR/packs)."""

    shared_data_dir: Path | None = None
    """Labelled research data for `empathic train --pack research` (default: ../shared/data)."""

    default_pack: str = "auto"
    """Pack used when none is named: `auto` prefers a trained pack, else the bundled `rules`."""

    max_input_bytes: int = 20 * 1024 * 1024
    """Largest transcript file Empathic will read."""

    llm_base_url: str | None = None
    """OpenAI-compatible API root (e.g. http://localhost:8000/v1); unset means no LLM at all."""

    llm_model: str = "default"
    """Model name sent with every request to the LLM endpoint."""

    llm_api_key: str | None = None
    """Bearer token for the LLM endpoint, if it needs one."""

    llm_timeout_s: float = 20.0
    """Seconds to wait for the LLM before a persona falls back to its scripted line."""

    database_url: str | None = None
    """SQLAlchemy URL of the web app's database (default: SQLite file DATA_DIR/empathic.db)."""

    cookie_secure: bool = False
    """Mark session cookies Secure (set it when the app is served over HTTPS)."""

    session_days: int = 14
    """How long a sign-in lasts before the user must sign in again."""

    signin_attempts: int = 5
    """Failed sign-ins per account, per address and per both in 15 minutes before pauses
    start: 1 s, then doubling, up to 30 s for the account and 15 min for the address."""

    log_level: str = "INFO"
    """Level of the web app's access and security logs on stderr (DEBUG, INFO, WARNING)."""

    trusted_proxies: str = ""
    """Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed; empty
    (the default) believes no header, so the client address cannot be forged."""

    max_upload_bytes: int = 2 * 1024 * 1024
    """Largest transcript the web app accepts in one paste or upload."""

    min_group_size: int = 5
    """Smallest group whose aggregates a facilitator may see (privacy by design)."""

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'empathic.db'}"

    def resolved_packs_dir(self) -> Path:
        return self.packs_dir or self.data_dir / "packs"

    def runs_dir(self) -> Path:
        return self.data_dir / "runs"

    corpus_dir: Path | None = None
    """The project's own labelled corpus for `empathic train --pack open` (default: data/corpus)."""

    def resolved_shared_data_dir(self) -> Path:
        return self.shared_data_dir or _first_existing(
            [Path.cwd().parent / "shared" / "data", _repo_root().parent / "shared" / "data"]
        )

    def resolved_corpus_dir(self) -> Path:
        return self.corpus_dir or _first_existing(
            [Path.cwd() / "data" / "corpus", _repo_root() / "data" / "corpus"]
        )


def _repo_root() -> Path:
    """The checkout this package runs from, when installed in development mode."""
    return Path(__file__).resolve().parents[2]


def _first_existing(candidates: list[Path]) -> Path:
    return next((p for p in candidates if p.is_dir()), candidates[0])
