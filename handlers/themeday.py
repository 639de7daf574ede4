"""/themeday and /push: the secretary sets the monthly theme party day, or starts one now.

`/themeday` shows the rule and the next date; `/themeday 15号 9:00 学习主题` sets it (a day
1–28, 最后一天, or a weekday rule such as 第一个周五; also `last`, `first-fri`; the time as
9:00, 9点半, 上午9点半 …: `bot.core.monthly_rule.parse_setting`); `/themeday off` stops it; `/themeday
补发 6` sets how many hours after its time a missed push may still go out (0: the same day).
A bad rule gets a Chinese explanation with an example and leaves the old rule as it was.
`/push [主题]` starts a theme-day session now. The push itself lives in `bot.services.themeday`.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import BotContext, Command
from bot.core.cn_parse import ParseError
from bot.core.monthly_rule import parse_setting
from bot.services import themeday as theme_day
from bot.texts import fmt
from bot.texts import themeday as T
from handlers.common import admin_only, is_group, reply
from handlers.scope import branch_for
from storage import materials
from storage.models import Branch

COMMANDS = [
    Command("themeday", "查看或设定每月主题党日，如 /themeday 15号 9:00 学习主题", "admin"),
    Command("push", "立即发出一次主题党日（可加主题：/push 主题）", "admin"),
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


@admin_only
async def push_command(update: Update, context: BotContext) -> None:
    """Start a theme-day session now, with the queued materials."""
    branch = await branch_for(update, context)
    user = update.effective_user
    if branch is None or user is None:
        return
    busy = theme_day.being_pushed(context.db, branch, context.now())
    if busy is not None:
        reply(update, context, fmt(T.PUSH_IN_PROGRESS, branch=branch.title, topic=busy.topic))
        return
    rule = theme_day.rule_of(branch)
    topic = " ".join(context.args or []).strip() or (rule.topic if rule else T.DEFAULT_TOPIC)
    notify = theme_day.notify_chat(
        context.db, branch, [user.id], admins=list(context.settings.admin_ids)
    )
    theme, created = theme_day.push(
        context.services,
        context.db,
        branch=branch,
        key=f"push:{update.update_id}",
        topic=topic,
        now=context.now(),
        notify_chat_id=notify,
    )
    if not created:
        reply(update, context, T.PUSH_ALREADY)
    elif not is_group(update.effective_chat):
        assert theme.id is not None
        count = len(materials.of_session(context.db, theme.id))
        reply(
            update,
            context,
            fmt(T.PUSH_DONE_PRIVATE, branch=branch.title, topic=topic, count=count),
        )


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("themeday", themeday_command),
        CommandHandler("push", push_command),
    ]
