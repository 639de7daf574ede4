"""Texts for care: the roster, birthdays, festivals, party anniversaries and the visit digest.

Default greeting templates are here too; an admin may replace each one with /greetings or the
祝福 section of /menu (kept in the branch's options). Placeholders in templates: {name}, {age},
{years}, {joined}, {festival}, {date}; admins read and write them in Chinese ({姓名}, {年龄} …:
bot/core/care/templates.py translates).
"""

# --- default greeting templates -------------------------------------------------------------

# In the group: the name and the wish, never the age (ages are personal: only privately).
BIRTHDAY_GROUP = (
    "🎂 今天（{date}）是<b>{name}</b>同志的生日！\n支部全体同志祝您生日快乐，身体健康，阖家幸福！"
)
# Privately, on a round birthday (60, 70, 80 … by 周岁, or by 虚岁 if the branch chose so).
BIRTHDAY_ROUND_GROUP = (
    "🎉 {name}同志，您好！今天（{date}）是您的生日，也是您{age}岁大寿的好日子，可喜可贺！"
    "支部全体同志恭祝您福如东海、寿比南山，健康长寿，晚年幸福！"
)
BIRTHDAY_PRIVATE = (
    "{name}同志，您好！今天是您{age}周岁的生日，支部祝您生日快乐，"
    "身体健康，万事顺心！天冷天热都请多保重，有什么需要随时和我们说。"
)
ANNIVERSARY_PRIVATE = (
    "{name}同志，您好！今天是您的政治生日：您已经入党{years}周年了（{joined}入党）。"
    "感谢您多年来对党的忠诚和奉献，支部祝您身体健康、生活愉快！"
)
ANNIVERSARY_GROUP = (
    "🚩 今天是<b>{name}</b>同志入党{years}周年的政治生日！"
    "让我们向这位老党员致以崇高的敬意和热烈的祝贺！"
)
ANNIVERSARY_50 = (
    "🏅 <b>{name}</b>同志，今天是您入党50周年的日子！光荣在党50年，"
    "半个世纪初心不改。支部向您致以崇高的敬意，祝您健康长寿！"
)

FESTIVALS = {
    "new_year": "🎊 元旦快乐！新的一年，支部祝各位老同志身体健康、万事如意、阖家幸福！",
    "spring": ("🧧 春节到了！给各位老同志拜年啦！祝大家新春快乐、身体硬朗、阖家团圆、福寿安康！"),
    "lantern": "🏮 元宵节快乐！月圆人团圆，祝各位老同志和家人幸福美满、健康平安！",
    "dragon_boat": "🎋 端午安康！祝各位老同志节日快乐、身体健康，天热注意防暑。",
    "party_day": (
        "🚩 今天是七一，中国共产党成立纪念日。向各位老党员致敬，也向各位老同志问好！"
        "感谢大家几十年如一日的坚守和奉献，祝大家身体健康！"
    ),
    "mid_autumn": "🥮 中秋节快乐！月圆人团圆，支部祝各位老同志和家人阖家幸福、身体安康！",
    "national_day": "🇨🇳 国庆节快乐！祝伟大祖国繁荣昌盛，祝各位老同志健康长寿、生活幸福！",
    "double_ninth": (
        "🌼 <b>今天是重阳节（{date}），是咱们老年人自己的节日！</b>\n"
        "九九重阳，久久安康。感谢您为党和人民奉献了大半辈子，"
        "祝您身体硬朗、心情舒畅、健康长寿！天凉了，请添衣保暖；有困难随时告诉支部。"
    ),
}

# --- /greetings ------------------------------------------------------------------------------

