"""Texts of pushing a theme day and reminding by hand, each previewed before 确认发出
(handlers/push.py), and of /push and /remind typed in the group."""

CMD_PUSH = "立即推送一次主题党日（先预览，再确认）"
CMD_REMIND = "提醒还没交心得的同志（先预览，再确认）"

# --- push now --------------------------------------------------------------------------------

TOPIC_ASK = "这次主题党日的学习主题是什么？点按钮用原来的，或直接打字写新的。"
TOPIC_KEEP = "用“{topic}”"
TOPIC_EXAMPLE = "例如：学习党章（{limit}个字以内）"
PREVIEW = (
    "📣 <b>预览：现在推送主题党日</b>（{branch}）\n"
    "发到：支部群“{branch}”，群里 {members} 位同志（其中 {reachable} 位还会收到私信提醒）\n"
    "学习主题：{topic}\n"
    "学习材料：{materials}\n"
    "交心得截止：{deadline}\n\n"
    "{effect}"
)
PREVIEW_MATERIALS = "{count} 份：《{titles}》"
PREVIEW_NO_MATERIALS = "还没有排好的材料（只发通知和心得邀请）"
EFFECT_REPLACES = "⚠️ 这次推送会<b>代替本月 {date} 的定时推送</b>，到那天就不再自动推送了。"
EFFECT_ALREADY = (
    "本月的定时推送已经由 {day} 那次推送代替了；这是本月额外的一次，下次定时推送是 {next}。"
)
EFFECT_EXTRA = "本月的主题党日已经过了，这是额外的一次，<b>不影响</b>下次 {next} 的定时推送。"
EFFECT_NO_RULE = "还没有设定每月的主题党日，这是单独的一次推送。"
CONFIRM_PUSH = "📣 确认发出"
PUSHED = "✅ 已开始“{branch}”的主题党日（{topic}），{count} 份材料正在发到群里。"
PUSHED_BY_OTHER = (
    "没有再发：{when} 刚刚已经推送过“{branch}”的主题党日（{topic}）"
    "（另一位管理员发的，或是定时推送）。群里不会重复收到。"
)
PUSH_BUSY = (
    "没有再发：“{branch}”的主题党日（{topic}）刚刚已经推送了，消息还在陆续发到群里，不会重复发送。"
)

# --- remind now ------------------------------------------------------------------------------

REMIND_PREVIEW = (
    "🔔 <b>预览：现在提醒没交心得的同志</b>（{branch}）\n"
    "主题党日：{date}（{topic}），截止 {deadline}\n"
    "还没交的 {count} 位：{names}\n"
    "{how}\n"
    "（名单只有您在私聊里看得到。）"
)
# How the reminder goes out, by the branch's 群内提醒点名 setting (支部设置).
REMIND_HOW_GENERAL = (
    "群里发一条不点名的温和提醒；这 {count} 位中的 {reachable} 位还会各自收到私信提醒。"
)
REMIND_HOW_NAMED = "会在群里发一条提醒点到这 {count} 位的名字，其中 {reachable} 位还会收到私信。"
REMIND_NO_SESSION = "现在还没有进行中的主题党日，不用提醒。"
REMIND_NOBODY = "本次主题党日（{topic}）大家都已交了心得，不用提醒了。"
REMIND_NONE_REACHABLE = "还没交的 {count} 位同志都没有用 Telegram，机器人提醒不到，请电话联系。"
REMIND_NOT_NAMED = "\n另有 {count} 位只在名单里、没有用 Telegram 的同志，提醒不到，请电话联系。"
CONFIRM_REMIND = "🔔 确认发出"
REMINDED = "✅ 已提醒 {count} 位同志：{names}。"
REMINDED_BY_OTHER = "没有再发：{when} 刚刚已经发过一次提醒了（另一位管理员发的，或是定时提醒）。"
REMIND_NOW_NOBODY = "没有再发：大家都已交了心得。"

# --- typed in the group ------------------------------------------------------------------------

GROUP_SENT_PRIVATELY = (
    "预览已经私信发给您了，请在私聊里看一下再点“确认发出”。群里先不会发任何东西。"
)
GROUP_OPEN_PRIVATE = (
    "为了避免点错就发出去，推送和提醒要先在私聊里预览、确认。点下面的按钮，我们私聊："
)
OPEN_PRIVATE = "👉 私聊预览"

MENU_REMIND_TITLE = "📝 心得与提醒"
MENU_REMIND = "提醒没交心得的同志（先预览）"
MENU_REPORT = "查看谁交了心得"
MENU_PUSH = "现在就推送（先预览）"

# --- who reads these ------------------------------------------------------------------------
# Admins and staff only (see docs/architecture.md, "Texts").
MEMBER_TEXTS: tuple[str, ...] = ()
MEMBER_HELP: tuple[str, ...] = ()
