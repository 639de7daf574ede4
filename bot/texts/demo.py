"""What `yinling demo` says around the chats it shows, in the terminal and on the chat page:
that it is a simulation, where its files are, and the labels of the transcript.

Plain text with `str.format` (the page escapes what it inserts). The words of the demo's
fictional people are their script, in bot/demo/scenes.py; the bot's own words come from the
other modules here, as in production.
"""

# --- yinling demo --help ------------------------------------------------------------------

HELP_DEMO = "不用 Telegram 看一个月的演示（模拟，不联网）/ watch a month of the branch, simulated"
DESCRIPTION_DEMO = (
    "在本机模拟一个支部的一个月：机器人照常运行，但对面是本机的 Telegram 模拟服务器，"
    "不需要令牌、不联网，不会向 Telegram 发送任何内容。结果写成 demo.html 和导出的表格。"
    " / Plays a month of a branch against a Bot API double on this machine: no token, no "
    "network, nothing sent to Telegram. Writes demo.html and the exports."
)
HELP_DIR = "演示文件夹（默认：新建的临时文件夹）/ the demo folder (default: a new temporary one)"
HELP_SPEED = "播放速度，2 是两倍速（默认 1，约一分钟）/ playback speed (default 1, about a minute)"

# --- first and last -----------------------------------------------------------------------

SIMULATION = (
    "【模拟演示】下面是一个虚构支部的一个月。机器人是真的，Telegram 是本机的模拟服务器：\n"
    "没有令牌、没有联网，不会向 Telegram 发送任何内容。人名、日期都是编的。\n"
    "[SIMULATION] A fictional branch's month. The bot is real, Telegram is a double on this "
    "machine: nothing is sent to Telegram."
)
FOLDER = "演示文件夹 / demo folder: {path}"
STOPPED = "已停止（Ctrl-C）。以上是到此为止的模拟。/ Stopped (Ctrl-C)."
DONE = (
    "【模拟结束】以上全部是模拟，没有向 Telegram 发送任何内容。\n"
    "[END OF SIMULATION] Nothing was sent to Telegram.\n"
    "用浏览器打开聊天页面 / open the chat page: {page}\n"
    "机器人导出的表格 / the exports: {exports}\n"
    "机器人的数据（数据库、存档、日志）/ the bot's data: {data}\n"
    "用自己的机器人试：见 README 的 Quick start / to run it for real, see the README."
)
DIR_NOT_EMPTY = (
    "{path} 不是空文件夹，也不是以前的演示文件夹；请换一个文件夹。"
    " / {path} is not empty and not an earlier demo folder: choose another."
)
DIR_UNWRITABLE = "无法写入 {path}：{error} / cannot write {path}: {error}"

# --- the transcript -----------------------------------------------------------------------

SCENE = "━━ {number}/{total} {title} · {day} ━━"
DAY = "  — {day} —"
GROUP_CHAT = "{title}（群聊）"
PRIVATE_CHAT = "{name} 与机器人的私聊"
BOT_MARK = "🤖"
TAPPED = "👆 {who} 点了 [{label}]"
EDITED = "✏️ （修改了 {time} 的消息）"
EDITED_BUTTONS = "✏️ （{time} 那条消息的按钮变成了）"
BUTTONS_GONE = "✏️ （{time} 那条消息的按钮收起了）"
POLL_CLOSED = "（投票结束，结果如下）"
REPLYING_TO = "↩ 回复 {who}：{quote}"
PHOTO = "🖼 照片"
VOICE = "🎤 语音 {duration}"
AUDIO = "🎵 音频 {duration}"
VIDEO_NOTE = "📹 视频消息 {duration}"
DOCUMENT = "📎 {name}（{size}）"
POLL = "📊 {kind}：{question}"
POLL_QUIZ = "测验"
POLL_REGULAR = "投票"
POLL_OPTION = "{mark} {text}"
POLL_OPTION_RESULT = "{mark} {text} — {votes}票"
POLL_VOTERS = "共{count}人参与"
JOINED = "（{who} 加入了群聊）"
OTHER_MESSAGE = "（一条消息）"

# --- the chat page ------------------------------------------------------------------------

PAGE_TITLE = "银龄 · 一个月的模拟演示"
PAGE_BANNER = (
    "模拟演示：这一页是 `yinling demo` 在本机模拟出来的一个月。机器人是真的，Telegram 是本机的"
    "模拟服务器，没有向 Telegram 发送任何内容；人名、日期都是虚构的。"
)
PAGE_BANNER_EN = (
    "Simulation: a fictional branch's month, played by `yinling demo` against a Bot API double."
    " Nothing was sent to Telegram."
)
PAGE_SIMULATION_BADGE = "模拟演示"
PAGE_CHATS = "聊天"
PAGE_SCENES = "这个月"
PAGE_GROUP = "群聊"
PAGE_PRIVATE = "私聊"
PAGE_EARLIER = "↑ 看这个聊天的全部消息"
PAGE_MESSAGES = "{count}条消息"
PAGE_EDITED = "已编辑"
PAGE_EDIT_OF = "✏️ 修改了 {time} 的消息，改后是："
PAGE_VOTES = "{count}票"
PAGE_POLL_CLOSED = "已结束 · 共{count}人参与"
PAGE_POLL_OPEN = "共{count}人参与"

# --- who reads these ------------------------------------------------------------------------
# The person running `yinling demo` (see docs/architecture.md, "Texts").
MEMBER_TEXTS: tuple[str, ...] = ()
MEMBER_HELP: tuple[str, ...] = ()
