"""Texts for reflections (心得体会): thanks, reminders, the report and the ledger download."""

from storage.reflections import KIND_NAMES

# '语音心得': the kind's name (as the ledger has it) and 心得.
KIND_LABELS = {kind: f"{name}心得" for kind, name in KIND_NAMES.items()}
# The member's name is followed by the branch's honorific (同志 by default).
ACK_ONE = "已收到{name}{honorific}的{what}，谢谢！"
ACK_MANY = "已收到以下同志的心得，谢谢大家！\n{lines}"
ACK_LINE = "• {name}{honorific}：{what}"
ACK_LATE = "（虽已过截止时间，也一并记入台账）"
# What was added to a submission thanked before: 补充照片（2张）.
ACK_ADDED = "补充{what}"
ACK_PRIVATE_MORE = "\n还想补充的话，直接发给我就行。"

WAIT_PROMPT = (
    "{name}{honorific}，请在这里发来您对“{topic}”的心得：打字、按住话筒说话、或拍张照片都行。"
    "不想发了，点“取消”。"
)
WAIT_STILL = "好的！请发来您的心得：打字、语音或照片都行。不想发了，点“取消”。"
WAIT_CANCELLED = "好的，已取消。想交心得时，直接发给我就行。"
WAIT_UNSUPPORTED = "这个我收不了。请发文字、语音、照片或文件；不想发了，点“取消”。"
CANCEL_BUTTON = "取消"
SUBMIT_BUTTON = "📝 提交心得"

SESSION_GONE = (
    "抱歉，没有找到这次主题党日，可能已经过去了。请回复（Reply）群里最新的邀请消息交心得。"
)
NOT_IN_BRANCH = "抱歉，您还不是这个支部群的成员，不能提交这次的心得。如有疑问请联系支部书记。"
NO_SESSION = "现在还没有进行中的主题党日，暂时不用提交心得。"
REFLECT_HOW = (
    "请把心得写在 /reflect 后面，例如：/reflect 学习了……\n"
    "更简单：<b>回复</b>（Reply）群里的邀请消息，打字、语音、拍照都行。"
)
CHOOSE_SESSION = "您在几个支部里，这次的心得交给哪一次主题党日？"

# --- a bare "收到" replied to a session's post: asked privately, nothing said in the group ---
ASK_PRIVATE = (
    "{name}{honorific}，看到您在群里回复了“{said}”，谢谢！"
    "您是想交心得吗？可以直接回复一段文字、语音或照片。"
)

# --- a private message sent without pressing the button (handlers/private.py) ---------
OFFER = "要把这条作为本次主题党日“{topic}”的心得交上吗？"
OFFER_ALBUM = "要把这一组作为本次主题党日“{topic}”的心得交上吗？"
OFFER_SEVERAL = "要把这条作为心得交上吗？请选交给哪一次主题党日："
OFFER_YES = "交上"
OFFER_NO = "不用"
# Button labels are plain text (not HTML): fill with str.format, not fmt.
OFFER_TO = "交给 {date} {topic}"
OFFER_TAKEN = "✅ 已交上。"
OFFER_DECLINED = "好的，这条不算心得。"
OFFER_GONE = "这条已经过了时间。要交心得，请再发一次。"
NOTE = (
    "您好！我是支部的学习助手“银龄”。现在没有要交的心得。"
    "主题党日时，回复（Reply）群里的“📝 心得交流”消息，或直接发给我，就能交心得。"
)
NOTE_OPEN = "您好！主题党日“{topic}”的心得，直接在这里发文字、语音或照片给我就行。"
NOTE_SUBMITTED = "您的心得已经收到了，谢谢！还想补充，直接发给我就行。"
NOTHING_TO_CANCEL = "现在没有要取消的事。需要帮助，点下面的按钮或发 /help。"
# Button labels are plain text (not HTML): fill with str.format, not fmt.
SESSION_BUTTON = "{date} {topic}"

REMIND_GROUP = (
    "🌷 温馨提醒：主题党日“{topic}”的心得体会，还没有收到{names}的。\n"
    "学完后<b>回复</b>（Reply）群里的邀请消息就可以，打字、发语音、拍照片都行。"
    "截止时间：{deadline}。谢谢大家！"
)
REMIND_PRIVATE = (
    "{name}{honorific}，您好！主题党日“{topic}”的心得体会还没收到您的。\n"
    "方便时直接在这里发文字、语音或照片给我就可以。截止时间：{deadline}。"
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

# --- who reads these -------------------------------------------------------------------------
# Texts addressed to members (retirees): at most 120 characters each, tags left out
# (tests/unit/test_texts.py). MEMBER_HELP lists those a member opens with a tap, which may be
# longer. See docs/architecture.md, "Texts".
MEMBER_TEXTS = (
    "KIND_LABELS",
    "ACK_ONE",
    "ACK_MANY",
    "ACK_LINE",
    "ACK_LATE",
    "ACK_ADDED",
    "ACK_PRIVATE_MORE",
    "WAIT_PROMPT",
    "WAIT_STILL",
    "WAIT_CANCELLED",
    "WAIT_UNSUPPORTED",
    "CANCEL_BUTTON",
    "SUBMIT_BUTTON",
    "SESSION_GONE",
    "NOT_IN_BRANCH",
    "NO_SESSION",
    "REFLECT_HOW",
    "CHOOSE_SESSION",
    "SESSION_BUTTON",
    "ASK_PRIVATE",
    "OFFER",
    "OFFER_ALBUM",
    "OFFER_SEVERAL",
    "OFFER_YES",
    "OFFER_NO",
    "OFFER_TO",
    "OFFER_TAKEN",
    "OFFER_DECLINED",
    "OFFER_GONE",
    "NOTE",
    "NOTE_OPEN",
    "NOTE_SUBMITTED",
    "NOTHING_TO_CANCEL",
    "REMIND_GROUP",
    "REMIND_PRIVATE",
    "NAME_SEPARATOR",
)
MEMBER_HELP = ()
