"""Settings read from the environment and an optional ``.env`` file.

One place for every knob so the CLI, the API, the tests and CI agree on which Neo4j they talk to.
The password may be left unset: the local engine then generates one on first start and keeps it in
``$PLATGRAPH_HOME/neo4j-password`` (owner-readable only), where the driver reads it back.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# API keys: printable ASCII (they travel in an HTTP header, and a non-ASCII key cannot be typed the
# same way on every client) and long enough not to be guessed. Checked when the settings are read
# and again when the app is built (api/security.py), so a weak key stops the server at start.
MIN_API_KEY_LENGTH = 16


class Settings(BaseSettings):
    """All runtime configuration. Environment variable names are the field names, upper-cased."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      hide_input_in_errors=True)  # never echo a key

    neo4j_uri: str = Field("bolt://127.0.0.1:7687", description="bolt://, neo4j://, neo4j+s:// …")
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    neo4j_database: str = "neo4j"
    neo4j_connect_timeout: float = 5.0

    platgraph_home: Path = Field(Path(".platgraph"), description="engine data, logs, password, caches")
    platgraph_lang: Literal["zh", "en"] = "zh"

    # The local engine (graph/local_neo4j.py). Defaults suit a 2-core / 24 GiB machine.
    platgraph_engine_heap: str = "2g"
    platgraph_engine_pagecache_mb: int = 1024
    # JVM garbage collector. Parallel by default: on 2 cores a 10,000-platform ingest spent 22 s in
    # G1 young-generation pauses against 3.7 s with Parallel (jstat -gcutil), for pauses of the
    # same order (tens of ms; a rare full collection ≈ 0.3 s). g1 is Neo4j's own default.
    platgraph_engine_gc: Literal["g1", "parallel"] = "parallel"
    platgraph_engine_start_timeout: float = 120.0
    # JIT compilers of the engine's JVM. "full" (default): C1 then C2, best for a long-running engine.
    # "c1" (-XX:TieredStopAtLevel=1): no C2, so a start on a busy 2-core machine does not compete with
    # C2 compiling Neo4j's start-up code: the test suite's short-lived engines use it (tests/conftest.py;
    # figures in docs/operations.md, "Tests and CI").
    platgraph_engine_jit: Literal["full", "c1"] = "full"
    # A directory for a class-data sharing archive (AppCDS) of the engine's classes, shared by every
    # home (graph/local_neo4j.py): an engine then starts about 10 s sooner on a busy machine. Unset:
    # no archive. The test suite sets it (tests/conftest.py).
    platgraph_engine_cds_dir: Path | None = None

    # Concurrent write transactions for the ingest's parallel-safe steps (ingest/writer.py): new
    # researchers with their edges and collaborations. 2 measured 40% faster on those steps on this
    # 2-core machine (Python has finished planning by then, so the second core is free); 1 = serial.
    platgraph_ingest_writers: int = Field(2, ge=1, le=16)
    # Processes ``platgraph analyze`` uses (queries/analyze.py): 2 runs the overlap analysis in a
    # child process beside collaboration and coverage when there are two cores or more; 1 = serial.
    platgraph_analysis_processes: int = Field(2, ge=1, le=2)

    # The HTTP API. Keys: ``PLATGRAPH_API_KEY`` is the admin key (writes, uploads, analyses) and
    # ``PLATGRAPH_READ_KEYS`` the read keys (closed reads, reports); each may list several keys
    # separated by commas, so a new key can be added before the old one is removed (rotation).
    # An admin key also reads.
    platgraph_api_key: SecretStr | None = None
    platgraph_read_keys: SecretStr | None = None
    platgraph_open_reads: bool = True
    # Building a report is heavy (tens of seconds on a large graph): behind a read key by default.
    platgraph_open_reports: bool = False
    # At most this many heavy jobs (reports) at once; further callers get 429 with Retry-After.
    platgraph_max_heavy_jobs: int = Field(1, ge=1, le=8)
    # Wall-clock limit of a child job (ingest of an upload, an analysis, a report), seconds.
    platgraph_job_timeout_seconds: float = Field(3600.0, gt=0)
    # Host headers the API answers (DNS rebinding): loopback names by default; '*' answers any.
    platgraph_allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["127.0.0.1", "localhost", "[::1]", "::1"])
    platgraph_cors_origins: list[str] = Field(default_factory=list)
    platgraph_max_upload_mb: int = 50
    # JSON request bodies (every POST but an upload) above this size are refused with 413.
    platgraph_max_json_kb: int = Field(64, ge=1, le=10_240)
    # Rejects files of uploads older than this many days are removed (PLATGRAPH_HOME/ingest/).
    platgraph_rejects_keep_days: float = Field(90.0, gt=0)
    # How often the API re-reads the data version for its response cache (seconds; 0 = no cache).
    platgraph_api_cache_seconds: float = Field(1.0, ge=0.0, le=3600.0)

    @field_validator("platgraph_allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [h.strip() for h in value.split(",") if h.strip()]
        return value

    @field_validator("platgraph_api_key", "platgraph_read_keys")
    @classmethod
    def _check_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            check_keys(value.get_secret_value())
        return value

    def admin_keys(self) -> list[str]:
        """The admin keys (several while one is being rotated out)."""
        return split_keys(self.platgraph_api_key)

    def read_keys(self) -> list[str]:
        """Every key that may read: the read keys and the admin keys."""
        return split_keys(self.platgraph_read_keys) + self.admin_keys()

    @property
    def home(self) -> Path:
        return self.platgraph_home.expanduser().resolve()

    @property
    def password_file(self) -> Path:
        return self.home / "neo4j-password"

    @property
    def uses_local_engine(self) -> bool:
        """True when the URI points at this machine's loopback on Bolt, i.e. the engine we launch."""
        from urllib.parse import urlparse

        parsed = urlparse(self.neo4j_uri)
        return parsed.scheme in ("bolt", "neo4j") and (parsed.hostname or "") in ("127.0.0.1", "localhost")

    @property
    def bolt_port(self) -> int:
        from urllib.parse import urlparse

        return urlparse(self.neo4j_uri).port or 7687

    @property
    def target(self) -> str:
        """Which graph a command acts on, as a person reads it: URI and database."""
        return f"{self.neo4j_uri} (database {self.neo4j_database})"

    def resolved_password(self) -> str | None:
        """The password from settings, else the one the local engine generated, else None.

        The generated password belongs to the local engine: it is never offered to another server
        (a remote URI without NEO4J_PASSWORD gets no password rather than the local one)."""
        if self.neo4j_password is not None:
            return self.neo4j_password.get_secret_value()
        if self.uses_local_engine and self.password_file.is_file():
            return self.password_file.read_text(encoding="utf-8").strip()
        return None


def split_keys(value: SecretStr | None) -> list[str]:
    """The comma-separated keys in ``value`` (empty entries dropped)."""
    if value is None:
        return []
    return [k.strip() for k in value.get_secret_value().split(",") if k.strip()]


def check_keys(raw: str) -> None:
    """Raise ValueError unless every comma-separated key is printable ASCII of at least
    :data:`MIN_API_KEY_LENGTH` characters (the message never repeats the key)."""
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    if not keys:
        raise ValueError("API key setting is empty / API 密钥为空")
    for number, key in enumerate(keys, start=1):
        if not (key.isascii() and key.isprintable()):
            raise ValueError(f"API key #{number} must be printable ASCII / 第 {number} 个 API 密钥须为可打印 ASCII 字符")
        if len(key) < MIN_API_KEY_LENGTH:
            raise ValueError(f"API key #{number} is shorter than {MIN_API_KEY_LENGTH} characters / "
                             f"第 {number} 个 API 密钥短于 {MIN_API_KEY_LENGTH} 个字符")


def check_destructive_target(settings: Settings, database: str | None) -> None:
    """Refuse a destructive command (emptying, replacing a graph) aimed at a Neo4j that is not the
    local engine unless the caller named its database (``--database NAME``): ``--yes`` alone must
    not wipe whatever ``NEO4J_URI`` happens to point at. Raises ``UsageError`` naming the target."""
    from graph.errors import UsageError
    from graph.i18n import tr

    if settings.uses_local_engine and database is None:
        return
    if database != settings.neo4j_database:
        raise UsageError(tr(
            "目标不是本地引擎：{t}。确认请加 --database {d}（须与 NEO4J_DATABASE 一致），未做任何修改",
            "the target is not the local engine: {t}. To confirm, add --database {d} (it must match "
            "NEO4J_DATABASE); nothing was changed", t=settings.target, d=settings.neo4j_database))


def announce_wipe(yes: bool, database: str | None, settings: Settings | None = None) -> None:
    """For the benchmarks' ``--yes``: print the graph about to be emptied (URI and database) and stop
    (exit with the reason) when it is not the local engine and ``--database`` does not name it."""
    import sys

    from graph.errors import UsageError

    if not yes:
        return
    settings = settings or get_settings()
    print(f"target / 目标: {settings.target}", file=sys.stderr)
    try:
        check_destructive_target(settings, database)
    except UsageError as exc:
        raise SystemExit(str(exc)) from None


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it owner-only (0700): it holds the engine's password,
    store files, logs and rejects files with the rows planners sent."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing env."""
    return Settings()