TEMPLATE_LABELS = {
    "birthday": "生日",
    "birthday_round": "整寿",
    "birthday_private": "生日私信",
    "anniversary": "政治生日",
    "anniversary_group": "政治生日群发",
    "anniversary_50": "在党50年",
}
TEMPLATE_HELP = {
    "birthday": "群里的生日祝福",
    "birthday_round": "私信给整寿寿星的祝福（60、70、80、90、100岁等；群里只祝福，不提年龄）",
    "birthday_private": "私信给寿星的生日祝福",
    "anniversary": "私信给党员的政治生日祝福",
    "anniversary_group": "群里的政治生日祝贺（逢十周年，需打开“政治生日群发”）",
    "anniversary_50": "光荣在党50年的祝贺（私信；打开“政治生日群发”时也发到群里）",
}
SWITCH_LABELS = {
    "birthday": "生日",
    "anniversary": "政治生日",
    "anniversary_group": "政治生日群发",
    "digest": "走访提示",
    "medal": "在党50年名单",
}
SWITCH_HELP = {
    "birthday": "生日祝福（群里和私信）",
    "anniversary": "政治生日祝福（私信）",
    "anniversary_group": "逢十周年和在党50年也在群里祝贺",
    "digest": "每周一给书记、支委和老干科发近两周的生日和政治生日",
    "medal": "每年6月1日给书记和支委发当年“光荣在党50年”的名单",
}
# What each placeholder stands for, after its Chinese name ({日期}（农历生日写农历）).
PLACEHOLDER_HELP = {
    "name": "",
    "age": "",
    "years": "",
    "joined": "",
    "festival": "",
    "date": "（农历生日写农历）",
}

GREETINGS_OVERVIEW = (
    "<b>祝福设置</b>\n"
    "每天 <b>{time}</b> 发送当天的祝福。闰月出生的同志：{leap_rule}。\n\n"
    "<b>开关</b>（点下面的按钮打开或关闭）：\n{switches}\n\n"
    "<b>祝福语</b>：\n{templates}\n\n"
    "查看和预览：<code>/greetings 预览 重阳节</code>\n"
    "修改：<code>/greetings 修改 生日 今天是{{姓名}}同志的生日……</code>\n"
    "恢复默认：<code>/greetings 恢复 生日</code>\n"
    "改时间：<code>/greetings 时间 8点半</code>\n"
    "闰月生日：<code>/greetings 闰月 按闰月</code> 或 <code>/greetings 闰月 按平月</code>\n"
    "可用的占位符：{placeholders}（也可以写英文的 {{name}} {{age}} 等）；"
    "可以用 &lt;b&gt;粗体&lt;/b&gt; 和 &lt;i&gt;斜体&lt;/i&gt;。\n"
    "也可以发 /menu，点“祝福”一步步改。"
)
SWITCH_LINE = "{mark} {label}：{help}"
TEMPLATE_LINE = "• {label}：{help}{custom}"
CUSTOM_MARK = "（已修改）"
ON = "✅"
OFF = "⛔"
LEAP_ORDINARY = "每年在同月份的平月祝福"
LEAP_LEAP = "当年有同一个闰月时在闰月祝福，否则在平月"
TOGGLE_BUTTON = "{mark} {label}"

