"""Texts about the branch's group itself: Telegram upgraded it to a supergroup."""

# To the secretary, privately, once: the group has a new id and the bot followed it.
UPGRADED_PRIVATE = (
    "ℹ️ 告诉您一声：“{title}”群刚被 Telegram 升级成了“超级群”，群的编号变了。\n"
    "我已经跟到升级后的群里：支部的学习记录、名单和还没发出的消息都在，"
    "以后照常在群里发，<b>不用重新设置</b>。\n"
    "升级前群里的旧消息（比如之前的主题党日邀请、答题）已经不能再回复了。"
    "还没交心得的同志，可以点邀请下面的“📝 提交心得”按钮私下发给我，"
    "或者回复我以后在群里发的消息。"
)
# The same, in the group, when nobody who runs the branch can get a private message.
UPGRADED_GROUP = (
    "ℹ️ 本群已被 Telegram 升级为“超级群”，我也跟过来了，学习记录都在，一切照常。\n"
    "升级前的旧消息不能再回复了：交心得请回复我在群里新发的消息，"
    "或点“📝 提交心得”按钮私下发给我。"
)
# /setup in a supergroup that turns out to be a branch's upgraded group.
SETUP_FOLLOWED = (
    "本群是“{title}”升级后的新群（超级群）。支部的学习记录、名单都已经转到这里，"
    "<b>不用重新设置</b>。\n发 /help 查看可用的命令。"
)
# The check behind such a /setup could not reach Telegram, even after retrying.
SETUP_CHECK_FAILED = (
    "刚才没能联系上 Telegram，确认不了本群的情况，所以还没有设置。请过一会儿再发一次 /setup。"
)
