"""Texts shared by every feature: start, help, setup, refusals and errors."""

START_MEMBER = (
    "您好，{name}！我是支部的学习助手“银龄”，不用记命令：\n"
    "• 交心得：<b>回复</b>（Reply）群里的心得邀请，打字、说话、拍照都行；\n"
    "• 答题：点选项就行。\n"
    "不明白就点下面的按钮。"
)
START_PRIVATE_EXTRA = "\n以后的提醒和祝福，我会单独发给您。"

# The member's help: one screen, with the rest a tap away (HelpTopic buttons).
HELP_MEMBER = (
    "<b>怎样参加学习</b>\n"
    "• 交心得：<b>回复</b>（Reply）群里的“📝 心得交流”消息，打字、说话、拍照都行；"
    "也可以直接发给我。\n"
    "• 答题：点您选的那一项。\n"
    "点下面的按钮看详细说明。"
)
HELP_BUTTON_REFLECT = "📝 怎样交心得"
HELP_BUTTON_QUIZ = "✅ 怎样答题"
HELP_BUTTON_REMIND = "🔔 收提醒和祝福"
HELP_BUTTON_COMMANDS = "📋 全部命令"
HELP_REFLECT = (
    "<b>交心得，三种办法，哪种方便用哪种</b>\n"
    "1. 手指按住群里的“📝 心得交流”消息，点“回复”（Reply），再打字、"
    "按住🎤话筒说话、或点📎曲别针拍照，发送。\n"
    "2. 点“📝 提交心得”按钮，再点“开始”（START），把心得发给我。\n"
    "3. 直接在这里发给我，再点“交上”。\n"
    "我回复“已收到……谢谢”，就交好了。过了截止时间也照样收下。"
)
HELP_QUIZ = (
    "<b>答题</b>\n"
    "• 群里的题：点您认为对的那一项。多选题点好几项后，再点“投票”（Vote）。\n"
    "• 点“✅ 开始答题”：在这里一题一题点大按钮，答完马上告诉您对不对。\n"
    "一般开放三天，不着急。"
)
HELP_REMIND = (
    "<b>收提醒和祝福</b>\n"
    "点我的头像 →“发消息”（Message）→“开始”（START）。"
    "以后的提醒和生日祝福，就会单独发给您。\n"
    "登记生日：发 /birthday。"
)
HELP_COMMANDS = "<b>可用的命令</b>\n{commands}"
HELP_ADMIN = "<b>支部管理命令</b>（书记、支委使用）\n{commands}\n\n{member_commands}"
HELP_STAFF = "<b>老干科工作人员命令</b>\n{commands}\n\n{member_commands}"
COMMAND_LINE = "/{name} — {description}"

SETUP_DONE = (
    "好的，本群“{title}”已设为支部群。\n"
    "请确认我是群管理员，这样我才能看到大家的回复和入群情况。\n"
    "发 /help 查看可用的命令。"
)
SETUP_ALREADY = "本群“{title}”早已是支部群，无需重复设置。"
SETUP_GROUP_ONLY = "请在支部的群聊里发送 /setup，把那个群设为支部群。"

NOT_ADMIN = "抱歉，这个命令只有支部书记和支委可以使用。如需帮助，请联系支部书记。"
NOT_STAFF = "抱歉，这个命令只有支部书记、支委和老干科工作人员可以使用。"
# A private command about a branch whose group the bot was removed from.
BOT_REMOVED = (
    "我已经不在“{titles}”群里了（可能被移出了群），所以暂时没法为支部办这件事。\n"
    "要继续使用，请群主或群管理员：\n"
    "1. 在群里点“添加成员”（Add members），把我加回群里；\n"
    "2. 把我设为管理员；\n"
    "3. 在群里发送 /setup。\n"
    "支部以前的学习记录、名单都还在，加回来后接着用。"
)
ANONYMOUS_ADMIN = "您现在是以群组匿名身份发言，我无法确认您的身份。请关闭“匿名发言”后再发一次命令。"
NOT_A_BRANCH = "这个群还不是支部群。请支部书记先在群里发送 /setup。"
NO_BRANCH_PRIVATE = (
    "我还不知道您属于哪个支部。请先在支部群里发一条消息，或请书记在群里发送 /setup。"
)
BUTTON_STALE = "这个按钮已经失效了。如需帮助，请发送 /help。"
UNKNOWN_COMMAND = (
    "没听懂这个命令。您可以：\n"
    "• 回复（Reply）群里的心得邀请，交心得；\n"
    "• 直接把心得发给我；\n"
    "• 点下面的按钮看说明。"
)
INTERNAL_ERROR = "抱歉，刚才处理时出了点问题，已经记下来了。请稍后再试一次。"
SEND_FAILED = "⚠️ 有一条消息没能发出：{describe}\n原因：{reason}"
CHOOSE_BRANCH = "您管理着几个支部，请选择这次要操作的支部："

EXPORT_PRIVATE_ONLY = (
    "为保护大家的信息，下载只在私聊中进行。请点我的头像，和我私聊后再发送 /export。"
)

# --- who reads these -------------------------------------------------------------------------
# Texts addressed to members (retirees): at most 120 characters each, tags left out
# (tests/unit/test_texts.py). MEMBER_HELP lists those a member opens with a tap, which may be
# longer. See docs/architecture.md, "Texts".
MEMBER_TEXTS = (
    "START_MEMBER",
    "START_PRIVATE_EXTRA",
    "HELP_MEMBER",
    "HELP_BUTTON_REFLECT",
    "HELP_BUTTON_QUIZ",
    "HELP_BUTTON_REMIND",
    "HELP_BUTTON_COMMANDS",
    "HELP_REFLECT",
    "HELP_QUIZ",
    "HELP_REMIND",
    "HELP_COMMANDS",
    "NOT_ADMIN",
    "NOT_STAFF",
    "ANONYMOUS_ADMIN",
    "NO_BRANCH_PRIVATE",
    "BUTTON_STALE",
    "UNKNOWN_COMMAND",
    "INTERNAL_ERROR",
    "EXPORT_PRIVATE_ONLY",
)
MEMBER_HELP = (
    "HELP_REFLECT",
    "HELP_QUIZ",
    "HELP_REMIND",
    "HELP_COMMANDS",
)
