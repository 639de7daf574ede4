"""Render the README's picture of a printed page: a demo branch's year, exported by the bot's own
code (study ledger, quiz results, yearly summary), printed to PDF by a headless LibreOffice, and
the chosen pages turned into PNGs under docs/images/.

    python scripts/render_print_preview.py            # writes docs/images/print-*.png
    python scripts/render_print_preview.py --keep DIR # also keeps the workbooks and PDFs in DIR

Needs LibreOffice Calc, a CJK font, the metric-compatible Arial and Calibri, and poppler
(Debian/Ubuntu: `apt-get install libreoffice-calc fonts-noto-cjk fonts-liberation
fonts-crosextra-carlito poppler-utils`). CI does not run this; the PNGs are committed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from storage import branches, themeday  # noqa: E402
from storage import quiz as quizzes  # noqa: E402
from storage.db import Database, sqlite_url  # noqa: E402
from storage.exports.ledger import build_ledger  # noqa: E402
from storage.exports.quiz import build_quiz_export  # noqa: E402
from storage.exports.summary import write_summary, year_summary  # noqa: E402
from storage.models import (  # noqa: E402
    Material,
    Member,
    OutboxMessage,
    QuizAnswer,
    QuizAttempt,
    Reflection,
    ThemeSessionMaterial,
)
from storage.spreadsheets import Question  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
YEAR = 2026
GROUP = -1001234567890
NAMES = [
    "王建国", "李秀英", "张伟", "陈桂兰", "欧阳建国（离休干部）", "刘淑珍", "赵德明", "孙玉梅",
    "周国强", "吴春华", "郑志刚", "冯丽娟", "何文斌", "许桂芳", "马振华", "朱秀兰",
    "胡建新", "林美华", "高志远", "罗淑英",
]  # fmt: skip
TOPICS = [
    "学习贯彻党的二十届四中全会精神",
    "春节座谈：畅谈新年新气象",
    "学习雷锋精神，发挥余热",
    "清明缅怀革命先烈",
    "党章第三章学习",
    "迎七一：重温入党誓词",
    "光荣在党50年：老党员讲党课",
    "学习习近平总书记关于老干部工作的重要论述",
    "重阳敬老：健康养生讲座",
    "国庆：共话祖国发展成就",
    "心脑血管疾病预防知识学习",
    "年终总结：回顾一年学习收获",
]
TEXTS = [
    "通过这次学习，我深刻认识到全会精神的重大意义。作为一名退休老党员，要继续关心支持"
    "党和国家事业发展，在力所能及的范围内发挥余热，做到离岗不离党、退休不褪色。",
    "学习了本月材料，深受教育。",
    "认真阅读了学习材料，结合自己几十年的工作经历，体会很深：初心不能忘，学习不能停。"
    "今后要多和年轻同志交流，讲好身边的故事。",
    "收到，已学习。",
]


def seed(db: Database) -> None:
    """A branch of twenty retirees and a year of theme days, reflections, a quiz, greetings."""
    rng = random.Random(2026)
    start = datetime(YEAR, 1, 1, 1, 0, tzinfo=UTC)
    with Session(db.engine) as session:
        branch, _ = branches.create(session, chat_id=GROUP, title="老干之家", now=start)
        assert branch.id is not None
        session.execute(
            insert(Member),
            [
                {"branch_id": branch.id, "user_id": 700_000 + i, "name": name,
                 "party_member": i % 2 == 0, "active": True, "joined_at": start}
                for i, name in enumerate(NAMES)
            ],
        )  # fmt: skip
        members = [m.id for m in branches.members(session, branch.id) if m.id is not None]
        for month, topic in enumerate(TOPICS[:11], start=1):
            day = date(YEAR, month, 15)
            pushed = datetime.combine(day, time(9, 0), TZ)
            deadline, reminders = themeday.default_schedule(pushed)
            theme, _ = themeday.create(
                session, branch_id=branch.id, key=f"rule:{day}", local_date=day, topic=topic,
                deadline=deadline, reminders=reminders, now=pushed,
            )  # fmt: skip
            theme.pushed_at = pushed
            for n in range(1 + month % 3):
                material = Material(
                    branch_id=branch.id, kind="document", title=f"{topic}（材料{n + 1}）",
                    source_chat_id=GROUP, source_message_id=month * 100 + n, added_by=1,
                    state="library", created_at=pushed,
                )  # fmt: skip
                session.add(material)
                session.flush()
                assert material.id is not None and theme.id is not None
                session.add(
                    ThemeSessionMaterial(session_id=theme.id, material_id=material.id, position=n)
                )
            for n, member_id in enumerate(members):
                if rng.random() > 0.8:
                    continue
                kind = rng.choice(["text", "text", "text", "voice", "photo"])
                at = pushed + timedelta(hours=rng.randint(1, 200))
                session.execute(
                    insert(Reflection).values(
                        session_id=theme.id, member_id=member_id, kind=kind,
                        text=rng.choice(TEXTS) if kind == "text" else None,
                        duration=rng.randint(40, 300) if kind == "voice" else None,
                        chat_id=GROUP, message_id=month * 1000 + n, via="reply",
                        submitted_at=at, late=at > deadline, ack_pending=False,
                    )
                )  # fmt: skip
        questions = [
            Question(text=f"第{n + 1}题：中国共产党成立于哪一年？",
                     options=("1919年", "1921年", "1927年", "1949年"),
                     answer=frozenset({1}), explanation="", points=10, row=n + 2)
            for n in range(10)
        ]  # fmt: skip
        opened = datetime(YEAR, 6, 28, 1, 0, tzinfo=UTC)
        quiz = quizzes.create(
            session, branch_id=branch.id, title="党史知识测试", questions=questions,
            poll_ok=True, created_by=None, now=opened,
        )  # fmt: skip
        quiz.status, quiz.mode, quiz.opens_at = "closed", "group", opened
        quiz.closed_at = opened + timedelta(days=3)
        session.flush()
        assert quiz.id is not None
        question_ids = [q.id for q in quizzes.questions(session, quiz.id) if q.id is not None]
        for n, member_id in enumerate(members[:17]):
            attempt = QuizAttempt(
                quiz_id=quiz.id, member_id=member_id, user_id=700_000 + n, started_at=opened
            )
            session.add(attempt)
            session.flush()
            assert attempt.id is not None
            for qid in question_ids:
                chosen = "1" if rng.random() < 0.85 else rng.choice("023")
                session.add(
                    QuizAnswer(attempt_id=attempt.id, question_id=qid, chosen=chosen,
                               answered_at=opened + timedelta(minutes=n))
                )  # fmt: skip
        for n, member_id in enumerate(members):
            day = datetime(YEAR, 1 + n % 11, 1 + n, 0, 30, tzinfo=UTC)
            for kind in ("birthday",) + (("anniversary",) if n % 2 == 0 else ()):
                session.add(
                    OutboxMessage(
                        chat_id=GROUP, method="sendMessage", payload="{}",
                        dedupe_key=f"greet:{kind}:{member_id}:{day.date()}:group",
                        kind=f"care.{kind}", ref=str(member_id), status="sent",
                        not_before=day, created_at=day, sent_at=day,
                    )
                )  # fmt: skip
        for festival, day in [("spring", date(YEAR, 2, 17)), ("double_ninth", date(YEAR, 10, 18))]:
            at = datetime.combine(day, time(0, 30), UTC)
            session.add(
                OutboxMessage(
                    chat_id=GROUP, method="sendMessage", payload=json.dumps({}),
                    dedupe_key=f"festival:{branch.id}:{festival}:{day}", kind="care.festival",
                    ref=str(branch.id), status="sent", not_before=at, created_at=at, sent_at=at,
                )
            )  # fmt: skip
        session.commit()


def export_all(db: Database, folder: Path) -> list[Path]:
    with db.session() as session:
        ledger = folder / "学习台账.xlsx"
        build_ledger(
            session, branch_id=1, tz=TZ, xlsx_path=ledger, archive_dir=folder,
            since=date(YEAR, 1, 1), until=date(YEAR, 12, 31),
        )  # fmt: skip
        results = folder / "测试成绩.xlsx"
        build_quiz_export(session, quiz_id=1, tz=TZ, xlsx_path=results)
        summary = folder / "全年工作数据.xlsx"
        write_summary(
            year_summary(session, branch_id=1, year=YEAR, tz=TZ, today=date(YEAR, 12, 31)),
            summary,
        )
    return [ledger, results, summary]


def to_pdf(workbook: Path, folder: Path, profile: Path) -> Path:
    subprocess.run(
        [
            "soffice", f"-env:UserInstallation=file://{profile}", "--headless",
            "--convert-to", "pdf", "--outdir", str(folder), str(workbook),
        ],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return folder / f"{workbook.stem}.pdf"


def to_png(pdf: Path, page: int, target: Path) -> None:
    stem = target.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "90", "-f", str(page), "-l", str(page), "-singlefile",
         str(pdf), str(stem)],
        check=True,
    )  # fmt: skip


def first_page_of(pdf: Path, sheet: str) -> int:
    """The first page printed from `sheet` (its name is in the page header, top right)."""
    pages = _page_count(pdf)
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        if text.strip().splitlines() and sheet in text.strip().splitlines()[0]:
            return page
    raise SystemExit(f"no page of {sheet} in {pdf.name}")


# (workbook, sheet, picture): the ledger's first page, its summary with the chart, and the
# yearly summary's participation by month.
PICTURES = [
    ("学习台账", "台账明细", "print-ledger.png"),
    ("学习台账", "参与情况汇总", "print-ledger-summary.png"),
    ("全年工作数据", "每月参与", "print-year.png"),
]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="also keep the workbooks and PDFs here")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args(argv)
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        print("needs LibreOffice (soffice) and poppler (pdftoppm)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        db = Database(sqlite_url(work / "demo.db"))
        db.migrate()
        seed(db)
        workbooks = export_all(db, work)
        db.dispose()
        pdfs = {book.stem: to_pdf(book, work, Path(tmp) / "lo-profile") for book in workbooks}
        args.out.mkdir(parents=True, exist_ok=True)
        for book, sheet, name in PICTURES:
            page = first_page_of(pdfs[book], sheet)
            to_png(pdfs[book], page, args.out / name)
            print(f"{args.out / name}: page {page} of {pdfs[book].name}")
    return 0


def _page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
