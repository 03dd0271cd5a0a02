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

    password_signin: bool = True
    """Allow sign-in and sign-up with email and password; false leaves single sign-on only."""

    oidc_issuer: str | None = None
    """OpenID Connect issuer URL for single sign-on; unset means no single sign-on."""

    oidc_client_id: str = ""
    """The client id Empathic is registered under at the OpenID provider."""

    oidc_client_secret: str | None = None
    """The client secret, if the provider gave one (unset: a public client with PKCE only)."""

    oidc_provider_name: str = "single sign-on"
    """Name on the sign-in button: "Sign in with <name>"."""

    oidc_scopes: str = "openid email profile"
    """Scopes asked of the provider (space-separated; must include `openid`)."""

    oidc_role_claim: str | None = None
    """ID-token claim holding the person's roles or groups; unset leaves roles to the admin page."""

    oidc_admin_values: str = ""
    """Comma-separated values of the role claim that make someone an admin."""

    oidc_facilitator_values: str = ""
    """Comma-separated values of the role claim that make someone a facilitator."""

    oidc_team_claim: str | None = None
    """ID-token claim naming the person's team (created on first sight); unset: the admin page."""

    def oidc_enabled(self) -> bool:
        """Single sign-on is offered once an issuer and a client id are both set."""
        return bool(self.oidc_issuer and self.oidc_client_id)

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

    analysis_workers: int = Field(default=1, ge=0)
    """Worker processes per web process that parse, code and render Analyse reports, so a
    large transcript never stalls other requests; 0 analyses in a thread of the web process
    (no queue bound and no time limit: for debugging)."""

    analysis_queue: int = Field(default=4, ge=0)
    """Analyses that may wait for a busy worker; beyond that the page answers 503 at once."""

    analysis_timeout_s: float = Field(default=60.0, gt=0)
    """Seconds one analysis may run in its worker before it is stopped (its worker is
    killed and replaced) and the page says to split the transcript."""


def _repo_root() -> Path:
    """The checkout this package runs from, when installed in development mode."""
    return Path(__file__).resolve().parents[2]


def _first_existing(candidates: list[Path]) -> Path:
    return next((p for p in candidates if p.is_dir()), candidates[0])
