"""Settings read from the environment and an optional ``.env`` file.

One place for every knob so the CLI, the API, the tests and CI agree on which Neo4j they talk to.
The password may be left unset: the local engine then generates one on first start and keeps it in
``$PLATGRAPH_HOME/neo4j-password`` (owner-readable only), where the driver reads it back.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """All runtime configuration. Environment variable names are the field names, upper-cased."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

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

    # Concurrent write transactions for the ingest's parallel-safe steps (ingest/writer.py): new
    # researchers with their edges and collaborations. 2 measured 40% faster on those steps on this
    # 2-core machine (Python has finished planning by then, so the second core is free); 1 = serial.
    platgraph_ingest_writers: int = Field(2, ge=1, le=16)

    # The HTTP API.
    platgraph_api_key: SecretStr | None = None
    platgraph_open_reads: bool = True
    platgraph_cors_origins: list[str] = Field(default_factory=list)
    platgraph_max_upload_mb: int = 50
    # How often the API re-reads the data version for its response cache (seconds; 0 = no cache).
    platgraph_api_cache_seconds: float = Field(1.0, ge=0.0, le=3600.0)

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

    def resolved_password(self) -> str | None:
        """The password from settings, else the one the local engine generated, else None."""
        if self.neo4j_password is not None:
            return self.neo4j_password.get_secret_value()
        if self.password_file.is_file():
            return self.password_file.read_text(encoding="utf-8").strip()
        return None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing env."""
    return Settings()
