"""`yinling demo` as a newcomer meets it: one command, no token, no network, and a month of a
fictional branch plays against the Bot API double, printed chat by chat and written as a chat
page with the exports beside it.

The whole month is played once (fast: the pauses a person needs are all but gone) and each test
checks one step of it from the bot's own records and from the transcript: it happened, once.
The page is then opened in a real browser, and the sockets the demo opened are accounted for.
One module (a little over 500 lines) because they all share that one playing of the month.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlmodel import Session, col, select

from bot.__main__ import main
from bot.cli.demo import MARKER, Demo, prepare, show
from bot.core.care.options import CareSettings
from bot.demo import browser, scenes
from bot.demo.page import day_anchor
from bot.demo.transcript import Entry
from bot.demo.world import GROUP_ID, PEOPLE, STAFF, person
from bot.texts import demo as T
from storage import branches
from storage.db import Database
from storage.models import (
    Activity,
    ActivitySignup,
    Branch,
    Member,
    MemberStatusLog,
    Quiz,
    QuizAttempt,
    Reflection,
    ThemeSession,
    Visit,
)
from storage.quiz import score_of

SPEED = 500.0  # every pause a person needs is all but gone
SOCKET_EVENTS = frozenset(
    {
        "socket.bind",
        "socket.connect",
        "socket.sendto",
        "socket.sendmsg",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
    }
)
# Installed in every Python the demo starts (the sandbox that parses spreadsheets): records
# what it does with sockets, and that it was there at all.
SITECUSTOMIZE = """
import os, socket, sys
_log = os.environ.get("YINLING_TEST_SOCKET_LOG")
if _log:
    _EVENTS = %r
    def _hook(event, args):
        if event in _EVENTS:
            shown = tuple(a for a in args if not isinstance(a, socket.socket))
            with open(_log, "a", encoding="utf-8") as f:
                f.write(f"{os.getpid()} {event} {shown!r}\\n")
    sys.addaudithook(_hook)
    with open(_log, "a", encoding="utf-8") as f:
        f.write(f"{os.getpid()} started {sys.orig_argv!r}\\n")
