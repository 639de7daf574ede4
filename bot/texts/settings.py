"""Texts of 支部设置: the settings a secretary can change, and the flow that changes them."""

CMD_SETTINGS = "支部设置：交心得期限、提醒时间、称呼等"

LABELS = {
    "deadline_days": "交心得期限",
    "reminder_days_after": "第一次提醒",
    "reminder_time": "提醒时间",
    "ack_delay_seconds": "群里致谢等待",
    "honorific": "称呼",
    "catchup_hours": "错过推送后补发",
    "greeting_catchup_hours": "错过祝福后补发",
    "reflect_party_only": "谁交心得",
    "remind_names_in_group": "群内提醒点名",
    "birthday_nominal_age": "寿辰按虚岁",
}
HELP = {
    "deadline_days": "推送学习材料后，到第几天的晚上结束交心得。",
    "reminder_days_after": "推送后第几天提醒还没交的同志（截止那天还会再提醒一次）。",
    "reminder_time": "提醒在几点发出。",
    "ack_delay_seconds": "大家交心得后，等安静一会儿再在群里一起致谢，免得刷屏。",
    "honorific": "在名字后面怎么称呼大家。",
    "catchup_hours": "机器人停机错过了推送时间，重新运行后多久以内还补发。",
    "greeting_catchup_hours": (
        "机器人停机错过了每天发祝福的时间，重新运行后多久以内还补发；过了就不补发，"
        "免得很晚才发生日祝福。"
    ),
    "reflect_party_only": (
        "主题党日的心得由谁交：全体成员，或仅党员（含预备党员）。"
        "提醒、“谁还没交”、学习台账的未交和参与率都按这个算。"
    ),
    "remind_names_in_group": (
        "关着时，群里的提醒不点名，只说“还没来得及交的同志不着急”；"
        "名字只私聊提醒本人、只在书记的 /report 里看到。打开后群里提醒会列出名字。"
    ),
    "birthday_nominal_age": "整寿（八十大寿等）按虚岁算还是按周岁算。年龄只在私聊和管理名单里出现。",
}
DAYS = "推送后{value}天"
DAY_N = "第{value}天"
SECONDS = "{value}秒"
NOW = "马上"
HOURS = "{value}小时内"
SAME_DAY = "只在当天"
EVERYONE = "全体成员"
PARTY_ONLY = "仅党员"
ON = "开"
OFF = "关（不点名）"
NOMINAL = "按虚岁"
FULL_YEARS = "按周岁"

EXAMPLES = {
    "deadline_days": "例如：10 或 十天（1到30天）",
    "reminder_days_after": "例如：2 或 两天（1到29天）",
    "reminder_time": "例如：8:30、8点半、上午9点",
    "ack_delay_seconds": "例如：30（0到90秒）",
    "honorific": "请点按钮选“同志”或“老师”",
    "catchup_hours": "例如：6（0到72小时，0表示只在当天）",
    "greeting_catchup_hours": "例如：4（0到12小时，0表示当天都补发）",
    "reflect_party_only": "请点按钮选“全体成员”或“仅党员”",
    "remind_names_in_group": "请点按钮选“开”或“关”",
    "birthday_nominal_age": "请点按钮选“按虚岁”或“按周岁”",
}
OUT_OF_RANGE = "超出了可以设的范围。"

CHOOSE = "⚙️ <b>{branch}</b> 的支部设置\n要改哪一项？"
CHOICE = "{label}：{value}"
ASK = "<b>{label}</b>\n{help}\n现在是：{value}\n\n要改成多少？"
SUMMARY = "把“{label}”从 {old} 改成 <b>{new}</b>。"
SAVED = "✅ 已改好：{label}为 {new}。"
UNCHANGED = "“{label}”本来就是 {new}，没有改动。"
PRIVATE_ONLY = "支部设置请在和我的私聊里改。点下面的按钮，我们私聊："
OPEN_PRIVATE = "⚙️ 打开支部设置"

MENU_TITLE = "⚙️ 支部设置"
MENU_CHANGE = "修改支部设置"

# --- who reads these ------------------------------------------------------------------------
# Admins and staff only (see docs/architecture.md, "Texts").
MEMBER_TEXTS: tuple[str, ...] = ()
MEMBER_HELP: tuple[str, ...] = ()
