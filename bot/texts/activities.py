"""Texts of 活动报名: the card in the group, its buttons and answers, the private reminders and
notices, the admin's flows, lists and downloads."""

CMD_ACTIVITY = "活动报名：新建活动、看报名名单、签到、下载报名表"

# --- the card in the group ---------------------------------------------------------------------
CARD_HEAD = "📣 <b>{title}</b>"
CARD_CANCELLED = "❌ <b>{title}</b>（已取消）"
CARD_CANCELLED_NOTE = "这个活动<b>取消了</b>，给大家带来不便，请谅解。"
CARD_REASON = "\n原因：{reason}"
LINE_WHEN = "🕘 时间：{when}"
LINE_PLACE = "📍 地点：{place}"
LINE_MEET = "🚌 集合：{meet}"
LINE_NOTES = "🎒 请带 / 注意：{notes}"
LINE_DEADLINE = "⏳ 报名截止：{when}"
LINE_CAPACITY = "👥 名额：{capacity}人（家属也占名额）"
LINE_PLUS_ONE = "👨‍👩 可以带一位家属"
MEET_BOTH = "{place}，{time}"
COUNT_GOING = "✋ 已报名 <b>{people}</b>人"
COUNT_FAMILY = "（含家属{family}人）"
COUNT_LEFT = "，还剩{left}个名额"
COUNT_FULL = "，名额已满"
COUNT_WAITING = "；候补{waiting}人"
COUNT_DECLINED = "；不参加{declined}人"
COUNT_ARRIVED = "\n✅ 已到 <b>{arrived}</b>人"
CARD_NAMES = "参加：{names}"
CARD_WAITING_NAMES = "候补：{names}"
NAME = "{name}"
NAME_FAMILY = "{name}（带家属）"
NAMES_MORE = "……另有{count}人"
CARD_HOW_OPEN = "👇 点下面的按钮报名；截止前可以随时改。"
CARD_HOW_CLOSED = "报名已截止。有变化请直接告诉支部书记。"
CARD_HOW_CHECKIN = "👇 到了集合地点，请点“我到了”。"
CARD_HOW_OVER = "活动已结束，谢谢大家！"

BUTTON_YES = "✋ 我参加"
BUTTON_FAMILY = "👨‍👩 带家属参加"
BUTTON_NO = "🙅 不参加"
BUTTON_ARRIVED = "✅ 我到了"

# --- answers to a tap (a notice only the tapper sees; plain text, at most 200 characters) ------
TAP_GOING = "{name}，已为您报名。截止前可以随时改。"
TAP_GOING_FAMILY = "{name}，已为您和家属报名（两个名额）。截止前可以随时改。"
TAP_WAITING = "名额已满，{name}暂列候补第{position}位。有人退出时按顺序递补，会私下告诉您。"
TAP_DECLINED = "好的，{name}，已记下您这次不参加。"
TAP_SAME_GOING = "{name}，您已经报名了，不用再点。"
TAP_SAME_WAITING = "{name}，您在候补第{position}位，有空位会私下告诉您。"
TAP_SAME_DECLINED = "已记下您这次不参加。要去的话，点“我参加”。"
TAP_NO_ROOM_FOR_FAMILY = "名额不够再加一位家属了，已为您保留本人的名额。"
TAP_NO_FAMILY = "这次活动不能带家属，请点“我参加”。"
TAP_CLOSED = "报名已经截止了。有变化请直接告诉支部书记。"
TAP_CANCELLED = "这个活动已经取消了。"
TAP_OVER = "这个活动已经结束了。"
TAP_GONE = "这个活动已经没有了。"
TAP_NOT_MEMBER = "这是支部的活动报名，只有本支部的同志可以报名。"
TAP_ARRIVED = "{name}，签到好了，欢迎！"
TAP_ARRIVED_AGAIN = "{name}，您已经签到了。"
TAP_ARRIVED_EARLY = "签到在活动当天开始，到时再点。"
TAP_ARRIVED_LATE = "签到已经结束了。"

