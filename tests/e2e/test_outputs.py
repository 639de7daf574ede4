"""What staff take to the office PC: every workbook the bot sends (study ledger, quiz results,
the yearly summary, the upload templates) opened with openpyxl and checked for reading and
printing; /summary end to end and from the command line; and every generated file pruned after
the retention period."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import func, select

from bot.__main__ import main
from bot.demo.fake.botapi import TOKEN
from bot.services.exports import RETENTION
from handlers.callbacks import BranchPick, ExportMenu, LedgerPeriod
from storage.models import Reflection
from tests.e2e.harness import GROUP_ID, RETIREES, SECRETARY, STAFF, Harness
from tests.e2e.quiz_helpers import buttons, last_with_button, press
from tests.e2e.sessions import push_session
from tests.e2e.test_quiz_results import answered_group_quiz, download
from tests.workbooks import check_workbook

WANG, LI, ZHANG, CHEN = RETIREES
LONG = "通过这次学习，我深刻认识到全会精神的重大意义。作为一名退休老党员，要继续发挥余热。" * 3


async def a_year_of_work(harness: Harness) -> int:
    """A quiz answered by two members, a theme day with three reflections, one long."""
    quiz_id = await answered_group_quiz(harness)
    _, invitation = await push_session(harness)
    f = harness.fake
    f.message(GROUP_ID, WANG, LONG, reply_to=invitation)
    f.message(GROUP_ID, LI, "学习了，深受教育。", reply_to=invitation)
    f.message(GROUP_ID, ZHANG, "第一行\n第二行", reply_to=invitation)
    await harness.settle()
    return quiz_id


async def documents(harness: Harness, chat_id: int, count: int) -> list[dict[str, object]]:
    f = harness.fake
    await f.wait_until(lambda: len(f.sent(chat_id, method="sendDocument")) >= count, timeout=20)
    await harness.settle()
    return f.sent(chat_id, method="sendDocument")


def content(harness: Harness, doc: dict[str, object]) -> bytes:
    document = doc["document"]
    assert isinstance(document, dict)
    return harness.fake.upload(str(document["file_id"]))


async def summary_by_chat(harness: Harness, user: int = STAFF, text: str = "/summary") -> None:
    harness.fake.message(user, user, text)
    await harness.settle()


async def test_every_workbook_the_bot_sends_reads_and_prints_well(harness: Harness) -> None:
    quiz_id = await a_year_of_work(harness)
    f = harness.fake

    results, _, _ = await download(harness, quiz_id)
    csv_doc = f.sent(STAFF, method="sendDocument")[-1]
    assert "WPS 或 LibreOffice" in csv_doc["caption"] and ".xlsx" in csv_doc["caption"]

    f.message(STAFF, STAFF, "/export")
    await harness.settle()
    menu = last_with_button(harness, STAFF, ExportMenu.prefix)
    press(harness, STAFF, STAFF, menu, ExportMenu("ledger", 1).build())
    await harness.settle()
    periods = last_with_button(harness, STAFF, LedgerPeriod.prefix)
    press(harness, STAFF, STAFF, periods, LedgerPeriod("y", 1).build())
    ledger_doc = (await documents(harness, STAFF, 3))[2]  # no zip: no voice or photos

    await summary_by_chat(harness)
    summary_doc = (await documents(harness, STAFF, 4))[3]

    f.message(SECRETARY, SECRETARY, "/start")
    f.message(SECRETARY, SECRETARY, "/quiz template")
    f.message(SECRETARY, SECRETARY, "/roster template")
    quiz_template, roster_template = await documents(harness, SECRETARY, 2)

    ledger = check_workbook(content(harness, ledger_doc), charts=frozenset({"参与情况汇总"}))
    check_workbook(results, charts=frozenset({"各题正确率"}))
    check_workbook(content(harness, summary_doc), charts=frozenset({"每月参与", "主题党日"}))
    check_workbook(content(harness, quiz_template))
    check_workbook(content(harness, roster_template))

    details = ledger["台账明细"]
    wang = next(r for r in details.iter_rows(min_row=2) if r[2].value == "王建国")
    assert wang[7].value == LONG and wang[7].alignment.wrap_text
    assert details.row_dimensions[wang[0].row].height >= 3 * 15  # its lines all show
    assert details.page_setup.orientation == "landscape"
    assert details.oddHeader.left.text.startswith("老干之家")
    assert "2026-01-01 至 2026-11-26" in details.oddHeader.left.text


async def test_staff_get_the_years_figures_privately(harness: Harness) -> None:
    await a_year_of_work(harness)
    f = harness.fake
    await summary_by_chat(harness)
    [doc] = await documents(harness, STAFF, 1)
    working, text = harness.texts(STAFF)[:2]
    assert working == "好的，正在整理老干之家2026年的工作数据，请稍候……"
    assert text.splitlines()[:6] == [
        "📊 老干之家 2026年工作数据（截至11月26日）",
        "🗓 主题党日 1 次，推送学习材料 0 份。",
        "📝 收到心得体会 3 份（文字 3），全年参与率 60%。",
        "👥 3 位同志至少参加过一次，平均每次 3 人交流发言。",
        "✅ 知识测试 1 次，共收到答卷 2 份，平均 2 分。",
        "🎂 还没有发出生日和节日问候。",
    ]
    name = doc["document"]
    assert isinstance(name, dict) and name["file_name"] == "老干之家_2026年工作数据.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(content(harness, doc)))
    overview = dict(book["全年概况"].iter_rows(min_row=2, values_only=True))
    with harness.session() as s:
        handed_in = s.exec(select(func.count()).select_from(Reflection)).one()
    assert overview["收到心得（份）"] == handed_in == 3
    assert overview["收到答卷（份）"] == 2
    assert overview["全年参与率（已交人次 ÷ 应交人次）"] == 0.6
    assert f.sent(GROUP_ID, method="sendDocument") == []

    # Another year, asked for by number: nothing then.
    await summary_by_chat(harness, text="/summary 2024")
    assert harness.texts(STAFF)[-1] == "老干之家2024年还没有可以汇总的记录。"
    await summary_by_chat(harness, text="/summary 去年")
    assert harness.texts(STAFF)[-1].startswith("请这样发送：/summary")


async def test_the_summary_is_private_and_for_admins_and_staff(harness: Harness) -> None:
    await a_year_of_work(harness)
    f = harness.fake
    f.message(GROUP_ID, SECRETARY, "/summary")
    f.message(WANG, WANG, "/summary")
    await harness.settle()
    assert "只在私聊中发送" in harness.texts(GROUP_ID)[-1]
    assert "只有支部书记、支委和老干科工作人员" in harness.texts(WANG)[-1]
    # A forged button from a member changes nothing and sends nothing.
    forged = ExportMenu("summary", 1).build()
    f.press(WANG, WANG, f.sent(WANG)[-1]["message_id"], forged, force=True)
    await harness.settle()
    assert f.sent(WANG, method="sendDocument") == []
    assert f.sent(GROUP_ID, method="sendDocument") == []

    # The secretary, privately, and from the /export menu.
    f.message(SECRETARY, SECRETARY, "/start")
    f.message(SECRETARY, SECRETARY, "/export")
    await harness.settle()
    menu = last_with_button(harness, SECRETARY, ExportMenu.prefix)
    assert ("📊 全年工作数据", ExportMenu("summary", 1).build()) in buttons(menu)
    press(harness, SECRETARY, SECRETARY, menu, ExportMenu("summary", 1).build())
    [_summary] = await documents(harness, SECRETARY, 1)
    assert f.unanswered_callbacks() == []


async def test_staff_of_several_branches_choose_one(harness: Harness) -> None:
    await a_year_of_work(harness)
    f = harness.fake
    f.add_group(-1009876543210, "第二支部", creator_id=SECRETARY, members=[STAFF])
    f.message(-1009876543210, SECRETARY, "/setup")
    await harness.settle()
    await summary_by_chat(harness, text="/summary 2026")
    question = last_with_button(harness, STAFF, BranchPick.prefix)
    assert [text for text, _ in buttons(question)] == ["老干之家", "第二支部"]
    # The tap carries out the /summary that asked, for that branch.
    press(harness, STAFF, STAFF, question, dict(buttons(question))["第二支部"])
    await harness.settle()
    assert harness.texts(STAFF)[-1] == "第二支部2026年还没有可以汇总的记录。"
    f.message(STAFF, STAFF, "/branch")
    await harness.settle()
    again = last_with_button(harness, STAFF, BranchPick.prefix)
    press(harness, STAFF, STAFF, again, dict(buttons(again))["老干之家"])
    await summary_by_chat(harness)
    [doc] = await documents(harness, STAFF, 1)
    assert "老干之家" in str(doc["caption"])
    assert f.sent(-1009876543210, method="sendDocument") == []


async def test_the_command_line_writes_the_same_summary(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await a_year_of_work(harness)
    await summary_by_chat(harness)
    [doc] = await documents(harness, STAFF, 1)
    monkeypatch.setenv("YINLING_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("YINLING_DATA_DIR", str(harness.data_dir))
    monkeypatch.setenv("YINLING_STAFF_IDS", str(STAFF))
    out = tmp_path / "新文件夹" / "汇报.xlsx"
    assert main(["export", "summary", "--year", "2026", "-o", str(out)]) == 0
    cli = check_workbook(out.read_bytes(), charts=frozenset({"每月参与"}))
    bot = openpyxl.load_workbook(io.BytesIO(content(harness, doc)))
    for title in ("全年概况", "主题党日", "知识测试", "关怀问候"):
        assert list(cli[title].values) == list(bot[title].values)
    assert main(["export", "summary", "--year", "1999", "-o", str(out)]) == 2
    assert main(["export", "summary", "--branch", "7", "-o", str(out)]) == 4


async def test_every_generated_file_is_pruned_after_the_retention_period(
    harness: Harness,
) -> None:
    quiz_id = await a_year_of_work(harness)
    f = harness.fake
    await download(harness, quiz_id)
    await summary_by_chat(harness)
    f.message(SECRETARY, SECRETARY, "/start")
    f.message(SECRETARY, SECRETARY, "/quiz template")
    f.message(SECRETARY, SECRETARY, "/roster template")
    await documents(harness, SECRETARY, 2)
    await documents(harness, STAFF, 3)
    root = harness.services.settings.exports_dir
    made = sorted(p.name for p in root.iterdir())
    # Every file in a folder of its own (quiz results, summary, two templates), none loose.
    assert len(made) == 4 and all(p.is_dir() for p in root.iterdir())
    files = [p for p in root.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} == {".xlsx", ".csv"}

    harness.clock.advance(RETENTION - timedelta(minutes=1))
    await harness.tick()
    assert sorted(p.name for p in root.iterdir()) == made  # not yet

    harness.clock.advance(timedelta(hours=1))  # the planner looks once an hour
    await harness.tick()
    assert list(root.iterdir()) == []  # with nobody downloading anything since

    # A new template, and only it, is there afterwards.
    f.message(SECRETARY, SECRETARY, "/quiz template")
    await documents(harness, SECRETARY, 3)
    [folder] = root.iterdir()
    assert [p.name for p in folder.iterdir()] == ["quiz-template.xlsx"]
