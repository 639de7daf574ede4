"""Texts of 走访慰问台账: recording a visit (a guided flow, privately), the [已走访] buttons under
the Monday digest, /visits and its downloads."""

CMD_VISITS = "走访慰问台账：记录走访、下载台账和每人汇总（私聊中使用）"

# --- recording a visit ------------------------------------------------------------------------
ASK_MEMBER = "📝 <b>记录走访</b>（{branch}）\n\n走访了哪位同志？请点名字。"
ASK_MEMBER_TYPE = "📝 <b>记录走访</b>（{branch}）\n\n走访了哪位同志？请打字写名字。"
NO_SUCH_MEMBER = "名单里没有“{name}”。请写名单上的名字，例如：{example}"
SEVERAL_MEMBERS = "名单里有几位“{name}”，请点名字选择。"
ASK_KIND = "走访<b>{name}</b>，是哪一种？"
ASK_DAY = "哪天去的？例如 11月20日"
DAY_TODAY = "今天（{date}）"
DAY_YESTERDAY = "昨天（{date}）"
DAY_BEFORE = "前天（{date}）"
FUTURE_DAY = "{date}还没到。请写已经去过的日子，例如：今天、11月20日"
TOO_OLD = "{date}是两年多以前了，请核对日期。"
ASK_VISITORS = "谁去的？例如：孙干事、赵书记"
VISITORS_LAST = "和上次一样：{visitors}"
BAD_VISITORS = "请写去的人，100个字以内，例如：孙干事、赵书记"
ASK_GIFTS = "带了什么？例如：水果、牛奶"
GIFTS = {
    "慰问品": "慰问品",
    "慰问金": "慰问金",
    "慰问品和慰问金": "慰问品、慰问金",
    "没带东西": "",
}
BAD_GIFTS = "请写带的东西，60个字以内，例如：水果、牛奶"
ASK_AMOUNT = "慰问金多少元？例如 500"
AMOUNT_NONE = "不填金额"
BAD_AMOUNT = "没看懂金额“{text}”，请写数字，例如：500 或 五百元（1到100000元）"
ASK_NOTES = "还有要记下的吗？例如：病情稳定"
NOTES_NONE = "没有了"
BAD_NOTES = "备注请写在300个字以内。"
SUMMARY = (
    "<b>请核对：</b>\n\n👤 {name}\n🏷 {kind}\n📅 {date}\n🚶 走访人：{visitors}\n🎁 {gifts}{notes}"
)
SUMMARY_GIFTS_NONE = "没带东西"
SUMMARY_AMOUNT = "（{amount}元）"
SUMMARY_NOTES = "\n📝 {notes}"
RECORD_LABEL = "✅ 确认，记入台账"
RECORDED = "✅ 已记入走访台账：{name}，{kind}，{date}。发 /visits 可以看台账、下载表格。"
MEMBER_GONE = "这位同志已不在名单上，没有记录。"
NOT_YOURS = "您不能为这个支部记录走访。"

# --- the digest's buttons -----------------------------------------------------------------------
DIGEST_BUTTON = "✅ 已走访：{name}（{occasion}）"
OCCASION_NAMES = {
    "birthday": "生日",
    "anniversary": "政治生日",
    "hospital": "住院",
}

# --- /visits ----------------------------------------------------------------------------------------
OVERVIEW = (
    "📒 <b>走访慰问台账</b>（{branch}）\n{year}年已记录 <b>{total}</b> 次，走访 {people} 位同志。"
)
OVERVIEW_KINDS = "\n{kinds}"
OVERVIEW_KIND = "{kind}{count}次"
OVERVIEW_AMOUNT = "\n慰问金共 {amount} 元。"
OVERVIEW_RECENT = "\n\n<b>最近的走访</b>"
OVERVIEW_LINE = "\n{date}　{name}　{kind}（{visitors}）"
OVERVIEW_NONE = "\n\n还没有记录。点“记录走访”开始。"
OVERVIEW_HINT = "\n\n下载台账点下面的按钮；要别的日期，发 /visits 2026-01-01 2026-06-30。"
BUTTON_NEW = "📝 记录走访"
BUTTON_PERIODS = {
    "m1": "本月台账",
    "m3": "近三个月台账",
    "y": "今年台账",
    "ly": "去年台账",
    "a": "全部台账",
    "pp": "📊 每人走访汇总",
}
BAD_RANGE = (
    "没看懂日期范围“{text}”。请这样写：/visits 2026-01-01 2026-06-30（或 /visits 1月1日 6月30日）"
)
RANGE_BACKWARDS = "开始日期要早于结束日期，例如：/visits 2026-01-01 2026-06-30"
PRIVATE_ONLY = "走访台账在和我的私聊里看。点下面的按钮，我们私聊："
OPEN_PRIVATE = "📒 打开走访台账"

# --- downloads ---------------------------------------------------------------------------------------
WORKING = "正在生成{what}，请稍等……"
LEDGER_WHAT = "走访台账（{range}）"
LEDGER_ALL = "走访台账（全部）"
SUMMARY_WHAT = "{year}年每人走访汇总"
LEDGER_CAPTION = "📒 {what}：共{rows}次走访。可以直接打印。"
SUMMARY_CAPTION = "📊 {what}：{people}位同志的最近一次走访、今年和累计次数。"
EMPTY = "{what}：这段时间没有走访记录。"
FAILED = "表格没能生成，请稍后再试一次。"

MENU_TITLE = "🤝 走访慰问"
MENU_NEW = "📝 记录走访"
MENU_LEDGER = "📒 走访台账（下载、汇总）"


# --- who reads these -------------------------------------------------------------------------
# Admins and staff only (see docs/architecture.md, "Texts").
MEMBER_TEXTS: tuple[str, ...] = ()
MEMBER_HELP: tuple[str, ...] = ()