# --- private messages to members --------------------------------------------------------------
PRIVATE_WAITING = (
    "⏳ {name}，“{title}”的名额已满，您暂列<b>候补第{position}位</b>。\n"
    "有同志退出时按顺序递补，到时我会私下告诉您。"
)
PRIVATE_PROMOTED = (
    "🎉 {name}，“{title}”有了空位，您已从候补转为<b>正式报名</b>。\n\n{details}\n\n"
    "去不了的话，请在群里那条活动消息上点“不参加”。"
)
NUDGE = (
    "{name}，您好！支部组织“{title}”，还在报名：\n\n{details}\n\n"
    "去不去都可以点下面的按钮告诉我们，谢谢！"
)
REMIND_DAY_BEFORE = "🔔 {name}，明天就是“{title}”了：\n\n{details}\n\n有变化请告诉支部书记。"
REMIND_SOON = "🔔 {name}，今天的“{title}”快开始了：\n\n{details}\n\n路上慢一点，注意安全！"
CHANGED_TIME = (
    "📢 {name}，您报名的“{title}”<b>时间改了</b>：\n"
    "原定 {old}，改为 <b>{new}</b>。\n\n{details}\n\n"
    "去不了的话，请在群里那条活动消息上点“不参加”。"
)
CHANGED_PLACE = (
    "📢 {name}，您报名的“{title}”<b>地点改了</b>：\n原定 {old}，改为 <b>{new}</b>。\n\n{details}"
)
CANCELLED_PRIVATE = (
    "📢 {name}，您报名的“{title}”（{when}）<b>取消了</b>。{reason}给您带来不便，请谅解。"
)
CANCELLED_REASON = "原因：{reason}。"
PROMOTED_NOT_TOLD = "ℹ️ “{title}”有同志从候补转为正式报名了。"

# --- notes in the group (replies to the card; nobody is named) --------------------------------
GROUP_CHANGED_TIME = "📢 “{title}”的时间改为 <b>{new}</b>，请大家留意。已报名的同志都私下通知了。"
GROUP_CHANGED_PLACE = "📢 “{title}”的地点改为 <b>{new}</b>，请大家留意。已报名的同志都私下通知了。"
GROUP_CANCELLED = "📢 “{title}”（{when}）取消了，给大家带来不便，请谅解。"

# --- the admin's flows ---------------------------------------------------------------------------
ASK_TITLE = (
    "➕ <b>新建活动</b>（{branch}）\n\n活动叫什么？例如“秋游：参观红旗村”。常用的名称点一下就行："
)
TITLE_CHOICES = (
    "春游",
    "秋游",
    "春节座谈会",
    "七一座谈会",
    "重阳节座谈会",
    "健康体检",
    "健康讲座",
    "参观企业",
)
ASK_WHEN = "<b>{title}</b> 哪天几点开始？\n请打字，例如：11月8日 9:00、下周三上午9点、明天下午2点半"
ASK_PLACE = "在哪里？请打字写上地点，例如：红旗村村委会"
ASK_MEET_PLACE = "要不要先集合？要集合的话，写上集合地点，例如：局机关大院门口"
MEET_NONE = "不用集合，直接到地点"
ASK_MEET_TIME = "几点在“{place}”集合？例如 7:30"
MEET_BEFORE = {30: "提前半小时（{time}）", 60: "提前1小时（{time}）"}
ASK_NOTES = "要带什么、注意什么？例如：带身份证、穿运动鞋"
NOTES_NONE = "没有要说明的"
ASK_DEADLINE = "报名到什么时候截止？例如：11月5日 18:00"
DEADLINE_CHOICE = "{days}天前（{when}）"
ASK_CAPACITY = "最多几个人（家属也算）？"
CAPACITY_NONE = "不限人数"
CAPACITY_N = "{n}人"
ASK_PLUS_ONE = "可以带家属吗？"
PLUS_ONE_YES = "可以带一位家属"
PLUS_ONE_NO = "不带家属"
ASK_PUBLIC = "群里那条活动消息上，显示谁报了名吗？"
PUBLIC_NO = "只显示人数"
PUBLIC_YES = "显示名单（公开）"
SUMMARY = "<b>请核对：</b>\n\n📣 <b>{title}</b>\n{details}\n👀 群里：{public}\n\n确认后发到“{branch}”群里。"
CREATED = "✅ 已发到群里：“{title}”。大家点按钮报名，随时发 /activity 看名单。"
CREATE_LABEL = "✅ 确认，发到群里"

