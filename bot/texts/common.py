"""Texts shared by every feature: start, help, setup, refusals and errors."""

START_MEMBER = (
    "您好，{name}！我是支部的学习助手“银龄”。\n\n"
    "参加学习不用记任何命令：\n"
    "• 主题党日那天，我会在群里发学习材料；\n"
    "• 学完后，<b>回复</b>我发的那条邀请消息，打字、发语音、拍照片都可以；\n"
    "• 有知识测试时，点按钮就能答题。\n\n"
    "有不明白的，随时发 /help 给我。"
)
START_PRIVATE_EXTRA = "\n\n已经和我建立了私聊，以后的提醒和祝福会私下发给您。"

HELP_MEMBER = (
    "<b>怎样参加学习</b>\n"
    "1. 主题党日，我会在群里发学习材料和一条“提交心得”的邀请。\n"
    "2. 学完后，<b>回复</b>那条邀请消息：打字、发语音、或把手写的心得拍照发来都行。\n"
    "3. 也可以点“📝 提交心得”按钮，在和我的私聊里发送。\n"
    "4. 知识测试时，点选项按钮答题，每题不限时，慢慢来。\n\n"
    "<b>可用的命令</b>\n{commands}"
)
HELP_ADMIN = "<b>支部管理命令</b>（书记、支委使用）\n{commands}\n\n{member_help}"
HELP_STAFF = "<b>老干科工作人员命令</b>\n{commands}\n\n{member_help}"
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
UNKNOWN_COMMAND = "没听懂这个命令。发 /help 可以看看能用哪些命令。"
INTERNAL_ERROR = "抱歉，刚才处理时出了点问题，已经记下来了。请稍后再试一次。"
SEND_FAILED = "⚠️ 有一条消息没能发出：{describe}\n原因：{reason}"
CHOOSE_BRANCH = "您管理着几个支部，请选择这次要操作的支部："

EXPORT_PRIVATE_ONLY = (
    "为保护大家的信息，下载只在私聊中进行。请点我的头像，和我私聊后再发送 /export。"
)