GREETINGS_PREVIEW = "<b>{label}</b>{custom}\n模板原文：\n<code>{source}</code>\n\n预览：\n{preview}"
GREETINGS_SAVED = "已保存“{label}”的祝福语。预览：\n\n{preview}"
GREETINGS_RESET = "“{label}”已恢复为默认祝福语。预览：\n\n{preview}"
GREETINGS_SWITCHED_ON = "已打开：{label}。"
GREETINGS_SWITCHED_OFF = "已关闭：{label}。"
GREETINGS_TIME_SET = "好的，以后每天 {time} 发送祝福。"
GREETINGS_LEAP_SET = "好的，闰月出生的同志：{rule}。"
GREETINGS_UNKNOWN_TEMPLATE = "没有叫“{name}”的祝福语。可以修改的有：{names}。"
GREETINGS_UNKNOWN_SWITCH = "没有叫“{name}”的开关。可以开关的有：{names}。"
GREETINGS_NEED_TEXT = (
    "请在模板名后面写上新的祝福语，例如：\n"
    "<code>/greetings 修改 生日 祝{{姓名}}同志生日快乐！</code>"
)
GREETINGS_BAD_TIME = "{reason}\n例如：<code>/greetings 时间 8点半</code>"
GREETINGS_BAD_LEAP = "请写“按闰月”或“按平月”，例如 <code>/greetings 闰月 按平月</code>。"
GREETINGS_BAD_VERB = "没看懂“{verb}”。发 /greetings 查看用法。"
GREETINGS_REFUSED = "这条祝福语没有保存，原来的祝福语不变：{reason}"
TEMPLATE_EMPTY = "祝福语是空的。"
TEMPLATE_TOO_LONG = "祝福语太长了（{length}个字），最多{limit}个字。"
TEMPLATE_UNKNOWN_PLACEHOLDER = "占位符 {{{name}}} 不认识。这条祝福语能用的有：{allowed}。"
TEMPLATE_BAD_PLACEHOLDER = (
    "花括号写得不对。占位符要写成 {{姓名}} 这样，左右括号成对；"
    "如果要写花括号本身，请写两个：{{{{ 和 }}}}。"
)
TEMPLATE_BAD_TAG = (
    "“{tag}”不能用。只能用 &lt;b&gt;…&lt;/b&gt;（粗体）、&lt;i&gt;…&lt;/i&gt;（斜体）、"
    "&lt;u&gt;…&lt;/u&gt;（下划线）、&lt;s&gt;…&lt;/s&gt;（删除线）；要写“&lt;”本身请写 &amp;lt;。"
)
TEMPLATE_UNCLOSED = "标记 &lt;{tag}&gt; 没有配对的 &lt;/{tag}&gt;。"
TEMPLATE_BAD_AMP = "“&amp;”后面要跟 lt; gt; amp; quot; 之一（例如 &amp;amp; 表示 &amp; 本身）。"

SAMPLE_NAME = "王建国"

# --- /birthday -------------------------------------------------------------------------------

BIRTHDAY_HELP = (
    "<b>登记生日</b>：私聊里发 /birthday 点按钮选；或发 <code>/birthday 1950-03-12</code>，"
    "农历发 <code>/birthday 农历 1950-02-08</code>。不在群里提名字：<code>/birthday 不公开</code>。"
)
# One tap away (the "ℹ️ 日子怎么算" button under /birthday).
BIRTHDAY_RULES = (
    "<b>祝福的日子怎么算</b>\n"
    "• 公历2月29日出生的，平年在2月28日祝福。\n"
    "• 农历三十出生的，那年这个月只有29天时，在二十九祝福。\n"
    "• 农历闰月出生的，{leap_rule}。\n"
    "农历也可以写成 农历1950年二月初八；闰月写 农历1941年闰六月初十。"
)
BUTTON_RULES = "ℹ️ 日子怎么算"
LEAP_RULE_HELP_ORDINARY = "每年在同月份的平月祝福（例如闰六月出生，在六月祝福）"
LEAP_RULE_HELP_LEAP = "在有同一个闰月的年份按闰月祝福，其他年份在同月份的平月祝福"
BIRTHDAY_CURRENT = "您登记的生日：<b>{birth}</b>，群里祝福：{public}。"
BIRTHDAY_NONE = "您还没有登记生日。"
PUBLIC_YES = "公开"
PUBLIC_NO = "不公开（只私下祝福）"
BIRTHDAY_SAVED = (
    "好的，记下了：您的生日是 <b>{birth}</b>。下一次生日是{next_day}，到时我们为您祝福！"
)
NEXT_BIRTHDAY = "{date}（{weekday}，{age}岁）"
BIRTHDAY_BAD = "{reason}\n\n发 /birthday 查看写法。"
BIRTHDAY_PRIVATE_SET = (
    "好的，以后您过生日时，只在私聊里给您送祝福，不在群里提您的名字。"
    "想改回来，发 <code>/birthday 公开</code>。"
)
BIRTHDAY_PRIVATE_NOT_STARTED = "\n（私下祝福需要您和我保持私聊：点我的头像，发一次 /start 就好。）"
BIRTHDAY_PUBLIC_SET = "好的，您过生日时，大家会在群里一起为您祝福！"
BIRTHDAY_NOT_MEMBER = "我还不知道您属于哪个支部。请先在支部群里发一条消息，再来登记生日。"
BIRTHDAY_CHOOSE_CALENDAR = "您的生日按公历还是按农历过？"
BIRTHDAY_CHOOSE_DECADE = "{calendar}生日：您是哪个年代出生的？"
BIRTHDAY_CHOOSE_YEAR = "{calendar}生日：哪一年出生？"
BIRTHDAY_CHOOSE_MONTH = "{calendar}{year}年：哪个月？"
BIRTHDAY_CHOOSE_DAY = "{calendar}{year}年{month}：哪一天？"
BUTTON_SOLAR = "📅 公历生日"
BUTTON_LUNAR = "🏮 农历生日"
BUTTON_MAKE_PRIVATE = "🔒 只私下祝福"
BUTTON_MAKE_PUBLIC = "🔓 在群里祝福"
BUTTON_BACK = "⬅️ 返回"
BUTTON_DECADE = "{decade}年代"
BUTTON_CLAIM = "这是我：{name}"
SOLAR = "公历"
LUNAR = "农历"
BUTTON_EXPIRED = "这个按钮已经失效了，请重新发 /birthday。"

