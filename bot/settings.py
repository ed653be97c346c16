"""Configuration, read from the environment and `.env` (every setting is documented in `.env.example`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.shards import parse_shard_ids

DEFAULT_API_BASE = "https://discord.com/api/v10"
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class SettingsError(Exception):
    """A setting is missing or invalid; the message is one line fit to show a person."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment, validated once at start-up."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_file_encoding="utf-8")

    discord_token: SecretStr | None = Field(default=None, description="The bot token")
    discord_api_base: str = Field(default=DEFAULT_API_BASE, description="REST base including /api/vN")
    database_url: str = Field(default="sqlite:///data/claims.db")
    database_pool_min: int = Field(default=2, ge=1, le=100)
    database_pool_max: int = Field(default=10, ge=1, le=500)
    database_statement_timeout_ms: int = Field(default=5_000, ge=100, le=600_000)
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    # Shards: none set is one process with every shard (Discord says how many). Several processes, each
    # with its own SHARD_IDS of the same SHARD_COUNT, share one PostgreSQL database.
    shard_count: int | None = Field(default=None, ge=1, le=16_384)
    shard_ids: str | None = None
    # Following and corrections (issue 12): the outbox's sender.
    follow_batch_seconds: float = Field(default=60.0, ge=0, le=3600)
    outbox_lease_seconds: float = Field(default=30.0, ge=1, le=3600)
    outbox_poll_seconds: float = Field(default=2.0, gt=0, le=300)
    outbox_deliveries_per_second: float = Field(default=20.0, gt=0, le=1000)

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("discord_api_base")
    @classmethod
    def _check_api_base(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http(s) URL such as https://discord.com/api/v10")
        if not parts.path.rstrip("/").split("/")[-1].startswith("v"):
            raise ValueError("must end with the API version, e.g. /api/v10")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if is_postgres_url(value):
            parts = urlsplit(value)
            if not parts.hostname and "host=" not in parts.query:
                raise ValueError("must name a host, e.g. postgresql://user@127.0.0.1:5432/claims")
            if not parts.path.strip("/"):
                raise ValueError("must name a database, e.g. postgresql://user@127.0.0.1:5432/claims")
            return value
        sqlite_path(value)  # raises ValueError with a readable message
        return value

    @field_validator("dev_guild_id", mode="before")
    @classmethod
    def _blank_guild_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("shard_count", "shard_ids", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("shard_ids")
    @classmethod
    def _check_shard_ids(cls, value: str | None) -> str | None:
        if value is not None:
            parse_shard_ids(value)  # raises ValueError with a readable message
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        ids = self.shard_id_list
        if ids is not None and self.shard_count is None:
            raise ValueError("SHARD_IDS needs SHARD_COUNT, the number of shards all processes share")
        if ids is not None and self.shard_count is not None and max(ids) >= self.shard_count:
            raise ValueError(
                f"SHARD_IDS names shard {max(ids)}, but SHARD_COUNT={self.shard_count} runs 0-{self.shard_count - 1}"
            )
        if self.database_pool_min > self.database_pool_max:
            raise ValueError("DATABASE_POOL_MIN is larger than DATABASE_POOL_MAX")
        return self

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @property
    def shard_id_list(self) -> list[int] | None:
        return None if self.shard_ids is None else parse_shard_ids(self.shard_ids)

    @property
    def owns_some_shards_only(self) -> bool:
        """True when other processes must serve the other shards (which a SQLite file cannot allow)."""
        ids = self.shard_id_list
        return ids is not None and self.shard_count is not None and len(ids) < self.shard_count

    @property
    def database_is_postgres(self) -> bool:
        return is_postgres_url(self.database_url)

    @property
    def database_path(self) -> Path:
        return sqlite_path(self.database_url)

    @property
    def database_label(self) -> str:
        """The database for a log line or a message: the file, or the server and database without
        the password."""
        if not self.database_is_postgres:
            return str(self.database_path)
        parts = urlsplit(self.database_url)
        host = parts.hostname or "?"
        return f"postgresql://{host}:{parts.port or 5432}{parts.path}"

    def require_token(self) -> str:
        if self.discord_token is None:
            raise SettingsError(
                "DISCORD_TOKEN: not set. Put your bot token in .env, or try the bot without one: python -m bot sandbox"
            )
        return self.discord_token.get_secret_value()


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def sqlite_path(url: str) -> Path:
    """Turn SQLAlchemy's `sqlite:///relative.db` / `sqlite:////absolute.db` into a path."""
    prefix = "sqlite:///"
    if is_postgres_url(url):
        raise ValueError("this is a PostgreSQL URL, not a SQLite file")
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise ValueError(
            "must look like sqlite:///relative/path.db, sqlite:////absolute/path.db "
            "or postgresql://user@host:5432/database"
        )
    return Path(url[len(prefix) :])


def load_settings(**overrides: Any) -> Settings:
    """Build Settings, turning pydantic's multi-line report into one line that names the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        if not error["loc"]:  # a check across settings: its message names them
            raise SettingsError(str(error["msg"]).removeprefix("Value error, ")) from None
        message = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from None
