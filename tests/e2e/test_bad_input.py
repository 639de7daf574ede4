"""Random and malformed updates thrown at the running bot (hypothesis): empty and huge texts,
unknown update types, no sender, channel posts, edits of messages never seen, forged button data,
answers to polls that do not exist, commands with garbage after them, broken JSON shapes.

The bot must never get stuck (every update ends done or failed), answer where an answer is due,
store nobody it should not, and still answer a plain /help afterwards. One bot per test; the
examples are generated first (derandomized, so a failure repeats), then injected together.
"""

from __future__ import annotations

import html
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from bot.texts import common as T
from handlers.callbacks import parse_any
from storage import branches
from storage.models import Branch, InboxUpdate, Member, OutboxMessage, Person
from tests.e2e.harness import GROUP_ID, OUTSIDER, RETIREES, SECRETARY, STAFF, Harness
from tests.e2e.test_permissions import row_counts
from tests.unit.test_callbacks import every_value

WANG, LI, ZHANG, CHEN = RETIREES
CHANNEL = {"id": -1001999000111, "type": "channel", "title": "党建频道"}
OTHER_GROUP = {"id": -1001555000111, "type": "supergroup", "title": "别的群"}
IN_GROUP = 15  # a group takes 20 messages a minute; the rest are greeted privately only
RANDOM_USER_IDS = st.integers(min_value=900_000, max_value=900_999)

texts = st.one_of(
    st.just(""),
    st.text(max_size=60),
    st.integers(min_value=4097, max_value=9000).map(lambda n: "长" * n),
    st.sampled_from(["<b>粗体", "&amp;&", "张<伟>", "🌸🎉", "\x00\x1f", "=1+1", "/"]),
)
commands = st.builds(
    lambda name, garbage: f"/{name} {garbage}".rstrip(),
    st.sampled_from(["start", "help", "setup", "export", "help@yinling_test_bot", "nosuch"]),
    st.text(max_size=40),
)


def user(uid: int, name: str = "某人") -> dict[str, Any]:
    return {"id": uid, "is_bot": False, "first_name": name or "某"}


def chat_of(kind: str, uid: int) -> dict[str, Any]:
    return {
        "private": {"id": uid, "type": "private", "first_name": "某人"},
        "branch": {"id": GROUP_ID, "type": "supergroup", "title": "老干之家"},
        "other": OTHER_GROUP,
    }[kind]


@st.composite
def malformed_updates(draw: st.DrawFn) -> dict[str, Any]:
    """One raw update payload, valid or not, of many shapes."""
    uid = draw(RANDOM_USER_IDS)
    where = draw(st.sampled_from(["private", "branch", "other"]))
    chat = chat_of(where, uid)
    message: dict[str, Any] = {
        "message_id": draw(st.integers(min_value=1, max_value=2**31 - 1)),
        "date": draw(st.integers(min_value=0, max_value=2**32)),
        "chat": chat,
    }
    shape = draw(
        st.sampled_from(
            [
                "text",
                "command",
                "no_from",
                "channel_sender",
                "channel_post",
                "edit_unknown",
                "callback",
                "poll_answer",
                "unknown_kind",
                "broken",
                "bot_sender",
            ]
        )
    )
    if shape in ("text", "command", "edit_unknown", "bot_sender"):
        message["from"] = user(uid, draw(st.text(max_size=20)))
        message["text"] = draw(commands if shape == "command" else texts)
        if shape == "command":
            name = message["text"].split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(name)}]
        if shape == "bot_sender":
            message["from"] = {"id": uid, "is_bot": True, "first_name": "别的机器人"}
        if shape == "edit_unknown":
            message["edit_date"] = message["date"] + 1
            return {"edited_message": message}
        return {"message": message}
    if shape == "no_from":
        message["text"] = draw(texts)
        return {"message": message}
    if shape == "channel_sender":  # a linked channel posting into the group
        message["chat"] = chat_of("branch", uid)
        message["sender_chat"] = CHANNEL
        message["text"] = draw(st.one_of(texts, commands))
        return {"message": message}
    if shape == "channel_post":
        message["chat"] = CHANNEL
        message["text"] = draw(texts)
        return {"channel_post": message}
    if shape == "callback":
        message["from"] = {"id": 123456789, "is_bot": True, "first_name": "Yinling Test Bot"}
        message["text"] = "旧消息"
        return {
            "callback_query": {
                "id": str(draw(st.integers(min_value=1, max_value=2**62))),
                "from": user(uid),
                "message": message,
                "chat_instance": "42",
                "data": draw(st.text(max_size=64)),
            }
        }
    if shape == "poll_answer":
        return {
            "poll_answer": {
                "poll_id": draw(st.text(min_size=1, max_size=20)),
                "user": user(uid),
                "option_ids": draw(st.lists(st.integers(min_value=-3, max_value=12), max_size=4)),
            }
        }
    if shape == "unknown_kind":
        return {draw(st.sampled_from(["message_reaction", "future_kind", "x"])): {"any": uid}}
    # "broken": required fields missing or of the wrong type
    broken = dict(message)
    drop = draw(st.sampled_from(["chat", "date", "message_id", None]))
    if drop:
        broken.pop(drop)
    broken["text"] = draw(st.one_of(texts, st.integers(), st.none()))
    if draw(st.booleans()):
        broken["chat"] = draw(st.sampled_from([None, "not a chat", {"id": "x"}, 5]))
    return {draw(st.sampled_from(["message", "edited_message"])): broken}