# --- /roster ---------------------------------------------------------------------------------

ROSTER_HOW = (
    "导入名单：把 Excel（.xlsx）或 CSV 文件发到这里，然后<b>回复</b>这个文件发送 /roster"
    "（或者发文件时在说明里写 /roster）。\n"
    "要模板：<code>/roster 模板</code>。"
)
ROSTER_EMPTY = "名单还是空的。\n\n" + ROSTER_HOW
ROSTER_HEADER = "<b>支部名单</b>（共{count}人，已关联 Telegram {linked}人）\n"
ROSTER_LINE = "{mark} {name}{details}"
ROSTER_LINKED = "✅"
ROSTER_UNLINKED = "⏳"
ROSTER_CLAIMED = "🙋"
ROSTER_FOOTER = (
    "\n✅ 已关联 Telegram　⏳ 未关联　🙋 已认领、等待确认\n"
    "未关联的同志可以私聊我发 <code>/roster 认领</code>，点“这是我”。\n"
    "群里还有 {others} 位不在名单上的成员。"
)
ROSTER_FOOTER_NO_OTHERS = (
    "\n✅ 已关联 Telegram　⏳ 未关联　🙋 已认领、等待确认\n"
    "未关联的同志可以私聊我发 <code>/roster 认领</code>，点“这是我”。"
)
ROSTER_GROUP_HEADER = "<b>支部名单</b>（共{count}人）\n"
ROSTER_GROUP_LINE = "• {name}"
ROSTER_GROUP_NOTE = "\n（为保护大家的信息，详细情况请私聊我发 /roster 查看。）"
ROSTER_NOT_A_FILE = "请回复一个 Excel（.xlsx）或 CSV 文件发送 /roster。\n\n" + ROSTER_HOW
ROSTER_TOO_BIG = "文件太大了（超过 5 MB），名单文件一般很小，请检查是不是发错了文件。"
ROSTER_DOWNLOAD_FAILED = "没能取到这个文件，请稍后再发一次。"
ROSTER_FILE_TOO_BIG = (
    "这个名单表格太大了，或者不是正常的表格文件，我没有打开它，名单保持原样。\n"
    "请用 Excel 或 WPS 打开，只留下名单那一张表，删去多余的工作表、图片和空白行，"
    "“另存为”.xlsx 后再发一次；也可以发送 /roster 模板 要一份模板。"
)
ROSTER_REFUSED = "{problems}\n\n这次<b>没有导入</b>任何内容，名单保持原样。"
ROSTER_IMPORTED = (
    "名单导入好了：共{total}人（新增{added}人，更新{updated}人），"
    "已关联 Telegram {linked}人，未关联{unlinked}人。"
)
ROSTER_IMPORT_DROPPED = (
    "\n不在新名单里的{count}人：{names}。其中未关联 Telegram 的已停用（不再祝福），"
    "已关联的仍是群成员，记录都保留着。"
)
ROSTER_IMPORT_UNLINKED_HINT = (
    "\n未关联的同志可以私聊我发 <code>/roster 认领</code>，点“这是我”，再由书记或支委确认。"
)
ROSTER_TEMPLATE_CAPTION = (
    "名单模板：第一行是表头，只有“姓名”必填。填好后发回来，回复它发送 /roster。"
)
ROSTER_TEMPLATE_FILE = "支部名单模板.xlsx"
ROSTER_UNKNOWN = (
    "没看懂“{arg}”。/roster 查看名单，/roster 模板 要模板，回复表格文件发 /roster 导入。"
)