BAD_TITLE = "活动名称请写1到40个字，例如：秋游：参观红旗村"
BAD_PLACE = "地点请写1到60个字，例如：红旗村村委会"
BAD_NOTES = "说明请写在200个字以内。"
PAST_WHEN = "{when}已经过去了，请写以后的时间，例如：下周三上午9点"
MEET_AFTER_START = "集合时间要早于开始时间（{start}），例如：{example}"
DEADLINE_AFTER_START = "截止时间要在活动开始（{start}）之前，例如：{example}"
DEADLINE_PAST = "截止时间{when}已经过去了，请写以后的时间。"
BAD_CAPACITY = "人数请写1到500之间的数字，例如：30"

# --- changes ------------------------------------------------------------------------------------
ASK_NEW_TIME = "“{title}”现在是 {when}。\n改到哪天几点？请打字，例如：11月9日 9:00"
ASK_NEW_PLACE = "“{title}”现在在“{place}”。\n改到哪里？请打字写新地点。"
ASK_CANCEL_REASON = "要取消“{title}”（{when}）。\n说一下原因吗？例如：天气预报有大雨"
REASON_NONE = "不说明原因"
SUMMARY_TIME = "把“{title}”的时间从 {old} 改为 <b>{new}</b>。{deadline}\n确认后私下通知已报名的{count}位同志，并在群里说一声。"
SUMMARY_DEADLINE_MOVED = "\n报名截止也相应改为 {deadline}。"
SUMMARY_PLACE = "把“{title}”的地点从“{old}”改为“<b>{new}</b>”。\n确认后私下通知已报名的{count}位同志，并在群里说一声。"
SUMMARY_CANCEL = "取消“{title}”（{when}）。{reason}\n确认后群里的活动消息标为“已取消”，并私下通知已报名的{count}位同志。"
CHANGE_LABEL = "✅ 确认修改"
CANCEL_LABEL = "✅ 确认取消活动"
CHANGED = "✅ 改好了，已私下通知{told}位同志。"
CANCELLED_DONE = "✅ 已取消，已私下通知{told}位同志。"
NOT_TOLD = "\n⚠️ 这几位没和我私聊过（没点过“START”），收不到私信，请打电话告诉他们：\n{people}"
NOT_TOLD_LINE = "• {name}{phone}"
PHONE = "（电话 {phone}）"
NOTHING_CHANGED = "活动已经不能修改了（已取消或已结束），什么也没有改。"
SAME_TIME = "时间和原来一样，没有改动。"
SAME_PLACE = "地点和原来一样，没有改动。"

# --- lists for admins and staff -------------------------------------------------------------------
LIST_HEAD = "📋 <b>活动报名</b>（{branch}）"
LIST_EMPTY = "还没有活动。点“新建活动”发一个到群里。"
LIST_LINE = "{when}　{title}　{state}"
LIST_STATE = "报名{people}人"
LIST_STATE_WAITING = "，候补{waiting}人"
LIST_STATE_UNANSWERED = "，未回复{unanswered}人"
LIST_STATE_ARRIVED = "，到场{arrived}人"
LIST_STATE_CANCELLED = "已取消"
LIST_HINT = "\n点下面的活动看名单、签到、下载报名表。"
LIST_BUTTON = "{date} {title}"
NEW_BUTTON = "➕ 新建活动"

DETAIL_HEAD = "📋 <b>{title}</b>\n{details}"
DETAIL_CANCELLED = "\n❌ 已取消"
DETAIL_GOING = "\n<b>✋ 参加（{people}人，含家属{family}人）</b>"
DETAIL_GOING_NONE = "\n<b>✋ 参加</b>：还没有人报名"
DETAIL_WAITING = "\n<b>⏳ 候补（{count}人，按先后）</b>"
DETAIL_DECLINED = "\n<b>🙅 不参加（{count}人）</b>\n{names}"
DETAIL_UNANSWERED = "\n<b>❓ 未回复（{count}人）</b>\n{names}"
DETAIL_ARRIVED = "\n<b>✅ 到场 {arrived}人</b>，缺席 {absent}人"
DETAIL_WALKIN = "\n未报名但到场：{names}"
DETAIL_ROW = "{n}. {name}{family}{arrived}"
DETAIL_ROW_FAMILY = "（带家属）"
DETAIL_ROW_ARRIVED = " ✅"
DETAIL_ROW_ABSENT = " ✖️缺席"
AWAY = "（住院中）"
BUTTON_SHEET = "📥 下载报名表"
BUTTON_ATTEND = "✅ 签到"
BUTTON_TIME = "🕘 改时间"
BUTTON_PLACE = "📍 改地点"
BUTTON_CANCEL = "❌ 取消活动"
BUTTON_BACK = "⬅️ 活动列表"