def examples(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    found: list[Any] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found


async def test_malformed_updates_never_crash_or_stick_and_store_nothing_wrong(
    harness: Harness,
) -> None:
    harness.fake.start_private(WANG)
    await harness.start()
    await harness.setup_branch()
    payloads = examples(malformed_updates(), 60)
    # Telegram never sends most of these; the fake's own spec check would refuse to deliver them.
    harness.fake.self_check = False
    ids = [harness.fake.raw_update(p) for p in payloads]
    await harness.settle(limit=30)

    filtered = {u["update_id"] for u in harness.fake.filtered_updates}
    # Telegram leaves out the kinds it knows that the bot does not ask for (channel posts,
    # reactions); updates of made-up kinds go through.
    not_asked = {"channel_post", "message_reaction"}
    assert filtered == {i for i, p in zip(ids, payloads, strict=True) if not_asked & set(p)}
    delivered = [i for i in ids if i not in filtered]
    assert len(delivered) > len(ids) // 2
    with harness.session() as s:
        rows = s.exec(select(InboxUpdate).where(col(InboxUpdate.update_id).in_(ids))).all()
        assert sorted(r.update_id for r in rows) == delivered
        assert {r.status for r in rows} <= {"done", "failed"}
        # Nothing malformed became a member, a branch, or a person it should not.
        members = set(s.exec(select(Member.user_id)))
        people = set(s.exec(select(Person.user_id)))
        branches = [b.chat_id for b in s.exec(select(Branch))]
    assert branches == [GROUP_ID]
    speakers, in_branch = senders(payloads)
    assert {uid for uid in people if uid >= 900_000} <= speakers
    assert {uid for uid in members if uid is None or uid >= 900_000} <= in_branch
    assert CHANNEL["id"] not in people and CHANNEL["id"] not in members
    assert not harness.fake.errors

    # Replies that are due: every forged button press is answered, every command to the bot
    # in a private chat gets exactly one answer, and nothing is ever sent to the channel.
    assert harness.fake.unanswered_callbacks() == []
    with harness.session() as s:
        to_channel = s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == CHANNEL["id"]))
        assert to_channel.all() == []

    # The bot still answers.
    harness.fake.message(WANG, WANG, "/help")
    await harness.settle()
    assert "怎样参加学习" in harness.texts(WANG)[-1]


