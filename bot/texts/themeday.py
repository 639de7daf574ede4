"""Texts of the theme party day (主题党日): materials, the monthly rule, the push."""

# --- the push to the group ---------------------------------------------------------------

HEADER = (
    "📅 <b>{date} 主题党日</b>\n"
    "学习主题：<b>{topic}</b>\n\n"
    "各位老同志好！今天的学习材料就在下面，请抽空慢慢学。\n"
    "学完后，请<b>回复这条消息</b>（Reply）或下面的邀请消息，谈谈心得："
    "打字、发语音、拍手写稿都行。\n"
    "交流截止：{deadline}。"
)
HEADER_NO_MATERIALS = (
    "📅 <b>{date} 主题党日</b>\n"
    "学习主题：<b>{topic}</b>\n\n"
    "各位老同志好！今天是主题党日，请围绕主题学习思考。\n"
    "学完后，请<b>回复这条消息</b>（Reply）或下面的邀请消息，谈谈心得："
    "打字、发语音、拍手写稿都行。\n"
    "交流截止：{deadline}。"
)
INVITATION = (
    "📝 <b>心得交流</b>（{topic}）\n"
    "学完材料后，请<b>回复这条消息</b>（Reply），发文字、语音或手写心得的照片都行；"
    "不方便在群里发的，点下面的按钮私下交给我。\n"
    "截止：{deadline}。谢谢大家！"
)
INVITATION_BUTTON = "📝 提交心得"
MATERIAL_CAPTION = "📖 {title}"
MATERIAL_TEXT = "📖 <b>{title}</b>\n\n{body}"
DEFAULT_TOPIC = "主题党日学习"

DESCRIBE_HEADER = "主题党日（{date}）的开头消息，发往“{branch}”"
DESCRIBE_INVITATION = "主题党日（{date}）的心得邀请，发往“{branch}”"
DESCRIBE_MATERIAL = "主题党日（{date}）的学习材料《{title}》，发往“{branch}”"

MISSED = (
    "⚠️ “{branch}”本该在 {when} 发出的主题党日（{topic}）没有发出："
    "那时我没有在运行，现在已经超过了补发时间。\n"
    "排好的学习材料仍在队列里。如需现在发出，请在群里发送 /push。"
)

# --- /material ---------------------------------------------------------------------------

MATERIAL_USAGE = (
    "请这样添加学习材料：先把文件、图片、文字或链接发到群里（或私聊发给我），"
    "再<b>回复</b>那条消息，发送 /material 标题。\n"
    "也可以直接发送文件或图片，并在说明里写上 /material 标题。"
)
MATERIAL_UNSUPPORTED = "这种消息还不能作为学习材料。请发文件（PDF、Word 等）、图片、文字或链接。"
MATERIAL_ADDED = "✅ 已加入学习材料：《{title}》\n"
MATERIAL_WHEN_NEXT = "将在 {date} 的主题党日发到群里（目前排第 {n} 份）。"
MATERIAL_WHEN_NO_RULE = (
    "目前排第 {n} 份。还没有设定主题党日：请用 /themeday 设定日子，或用 /push 立即发出。"
)
MATERIAL_TOO_BIG = (
    "\n\n提示：这个文件超过 20MB，我无法下载副本存档，只记下了它在 Telegram 里的编号，"
    "仍然可以发到群里。请您另外保存一份原件。"
)
MATERIAL_ALREADY_QUEUED = "这份材料《{title}》已经在下次主题党日的队列里了，不用重复添加。"
MATERIAL_REQUEUED = "这份材料《{title}》以前用过，已重新加入下次主题党日的队列。"
TITLE_PHOTO = "图片资料"
TITLE_DOCUMENT = "文件资料"
TITLE_TEXT = "文字资料"

# --- /materials --------------------------------------------------------------------------