# --- attendance (签到) by the secretary --------------------------------------------------------
ATTEND_HEAD = (
    "✅ <b>签到：{title}</b>（{date}）\n点名字签到，再点一次取消。已到 {arrived}/{going} 人。"
)
ATTEND_OTHERS_HEAD = "✅ <b>签到：{title}</b>\n没报名但来了的同志，点名字签到。"
ATTEND_MEMBER = "{mark} {name}"
ATTEND_YES = "✅"
ATTEND_NO = "⬜"
ATTEND_OTHERS = "➕ 没报名但来了的"
ATTEND_BACK = "⬅️ 报名的同志"
ATTEND_MORE = "下一页 ➡️"
ATTEND_LESS = "⬅️ 上一页"
ATTEND_DONE = "完成"
ATTEND_FINISHED = "✅ <b>签到：{title}</b>\n到场 {arrived} 人。随时发 /activity 可以再改。"
ATTEND_NOT_YET = "签到在活动当天开始（{when}起）。"
ATTEND_TOO_LATE = "活动已过去一个月，签到不能再改了。"
ATTEND_NOBODY = "还没有人报名；没报名但来了的同志，点下面的按钮签到。"

# --- downloads ------------------------------------------------------------------------------------
SHEET_WORKING = "正在生成“{title}”的报名表，请稍等……"
SHEET_CAPTION = (
    "📥 “{title}”报名表：参加{people}人（含家属{family}人），候补{waiting}人。可以直接打印。"
)
SHEET_FAILED = "报名表没能生成，请稍后再试一次。"

# --- refusals --------------------------------------------------------------------------------------
PRIVATE_ONLY = "活动报名的管理在和我的私聊里进行。点下面的按钮，我们私聊："
OPEN_PRIVATE = "📋 打开活动报名"
STALE = "这个活动已经没有了，请重新发送 /activity。"

MENU_TITLE = "📣 活动报名"
MENU_NEW = "➕ 新建活动"
MENU_LIST = "📋 活动列表（名单、签到、报名表）"


# --- who reads these -------------------------------------------------------------------------
# Texts addressed to members: the card's pieces are each short (the card itself can be long: it
# is the activity's details, shown once to everyone), the tap notices, the private notes.
MEMBER_TEXTS = (
    "CARD_CANCELLED_NOTE",
    "CARD_HOW_OPEN",
    "CARD_HOW_CLOSED",
    "CARD_HOW_CHECKIN",
    "CARD_HOW_OVER",
    "BUTTON_YES",
    "BUTTON_FAMILY",
    "BUTTON_NO",
    "BUTTON_ARRIVED",
    "TAP_GOING",
    "TAP_GOING_FAMILY",
    "TAP_WAITING",
    "TAP_DECLINED",
    "TAP_SAME_GOING",
    "TAP_SAME_WAITING",
    "TAP_SAME_DECLINED",
    "TAP_NO_ROOM_FOR_FAMILY",
    "TAP_NO_FAMILY",
    "TAP_CLOSED",
    "TAP_CANCELLED",
    "TAP_OVER",
    "TAP_GONE",
    "TAP_NOT_MEMBER",
    "TAP_ARRIVED",
    "TAP_ARRIVED_AGAIN",
    "TAP_ARRIVED_EARLY",
    "TAP_ARRIVED_LATE",
    "PRIVATE_WAITING",
    "PRIVATE_PROMOTED",
    "NUDGE",
    "REMIND_DAY_BEFORE",
    "REMIND_SOON",
    "CHANGED_TIME",
    "CHANGED_PLACE",
    "CANCELLED_PRIVATE",
    "GROUP_CHANGED_TIME",
    "GROUP_CHANGED_PLACE",
    "GROUP_CANCELLED",
)
MEMBER_HELP: tuple[str, ...] = ()
