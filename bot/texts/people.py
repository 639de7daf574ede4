"""Texts for people as they are: a member's status (在册/住院/调离/已故), the roster import's
preview, the privacy of what the group sees (general reminders, birthdays without ages)."""

# --- statuses ------------------------------------------------------------------------------

STATUS_NAMES = {"present": "在册", "away": "住院/休养", "moved": "调离/转出", "deceased": "已故"}
STATUS_MARK = "（{label}）"

# --- the roster import's preview (admins) ----------------------------------------------------

IMPORT_PREVIEW = (
    "📋 <b>名单预览</b>（{branch}）\n"
    "新的名单共{total}人：新增 {added}人，更新 {updated}人，不在新名单中 {missing}人。"
)
IMPORT_PREVIEW_STATUS = "\n状态有变化的：{names}。"
IMPORT_PREVIEW_MISSING_NAMES = "\n不在新名单中的：{names}。"
IMPORT_PREVIEW_ASK_MISSING = (
    "\n\n不在新名单中的同志怎么办？\n"
    "• 保留：照旧在名单上\n"
    "• 标为调离：不再给他们发任何消息，以前的记录都保留"
)
IMPORT_PREVIEW_ASK = "\n\n现在还<b>没有改动</b>，点“确认导入”才会导入。"
IMPORT_PREVIEW_GROUP = (
    "📋 名单已收到：新增 {added}人，更新 {updated}人，不在新名单中 {missing}人。"
    "详细名单和确认按钮已私聊发给 {admin}。"
)
IMPORT_CHOSEN_KEEP = "\n\n不在新名单中的同志：<b>保留</b>。"
IMPORT_CHOSEN_MOVED = "\n\n不在新名单中的同志：<b>标为调离</b>。"
BUTTON_KEEP = "保留他们"
BUTTON_MOVED = "标为调离"
BUTTON_IMPORT = "✅ 确认导入"
BUTTON_BACK = "↩️ 返回"
BUTTON_CANCEL = "✖️ 取消"
IMPORT_CANCELLED = "已取消，名单保持原样。"
IMPORT_STALE = "这份名单预览已经过期或处理过了，请重新发送名单文件。"
IMPORT_WORKING = "好的，正在导入名单……"
IMPORT_MOVED_DONE = "\n已标为调离的{count}人：{names}（记录都保留着）。"
IMPORT_KEPT_DONE = "\n不在新名单中的{count}人照旧保留在名单上。"

# --- status of one person (admins, privately) ------------------------------------------------

CMD_STATUS = "更改成员状态：住院、调离、已故"
MENU_STATUS = "更改成员状态（住院、调离、已故）"
ASK_WHO = "要更改哪位同志的状态？"
ASK_WHO_TYPED = "也可以直接打名字。"
WHO_NOT_FOUND = "名单上没有找到“{name}”，请点按钮选，或者打全名。"
NOBODY = "名单上还没有人。请先导入名单：/roster template 要模板。"
ASK_STATUS = "<b>{name}</b> 现在是：{status}\n改成什么？"
ASK_DAY = "<b>{name}</b> 是哪一天去世的？\n点按钮，或者打日期，例如 2026-11-20、11月20日。"
DAY_TODAY = "今天"
DAY_YESTERDAY = "昨天"
BAD_DAY = "没看懂这个日期，请打例如 2026-11-20 或 11月20日。"
FUTURE_DAY = "这个日期还没到，请核对。"
SUMMARY = "把 <b>{name}</b> 的状态从“{old}”改成“<b>{new}</b>”。"
WHAT_HAPPENS = {
    "present": "以后照常收到提醒和祝福。",
    "away": "住院期间不收交心得的提醒，生日等祝福照常；每周走访提示里会提醒去探望。",
    "moved": "以后不再给他发任何消息，也不再出现在名单、提醒和统计里；以前的记录都保留。",
    "deceased": "以后不再给他发任何消息，也不会再提到他；以前的记录都保留。",
}
SAVED = "✅ 已记下：{name}　{status}。"
UNCHANGED = "{name} 本来就是“{status}”，没有改动。"
GONE_HEADER = "\n<b>已离开名单的同志</b>（记录保留）："
GONE_LINE = "• {name}　{label}"
LOG_HEADER = "\n<b>最近的状态变动</b>："
LOG_LINE = "• {day} {name}：{old} → {new}（{by}，{how}）"
LOG_SOURCES = {"button": "点按钮", "roster": "导入名单"}
STATUS_HINT = "\n要更改某位同志的状态（住院、调离、已故），请点下面的按钮。"
STATUS_BUTTON = "更改状态"
STATUS_PRIVATE_ONLY = "成员状态请私聊我发 /status 更改，不在群里说。"

# --- what the group sees ----------------------------------------------------------------------

# A group reminder that names nobody (the names go privately and into the secretary's /report).
REMIND_GROUP_GENERAL = (
    "🔔 温馨提醒：本次主题党日“{topic}”的心得体会，已经收到{done}位同志的了，谢谢大家！"
    "还没来得及交的同志不着急，学完后请在{deadline}前<b>回复</b>（Reply）群里的邀请消息，"
    "或者私聊我。"
)
REMIND_GROUP_GENERAL_NONE = (
    "🔔 温馨提醒：本次主题党日“{topic}”的心得体会，学完后请在{deadline}前<b>回复</b>（Reply）"
    "群里的邀请消息，或者私聊我，打字、语音、拍照都行。还没来得及的同志不着急。"
)
# /birthday in the group: nothing personal is repeated there.
BIRTHDAY_GROUP_PRIVATE = "🔒 生日是个人信息，我已经私聊回复您了。"
BIRTHDAY_GROUP_START = (
    "🔒 生日是个人信息，请点下面的按钮和我私聊，在私聊里发生日（没有显示在群里）。"
)
BIRTHDAY_GROUP_SAVED = "🔒 已记下。生日是个人信息，详细情况请点下面的按钮，在和我的私聊里看。"
BIRTHDAY_OPEN_PRIVATE = "和我私聊"

# --- the Monday digest (admins) ------------------------------------------------------------------

DIGEST_AWAY_HEADER = "\n\n🏥 <b>住院/休养中的同志</b>（可安排探视）：\n"
DIGEST_AWAY_LINE = "• {name}{since}"
DIGEST_AWAY_SINCE = "（{day}起）"

# --- the 50-year list ---------------------------------------------------------------------------

MEDAL_LINE_CONFIRMED = "• {name}（{confirmed}转正）"
MEDAL_LINE_ESTIMATED = "• {name}（{joined}入党，按入党日期估算，请核对转正时间）"

# --- who reads these ------------------------------------------------------------------------
MEMBER_TEXTS: tuple[str, ...] = (
    "REMIND_GROUP_GENERAL",
    "REMIND_GROUP_GENERAL_NONE",
    "BIRTHDAY_GROUP_PRIVATE",
    "BIRTHDAY_GROUP_START",
    "BIRTHDAY_GROUP_SAVED",
    "BIRTHDAY_OPEN_PRIVATE",
)
MEMBER_HELP: tuple[str, ...] = ()