def senders(payloads: list[dict[str, Any]]) -> tuple[set[int], set[int]]:
    """Who may have been recorded: (any non-bot sender, non-bot senders in the branch group)."""
    anyone: set[int] = set()
    in_branch: set[int] = set()
    for payload in payloads:
        for body in payload.values():
            if not isinstance(body, dict):
                continue
            who = body.get("from") or body.get("user")
            if not isinstance(who, dict) or who.get("is_bot") or body.get("sender_chat"):
                continue
            anyone.add(int(who["id"]))
            chat = body.get("chat") or (body.get("message") or {}).get("chat")
            if isinstance(chat, dict) and chat.get("id") == GROUP_ID:
                in_branch.add(int(who["id"]))
    return anyone, in_branch


async def test_commands_with_garbage_arguments_get_one_clear_answer(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    lines = examples(commands, 40)
    # One person per command: private chats are paced at one message a second each.
    for n, line in enumerate(lines):
        harness.fake.add_user(960_000 + n, f"测试{n}")
        harness.fake.message(960_000 + n, 960_000 + n, line)
    await harness.settle(limit=30)

    for n, line in enumerate(lines):
        answers = harness.texts(960_000 + n)
        name = line.split()[0][1:].split("@")[0]
        assert len(answers) == 1, (line, answers)  # every private message: one answer
        if name == "setup":  # privately: where to send it, whoever asks
            assert answers[0] == T.SETUP_GROUP_ONLY
        if name == "export":
            assert answers[0] in {T.NOT_ADMIN, T.NOT_STAFF}
        if name == "nosuch":  # the polite text with what a member can do
            assert answers[0] == T.UNKNOWN_COMMAND
    with harness.session() as s:
        assert s.exec(select(InboxUpdate).where(InboxUpdate.status != "done")).all() == []


async def test_forged_button_data_is_answered_and_changes_nothing(harness: Harness) -> None:
    harness.fake.start_private(STAFF)
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(STAFF, STAFF, "/export")
    await harness.settle()
    menu = harness.fake.sent(STAFF)[-1]
    setup_reply = harness.fake.sent(GROUP_ID)[0]
    forged = examples(st.text(min_size=1, max_size=64), 25)
    ids = [harness.fake.press(STAFF, STAFF, menu["message_id"], d, force=True) for d in forged]
    for data in ("export:ledger", "export:quiz", "setup:again", "quiz:answer:1:2"):
        ids.append(
            harness.fake.press(OUTSIDER, GROUP_ID, setup_reply["message_id"], data, force=True)
        )
    await harness.settle()

    assert harness.fake.unanswered_callbacks() == []
    assert all(harness.fake.answered_callbacks[i].get("text") for i in ids)
    with harness.session() as s:
        assert [b.chat_id for b in s.exec(select(Branch))] == [GROUP_ID]
        # Only the presser's bookkeeping and the answers: no export, no other message.
        kinds = set(s.exec(select(OutboxMessage.method).where(OutboxMessage.chat_id == STAFF)))
        assert kinds == {"sendMessage", "answerCallbackQuery"}
        assert len(harness.fake.sent(STAFF)) == 1


async def test_names_with_markup_characters_and_emoji_are_greeted_as_written(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    names = examples(
        st.lists(
            st.sampled_from([*"<>&\"'王李张老师 🌸🎉👍🏻", "&amp;", "<b>", "</i>", "张<伟>"]),
            min_size=1,
            max_size=8,
        )
        .map("".join)
        .filter(lambda n: n.strip()),
        30,
    )
    people = {}
    for n, name in enumerate(names):
        uid = 950_000 + n
        harness.fake.add_user(uid, name)
        people[uid] = name
        harness.fake.message(uid, uid, "/start")
        if n < IN_GROUP:
            harness.fake.message(GROUP_ID, uid, "/start")
    await harness.settle(limit=30)

    greetings = [m for m in harness.fake.sent(GROUP_ID) if "您好" in (m.get("text") or "")]
    assert len(greetings) == IN_GROUP
    # Names are as written, tidied (no stray spaces: "王  王" reads 王王; storage.branches).
    tidy = {uid: branches.full_name(name, None, None, uid) for uid, name in people.items()}
    for uid, name in people.items():
        [private] = harness.fake.sent(uid)
        # The fake parses the HTML like Telegram: the plain text shows the name as written.
        assert f"您好，{tidy[uid]}！" in private["text"], (name, private["text"])
        assert html.escape(tidy[uid], quote=False) in private["_html"]
    # One greeting in the group for each of the first IN_GROUP names, each as written.
    group_firsts = Counter(g["text"].split("\n")[0] for g in greetings)
    assert group_firsts == Counter(
        f"您好，{tidy[uid]}！我是支部的学习助手“银龄”，不用记命令："
        for uid in list(people)[:IN_GROUP]
    )
    with harness.session() as s:
        stored = {m.user_id: m.name for m in s.exec(select(Member))}
    for uid in list(people)[:IN_GROUP]:
        assert stored[uid] == tidy[uid]


# Values a field of real callback data never holds.
BAD_FIELDS = ["²", "abc", "9" * 30, str(2**53), "-1", "", "007", "１", "a b"]
# Old formats (from before handlers/callbacks.py) that crashed a handler, and other forms.
LISTED_GARBAGE = [
    "rf:remind:x:abc",
    "rf:report:b:²",
    "rf:rs:" + "9" * 30,
    "rf:pick:abc",
    "lx:s:1:2",
    "lx:y",
    "care:claim:",
    "care:ok:1",
    "care:sw:x:birthday",
    "care:bd:S:19x",
    "mat:b:1",
    "quiz:go:1",
    "quiz:bank:1:²",
    "quiz:x:" + str(2**64),
]


@st.composite
def garbled(draw: st.DrawFn) -> str:
    """A real button's data with a field too many, one too few, or one that cannot be."""
    parts = draw(every_value).build().split(":")
    how = draw(st.sampled_from(["extra", "missing", "field", "prefix"]))
    if how == "extra":
        parts.append(draw(st.sampled_from(["1", "x", "²"])))
    elif how == "missing" or len(parts) == 1:
        parts = parts[:-1] if len(parts) > 1 else [*parts, "1"]
    elif how == "field":
        parts[draw(st.integers(1, len(parts) - 1))] = draw(st.sampled_from(BAD_FIELDS))
    else:
        parts[0] = draw(st.sampled_from([parts[0].upper(), parts[0] + "x", "quiz"]))
    return ":".join(parts)


callback_garbage = st.one_of(
    garbled(), st.sampled_from(LISTED_GARBAGE), st.text(min_size=1, max_size=64)
).filter(lambda d: len(d.encode()) <= 64 and parse_any(d) is None)


async def test_garbled_button_data_gets_one_polite_answer_and_changes_nothing(
    harness: Harness,
) -> None:
    harness.fake.start_private(SECRETARY)
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(SECRETARY, SECRETARY, "/start")
    harness.fake.message(GROUP_ID, WANG, "大家好")
    await harness.settle()
    private_post = harness.fake.sent(SECRETARY)[-1]["message_id"]
    group_post = harness.fake.sent(GROUP_ID)[0]["message_id"]
    garbage = [*LISTED_GARBAGE, *examples(callback_garbage, 40)]
    before = row_counts(harness)
    calls_before = len(harness.fake.calls)

    # An admin privately and a member in the group press them (a client could be modified).
    pressed = [
        harness.fake.press(SECRETARY, SECRETARY, private_post, data, force=True)
        if n % 2
        else harness.fake.press(WANG, GROUP_ID, group_post, data, force=True)
        for n, data in enumerate(garbage)
    ]
    await harness.settle()

    calls = harness.fake.calls[calls_before:]
    answers = [c.params for c in calls if c.method == "answerCallbackQuery"]
    assert Counter(a["callback_query_id"] for a in answers) == Counter(pressed)
    assert {a.get("text") for a in answers} == {T.BUTTON_STALE}
    assert not {c.method for c in calls} & {"sendMessage", "editMessageText", "sendDocument"}
    assert harness.fake.unanswered_callbacks() == []
    with harness.session() as s:
        assert s.exec(select(InboxUpdate).where(InboxUpdate.status != "done")).all() == []
    assert row_counts(harness) == before