QUEUE_HEADER = "📚 <b>{branch}</b> 下次主题党日（{when}）要发的材料：\n"
QUEUE_WHEN_NO_RULE = "日子未设定"
QUEUE_EMPTY = (
    "📚 <b>{branch}</b> 下次主题党日（{when}）还没有排好的材料。\n"
    "添加方法：回复文件、图片、文字或链接，发送 /material 标题。"
)
QUEUE_LINE = "{n}. {icon} {title}"
QUEUE_FOOTER = (
    "\n文件会合在一组发出，图片另成一组。\n"
    "发 /materials 全部 查看资料库，以前用过的材料可以再次使用。"
)
LIBRARY_HEADER = "🗂 <b>{branch}</b> 资料库（最近 {count} 份，不在队列中的）：\n"
LIBRARY_EMPTY = "🗂 <b>{branch}</b> 的资料库里暂时没有队列以外的材料。"
LIBRARY_LINE = "{n}. {icon} {title}（{used}）"
LIBRARY_USED = "{date} 用过"
LIBRARY_NEVER_USED = "未用过"
BUTTON_REMOVE = "✖ 移除第{n}份"
BUTTON_UP = "⬆ 上移第{n}份"
BUTTON_REUSE = "♻ 再次使用第{n}份"
BUTTON_PREVIEW = "👀 预览第{n}份"
ANSWER_PREVIEW = "预览已私信发给您"
MENU_MATERIALS = "📚 学习材料"
MENU_QUEUE = "查看下次要发的材料"
MENU_HOW = "怎样添加材料"
MENU_LIBRARY = "资料库（以前用过的）"
MENU_HOW_TEXT = (
    "📚 给 <b>{branch}</b> 添加学习材料很简单：\n"
    "在这个私聊里直接把文件、图片或链接发给我（可以从别的聊天转发过来），"
    "我会问“这个文件要做什么？”，点“加为学习材料”就好了。\n"
    "材料会在下次主题党日按顺序发到群里。"
)
ANSWER_REMOVED = "已从队列移除（仍保留在资料库）"
ANSWER_MOVED = "已上移"
ANSWER_FIRST = "已经是第一份了"
ANSWER_REQUEUED = "已加入下次主题党日"
ANSWER_GONE = "这份材料已经不在了，请重新发送 /materials"
ANSWER_NOT_ADMIN = "只有支部书记和支委可以调整材料"
ICONS = {"document": "📄", "photo": "🖼", "text": "📝", "link": "🔗"}

# --- /themeday ---------------------------------------------------------------------------

RULE_SHOW = (
    "🗓 <b>{branch}</b> 的主题党日：{rule} {time}\n"
    "学习主题：{topic}\n"
    "下一次：<b>{next}</b>（{until}）\n"
    "错过时补发：{catchup}\n\n"
    "修改：/themeday 15号 9:00 学习主题\n停止：/themeday off"
)
RULE_NONE = (
    "🗓 <b>{branch}</b> 还没有设定每月的主题党日。\n"
    "设定方法：/themeday 15号 9:00 学习主题（每月15号上午9点）；"
    "日子也可以写“最后一天”“第一个周五”“最后一个周五”，时间也可以写“上午9点半”。"
)
RULE_SET = (
    "✅ 已设定：<b>{branch}</b> 的主题党日为{rule} {time}，学习主题“{topic}”。\n"
    "下一次：<b>{next}</b>（{until}）。到时我会把排好的材料发到群里。"
)
RULE_OFF = "好的，<b>{branch}</b> 的每月主题党日已停止。需要时可随时用 /themeday 重新设定。"
RULE_ALREADY_OFF = "<b>{branch}</b> 本来就没有设定主题党日。"
RULE_BAD = "❌ {reason}\n\n原来的设定没有改变。"
RULE_NEEDS_TIME = "请写上几点开始，例如：/themeday {rule} 9:00 学习主题\n\n原来的设定没有改变。"

# Why a day cannot be the monthly theme day (plain text: shown through RULE_BAD).
RULE_EXAMPLES = (
    "例如：/themeday 15号 9:00 学习主题（每月15号），"
    "/themeday 最后一天 上午9点 学习主题（每月最后一天），"
    "/themeday 第一个周五 9点半 学习主题（每月第一个周五）"
)
RULE_UNREADABLE = "没看懂“{text}”这个日子。" + RULE_EXAMPLES + "。"
RULE_EMPTY = "请写明每月哪一天。" + RULE_EXAMPLES + "。"
RULE_NO_SUCH_DAY = "没有{day}号。" + RULE_EXAMPLES + "。"
RULE_NOT_EVERY_MONTH = "{day}号不是每个月都有，请选1到28号，或写“最后一天”。" + RULE_EXAMPLES + "。"
RULE_NO_FIFTH = (
    "不是每个月都有第五个周几，请写“最后一个”，例如“最后一个周五”。" + RULE_EXAMPLES + "。"
)
RULE_AMBIGUOUS = (
    "“{text}”可以有几种读法，请在日子和时间之间空一格，例如：/themeday 20号 9点 学习主题。"
)
RULE_ONE_KIND = "请只设一种主题党日规则。" + RULE_EXAMPLES + "。"
RULE_NTH_AND_WEEKDAY = "“第几个周几”需要同时写明第几个和周几。" + RULE_EXAMPLES + "。"
RULE_NTH_RANGE = "只能选第一到第四个，或最后一个周几（例如“最后一个周五”）。" + RULE_EXAMPLES + "。"
RULE_WEEKDAY_RANGE = "周几应在周一到周日之间。" + RULE_EXAMPLES + "。"
RULE_DAY = "每月{day}日"
RULE_LAST_DAY = "每月最后一天"
RULE_NTH_WEEKDAY = "每月{nth}{weekday}"
NTH_NAMES = {1: "第一个", 2: "第二个", 3: "第三个", 4: "第四个", -1: "最后一个"}
CATCHUP_SAME_DAY = "当天之内"
CATCHUP_HOURS = "{hours} 小时之内"
CATCHUP_SET = "好的，以后错过的主题党日会在{catchup}补发。"
CATCHUP_BAD = (
    "请写补发时限的小时数（0 表示当天之内），例如：/themeday 补发 6\n\n原来的设定没有改变。"
)

