"""Texts for reflections (心得体会): thanks, reminders, the report and the ledger download."""

from storage.reflections import KIND_NAMES

# '语音心得': the kind's name (as the ledger has it) and 心得.
KIND_LABELS = {kind: f"{name}心得" for kind, name in KIND_NAMES.items()}
# The member's name is followed by the branch's honorific (同志 by default).
ACK_ONE = "已收到{name}{honorific}的{what}，谢谢！"
ACK_MANY = "已收到以下同志的心得，谢谢大家！\n{lines}"
ACK_LINE = "• {name}{honorific}：{what}"
ACK_LATE = "（虽已过截止时间，也一并记入台账）"
ACK_PRIVATE_MORE = "\n如还想补充，再点一次群里的“📝 提交心得”按钮就可以。"

WAIT_PROMPT = (
    "{name}{honorific}，您好！请直接在这里发来您对主题党日“{topic}”的心得体会：\n"
    "• 打字发送，或\n"
    "• 按住话筒录一段语音，或\n"
    "• 把手写的心得拍照发来。\n\n"
    "我收到后会告诉您。不想发了，点下面的“取消”或发 /cancel 即可。"
)
WAIT_CANCELLED = "好的，已取消。需要时再点群里的“📝 提交心得”按钮就可以。"
WAIT_EXPIRED = (
    "您上次点的“📝 提交心得”已经过了一段时间，这条消息没有记为心得。"
    "请再点一次群里的按钮，或直接回复群里的邀请消息。"
)
WAIT_UNSUPPORTED = "这个我收不了。请发文字、语音、照片或文件；不想发了，发 /cancel 取消。"
CANCEL_BUTTON = "取消"
SUBMIT_BUTTON = "📝 提交心得"

SESSION_GONE = "抱歉，没有找到这次主题党日，可能链接已失效。请回复群里最新的邀请消息提交心得。"
NOT_IN_BRANCH = "抱歉，您还不是这个支部群的成员，不能提交这次的心得。如有疑问请联系支部书记。"
NO_SESSION = "现在还没有进行中的主题党日，暂时不用提交心得。"
REFLECT_HOW = (
    "请把心得写在 /reflect 后面，例如：\n/reflect 学习了……，我的体会是……\n\n"
    "更简单的办法：直接<b>回复</b>群里的邀请消息，打字、语音、拍照都行。"
)
CHOOSE_SESSION = "您在几个支部里，这次的心得交给哪一次主题党日？"
# Button labels are plain text (not HTML): fill with str.format, not fmt.
SESSION_BUTTON = "{date} {topic}"

REMIND_GROUP = (
    "🌷 温馨提醒：主题党日“{topic}”的心得体会，还没有收到{names}的。\n"
    "学完后<b>回复</b>群里的邀请消息就可以，打字、发语音、拍照片都行。"
    "截止时间：{deadline}。谢谢大家！"
)
REMIND_PRIVATE = (
    "{name}{honorific}，您好！主题党日“{topic}”的心得体会还没收到您的。\n"
    "方便时直接在这里点下面的按钮，再发文字、语音或照片就可以。截止时间：{deadline}。"
)
REMIND_DONE = "已提醒：{names}。"
REMIND_NOBODY = "大家都已提交心得，不用再提醒了。"
NAME_SEPARATOR = "、"

REPORT_TITLE = "📒 <b>学习台账</b> · {date} 主题党日“{topic}”\n截止时间：{deadline}"
REPORT_SUBMITTED = "<b>已提交</b>（{count}人）："
REPORT_LINE = "{n}. {name} — {kinds}"
REPORT_ITEM = "{kind} {time}"
REPORT_LATE = "（逾期）"
REPORT_MISSING = "<b>未提交</b>（{count}人）：{names}"
REPORT_NONE_MISSING = "<b>未提交</b>：无"
REPORT_TOTALS = (
    "合计：应交 {expected} 人，已交 {done} 人，未交 {missing} 人，共收到 {items} 份材料。"
)
REPORT_TRUNCATED = "……（名单较长，完整内容请私聊发 /export 下载学习台账）"
REPORT_OTHER = "查看其他场次："
REPORT_SENT_PRIVATELY = "台账已私聊发给您。"
REPORT_START_PRIVATE = "台账只私下发送。请先点我的头像、和我私聊一次，再发 /report。"
REPORT_NOT_FOUND = "没有找到那一次主题党日。可以直接发 /report 查看最近一次。"
REPORT_BAD_DATE = "{reason}\n直接发 /report 可以查看最近一次。"