CLAIM_LIST = (
    "名单上还没关联 Telegram 的同志如下。如果有您，请点“这是我”，书记或支委确认后就关联好了："
)
CLAIM_PRIVATE_ONLY = "请点我的头像，在和我的私聊里发送 <code>/roster 认领</code>。"
CLAIM_NONE_LEFT = "名单上的同志都已经关联好了。如果名单里没有您，请联系支部书记。"
CLAIM_ALREADY_LINKED = "您已经和名单上的“{name}”关联好了，不用再认领。"
CLAIM_SENT = "收到！已请书记或支委确认您就是“{name}”，确认后我会告诉您。"
CLAIM_TAKEN = "名单上的“{name}”已经关联或正在确认中了。如有疑问，请联系支部书记。"
CLAIM_ASK_ADMIN = "🙋 {who}（Telegram：{account}）说名单上的“<b>{name}</b>”是自己。请确认："
BUTTON_CONFIRM = "✅ 确认是本人"
BUTTON_REJECT = "❌ 不是"
CLAIM_CONFIRMED_ADMIN = "✅ 已确认：{who} 就是名单上的“{name}”。"
CLAIM_REJECTED_ADMIN = "❌ 已拒绝：{who} 认领“{name}”。"
CLAIM_CONFIRMED_MEMBER = "✅ 书记或支委已确认，您已和名单上的“{name}”关联好了。"
CLAIM_REJECTED_MEMBER = "书记或支委没有确认您认领的“{name}”。如有疑问，请联系支部书记。"
CLAIM_STALE = "这条认领已经处理过了。"
CLAIM_NO_ADMIN = "⚠️ 暂时没能联系上书记或支委来确认，请直接告诉支部书记。"

# --- the daily job and the digests -----------------------------------------------------------

DIGEST_HEADER = "<b>近{days}天的生日和政治生日</b>（{range}，走访慰问参考）\n"
DIGEST_WEEKLY_HEADER = "📋 每周走访提示：" + DIGEST_HEADER
DIGEST_BRANCH = "\n<b>{branch}</b>"
DIGEST_BIRTHDAY = "🎂 {day}　{name}　{age}周岁生日{lunar}{round}"
DIGEST_ANNIVERSARY = "🚩 {day}　{name}　入党{years}周年{medal}"
DIGEST_LUNAR = "（{label}）"
DIGEST_ROUND = "（整寿）"
DIGEST_MEDAL = "（光荣在党50年）"
DIGEST_NONE = "这段时间没有同志过生日或政治生日。"
DIGEST_PRIVATE_ONLY = "（🔒 表示只私下祝福）"
DIGEST_PRIVATE_MARK = " 🔒"
UPCOMING_BAD_DAYS = "天数请写1到366之间的数字，例如 <code>/upcoming 30</code>。"
UPCOMING_PRIVATE_ONLY = (
    "为保护大家的信息，近期生日只在私聊中查看。请点我的头像，和我私聊后再发送 /upcoming。"
)

