"""The fictional branch the demo plays: twenty retirees, their secretary among them, a member of
the bureau's staff, and the group "老干之家". All names, dates and ids are made up.

Ten are party members and ten are not; four count their birthday by the lunar calendar; 王建国
turns 80 (农历五月十四, 2026-06-28), 李秀英 has been in the party fifty years on 七一, and 孙桂芝
is in hospital (备注 住院 on the roster). `roster_rows` is the sample roster the secretary
imports (bot/demo/samples.py writes it as .xlsx).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

GROUP_ID = -1001000000001
GROUP_TITLE = "老干之家"
BOT_NAME = "银龄学习助手"
BOT_USERNAME = "yinling_demo_bot"

Role = Literal["secretary", "committee", "member", "staff"]
ROLE_TITLES: dict[Role, str] = {"secretary": "支部书记", "committee": "支委", "staff": "老干科"}


@dataclass(frozen=True)
class Person:
    """Someone in the group: as Telegram knows them and as the roster lists them."""

    user_id: int
    name: str
    gender: str  # 男 / 女
    birth: str  # as the roster has it: "1946-06-12" or "农历1946年五月十四"
    joined: str | None = None  # 入党日期; None: not a party member
    note: str = ""  # 备注
    role: Role = "member"
    username: str | None = None
    id_on_roster: bool = True  # else the roster names them by username only

    @property
    def party_member(self) -> bool:
        return self.joined is not None

    @property
    def label(self) -> str:
        """The name as the demo shows it: 周建华（支部书记）."""
        title = ROLE_TITLES.get(self.role)
        return f"{self.name}（{title}）" if title else self.name


PEOPLE: tuple[Person, ...] = (
    # Party members.
    Person(2001, "周建华", "女", "1956-03-08", "1978-03-20", role="secretary"),
    Person(2002, "吴志强", "男", "1952-11-02", "1975-05-04", role="committee"),
    Person(2003, "王建国", "男", "农历1946年五月十四", "1972-10-15"),
    Person(2004, "李秀英", "女", "1948-09-21", "1976-07-01"),
    Person(2005, "张德明", "男", "1944-12-30", "1966-03-15"),
    Person(2006, "刘桂芳", "女", "农历1950年八月初三", "1980-11-20"),
    Person(2007, "陈志远", "男", "1941-04-05", "1962-08-01"),
    Person(2008, "杨淑华", "女", "1953-02-14", "1983-12-26"),
    Person(
        2009,
        "黄国庆",
        "男",
        "1949-10-01",
        "1979-04-10",
        username="huang_guoqing",
        id_on_roster=False,
    ),
    Person(2010, "孙桂芝", "女", "1945-07-20", "1970-05-18", note="住院"),
    # Not party members (群众).
    Person(2011, "马玉兰", "女", "1951-05-06"),
    Person(2012, "胡振华", "男", "1947-08-18"),
    Person(2013, "郭淑珍", "女", "农历1949年腊月初八"),
    Person(2014, "何文斌", "男", "1955-01-23"),
    Person(2015, "高丽华", "女", "1950-06-03"),
    Person(2016, "林德顺", "男", "农历1943年三月十二"),
    Person(2017, "罗秀珍", "女", "1952-10-10"),
    Person(2018, "梁志诚", "男", "1946-02-27"),
    Person(2019, "宋玉梅", "女", "1954-09-09"),
    Person(2020, "郑家和", "男", "1938-11-11"),
)
STAFF = Person(3001, "许晓燕", "女", "1988-04-16", role="staff")
EVERYONE: tuple[Person, ...] = (*PEOPLE, STAFF)
SECRETARY = PEOPLE[0]

ROSTER_HEADER = [
    "姓名",
    "Telegram用户名",
    "Telegram ID",
    "性别",
    "出生日期",
    "历法",
    "入党日期",
    "党员",
    "备注",
]


def person(name: str) -> Person:
    """Someone of the demo by name."""
    for someone in EVERYONE:
        if someone.name == name:
            return someone
    raise KeyError(name)


def roster_rows() -> list[list[str]]:
    """The sample roster as the branch would keep it: a header and one row per retiree."""
    rows = [list(ROSTER_HEADER)]
    for p in PEOPLE:
        lunar = p.birth.startswith("农历")
        rows.append(
            [
                p.name,
                p.username or "",
                str(p.user_id) if p.id_on_roster else "",
                p.gender,
                p.birth,
                "农历" if lunar else "公历",
                p.joined or "",
                "是" if p.party_member else "否",
                p.note,
            ]
        )
    return rows