"""
PROXY = "http://10.255.255.1:3128"  # nowhere: a demo that used it would hang and fail

_recording: list[str] | None = None
_hooked = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _recording is not None and event in SOCKET_EVENTS:
        shown = tuple(a for a in args if not isinstance(a, socket.socket))
        _recording.append(f"{os.getpid()} {event} {shown!r}")


@dataclass
class Played:
    demo: Demo
    output: str
    sockets: list[str]  # this process's socket events, then the children's log
    seconds: float


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Played]:
    global _recording, _hooked
    base = tmp_path_factory.mktemp("demo")
    hooks = base / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE % (set(SOCKET_EVENTS),))
    log = base / "sockets.log"
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTHONPATH", os.pathsep.join([str(hooks), os.environ.get("PYTHONPATH", "")]))
        mp.setenv("YINLING_TEST_SOCKET_LOG", str(log))
        # What a real set-up on this machine might have: none of it may reach the demo.
        for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "all_proxy"):
            mp.setenv(name, PROXY)
        for name in ("NO_PROXY", "no_proxy"):
            mp.setenv(name, "")
        mp.setenv("YINLING_DATABASE_URL", f"sqlite:///{base / 'real.db'}")
        mp.setenv("YINLING_API_BASE_URL", "https://api.telegram.org/bot")
        mp.setenv("YINLING_PROXY", "socks5://10.255.255.1:1080")
        _recording = []
        began = time.monotonic()
        try:
            demo = show(base / "month", speed=SPEED, out=out)
        finally:
            events, _recording = _recording, None
        seconds = time.monotonic() - began
    assert demo is not None and demo.finished
    children = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    assert not (base / "real.db").exists()
    yield Played(demo, out.getvalue(), events + children, seconds)


@pytest.fixture(scope="module")
def db(played: Played) -> Iterator[Session]:
    database = Database(f"sqlite:///{played.demo.data_dir / 'yinling.db'}")
    try:
        with Session(database.engine) as session:
            yield session
    finally:
        database.dispose()


# --- reading the transcript ------------------------------------------------------------------


def bot_messages(played: Played, chat_id: int) -> list[Entry]:
    recorder = played.demo.recorder
    return [
        e
        for e in recorder.entries
        if e.kind == "message" and e.chat_id == chat_id and e.user_id == recorder.fake.bot_id
    ]


def text_of(entry: Entry) -> str:
    return str(entry.message.get("text") or entry.message.get("caption") or "")


def texts(played: Played, chat_id: int, containing: str) -> list[Entry]:
    return [e for e in bot_messages(played, chat_id) if containing in text_of(e)]


def names(db: Session, member_ids: set[int]) -> set[str]:
    rows = db.exec(select(Member).where(col(Member.id).in_(member_ids))).all()
    return {m.name for m in rows}


def member_id(db: Session, name: str) -> int:
    row = db.exec(select(Member).where(Member.name == name)).one()
    assert row.id is not None
    return row.id


# --- the command ----------------------------------------------------------------------------


def test_it_says_first_and_last_that_it_is_a_simulation_and_takes_seconds(
    played: Played,
) -> None:
    lines = played.output.splitlines()
    demo = played.demo
    assert played.output.startswith(T.SIMULATION)
    done = T.DONE.format(page=demo.page, exports=demo.folder / "exports", data=demo.data_dir)
    assert played.output.endswith(done + "\n")
    assert played.seconds < 60, f"the demo took {played.seconds:.0f} s"
    # The chats as people see them: names, local times, buttons and files.
    assert " 【老干之家（群聊）】" in lines
    assert " 【郑家和 与机器人的私聊】" in lines
    assert "  09:00 银龄学习助手 🤖：📅 6月15日（周一） 主题党日" in lines
    assert "        [📝 提交心得]" in lines
    assert "  09:00 银龄学习助手 🤖：📎 党章第一章（学习辅导）.pdf（1 KB）" in lines
    assert "  10:05 👆 郑家和 点了 [📝 提交心得]" in lines
    assert "  — 6月28日（周日） —" in lines
    # What changed later is shown when it changes: each edit, each poll's closing with results.
    edits = [e for e in demo.recorder.entries if e.kind == "edit"]
    assert len(edits) >= 12  # three members' four answered questions at least
    assert sum("：✏️ （修改了" in line for line in lines) == len(edits)
    assert sum(T.POLL_CLOSED in line for line in lines) == 5
    assert "        ✅ B. 1921年 — 9票" in lines
    assert [s.title for s in played.demo.recorder.scenes] == [s.title for s in scenes.SCENES]


def test_a_folder_with_other_things_in_it_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["demo", "--dir", str(tmp_path)]) == 2
    assert "不是空文件夹" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_an_earlier_demo_folder_is_emptied_and_a_new_one_made(tmp_path: Path) -> None:
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / MARKER).write_text("yinling demo\n")
    (earlier / "demo.html").write_text("old")
    (earlier / "data").mkdir()
    assert prepare(earlier) == earlier.resolve()
    assert sorted(p.name for p in earlier.iterdir()) == [MARKER]
    fresh = prepare(tmp_path / "new" / "demo")
    assert fresh.is_dir() and (fresh / MARKER).is_file()
    made = prepare(None)
    try:
        assert made.name.startswith("yinling-demo-") and (made / MARKER).is_file()
    finally:
        shutil.rmtree(made)


# --- the month, step by step -----------------------------------------------------------------


def test_the_roster_is_imported_with_everyone_linked(db: Session) -> None:
    members = db.exec(select(Member).where(Member.on_roster)).all()
    assert len(members) == 20
    assert sum(m.party_member for m in members) == 10
    assert all(m.user_id is not None for m in members)  # 黄国庆 by his username
    assert sum(1 for m in members if (m.birth or "").startswith("L")) == 4
    assert {m.name for m in members if m.note == "住院"} == {"孙桂芝"}
    # The secretary marked her 住院 after the import (by tapping, logged).
    assert {m.name for m in members if m.status == "away"} == {"孙桂芝"}
    [change] = db.exec(select(MemberStatusLog)).all()
    assert (change.new_status, change.source) == ("away", "button")


def test_the_theme_day_is_pushed_once_at_nine_with_its_two_materials(
    played: Played, db: Session
) -> None:
    [session] = [
        t for t in db.exec(select(ThemeSession)).all() if t.local_date == date(2026, 6, 15)
    ]
    assert session.key == "rule:2026-06-15" and session.pushed_at is not None
    pushed = [e for e in bot_messages(played, GROUP_ID) if e.at.date() == date(2026, 6, 15)]
    assert [(e.at.strftime("%H:%M"), kind(e)) for e in pushed[:4]] == [
        ("09:00", "text"),
        ("09:00", "document"),
        ("09:00", "photo"),
        ("09:00", "text"),
    ]
    header, pdf, photo, invitation = pushed[:4]
    assert "主题党日" in text_of(header) and scenes.THEME in text_of(header)
    assert pdf.message["document"]["file_name"] == "党章第一章（学习辅导）.pdf"
    assert "南湖红船" in text_of(photo)
    assert [
        b["text"] for row in invitation.message["reply_markup"]["inline_keyboard"] for b in row
    ] == ["📝 提交心得"]
    assert len([e for e in texts(played, GROUP_ID, "学习主题") if e.at.month == 6]) == 1


def test_the_secretary_sets_the_theme_day_and_pushes_by_tapping(
    played: Played, db: Session
) -> None:
    zhou = scenes.ZHOU.user_id
    [saved] = texts(played, zhou, "已设定")
    assert "每月15日 09:00" in text_of(saved) and scenes.THEME in text_of(saved)
    # The push by hand on 七一: previewed, then posted once after 确认发出.
    [preview] = texts(played, zhou, "预览：现在推送主题党日")
    assert scenes.PUSH_TOPIC in text_of(preview) and "代替本月 7月15日" in text_of(preview)
    sessions = db.exec(select(ThemeSession).order_by(col(ThemeSession.id))).all()
    assert [(t.local_date, t.topic) for t in sessions] == [
        (date(2026, 6, 15), scenes.THEME),
        (date(2026, 7, 1), scenes.PUSH_TOPIC),
    ]
    assert sessions[1].key.startswith("push:flow:") and sessions[1].pushed_at is not None
    pushed = [e for e in texts(played, GROUP_ID, scenes.PUSH_TOPIC) if e.at.date().day == 1]
    assert [e.at.strftime("%H:%M") for e in pushed] == ["10:00", "10:00"]  # header, invitation


def kind(entry: Entry) -> str:
    for name in ("document", "photo", "voice", "poll"):
        if name in entry.message:
            return name
    return "text"


def test_every_reflection_is_recorded_and_thanked_once(played: Played, db: Session) -> None:
    rows = db.exec(select(Reflection)).all()
    by_name = {n: r for r in rows for n in names(db, {r.member_id})}
    assert len(rows) == len(by_name) == 13
    assert Counter(r.kind for r in rows) == {"text": 7, "voice": 4, "photo": 2}
    assert {n for n, r in by_name.items() if r.late} == {"林德顺"}
    assert {n for n, r in by_name.items() if r.via == "private"} == {"郑家和", "刘桂芳"}
    # Each one is thanked once, by name: in the group's combined thanks, in a reply, or
    # privately where it came.
    thanks = [
        text_of(e)
        for chat in {GROUP_ID, *(p.user_id for p in PEOPLE)}
        for e in bot_messages(played, chat)
        if text_of(e).startswith("已收到")
    ]
    for name in by_name:
        assert sum(f"{name}同志" in t for t in thanks) == 1, name


def test_the_reminder_names_only_the_missing_and_reaches_them_privately(
    played: Played, db: Session
) -> None:
    [note] = texts(played, GROUP_ID, "温馨提醒")
    assert note.at == datetime(2026, 6, 17, 9, 0, tzinfo=note.at.tzinfo)
    submitted_before = {
        n
        for r in db.exec(select(Reflection)).all()
        if r.submitted_at.astimezone(note.at.tzinfo) < note.at
        for n in names(db, {r.member_id})
    }
    # 孙桂芝 is in hospital: not expected, not reminded.
    missing = {p.name for p in PEOPLE} - submitted_before - {"孙桂芝"}
    assert len(missing) == 9
    # The group hears a warm general note that names nobody.
    assert not any(p.name in text_of(note) for p in PEOPLE)
    assert "不着急" in text_of(note)
    reminded = {
        p.name
        for p in PEOPLE
        for e in bot_messages(played, p.user_id)
        if "还没收到您的" in text_of(e)
    }
    with_private_chat = {"刘桂芳", "林德顺", "郭淑珍"}  # of the missing, those who pressed START
    assert reminded == with_private_chat
    assert all(
        len([e for e in bot_messages(played, person(n).user_id) if "还没收到您的" in text_of(e)])
        == 1
        for n in reminded
    )


def test_the_quizzes_are_scored_and_summed_up_kindly(played: Played, db: Session) -> None:
    quizzes = {q.title: q for q in db.exec(select(Quiz)).all()}
    group, private = quizzes["迎七一党史知识测试"], quizzes["七一知识小测"]
    assert (group.mode, group.status, private.mode, private.status) == (
        "group",
        "closed",
        "private",
        "closed",
    )

    def scores(quiz: Quiz) -> dict[str, int]:
        assert quiz.id is not None
        attempts = db.exec(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz.id)).all()
        return {
            n: score_of(db, a.id, quiz.id).points
            for a in attempts
            if a.id is not None
            for n in names(db, {a.member_id})
        }

    assert scores(group) == {
        "王建国": 6,
        "李秀英": 6,
        "吴志强": 6,
        "张德明": 3,
        "陈志远": 5,
        "马玉兰": 4,
        "高丽华": 5,
        "胡振华": 6,
        "罗秀珍": 5,
        "郑家和": 6,
    }
    assert scores(private) == {"王建国": 5, "刘桂芳": 2, "李秀英": 5}
    [summary] = texts(played, GROUP_ID, "迎七一党史知识测试”结束了")
    assert "共有10位同志参加，平均得分5.2分（满分6分）" in text_of(summary)
    assert "张德明" not in text_of(summary)  # nobody named for a score in the group
    [summary] = texts(played, GROUP_ID, "七一知识小测”结束了")
    assert "共有3位同志参加，平均得分4分（满分5分）" in text_of(summary)
    polls = [e.message["poll"] for e in bot_messages(played, GROUP_ID) if "poll" in e.message]
    assert len(polls) == 5 and all(p["is_closed"] for p in polls)
    assert [p["total_voter_count"] for p in polls] == [10, 10, 10, 10, 9]
    [total] = texts(played, person("王建国").user_id, "全部答完了")
    assert "您的得分：5分（满分5分）" in text_of(total)


def test_the_exports_open_in_openpyxl(played: Played) -> None:
    exports = {p.name: p for p in played.demo.exports}
    ledger = next(
        p for name, p in exports.items() if name.startswith("学习台账") and name.endswith(".xlsx")
    )
    assert any(name.startswith("学习台账") and name.endswith(".zip") for name in exports)
    book = openpyxl.load_workbook(ledger, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    flat = ["|".join(str(v) for v in row if v is not None) for row in rows]
    assert sum("林德顺" in line for line in flat) == 1
    # 孙桂芝 is in hospital: not asked for a reflection, so no 未交 row of hers.
    assert sum(any(p.name in line for p in PEOPLE) for line in flat) == 19
    assert not any("孙桂芝" in line for line in flat)
    for title, taking_part in (("迎七一党史知识测试", 10), ("七一知识小测", 3)):
        [workbook] = [
            p for name, p in exports.items() if name.startswith(title) and name.endswith(".xlsx")
        ]
        assert any(name.startswith(title) and name.endswith(".csv") for name in exports)
        book = openpyxl.load_workbook(workbook, read_only=True)
        scores = [r for r in book.worksheets[0].iter_rows(min_row=2, values_only=True) if r[0]]
        book.close()
        assert len(scores) == taking_part, title
    assert {p.name for p in played.demo.files} >= {"示例名单.xlsx", "党史题库.xlsx"}
    # The page links every document to its copy beside it (the pushed PDF to the one sent).
    links = re.findall(r'<a class="doc" href="([^"]+)"', played.demo.page.read_text("utf-8"))
    assert len(links) == 12 and links.count("files/党章第一章（学习辅导）.pdf") == 2
    assert any(link.startswith("exports/老干之家_2026年工作数据") for link in links)
    assert all((played.demo.folder / html.unescape(link)).is_file() for link in links)
    # Only ever sent privately, and only to staff or admins.
    recorder = played.demo.recorder
    for entry in recorder.entries:
        if entry.user_id == recorder.fake.bot_id and entry.message.get("document", {}).get(
            "file_name", ""
        ).startswith(("学习台账", "迎七一", "七一")):
            assert entry.chat_id == STAFF.user_id


def test_the_secretary_rewrites_the_birthday_greeting_by_tapping(
    played: Played, db: Session
) -> None:
    zhou = person("周建华").user_id
    [summary] = texts(played, zhou, "的新祝福语，大家看到的样子")
    assert "{" not in text_of(summary) and "天热了，请多喝水" in text_of(summary)
    branch = db.exec(select(Branch)).one()
    stored = CareSettings.from_options(branches.options(branch)).template("birthday_round")
    assert stored == scenes.BIRTHDAY_WORDS.replace("{姓名}", "{name}").replace("{年龄}", "{age}")


def test_greetings_come_on_their_days(played: Played) -> None:
    wang, li = person("王建国").user_id, person("李秀英").user_id

    def when(chat: int, words: str) -> list[tuple[int, date, str]]:
        return [(chat, e.at.date(), e.at.strftime("%H:%M")) for e in texts(played, chat, words)]

    june_28, july_1 = date(2026, 6, 28), date(2026, 7, 1)
    # The group wishes him a happy birthday without his age; the 80 is said privately.
    assert when(GROUP_ID, "王建国同志的生日") == [(GROUP_ID, june_28, "08:30")]
    assert not texts(played, GROUP_ID, "80岁")
    assert when(wang, "80岁大寿") == [(wang, june_28, "08:30")]
    assert when(GROUP_ID, "中国共产党成立纪念日") == [(GROUP_ID, july_1, "08:30")]
    assert when(GROUP_ID, "入党50周年") + when(li, "入党50周年") == [
        (GROUP_ID, july_1, "08:30"),
        (li, july_1, "08:30"),
    ]
    # The private greeting has the words the secretary wrote in /menu, his name filled in.
    [private] = texts(played, wang, "80岁大寿")
    assert "王建国同志，您好！" in text_of(private) and "天热了，请多喝水" in text_of(private)
    # Nobody else is greeted for a birthday or a party anniversary this month (the secretary's
    # /menu shows him greetings as members will see them: those are no greetings).
    recorder = played.demo.recorder
    greetings = [
        e
        for e in recorder.entries
        if e.user_id == recorder.fake.bot_id
        and re.search(r"寿辰|大寿|生日快乐|入党\d+周年", text_of(e))
        and "大家看到的样子" not in text_of(e)
    ]
    assert len(greetings) == 4


def test_the_outing_is_signed_up_for_and_the_visit_recorded(played: Played, db: Session) -> None:
    [outing] = db.exec(select(Activity)).all()
    assert outing.title == "秋游：参观红旗村史馆" and outing.capacity == 30
    answers = {
        member_id_name: (row.status, row.family)
        for row in db.exec(select(ActivitySignup).where(ActivitySignup.activity_id == outing.id))
        for member_id_name in [db.get(Member, row.member_id).name]  # type: ignore[union-attr]
    }
    assert answers == {
        "王建国": ("going", False),
        "李秀英": ("going", True),
        "张德明": ("going", False),
        "黄国庆": ("declined", False),
    }
    # The card in the group was edited to the counts, never naming anyone.
    recorder = played.demo.recorder
    cards = [
        re.sub(r"<[^>]+>", "", text_of(e))
        for e in recorder.entries
        if e.chat_id == GROUP_ID and "秋游：参观红旗村史馆" in text_of(e)
    ]
    assert "✋ 已报名 4人（含家属1人），还剩26个名额；不参加1人" in cards[-1]
    assert not any(name in card for card in cards for name in answers)
    [visit] = db.exec(select(Visit)).all()
    assert (visit.member_id, visit.kind, visit.amount) == (member_id(db, "孙桂芝"), "birthday", 500)
    assert visit.visited_on == date(2026, 7, 13) and visit.visitors == "许晓燕"
    [said] = texts(played, STAFF.user_id, "2026年工作数据（截至7月13日）")
    assert "🤝 走访慰问 1 次（生日祝寿 1），看望 1 位同志，慰问金 500 元。" in text_of(said)


# --- nothing but the double ------------------------------------------------------------------


def test_the_demo_opens_no_socket_but_the_doubles_on_127_0_0_1(played: Played) -> None:
    port = int(played.demo.api_url.rsplit(":", 1)[1])
    started = [line for line in played.sockets if " started " in line]
    assert any("bot.runtime.sandbox" in line for line in started), "no child was watched"
    events = [line.split(" ", 2)[1:] for line in played.sockets if " started " not in line]
    assert events, "nothing was recorded"
    for event, args in events:
        if event == "socket.bind":  # the double's server
            assert args == "(('127.0.0.1', 0),)", args
        elif event == "socket.connect":  # the bot's calls to it
            assert args == f"(('127.0.0.1', {port}),)", args
        elif event == "socket.getaddrinfo":  # looking up its address
            assert re.match(rf"\(b?'127\.0\.0\.1', ({port}|0|None)\b", args), args
        else:
            raise AssertionError(f"{event} {args}")


# --- the page in a browser -------------------------------------------------------------------


def chromium() -> str:
    found = browser.find()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is needed in CI (.ci/run installs Debian's chromium)")
        pytest.skip("Chromium is not installed here (apt-get install -y chromium)")
    return found


def test_the_chat_page_renders_chats_buttons_and_poll_results(
    played: Played, tmp_path: Path
) -> None:
    path = chromium()
    page = played.demo.page
    recorder = played.demo.recorder
    dom = browser.dump_dom(path, page)
    assert dom.count('<section class="chat') == len(recorder.chats)
    bubbles = [e for e in recorder.entries if e.kind in ("message", "edit")]
    assert dom.count('<div class="msg ') == len(bubbles)
    # A private quiz's question as it came, with its big buttons, then as the answer left it.
    assert '<span class="button">A. 实现共产主义</span>' in dom
    assert dom.count("✏️ 修改了 14:11 的消息") >= 4
    assert not re.search(r"src=\"https?:|<link|@import|url\(", dom)  # nothing fetched

    # What the browser laid out: the group shown first, its bubbles, the buttons, each poll's
    # bars as long as its share of the votes, every photo decoded.
    measuring = tmp_path / "measured.html"
    measuring.write_text(
        page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8"
    )
    found = re.search(r'<pre id="measured">(.*?)</pre>', browser.dump_dom(path, measuring))
    assert found is not None, "the page did not finish loading"
    seen = json.loads(html.unescape(found[1]))
    in_group = [e for e in bubbles if e.chat_id == GROUP_ID and "new_chat_members" not in e.message]
    assert seen["group"] == "block" and seen["bubbles"] == len(in_group)
    # The June and July invitations, the quiz's start, and the outing's card as sent and as
    # edited: each button a full-width row of its bubble, big enough for a thumb.
    card = ["✋ 我参加", "👨\u200d👩 带家属参加", "🙅 不参加"]
    assert [label for label, _, _ in seen["buttons"]] == [
        "📝 提交心得 ↗",
        "✅ 开始答题 ↗",
        "📝 提交心得 ↗",
        *card,
        *card,
    ]
    assert all(width > 140 and height > 25 for _, width, height in seen["buttons"])
    polls = [e.message["poll"] for e in recorder.entries if "poll" in e.message]
    options = [
        (o, i in p["correct_option_ids"], p["total_voter_count"])
        for p in polls
        for i, o in enumerate(p["options"])
    ]
    assert len(seen["bars"]) == len(options) == 20
    for (shown_right, bar, width, votes), (option, right, total) in zip(
        seen["bars"], options, strict=True
    ):
        assert shown_right == right
        assert votes == f"{option['voter_count']}票"
        assert abs(bar / width - option["voter_count"] / total) < 0.02, (bar, width, option)
    assert seen["photos"] == [
        [True, 480, 300],
        [True, 360, 480],
        [True, 360, 480],
        [True, 480, 300],
    ]

    # And drawn: a phone-sized picture of the theme day that is more than an empty page.
    shot = browser.screenshot(
        path,
        page,
        tmp_path / "theme-day.png",
        width=420,
        height=1400,
        fragment=day_anchor(GROUP_ID, date(2026, 6, 15)),
    )
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (420, 1400)
    assert len(data) > 60_000  # a blank page of that size is a few kilobytes


# Added to a copy of the page: what the browser laid out, as JSON at the end of the DOM.
MEASURE = """<script>
window.addEventListener("load", () => {
  const box = (el) => el.getBoundingClientRect();
  const group = document.getElementById("chat-group");
  const seen = {
    group: getComputedStyle(group).display,
    bubbles: [...group.querySelectorAll(".bubble")].filter((b) => box(b).height > 0).length,
    buttons: [...group.querySelectorAll(".button")].map((b) =>
      [b.textContent, box(b).width, box(b).height]),
    bars: [...group.querySelectorAll(".option")].map((o) => [o.classList.contains("right"),
      box(o.querySelector(".bar")).width, box(o).width, o.querySelector(".votes").textContent]),
    photos: [...document.querySelectorAll("img.photo")].map((i) =>
      [i.complete, i.naturalWidth, i.naturalHeight]),
  };
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify(seen);
  document.body.appendChild(out);
});
</script>"""


# --- Ctrl-C ----------------------------------------------------------------------------------


def test_ctrl_c_stops_it_cleanly_and_keeps_what_was_shown(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", "--dir", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert child.stdout is not None
        seen = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            seen.append(line)
            if "周建华（支部书记）：/setup" in line:
                break
        else:
            raise AssertionError("the demo did not begin:\n" + "".join(seen))
        child.send_signal(signal.SIGINT)
        rest, errors = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, errors
    assert "Traceback" not in errors
    assert T.STOPPED in rest and "Nothing was sent to Telegram" in rest
    page = (folder / "demo.html").read_text(encoding="utf-8")
    assert "/setup" in page
