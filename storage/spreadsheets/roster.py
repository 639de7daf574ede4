"""Member rosters: the upload format (parse and check) and the blank template.

One sheet, a header row in Chinese, one member per row:

    姓名 | Telegram用户名 | Telegram ID | 性别 | 出生日期 | 历法 | 入党日期 | 党员 | 备注 | 电话
    | 状态 | 党员类别 | 转正日期

状态 is blank (在册) or 在册 / 住院 / 休养 / 调离 / 转出 / 已故, optionally followed by the day it
began ("已故 2026-11-20"). 党员类别 is 党员 / 预备党员 / 群众 (when given it decides party
membership; otherwise the 党员 column does, as before). 转正日期 is when a party member became a
full member (党龄 counts from it). A file without these columns reads as before.

Only 姓名 is required. Dates are read and checked by ``storage.dates`` (solar or lunar birth
dates, no future dates); this module adds the checks that need the whole row or the whole list
(joining the party before birth, duplicate people). ``parse_roster`` returns every row or raises
``RosterError`` listing every problem by row: a roster is imported completely or not at all.

This module must not touch the database or Telegram, and must not decide who is who among
existing members: it only reads the file.

Why one module of this size: each column's reading (names, Telegram accounts, solar and lunar
dates, statuses, party standing) with its own row-by-row error messages; the template is apart
(roster_template.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from storage.dates import BirthDate, Calendar, DateError, lunar_to_solar, parse_date

from .errors import Problem, ProblemsError, SheetError, quote
from .limits import SheetTooBig
from .roster_template import roster_template
from .tables import Cell, Table, cell_text, header_key, match_columns, read_table

__all__ = [
    "MAX_MEMBERS",
    "RosterError",
    "RosterProblem",
    "RosterRow",
    "parse_roster",
    "roster_template",
]

MAX_MEMBERS = 1000
MIN_JOIN_AGE = 14
MAX_NAME = 30
MAX_NOTE = 500
MAX_PHONES = 40
# Telegram user ids are positive and, by Telegram's own guarantee, fit in 52 bits.
_MAX_TELEGRAM_ID = 2**52

_HEADER_HELP = (
    "姓名、Telegram用户名、Telegram ID、性别、出生日期、历法、入党日期、党员、备注、电话、"
    "状态、党员类别、转正日期"
)
_USERNAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_LINK_RE = re.compile(r"(?:https?://)?(?:t\.me|telegram\.me)/@?([^/?#\s]+)", re.IGNORECASE)
_EXCEL_SERIAL_RE = re.compile(r"\d{5}")
_YEAR_MONTH_RE = re.compile(r"\d{4}\s*[年.\-/]\s*\d{1,2}\s*月?")

_MALE = frozenset({"男", "男性", "M", "MALE"})
_FEMALE = frozenset({"女", "女性", "F", "FEMALE"})
_SOLAR_WORDS = frozenset({"公历", "阳历", "新历", "西历"})
_LUNAR_WORDS = frozenset({"农历", "阴历", "旧历"})
_YES = frozenset({"是", "Y", "YES", "TRUE", "1", "√", "✓", "✔", "党员", "中共党员", "预备党员"})
_NO = frozenset({"否", "N", "NO", "FALSE", "0", "×", "✗", "✘", "X", "不是", "非党员", "群众"})
# 政治面貌 names the affiliation; only these mean a member of the Communist Party of China
# (民革党员, 民盟盟员 … are members of other parties).
_CPC = frozenset({"中共党员", "党员", "中共预备党员", "预备党员", "中国共产党党员"})

RosterProblem = Problem


class RosterError(ProblemsError):
    """A roster with mistakes; ``problems`` lists them all, ``describe()`` for the chat."""

    subject = "名单"


@dataclass(frozen=True)
class RosterRow:
    """One checked member row as written in the file."""

    row: int
    name: str
    username: str | None  # without the @; Telegram compares usernames ignoring case
    telegram_id: int | None
    gender: str | None  # "男" / "女"
    birth: BirthDate | None
    joined_party: date | None
    party_member: bool
    note: str
    phone: str | None = None  # as written: "13812345678", "0571-8765 4321", two numbers…
    # 状态: "present" | "away" | "moved" | "deceased" (storage.people), None when blank.
    status: str | None = None
    status_since: date | None = None
    probationary: bool = False  # 预备党员
    confirmed_party: date | None = None  # 转正日期


def _classify(key: str) -> str | None:
    columns = {
        "姓名": ("姓名", "名字"),
        "用户名": (
            "TELEGRAM用户名",
            "TG用户名",
            "用户名",
            "TELEGRAMUSERNAME",
            "USERNAME",
            "电报用户名",
            "TELEGRAM账号",
        ),
        # Not a bare "ID": in a roster that is usually a row number, and reading 1, 2, 3 … as
        # Telegram ids would tie members to strangers' accounts.
        "Telegram ID": ("TELEGRAMID", "TGID", "TELEGRAM编号", "电报ID"),
        "性别": ("性别",),
        "出生日期": ("出生日期", "出生年月日", "出生年月", "生日", "出生时间"),
        "历法": ("历法", "生日历法", "公历/农历", "公历农历", "农历/公历"),
        "入党日期": ("入党日期", "入党时间", "入党年月日", "入党年月"),
        "党员": ("党员", "是否党员", "是否为党员"),
        "政治面貌": ("政治面貌",),
        "备注": ("备注",),
        "电话": ("电话", "联系电话", "电话号码", "手机", "手机号", "手机号码", "联系方式"),
        "状态": ("状态", "人员状态", "在册状态"),
        "党员类别": ("党员类别", "党员类型", "类别"),
        "转正日期": ("转正日期", "转正时间", "转正年月日"),
    }
    for column, keys in columns.items():
        if key in keys:
            return column
    return None


def _looks_like_header(names: tuple[str, ...]) -> bool:
    return any(_classify(header_key(n)) == "姓名" for n in names)


def parse_roster(data: bytes, file_name: str, *, today: date) -> list[RosterRow]:
    """Read and check a roster; every row, or ``RosterError`` with every problem."""
    try:
        table = read_table(data, file_name, max_rows=MAX_MEMBERS, is_header=_looks_like_header)
    except SheetTooBig:
        raise  # nothing to fix row by row
    except SheetError as exc:
        raise RosterError([Problem(None, exc.message)]) from exc
    rows, problems = _check(table, today=today)
    if problems:
        raise RosterError(problems)
    return rows


def _check(table: Table, *, today: date) -> tuple[list[RosterRow], list[Problem]]:
    columns, duplicated = match_columns(table.header, _classify)
    problems = [Problem(None, m) for m in duplicated]
    if "姓名" not in columns:
        problems.append(
            Problem(None, f"表头缺少“姓名”这一列。第一行应写：{_HEADER_HELP}（只有姓名必填）。")
        )
        return [], problems
    if table.truncated:
        problems.append(
            Problem(
                None, f"名单超过了{MAX_MEMBERS}人，一次最多导入{MAX_MEMBERS}人，请分成几个文件。"
            )
        )
    if not table.rows:
        problems.append(Problem(None, "名单里还没有人，请在表头下面每行填写一位同志。"))

    result: list[RosterRow] = []
    for table_row in table.rows:
        row = table_row.row
        cells = table_row.cells
        before = len(problems)

        def say(message: str, row: int = row) -> None:
            problems.append(Problem(row, message))

        def cell(column: str, cells: tuple[Cell, ...] = cells) -> Cell:
            index = columns.get(column)
            return "" if index is None else cells[index]

        name = _name(cell_text(cell("姓名")))
        if not name:
            say("姓名是空的。")
        elif len(name) > MAX_NAME:
            say(f"姓名太长了（{len(name)}个字），最多{MAX_NAME}个字。")
        username = _username(cell_text(cell("用户名")), say)
        telegram_id = _telegram_id(cell_text(cell("Telegram ID")), say)
        gender = _gender(cell_text(cell("性别")), say)
        calendar = _calendar(cell_text(cell("历法")), say)
        birth = _birth(cell("出生日期"), calendar, today, say)
        joined = _joined(cell("入党日期"), today, say)
        member = _party_member(cell_text(cell("党员")), cell_text(cell("政治面貌")), joined, say)
        category = _category(cell_text(cell("党员类别")), say)
        probationary = category == "预备党员" or (
            not category and _is_probationary(cell_text(cell("党员")), cell_text(cell("政治面貌")))
        )
        if category:
            member = category != "群众"
        confirmed = _dated(cell("转正日期"), "转正日期", today, say)
        status, since = _status(cell_text(cell("状态")), today, say)
        if confirmed is not None and joined is not None and confirmed < joined:
            say(f"转正日期（{_day(confirmed)}）早于入党日期（{_day(joined)}），请核对。")
        if confirmed is not None and member is False:
            say("填了转正日期，但不是党员，请核对。")
        if confirmed is not None and probationary:
            say("预备党员还没有转正，转正日期请空着；已经转正的，党员类别请填“党员”。")

        if joined is not None and member is False:
            say("填了入党日期，但“党员”一栏是“否”，请核对。")
        if joined is not None and birth is not None:
            born = lunar_to_solar(birth)
            if joined < born:
                say(f"入党日期（{_day(joined)}）早于出生日期（{birth}），请核对。")
            elif joined < _add_years(born, MIN_JOIN_AGE):
                say(
                    f"入党时还不满{MIN_JOIN_AGE}岁（出生于{birth}，入党于{_day(joined)}），请核对。"
                )

        note = cell_text(cell("备注"))
        if len(note) > MAX_NOTE:
            say(f"备注太长了（{len(note)}个字），最多{MAX_NOTE}个字。")
        phone = _phone(cell_text(cell("电话")), say)

        if len(problems) == before and member is not None:
            result.append(
                RosterRow(
                    row=row,
                    name=name,
                    username=username,
                    telegram_id=telegram_id,
                    gender=gender,
                    birth=birth,
                    joined_party=joined,
                    party_member=member,
                    note=note,
                    phone=phone,
                    status=status,
                    status_since=since,
                    probationary=probationary,
                    confirmed_party=confirmed,
                )
            )
    problems.extend(_duplicates(table, columns))
    return result, problems


def _duplicates(table: Table, columns: dict[str, int]) -> list[Problem]:
    """Same person twice: by Telegram id or username, or by name with nothing to tell apart.

    Worked on the raw cells, so a row with another problem still takes part (every problem is
    reported at once); values that do not parse are simply not compared.
    """
    problems: list[Problem] = []
    by_name: dict[str, list[tuple[int, bool]]] = {}
    by_id: dict[int, int] = {}
    by_username: dict[str, int] = {}

    def text(cells: tuple[Cell, ...], column: str) -> str:
        index = columns.get(column)
        return "" if index is None else cell_text(cells[index])

    def ignore(message: str) -> None:
        """Bad ids and usernames are reported by the row check; here they are just skipped."""

    for table_row in table.rows:
        row = table_row.row
        name = _name(text(table_row.cells, "姓名"))
        username = _username(text(table_row.cells, "用户名"), ignore)
        telegram_id = _telegram_id(text(table_row.cells, "Telegram ID"), ignore)
        identified = username is not None or telegram_id is not None

        if telegram_id is not None:
            if telegram_id in by_id:
                problems.append(
                    Problem(row, f"Telegram ID {telegram_id} 和第{by_id[telegram_id]}行重复。")
                )
            else:
                by_id[telegram_id] = row
        if username is not None:
            key = username.casefold()
            if key in by_username:
                problems.append(
                    Problem(row, f"Telegram用户名“{username}”和第{by_username[key]}行重复。")
                )
            else:
                by_username[key] = row
        if name:
            key = "".join(unicodedata.normalize("NFKC", name).split()).casefold()
            earlier = by_name.setdefault(key, [])
            clash = next((r for r, other in earlier if not (identified and other)), None)
            if clash is not None:
                problems.append(
                    Problem(
                        row,
                        f"姓名“{name}”和第{clash}行重复。如果是两位同名的同志，"
                        "请填写各自的 Telegram 用户名或 ID 以便区分；如果是同一位，请删掉一行。",
                    )
                )
            earlier.append((row, identified))
    return problems


# --- single cells ----------------------------------------------------------------------------

_Say = Callable[[str], None]


def _name(raw: str) -> str:
    name = " ".join(raw.split())
    # Two-character names are often padded to line up with three-character ones ("张  三");
    # between Chinese characters a space is only padding. Other names keep theirs.
    return re.sub(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])", "", name)


def _username(raw: str, say: _Say) -> str | None:
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return None
    if m := _LINK_RE.fullmatch(text):
        text = m[1]
    text = text.removeprefix("@").strip()
    if _USERNAME_RE.fullmatch(text):
        return text
    if text.isdigit():
        say(f"Telegram用户名{quote(raw)}是一串数字，像是 Telegram ID，请填到“Telegram ID”一栏。")
    else:
        say(
            f"Telegram用户名{quote(raw)}不对：用户名由英文字母开头，"
            "4到32位字母、数字或下划线（不知道可以不填）。"
        )
    return None


def _telegram_id(raw: str, say: _Say) -> int | None:
    text = "".join(unicodedata.normalize("NFKC", raw).split())
    if not text:
        return None
    if re.fullmatch(r"\d+", text) and 0 < int(text) < _MAX_TELEGRAM_ID:
        return int(text)
    if re.fullmatch(r"[\d.]+E\+?\d+", text, re.IGNORECASE):
        say(
            f"Telegram ID{quote(raw)}被 Excel 显示成了科学计数法，数字已经不完整。"
            "请把这一列设为“文本”格式后重新填写。"
        )
    else:
        say(f"Telegram ID{quote(raw)}不对，应是一串正整数（不知道可以不填）。")
    return None


def _gender(raw: str, say: _Say) -> str | None:
    text = unicodedata.normalize("NFKC", raw).strip().upper()
    if not text:
        return None
    if text in _MALE:
        return "男"
    if text in _FEMALE:
        return "女"
    say(f"性别{quote(raw)}看不懂，请填“男”或“女”（可以不填）。")
    return None


def _calendar(raw: str, say: _Say) -> Calendar | None:
    text = "".join(raw.split())
    if not text:
        return None
    if text in _SOLAR_WORDS:
        return Calendar.SOLAR
    if text in _LUNAR_WORDS:
        return Calendar.LUNAR
    say(f"历法{quote(raw)}看不懂，请填“公历”或“农历”（不填按公历）。")
    return None


def _date_text(value: Cell) -> str:
    """A date cell as the text parse_date reads; Excel serial numbers become dates too."""
    if isinstance(value, date):
        return value.isoformat()
    text = value.strip()
    if _EXCEL_SERIAL_RE.fullmatch(text):
        # A date cell in a Chinese-locale format that the reader could not recognise arrives as
        # its serial number (days since 1899-12-30); no one types a 5-digit number as a date.
        try:
            return (date(1899, 12, 30) + timedelta(days=int(text))).isoformat()
        except OverflowError:
            return text
    return text


def _birth(value: Cell, calendar: Calendar | None, today: date, say: _Say) -> BirthDate | None:
    text = _date_text(value)
    if not text:
        return None
    try:
        return parse_date(text, calendar=calendar, today=today)
    except DateError as exc:
        say(f"出生日期：{exc.message}")
        return None


def _joined(value: Cell, today: date, say: _Say) -> date | None:
    text = _date_text(value)
    if not text:
        return None
    if any(word in text for word in _LUNAR_WORDS):
        say(f"入党日期{quote(text)}请按公历填写，例如 1970-07-01。")
        return None
    if _YEAR_MONTH_RE.fullmatch(text):
        say(f"入党日期{quote(text)}请写完整的年、月、日，例如 1970-07-01。")
        return None
    try:
        return lunar_to_solar(parse_date(text, calendar=Calendar.SOLAR, today=today))
    except DateError as exc:
        say(f"入党日期：{exc.message}")
        return None


_CATEGORIES = {"党员": "党员", "中共党员": "党员", "正式党员": "党员", "预备党员": "预备党员"}
_CATEGORIES |= {"中共预备党员": "预备党员", "群众": "群众", "非党员": "群众"}
# The statuses a roster may name (storage.people.WORDS says the same for the admin's buttons).
_STATUS_WORDS = {
    "在册": "present",
    "正常": "present",
    "住院": "away",
    "休养": "away",
    "调离": "moved",
    "转出": "moved",
    "已故": "deceased",
    "去世": "deceased",
    "病故": "deceased",
}
_STATUS_RE = re.compile(r"(在册|正常|住院|休养|调离|转出|已故|去世|病故)[\s,，:：(（]*(.*?)[)）]?")


def _category(raw: str, say: _Say) -> str:
    text = "".join(unicodedata.normalize("NFKC", raw).split())
    if not text:
        return ""
    found = _CATEGORIES.get(text)
    if found is None:
        say(f"“党员类别”{quote(raw)}看不懂，请填“党员”“预备党员”或“群众”（可以不填）。")
        return ""
    return found


def _is_probationary(raw: str, affiliation: str) -> bool:
    words = {"".join(unicodedata.normalize("NFKC", t).split()) for t in (raw, affiliation)}
    return bool(words & {"预备党员", "中共预备党员"})


def _dated(value: Cell, column: str, today: date, say: _Say) -> date | None:
    text = _date_text(value)
    if not text:
        return None
    try:
        return lunar_to_solar(parse_date(text, calendar=Calendar.SOLAR, today=today))
    except DateError as exc:
        say(f"{column}：{exc.message}")
        return None


def _status(raw: str, today: date, say: _Say) -> tuple[str | None, date | None]:
    """状态: blank, or a status word with the day it began ("已故 2026-11-20")."""
    text = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not text:
        return None, None
    found = _STATUS_RE.fullmatch(text)
    if found is None:
        say(
            f"“状态”{quote(raw)}看不懂，请填 在册、住院、休养、调离、转出 或 已故"
            "（已故可写日期，例如“已故 2026-11-20”；在册的可以空着）。"
        )
        return None, None
    status = _STATUS_WORDS[found[1]]
    when = found[2].strip()
    if not when:
        return status, None
    try:
        return status, lunar_to_solar(parse_date(when, calendar=Calendar.SOLAR, today=today))
    except DateError as exc:
        say(f"状态里的日期：{exc.message}")
        return None, None


def _party_member(raw: str, affiliation: str, joined: date | None, say: _Say) -> bool | None:
    text = "".join(unicodedata.normalize("NFKC", raw).split()).upper()
    if text:
        if text in _YES:
            return True
        if text in _NO:
            return False
        say(f"“党员”一栏{quote(raw)}看不懂，请填“是”或“否”（不填时，有入党日期算党员）。")
        return None
    affiliation = "".join(affiliation.split())
    if affiliation:
        return affiliation in _CPC
    return joined is not None


_PHONE_RE = re.compile(r"[+]?[\d\s()\-—－/、,，;；转]+")


def _phone(raw: str, say: _Say) -> str | None:
    """A phone number (or two) as written; digits, spaces, dashes, brackets and separators only,
    so that a name or a date put in the wrong column is caught."""
    text = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not text:
        return None
    digits = sum(c.isdigit() for c in text)
    if len(text) > MAX_PHONES or not _PHONE_RE.fullmatch(text) or digits < 5:
        say(f"电话{quote(raw)}看不懂，请只写号码，例如 13812345678 或 0571-87654321（可以不填）。")
        return None
    return text


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
