"""A whole month as the secretary runs it: by tapping in /menu, typing only her own words (a
topic, a greeting) and never a command's argument. Each step's effect is checked in the database
and in what the group and the secretary received (issue 13's "done when")."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import openpyxl
from sqlmodel import col, select

from bot.core import branch_settings
from bot.core.care.options import CareSettings
from bot.services import themeday as theme_day
from bot.texts import export as TE
from bot.texts import files as TFI
from bot.texts import flows as TF
from bot.texts import greetings_menu as TG
from bot.texts import push as TP
from bot.texts import quiz_menu as TQ
from bot.texts import settings as TSET
from bot.texts import themeday as TT
from storage import branches
from storage import materials as material_store
from storage.dates import BirthDate, Calendar
from storage.models import Branch, Member, OutboxMessage, Quiz, Reflection, ThemeSession
from tests.e2e.conftest import SHANGHAI
from tests.e2e.harness import COMMITTEE, GROUP_ID, RETIREES, SECRETARY, Harness
from tests.e2e.menu_helpers import last_with_buttons, tap
from tests.e2e.quiz_helpers import BANK, xlsx_bytes

WANG, LI, ZHANG, CHEN = RETIREES
TOPIC = "学习新修订的党章"
GREETING = "🎂 今天是{姓名}同志的生日，支部全体同志祝您健康长寿、阖家幸福！"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


class Secretary:
    """The secretary's side of the chat: what she types is checked to be /menu or her own
    words, never a command with arguments."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.typed: list[str] = []

    async def types(self, text: str) -> None:
        assert not text.startswith("/") or text == "/menu", f"typed a command: {text!r}"
        self.typed.append(text)
        self.harness.fake.message(SECRETARY, SECRETARY, text)
        await self.harness.settle()

    async def sends(self, **message: object) -> None:
        """A file, a photo: sent with no caption at all."""
        self.harness.fake.message(SECRETARY, SECRETARY, **message)  # type: ignore[arg-type]
        await self.harness.settle()

    async def taps(self, *labels: str) -> None:
        for label in labels:
            await tap(self.harness, SECRETARY, label)

    async def menu(self, *labels: str) -> None:
        await self.types("/menu")
        await self.taps(*labels)

    def last(self) -> str:
        return self.harness.texts(SECRETARY)[-1]


def branch_now(harness: Harness) -> Branch:
    with harness.session() as s:
        [branch] = branches.active(s)
        return branch


def documents(harness: Harness) -> list[str]:
    return [m["document"]["file_name"] for m in harness.fake.sent(SECRETARY, method="sendDocument")]


