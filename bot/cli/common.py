"""What every `yinling` subcommand shares: the one way to read the settings, the exit codes,
and refusing cleanly (a message naming what to fix, and an exit code) instead of a traceback.

A subcommand raises `CliError` to stop; `bot.__main__.main` prints its message to stderr and
exits with its code. Nothing printed here may hold the token or a proxy's password: messages
name the variable to fix, never its value.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import ValidationError
from pydantic_settings import SettingsError as PydanticSettingsError

from bot.logs import redact
from bot.settings import Settings
from bot.texts import cli as T
from storage.backup import BackupError, sqlite_path

EXIT_OK = 0
EXIT_PROBLEMS = 1  # `yinling doctor` found something to fix (as the README documents)
EXIT_CONFIG = 2  # settings, data dir or command line: the operator must change something
EXIT_RUNTIME = 3  # cannot be done now: Telegram unreachable, the data dir in use, a refused backup
EXIT_NOT_FOUND = 4  # the quiz, session or branch asked for does not exist

# Settings whose values are secrets: an error about them never repeats what was given.
SECRET_SETTINGS = ("bot_token", "proxy", "database_url")
ENV_FILE = Path(".env")


class CliError(Exception):
    """Stops a subcommand: `message` goes to stderr and `code` becomes the exit code."""

    def __init__(self, message: str, code: int = EXIT_CONFIG) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class SettingsProblem(CliError):
    """The settings cannot be read; `problems` has one line per wrong setting."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join([T.SETTINGS_BAD, *problems]), EXIT_CONFIG)
        self.problems = problems


def load_settings() -> Settings:
    """The settings from the environment and `.env`, or SettingsProblem saying what is wrong."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = settings_problems(exc)
    except PydanticSettingsError as exc:
        # A value that could not even be decoded; the message names the field, not the value.
        problems = [T.SETTING_UNDECODABLE.format(problem=redact(str(exc)))]
    except UnicodeDecodeError:
        problems = [T.ENV_FILE_NOT_UTF8.format(path=ENV_FILE.resolve())]
    except OSError as exc:
        path = ENV_FILE.resolve()
        problems = [T.ENV_FILE_UNREADABLE.format(path=path, error=exc.strerror or exc)]
    raise SettingsProblem(problems)


def settings_problems(exc: ValidationError) -> list[str]:
    """One line per wrong setting, in Chinese and English, never echoing a secret."""
    lines = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        name = "YINLING_" + field.upper()
        if field == "bot_token":
            lines.append(T.TOKEN_MISSING if error["type"] == "missing" else T.TOKEN_MALFORMED)
            continue
        problem = str(error["msg"])
        given = error.get("input")
        if field in SECRET_SETTINGS and isinstance(given, str) and given:
            problem = problem.replace(given, "***")
        hint = T.SETTING_HINTS.get(field, T.SETTING_HINT_OTHER)
        lines.append(T.SETTING_WRONG.format(name=name, hint=hint, problem=redact(problem)))
    return lines


# --- secrets out of what is printed ---------------------------------------------------------


def shown_proxy(url: str) -> str:
    """The proxy for display: a user name and password in it are secrets."""
    parts = urlsplit(url)
    userinfo, at, host = parts.netloc.rpartition("@")
    if at and userinfo:
        return urlunsplit(parts._replace(netloc=f"***@{host}"))
    return url


def scrub(text: str, settings: Settings) -> str:
    """`text` (an error from a library) without the token or the proxy's credentials."""
    text = redact(text).replace(settings.bot_token.get_secret_value(), "<token>")
    if settings.proxy:
        text = text.replace(settings.proxy, shown_proxy(settings.proxy))
        userinfo = urlsplit(settings.proxy).netloc.rpartition("@")[0]
        password = userinfo.partition(":")[2]
        for secret in {userinfo, unquote(userinfo), password, unquote(password)}:
            if len(secret) >= 3:  # masking "a" everywhere would garble the message
                text = text.replace(secret, "***")
    return text


# --- folders ---------------------------------------------------------------------------------


def write_failed(exc: OSError, path: Path | str) -> CliError:
    """A write that failed half-way (a full disk): what and why, exit 3."""
    error = exc.strerror or type(exc).__name__
    return CliError(T.WRITE_FAILED.format(path=path, error=error), EXIT_RUNTIME)


def require_writable(path: Path, *, data_dir: Path | None = None) -> None:
    """Refuse (exit 2) unless `path` can be written or created, without creating it.

    Tries a file in `path`, or in its nearest existing parent when it does not exist yet: a
    real attempt, since `os.access` says yes to root on a read-only file system. With
    `data_dir`, the message explains the data dir's fix (chown, YINLING_DATA_DIR).
    """
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        with tempfile.NamedTemporaryFile(dir=probe, prefix=".yinling-probe-"):
            pass
    except OSError as exc:
        error = exc.strerror or type(exc).__name__
        if data_dir is not None:
            message = T.DATA_DIR_UNWRITABLE.format(path=path, error=error, data_dir=data_dir)
        else:
            message = T.FOLDER_UNWRITABLE.format(path=path, error=error)
        raise CliError(message, EXIT_CONFIG) from None


def require_data_dir_writable(settings: Settings, *folders: Path) -> None:
    """The data dir and the given folders in it can be written (or created); else exit 2."""
    data_dir = settings.data_dir.absolute()
    for folder in (settings.data_dir, *folders):
        require_writable(folder.absolute(), data_dir=data_dir)


def sqlite_file(settings: Settings) -> Path | None:
    """The SQLite database file, or None for another kind of database."""
    try:
        return sqlite_path(settings.db_url)
    except BackupError:
        return None


def positive(value: str) -> float:
    """An argparse type: a finite number above zero."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(value) from None
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(value)
    return number
