"""Settings: read once at start from environment variables and an optional `.env` file.

Nothing else reads `os.environ`; the parsed `Settings` object is passed down.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.cn_parse import ParseError, parse_time

TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_FILES = "https://api.telegram.org/file/bot"
# BotFather tokens look like "123456789:AAH…" (a numeric bot id, a colon, 35 url-safe chars).
TOKEN_PATTERN = re.compile(r"^\d{3,15}:[A-Za-z0-9_-]{30,}$")

IdList = Annotated[list[int], NoDecode]


class Settings(BaseSettings):
    """Everything an operator can set; see `.env.example` and the README."""

    model_config = SettingsConfigDict(
        env_prefix="YINLING_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr
    api_base_url: str = TELEGRAM_API
    api_file_url: str = TELEGRAM_FILES
    proxy: str | None = None
    data_dir: Path = Path("data")
    database_url: str | None = None
    timezone: str = "Asia/Shanghai"
    admin_ids: IdList = Field(default_factory=list)
    staff_ids: IdList = Field(default_factory=list)
    log_level: str = "INFO"
    # How often the planner looks for due work (theme days, reminders, greetings).
    tick_seconds: float = 20.0
    # Long-poll timeout for getUpdates.
    poll_timeout: int = 30
    # The daily automatic backup: local time (branch time zone) and how many to keep (0: none).
    backup_time: str = "03:30"
    backup_keep: int = Field(default=14, ge=0)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not TOKEN_PATTERN.match(value.get_secret_value().strip()):
            # The message never includes the value itself: it is a secret.
            raise ValueError("malformed token")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("admin_ids", "staff_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s，]+", value) if p]
            return [int(p) for p in parts]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("proxy")
    @classmethod
    def _proxy_scheme(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        # The messages never include the value: it may hold a password.
        if not re.match(r"^(https?|socks5h?)://", value):
            raise ValueError("proxy must start with http://, https://, socks5:// or socks5h://")
        bad = ValueError("proxy must look like socks5://127.0.0.1:1080 (check the host and port)")
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 (parsing the port is the check)
        except ValueError:
            raise bad from None
        if not parts.hostname or " " in parts.hostname:
            raise bad
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("log level must be DEBUG, INFO or WARNING")
        return level

    @field_validator("backup_time")
    @classmethod
    def _backup_clock(cls, value: str) -> str:
        try:
            return parse_time(value).strftime("%H:%M")
        except ParseError as exc:
            raise ValueError("backup time must look like 03:30 (24-hour clock)") from exc

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'yinling.db').resolve()}"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def backup_at(self) -> time:
        return parse_time(self.backup_time)