async def test_a_month_run_by_tapping(harness: Harness) -> None:
    for person in (SECRETARY, COMMITTEE, WANG, LI):
        harness.fake.start_private(person)
    await harness.start()
    await harness.setup_branch()
    for person in (COMMITTEE, *RETIREES):
        harness.fake.message(GROUP_ID, person, "大家好")
    for person in (SECRETARY, WANG, LI):
        harness.fake.message(person, person, "/start")
    await harness.settle()
    zhao = Secretary(harness)

    # 1. The theme day: the 15th at 09:00, by tapping; the topic is her own words.
    await zhao.menu(TT.MENU_TITLE, TT.MENU_SET)
    await zhao.taps("15", "09:00")
    await zhao.types(TOPIC)
    await zhao.taps(TF.CONFIRM)
    assert zhao.last().startswith("✅ 已设定")
    with harness.session() as s:
        [branch] = branches.active(s)
    rule = theme_day.rule_of(branch)
    assert rule is not None and rule.topic == TOPIC and rule.at.strftime("%H:%M") == "09:00"

    # 2. Three materials, sent privately with no caption: a PDF, a photo and a link.
    pdf = harness.fake.file(b"%PDF-1.4 dangzhang", file_name="党章学习辅导.pdf")
    await zhao.sends(document=pdf)
    await zhao.taps(TFI.AS_MATERIAL)
    photo = harness.fake.file(b"\x89PNG red boat", kind="photo")
    await zhao.sends(photo=photo)
    await zhao.taps(TFI.AS_MATERIAL)
    await zhao.types("学习专题 https://www.12371.cn/special/dangzhang/")
    await zhao.taps(TFI.AS_MATERIAL)
    with harness.session() as s:
        assert branch.id is not None
        queued = material_store.queued(s, branch.id)
    assert [m.kind for m in queued] == ["document", "photo", "link"]

    # 3. Push now, after the preview; nothing is posted before 确认发出.
    harness.clock.set(at(date(2026, 11, 27), 10))
    posted_before = len(harness.fake.sent(GROUP_ID))
    await zhao.menu(TT.MENU_TITLE, TT.MENU_PUSH)
    await zhao.taps(f"用“{TOPIC}”")
    preview = last_with_buttons(harness, SECRETARY)["text"]
    assert TOPIC in preview and "3 份" in preview
    assert len(harness.fake.sent(GROUP_ID)) == posted_before
    await zhao.taps(TP.CONFIRM_PUSH)
    assert zhao.last().startswith("✅ 已开始")
    with harness.session() as s:
        [session] = s.exec(select(ThemeSession)).all()
        assert session.topic == TOPIC and session.pushed_at is not None
        assert material_store.queued(s, branch.id) == []  # all three went out
    group = harness.fake.sent(GROUP_ID)[posted_before:]
    assert any(TOPIC in (m.get("text") or "") for m in group)
    assert any(m["_method"] in ("sendDocument", "sendMediaGroup") for m in group)
    assert any("12371.cn" in (m.get("text") or "") for m in group)

    # A member hands in a reflection by replying to the invitation.
    invitation = next(m for m in reversed(group) if "心得交流" in (m.get("text") or ""))
    harness.fake.message(
        GROUP_ID, WANG, "重温党章，深受教育，退休不褪色。", reply_to=invitation["message_id"]
    )
    await harness.settle()

    # 4. Remind now, after the preview: the group is told without names, 李秀英 privately.
    harness.clock.advance(timedelta(hours=2))
    li_before = len(harness.texts(LI))
    await zhao.menu(TP.MENU_REMIND_TITLE, TP.MENU_REMIND)
    preview = last_with_buttons(harness, SECRETARY)["text"]
    assert "李秀英" in preview and "王建国" not in preview.split("还没交")[1]
    await zhao.taps(TP.CONFIRM_REMIND)
    assert zhao.last().startswith("✅ 已提醒")
    [note] = [t for t in harness.texts(GROUP_ID) if "温馨提醒" in t]
    assert "李秀英" not in note
    assert any("心得" in t for t in harness.texts(LI)[li_before:])

    # 5. A quiz bank, sent privately with no caption, imported on a tap.
    bank = harness.fake.file(xlsx_bytes(BANK), file_name="党史知识测试.xlsx")
    await zhao.sends(document=bank)
    await zhao.taps(TFI.AS_QUIZ)
    with harness.session() as s:
        [quiz] = s.exec(select(Quiz)).all()
    assert quiz.status == "draft"

    # 6. Started privately, with 公布成绩 (after the warning).
    await zhao.menu(TQ.MENU_TITLE, TQ.MENU_START)
    await zhao.taps(quiz.title, TQ.MODE_PRIVATE, "3天", TQ.SCORES_ON, TQ.RETRY_OFF)
    assert "大家都看得到" in last_with_buttons(harness, SECRETARY)["text"]
    await zhao.taps(TF.CONFIRM)
    with harness.session() as s:
        started = s.get(Quiz, quiz.id)
        assert started is not None
        assert (started.status, started.mode, started.show_scores) == ("open", "private", True)
    assert any("开始答题" in t for t in harness.texts(GROUP_ID)[-2:])

    # 7. Closed early, after confirming.
    harness.clock.advance(timedelta(hours=5))
    await zhao.menu(TQ.MENU_TITLE, TQ.MENU_CLOSE)
    await zhao.taps(quiz.title, TF.CONFIRM)
    with harness.session() as s:
        closed = s.get(Quiz, quiz.id)
        assert closed is not None and closed.status == "closed"
    assert "结束了" in harness.texts(GROUP_ID)[-1]

    # 8. The ledger and the results, downloaded from 导出与报表.
    await zhao.menu(TE.MENU_TITLE, TE.EXPORT_LEDGER)
    await zhao.taps("11月27日")  # this month's theme day, by its date
    await zhao.menu(TE.MENU_TITLE, TE.EXPORT_QUIZ)
    await zhao.taps(quiz.title)
    files = documents(harness)
    assert any(f.startswith("学习台账") and f.endswith(".xlsx") for f in files), files
    [ledger] = [
        m for m in harness.fake.sent(SECRETARY, method="sendDocument")
        if m["document"]["file_name"].startswith("学习台账")
    ]  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(harness.fake.upload(ledger["document"]["file_id"])))
    cells = [str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "重温党章，深受教育，退休不褪色。" in cells and "李秀英" in " ".join(cells)
    assert any(f.startswith(quiz.title) and f.endswith(".xlsx") for f in files), files
    assert any(f.startswith(quiz.title) and f.endswith(".csv") for f in files), files

    # 9. The deadline to 10 days and the reminder time to 08:30, in 支部设置.
    await zhao.menu("⚙️ 支部设置", TSET.MENU_CHANGE)
    await zhao.taps(TSET.LABELS["deadline_days"], "推送后10天", TF.CONFIRM)
    await zhao.menu("⚙️ 支部设置", TSET.MENU_CHANGE)
    await zhao.taps(TSET.LABELS["reminder_time"], "08:30", TF.CONFIRM)
    settings = branch_settings.of(branch_now(harness))
    assert settings.deadline_days == 10
    assert settings.reminder_time.strftime("%H:%M") == "08:30"

    # 10. The birthday greeting, in her words with {姓名}, previewed as members see it.
    await zhao.menu(TG.MENU_TITLE, TG.MENU_EDIT)
    await zhao.taps("生日")
    await zhao.types(GREETING)
    assert "今天是王建国同志的生日" in last_with_buttons(harness, SECRETARY)["text"]
    await zhao.taps(TF.CONFIRM)
    care = CareSettings.from_options(branches.options(branch_now(harness)))
    assert care.template("birthday") == GREETING.replace("{姓名}", "{name}")

    # The month goes on by itself with what she chose: 王建国's birthday on 3 December, in her
    # words; the December theme day on the 15th at 09:00, due ten days later, reminded at 08:30.
    with harness.session() as s:
        wang = s.exec(select(Member).where(Member.user_id == WANG)).one()
        wang.birth = BirthDate(Calendar.SOLAR, 1946, 12, 3).to_storage()
        wang.on_roster = True
        s.add(wang)
        s.commit()
    harness.clock.set(at(date(2026, 12, 3), 8, 30))
    await harness.tick()
    assert any(
        "今天是王建国同志的生日，支部全体同志祝您健康长寿" in t for t in harness.texts(GROUP_ID)
    )
    harness.clock.set(at(date(2026, 12, 15), 9))
    await harness.tick()
    with harness.session() as s:
        december = s.exec(select(ThemeSession).order_by(col(ThemeSession.id).desc())).first()
        assert december is not None and december.local_date == date(2026, 12, 15)
        assert december.topic == TOPIC
        assert december.deadline.astimezone(SHANGHAI).date() == date(2026, 12, 25)
        reflections = s.exec(select(Reflection)).all()
        reminders = s.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "reflect.reminder")
        ).all()
    assert len(reflections) == 1 and len(reminders) >= 1
    harness.clock.set(at(date(2026, 12, 17), 8, 30))
    await harness.tick()
    assert [t for t in harness.texts(GROUP_ID) if "温馨提醒" in t and "12月25日" in t]

    # She typed /menu and her own words, nothing else; every button press was answered.
    assert {t for t in zhao.typed if t.startswith("/")} == {"/menu"}
    assert harness.fake.unanswered_callbacks() == []