MEDAL_LIST = (
    "🏅 <b>{year}年“光荣在党50年”名单</b>（{branch}）\n"
    "截至{year}年7月1日党龄满50年的同志共{count}位，请提前准备七一颁发纪念章：\n{lines}"
)
MEDAL_LINE = "• {name}（{joined}入党）"
MEDAL_NONE = (
    "🏅 {year}年（{branch}）名单里没有今年党龄满50年的同志。"
    "如果名单上的入党日期不全，请补全后再导入。"
)

# Today's greetings were missed: the bot was down at the greeting time and came back later than
# the branch's 错过祝福后补发 window (支部设置). Privately, to the branch's admins.
GREETINGS_MISSED = (
    "⚠️ “{branch}”今天有 {count} 条生日、节日或政治生日的祝福没有按时发出：那时我没有在运行，"
    "现在已经超过了补发时间（在“支部设置”里可以改），今天就不补发了。"
)

# --- who reads these -------------------------------------------------------------------------
# Texts addressed to members (retirees): at most 120 characters each, tags left out
# (tests/unit/test_texts.py). MEMBER_HELP lists those a member opens with a tap, which may be
# longer. See docs/architecture.md, "Texts".
MEMBER_TEXTS = (
    "BIRTHDAY_GROUP",
    "BIRTHDAY_ROUND_GROUP",
    "BIRTHDAY_PRIVATE",
    "ANNIVERSARY_PRIVATE",
    "ANNIVERSARY_GROUP",
    "ANNIVERSARY_50",
    "FESTIVALS",
    "BIRTHDAY_HELP",
    "BIRTHDAY_RULES",
    "LEAP_RULE_HELP_ORDINARY",
    "LEAP_RULE_HELP_LEAP",
    "BIRTHDAY_CURRENT",
    "BIRTHDAY_NONE",
    "PUBLIC_YES",
    "PUBLIC_NO",
    "BIRTHDAY_SAVED",
    "NEXT_BIRTHDAY",
    "BIRTHDAY_BAD",
    "BIRTHDAY_PRIVATE_SET",
    "BIRTHDAY_PRIVATE_NOT_STARTED",
    "BIRTHDAY_PUBLIC_SET",
    "BIRTHDAY_NOT_MEMBER",
    "BIRTHDAY_CHOOSE_CALENDAR",
    "BIRTHDAY_CHOOSE_DECADE",
    "BIRTHDAY_CHOOSE_YEAR",
    "BIRTHDAY_CHOOSE_MONTH",
    "BIRTHDAY_CHOOSE_DAY",
    "BUTTON_SOLAR",
    "BUTTON_LUNAR",
    "BUTTON_MAKE_PRIVATE",
    "BUTTON_MAKE_PUBLIC",
    "BUTTON_BACK",
    "BUTTON_DECADE",
    "BUTTON_CLAIM",
    "BUTTON_RULES",
    "BUTTON_EXPIRED",
    "ROSTER_GROUP_NOTE",
    "CLAIM_LIST",
    "CLAIM_PRIVATE_ONLY",
    "CLAIM_NONE_LEFT",
    "CLAIM_ALREADY_LINKED",
    "CLAIM_SENT",
    "CLAIM_TAKEN",
    "CLAIM_CONFIRMED_MEMBER",
    "CLAIM_REJECTED_MEMBER",
    "CLAIM_STALE",
    "CLAIM_NO_ADMIN",
    "UPCOMING_PRIVATE_ONLY",
)
MEMBER_HELP = ("BIRTHDAY_RULES",)
