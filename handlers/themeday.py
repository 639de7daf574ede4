"""/themeday and /push: the secretary sets the monthly theme party day, or starts one now.

`/themeday` shows the rule and the next date; `/themeday 15号 9:00 学习主题` sets it (a day
1–28, 最后一天, or a weekday rule such as 第一个周五; also `last`, `first-fri`; the time as
9:00, 9点半, 上午9点半 …: `bot.core.monthly_rule.parse_setting`); `/themeday off` stops it; `/themeday
补发 6` sets how many hours after its time a missed push may still go out (0: the same day).
A bad rule gets a Chinese explanation with an example and leaves the old rule as it was.
The push itself lives in `bot.services.themeday`; `/push` (previewed, then confirmed) in
handlers/push.py.

The menu's 主题党日 section sets the same rule by tapping (handlers/flows.py): the day (1–28,
最后一天, or 按星期选… then 第几个 and 星期几; typed days are read by `parse_rule`), the time
(08:30 … 10:00 or typed, `parse_time`), the topic (typed, or 不设), then a summary with the next
date and 确认, which stores it exactly as `/themeday` does (`theme_day.set_rule`). 查看本月安排
shows the rule, this month's push, the next one and the queued materials.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import BotContext, Command
from bot.core import cn_format
from bot.core.cn_format import weekday as weekday_name
from bot.core.cn_parse import ParseError, parse_time
from bot.core.monthly_rule import MonthlyRule, occurrence_in, parse_rule, parse_setting
from bot.services import themeday as theme_day
from bot.texts import fmt
from bot.texts import themeday as T
from handlers import flows, push
from handlers.common import admin_only, reply
from handlers.flows import Choice, FlowSpec, InputError, State, Step
from handlers.menu import MenuEntry, MenuSection
from handlers.menu import register as register_section
from handlers.scope import branch_for
from storage import materials, themeday
from storage.models import Branch

COMMANDS = [
    Command("themeday", "查看或设定每月主题党日，如 /themeday 15号 9:00 学习主题", "admin"),
]

OFF_WORDS = frozenset({"off", "关闭", "停止", "取消"})
CATCHUP_WORDS = frozenset({"catchup", "补发"})
MAX_CATCHUP_HOURS = 72


def _show(update: Update, context: BotContext, branch: Branch) -> None:
    rule = theme_day.rule_of(branch)
    if rule is None:
        reply(update, context, fmt(T.RULE_NONE, branch=branch.title))
        return
    when, until = theme_day.next_words(rule, context.now(), context.settings.tz)
    reply(
        update,
        context,
        fmt(
            T.RULE_SHOW,
            branch=branch.title,
            rule=rule.rule.describe(),
            time=rule.describe_time(),
            topic=rule.topic,
            next=when,
            until=until,
            catchup=theme_day.catchup_text(branch),
        ),
    )


def _set(update: Update, context: BotContext, branch: Branch, args: list[str]) -> None:
    try:
        rule, at, topic = parse_setting(" ".join(args))
    except ParseError as exc:
        reply(update, context, fmt(T.RULE_BAD, reason=exc.message))
        return
    if at is None:
        reply(update, context, fmt(T.RULE_NEEDS_TIME, rule=" ".join(args)))
        return
    old = theme_day.rule_of(branch)
    topic = topic or (old.topic if old else T.DEFAULT_TOPIC)
    user = update.effective_user
    now = context.now()
    theme_day.set_rule(branch, rule, at, topic, by=user.id if user else 0, now=now)
    new = theme_day.rule_of(branch)
    assert new is not None
    when, until = theme_day.next_words(new, now, context.settings.tz)
    reply(
        update,
        context,
        fmt(
            T.RULE_SET,
            branch=branch.title,
            rule=rule.describe(),
            time=new.describe_time(),
            topic=topic,
            next=when,
            until=until,
        ),
    )


def _set_catchup(update: Update, context: BotContext, branch: Branch, args: list[str]) -> None:
    try:
        hours = int(args[0]) if args else -1
    except ValueError:
        hours = -1
    if not 0 <= hours <= MAX_CATCHUP_HOURS:
        reply(update, context, T.CATCHUP_BAD)
        return
    theme_day.set_catchup_hours(branch, hours)
    reply(update, context, fmt(T.CATCHUP_SET, catchup=theme_day.catchup_text(branch)))


@admin_only
async def themeday_command(update: Update, context: BotContext) -> None:
    """Show, set or stop the monthly theme day."""
    branch = await branch_for(update, context)
    if branch is None:
        return
    args = list(context.args or [])
    if not args:
        _show(update, context, branch)
    elif args[0].lower() in OFF_WORDS:
        stopped = theme_day.clear_rule(branch)
        reply(
            update, context, fmt(T.RULE_OFF if stopped else T.RULE_ALREADY_OFF, branch=branch.title)
        )
    elif args[0].lower() in CATCHUP_WORDS:
        _set_catchup(update, context, branch, args[1:])
    else:
        _set(update, context, branch, args)
    context.db.add(branch)


# --- the menu: setting the rule by tapping ------------------------------------------------------

BY_WEEKDAY = "weekday"  # the day step's answer that goes on to 第几个 and 星期几
TIMES = ("08:30", "09:00", "09:30", "10:00")
TOPIC_LIMIT = 40


def _rule(state: State) -> MonthlyRule:
    """The day chosen so far (a stored form such as '15', 'last', 'first-fri')."""
    day = state.answers["day"]
    if day == BY_WEEKDAY:
        return MonthlyRule(nth=int(state.answers["nth"]), weekday=int(state.answers["weekday"]))
    return parse_rule(str(day))


def _current_words(state: State) -> str:
    assert state.branch is not None
    rule = theme_day.rule_of(state.branch)
    if rule is None:
        return T.FLOW_CURRENT_NONE
    return fmt(
        T.FLOW_CURRENT, rule=rule.rule.describe(), time=rule.describe_time(), topic=rule.topic
    )


def _day_prompt(context: BotContext, state: State) -> str:
    assert state.branch is not None
    return fmt(T.FLOW_DAY, branch=state.branch.title, current=_current_words(state))


def _day_choices(context: BotContext, state: State) -> list[Choice]:
    days = [Choice(str(d), str(d)) for d in range(1, 29)]
    return [*days, Choice(T.FLOW_LAST_DAY, "last"), Choice(T.FLOW_BY_WEEKDAY, BY_WEEKDAY)]


def _read_day(text: str, context: BotContext, state: State) -> str:
    try:
        return parse_rule(text).to_storage()
    except ParseError:
        raise InputError(fmt("{example}", example=T.FLOW_DAY_EXAMPLE)) from None


def _after_day(state: State) -> str:
    return "nth" if state.answers.get("day") == BY_WEEKDAY else "time"


def _nth_prompt(context: BotContext, state: State) -> str:
    return T.FLOW_NTH


def _nth_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(T.NTH_NAMES[n], n) for n in (1, 2, 3, 4, -1)]


def _weekday_prompt(context: BotContext, state: State) -> str:
    return fmt(T.FLOW_WEEKDAY, nth=T.NTH_NAMES[int(state.answers["nth"])])


def _weekday_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(weekday_name(d), d) for d in range(7)]


def _time_prompt(context: BotContext, state: State) -> str:
    return fmt(T.FLOW_TIME, rule=_rule(state).describe())


def _time_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(t, t) for t in TIMES]


def _read_time(text: str, context: BotContext, state: State) -> str:
    try:
        return parse_time(text).strftime("%H:%M")
    except ParseError:
        raise InputError(fmt("{example}", example=T.FLOW_TIME_EXAMPLE)) from None


def _topic_prompt(context: BotContext, state: State) -> str:
    return T.FLOW_TOPIC


def _topic_choices(context: BotContext, state: State) -> list[Choice]:
    assert state.branch is not None
    old = theme_day.rule_of(state.branch)
    keep = (
        [Choice(T.FLOW_TOPIC_KEEP.format(topic=old.topic)[:60], old.topic)]
        if old is not None and old.topic != T.DEFAULT_TOPIC
        else []
    )
    return [*keep, Choice(T.FLOW_TOPIC_NONE, T.DEFAULT_TOPIC)]


def _read_topic(text: str, context: BotContext, state: State) -> str:
    topic = " ".join(text.split())
    if not topic or len(topic) > TOPIC_LIMIT:
        raise InputError(fmt(T.FLOW_TOPIC_TOO_LONG, limit=TOPIC_LIMIT))
    return topic


def _chosen(state: State) -> tuple[MonthlyRule, Any, str]:
    return _rule(state), parse_time(str(state.answers["time"])), str(state.answers["topic"])


def _next_words(context: BotContext, rule: MonthlyRule, at: Any) -> tuple[str, str]:
    now, tz = context.now(), context.settings.tz
    preview = theme_day.ThemeDayRule(rule=rule, at=at, topic="", since=now, set_by=None)
    return theme_day.next_words(preview, now, tz)


def _summary(context: BotContext, state: State) -> str:
    assert state.branch is not None
    rule, at, topic = _chosen(state)
    when, until = _next_words(context, rule, at)
    return fmt(
        T.FLOW_SUMMARY,
        branch=state.branch.title,
        rule=rule.describe(),
        time=cn_format.clock(at),
        topic=topic,
        next=when,
        until=until,
    )


async def _confirm(context: BotContext, state: State) -> str:
    """Store the rule as /themeday does; read it again first (another admin may have set it)."""
    branch = state.branch
    assert branch is not None
    rule, at, topic = _chosen(state)
    old = theme_day.rule_of(branch)
    words = {"branch": branch.title, "rule": rule.describe(), "time": cn_format.clock(at)}
    if old is not None and (old.rule, old.at, old.topic) == (rule, at, topic):
        return fmt(T.FLOW_UNCHANGED, topic=topic, **words)
    now = context.now()
    theme_day.set_rule(branch, rule, at, topic, by=state.user_id, now=now)
    context.db.add(branch)
    when, until = _next_words(context, rule, at)
    text = fmt(T.FLOW_SAVED, topic=topic, next=when, until=until, **words)
    changed_meanwhile = old is not None and old.since > state.started_at
    return text + (T.FLOW_OVERRIDES if changed_meanwhile else "")


SET_RULE = flows.register(
    FlowSpec(
        kind="themeday",
        steps=[
            Step("day", _day_prompt, _day_choices, read=_read_day, columns=7, next=_after_day),
            Step("nth", _nth_prompt, _nth_choices, columns=3, next=lambda state: "weekday"),
            Step("weekday", _weekday_prompt, _weekday_choices, columns=4),
            Step("time", _time_prompt, _time_choices, read=_read_time, columns=4),
            Step("topic", _topic_prompt, _topic_choices, read=_read_topic, columns=1),
        ],
        summary=_summary,
        confirm=_confirm,
    )
)


async def _menu_set(update: Update, context: BotContext, branch: Branch) -> None:
    await flows.start(update, context, SET_RULE, branch=branch)


def month_text(context: BotContext, branch: Branch) -> str:
    """This month's theme day: the rule, this month's push (done or due), the next one and
    the materials waiting for it."""
    assert branch.id is not None
    rule = theme_day.rule_of(branch)
    if rule is None:
        return fmt(T.MONTH_NO_RULE, branch=branch.title)
    now, tz = context.now(), context.settings.tz
    today = now.astimezone(tz).date()
    first = today.replace(day=1)
    pushed = [t for t in themeday.of_branch(context.db, branch.id, since=first) if t.pushed_at]
    if pushed:
        done = pushed[-1]
        month = fmt(T.MONTH_PUSHED, date=cn_format.day_text(done.local_date), topic=done.topic)
    else:
        due = occurrence_in(rule.rule, rule.at, today.year, today.month, tz)
        month = fmt(T.MONTH_DUE, date=cn_format.moment(due, tz))
    when, until = theme_day.next_words(rule, now, tz)
    queued = materials.queued(context.db, branch.id)
    titles = fmt(T.MONTH_TITLES, titles="》《".join(m.title for m in queued)) if queued else ""
    return fmt(
        T.MONTH_VIEW,
        branch=branch.title,
        rule=rule.rule.describe(),
        time=rule.describe_time(),
        topic=rule.topic,
        month=month,
        next=when,
        until=until,
        count=len(queued),
        titles=titles,
        catchup=theme_day.catchup_text(branch),
    )


async def _menu_month(update: Update, context: BotContext, branch: Branch) -> None:
    reply(update, context, month_text(context, branch))


register_section(
    MenuSection(
        T.MENU_TITLE,
        order=10,
        entries=[
            MenuEntry(T.MENU_SET, _menu_set),
            MenuEntry(T.MENU_MONTH, _menu_month, "staff"),
            MenuEntry(T.MENU_PUSH, push.menu_push),
        ],
    )
)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("themeday", themeday_command),
    ]