# --- /push -------------------------------------------------------------------------------

PUSH_DONE_PRIVATE = "✅ 已开始“{branch}”的主题党日（{topic}），{count} 份材料正在发到群里。"
PUSH_ALREADY = "这次推送已经发出过了。"
PUSH_IN_PROGRESS = (
    "“{branch}”的主题党日（{topic}）已经在推送了，消息正在陆续发到群里，不会重复发送。"
    "如果确实要再推送一次新的，请等群里的消息都发完、过一分钟后再发 /push。"
)

# --- the menu's 主题党日 section (handlers/themeday.py) --------------------------------------

MENU_TITLE = "🗓 主题党日"
MENU_SET = "设定每月主题党日"
MENU_MONTH = "查看本月安排"
MENU_PUSH = "现在就推送（先预览）"
FLOW_DAY = (
    "🗓 <b>{branch}</b> 的主题党日定在每月哪一天？\n现在是：{current}\n\n"
    "点日子，或点“按星期选”（例如每月第一个周五）。"
)
FLOW_DAY_EXAMPLE = "例如：15号、最后一天、第一个周五、最后一个周五"
FLOW_CURRENT_NONE = "还没有设定"
FLOW_CURRENT = "{rule} {time}，主题“{topic}”"
FLOW_LAST_DAY = "最后一天"
FLOW_BY_WEEKDAY = "按星期选…"
FLOW_NTH = "每月第几个？"
FLOW_NTH_EXAMPLE = "请点按钮选第一个到第四个，或最后一个"
FLOW_WEEKDAY = "每月{nth}星期几？"
FLOW_WEEKDAY_EXAMPLE = "请点按钮选周一到周日"
FLOW_TIME = "{rule}几点开始？"
FLOW_TIME_EXAMPLE = "例如：9:00、9点半、上午9点半、下午3点"
FLOW_TOPIC = "学习主题是什么？请直接打字告诉我（例如：学习二十届三中全会精神），或点“不设”。"
FLOW_TOPIC_KEEP = "沿用：{topic}"
FLOW_TOPIC_NONE = "不设"
FLOW_TOPIC_TOO_LONG = "主题请写短一点（{limit}个字以内），例如：学习党章"
FLOW_SUMMARY = (
    "🗓 <b>{branch}</b> 的主题党日将设为：\n{rule} {time}\n学习主题：{topic}\n"
    "下一次：<b>{next}</b>（{until}）"
)
FLOW_SAVED = RULE_SET
FLOW_UNCHANGED = "<b>{branch}</b> 的主题党日本来就是{rule} {time}，主题“{topic}”，没有改动。"
FLOW_OVERRIDES = "\n（您设定期间有人改过一次，现在以您这次为准。）"

MONTH_NO_RULE = "🗓 <b>{branch}</b> 还没有设定每月的主题党日，点“设定每月主题党日”就可以设。"
MONTH_VIEW = (
    "🗓 <b>{branch}</b> 本月安排\n主题党日：{rule} {time}，主题“{topic}”\n"
    "本月：{month}\n下一次：<b>{next}</b>（{until}）\n"
    "已排好的学习材料：{count} 份{titles}\n错过时补发：{catchup}"
)
MONTH_PUSHED = "{date} 已推送（{topic}）"
MONTH_DUE = "{date} 将推送"
MONTH_TITLES = "：《{titles}》"

# --- who reads these -------------------------------------------------------------------------
# Texts addressed to members (retirees): at most 120 characters each, tags left out
# (tests/unit/test_texts.py). MEMBER_HELP lists those a member opens with a tap, which may be
# longer. See docs/architecture.md, "Texts".
MEMBER_TEXTS = (
    "HEADER",
    "HEADER_NO_MATERIALS",
    "INVITATION",
    "INVITATION_BUTTON",
    "MATERIAL_CAPTION",
    "DEFAULT_TOPIC",
)
MEMBER_HELP = ()
