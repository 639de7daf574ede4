"""What `yinling doctor` prints: each check in Chinese and English, with the fix for a failure.

Plain text for a terminal (no HTML). Placeholders use `str.format` names.
"""

OK_MARK = "✓"
BAD_MARK = "✗"
INFO_MARK = "ℹ"
FIX = "    — 解决办法: {zh} / Fix: {en}"

SETTINGS_OK = ("设置已读取（{source}）", "settings read ({source_en})")
SETTINGS_SOURCE_ENV_FILE = ("环境变量和 {path}", "environment and {path}")
SETTINGS_SOURCE_ENV = ("环境变量；当前目录没有 .env 文件", "environment only; no .env here")
SETTINGS_BAD = ("设置有误：", "the settings are wrong:")
SETTINGS_BAD_FIX = (
    "在 .env 文件或环境变量里改正上面这些设置，再运行 yinling doctor",
    "correct these settings in .env or the environment, then run yinling doctor again",
)

DATA_DIR_OK = (
    "数据目录 {path} 可以写入（剩余空间 {free}）",
    "data dir {path} is writable ({free} free)",
)
DATA_DIR_NEW = (
    "数据目录 {path} 还不存在，启动时会自动建立",
    "data dir {path} does not exist yet; it is created at start",
)
DATA_DIR_BAD = (
    "数据目录 {path} 无法写入（{error}）",
    "cannot write to the data dir {path} ({error})",
)
DATA_DIR_BAD_FIX = (
    "让运行机器人的用户能写这个目录，例如 sudo chown -R yinling: {path}，或在 YINLING_DATA_DIR 里换一个目录",
    "let the bot's user write there (e.g. sudo chown -R yinling: {path}) or set YINLING_DATA_DIR",
)
DISK_LOW = ("数据目录所在的磁盘只剩 {free}", "only {free} left on the data dir's disk")
DISK_LOW_FIX = (
    "清理磁盘，或删掉 {backups} 里较早的备份",
    "free some space, e.g. delete older backups in {backups}",
)

BOT_RUNNING = ("机器人正在运行（进程 {pid}）", "the bot is running (process {pid})")
BOT_STOPPED = (
    "机器人现在没有运行；作为服务安装的，用 sudo systemctl start yinling 启动",
    "the bot is not running; as a service, start it with sudo systemctl start yinling",
)

DB_MISSING = ("数据库 {path} 还没有建立", "there is no database at {path} yet")
DB_MISSING_FIX = (
    "运行 yinling migrate 建立数据库（yinling run 启动时也会自动建立）",
    "run yinling migrate (yinling run also creates it)",
)
DB_OK = (
    "数据库结构是最新的（版本 {revision}）",
    "the database is at the latest revision ({revision})",
)
DB_OLD = (
    "数据库结构不是最新的（现在 {current}，最新 {head}）",
    "the database is not at the latest revision ({current}, latest {head})",
)
DB_OLD_FIX = (
    "运行 yinling migrate（yinling run 启动时也会自动升级）",
    "run yinling migrate (yinling run also upgrades it)",
)
DB_NEWER = (
    "数据库版本 {current} 比这个程序认识的还新",
    "the database revision {current} is newer than this program knows",
)
DB_NEWER_FIX = (
    "把银龄程序更新到与数据库相同的版本",
    "update Yinling to the version that wrote this database",
)
DB_UNREADABLE = ("无法读取数据库（{error}）", "cannot read the database ({error})")
DB_UNREADABLE_FIX = (
    "检查 YINLING_DATA_DIR / YINLING_DATABASE_URL；数据库损坏时用 yinling restore 恢复最近的备份",
    "check YINLING_DATA_DIR / YINLING_DATABASE_URL; if it is damaged, yinling restore a backup",
)

REACH_OK = ("能连上 Telegram 服务器 {server}{via}", "Telegram ({server}) is reachable{via_en}")
REACH_VIA = ("（经代理 {proxy}）", " through the proxy {proxy}")
REACH_BAD = (
    "连不上 Telegram 服务器 {server}{via}：{error}",
    "cannot reach {server}{via_en}: {error}",
)
REACH_BAD_FIX_PROXY = (
    "检查代理 YINLING_PROXY={proxy} 是否在运行、地址和端口是否正确；自建 Bot API 服务器时检查 YINLING_API_BASE_URL",
    "check that the proxy in YINLING_PROXY is running and its address is right; "
    "for a self-hosted Bot API server check YINLING_API_BASE_URL",
)
REACH_BAD_FIX_DIRECT = (
    "在中国大陆需要代理：在 YINLING_PROXY 里填上代理地址（如 socks5://127.0.0.1:1080）；"
    "自建 Bot API 服务器时检查 YINLING_API_BASE_URL",
    "in mainland China Telegram needs a proxy: set YINLING_PROXY (e.g. socks5://127.0.0.1:1080); "
    "for a self-hosted Bot API server check YINLING_API_BASE_URL",
)

TOKEN_OK = ("令牌有效：机器人 @{username}", "the token works: the bot is @{username}")
TOKEN_BAD = ("令牌无效：Telegram 不认这个令牌", "the token was refused by Telegram")
TOKEN_BAD_FIX = (
    "在 @BotFather 里发 /mybots → 选机器人 → API Token 查看正确的令牌，填进 YINLING_BOT_TOKEN"
    "（令牌被重置过的话要用新的）",
    "get the current token from @BotFather (/mybots → your bot → API Token) "
    "and put it in YINLING_BOT_TOKEN",
)
TOKEN_ERROR = ("Telegram 回答了错误：{error}", "Telegram answered with an error: {error}")
TOKEN_ERROR_FIX = ("稍后再试一次", "try again in a while")
SKIPPED_TELEGRAM = (
    "没有检查各支部群，因为连不上 Telegram 或令牌无效",
    "the branch groups were not checked: Telegram is unreachable or the token was refused",
)

PRIVACY_ON = (
    "隐私模式开着：群里只有命令和回复机器人的消息会交给它——银龄就是按这样设计的，成员回复机器人的消息即可",
    "privacy mode is on: in groups the bot gets commands and replies to its own messages, "
    "which is all Yinling needs",
)
PRIVACY_OFF = (
    "隐私模式关着：机器人能看到群里的所有消息",
    "privacy mode is off: the bot sees every message in its groups",
)

NO_BRANCHES = (
    "还没有支部群：请书记在支部群里发送 /setup",
    "no branch yet: the secretary sends /setup in the branch's group",
)
BRANCHES_UNREADABLE = (
    "无法从数据库读出支部群，没有检查",
    "could not read the branches from the database",
)
BRANCH_ADMIN = ("「{title}」({chat_id})：机器人是管理员", "{chat_id}: the bot is an administrator")
BRANCH_NOT_ADMIN = (
    "「{title}」({chat_id})：机器人不是管理员",
    "{chat_id}: the bot is not an administrator",
)
BRANCH_NOT_ADMIN_FIX = (
    "在这个群的设置 → 管理员 → 添加管理员，选中机器人（默认权限即可）",
    "in the group's settings → Administrators → Add Admin, choose the bot (default rights)",
)
BRANCH_READS_ALL = (
    "「{title}」：能收到成员的回复，也能看到成员入群和退群",
    "{chat_id}: replies reach the bot, and it sees members join and leave",
)
BRANCH_READS_REPLIES = (
    "「{title}」：能收到成员的回复{privacy}，但可能看不到成员入群和退群"
    "（Telegram 只保证把这类通知发给管理员，名单要靠成员发言或花名册来更新）",
    "{chat_id}: replies reach the bot{privacy_en}, but it may miss members joining or leaving "
    "(Telegram only guarantees those to admins)",
)
BRANCH_PRIVACY_NOTE = (
    "（隐私模式开着，回复机器人的消息照样送到）",
    " (privacy mode lets replies through)",
)
BRANCH_RESTRICTED = (
    "「{title}」({chat_id})：机器人在群里被限制了，不能发消息",
    "{chat_id}: the bot is restricted and cannot post",
)
BRANCH_RESTRICTED_FIX = (
    "在群成员列表里找到机器人，取消对它的限制，再把它设为管理员",
    "lift the restriction on the bot in the member list, then make it an administrator",
)
BRANCH_GONE = (
    "「{title}」({chat_id})：机器人已经不在这个群里了",
    "{chat_id}: the bot is no longer in this group",
)
BRANCH_GONE_FIX = (
    "把机器人重新加进群并设为管理员；这个群不再使用的话，可以不用理会",
    "add the bot to the group again and make it an administrator (ignore if the group is retired)",
)
BRANCH_CANNOT_READ = (
    "「{title}」：机器人收不到成员的回复",
    "{chat_id}: members' replies cannot reach the bot",
)
BRANCH_CANNOT_READ_FIX = (
    "按上一条把机器人加回群里、设为管理员",
    "fix the line above: put the bot back in the group as an administrator",
)
BRANCH_UPGRADED = (
    "「{title}」({chat_id})：这个群已被 Telegram 升级为超级群，新编号 {new_chat_id}",
    "{chat_id}: Telegram upgraded this group to the supergroup {new_chat_id}",
)
BRANCH_UPGRADED_FIX = (
    "运行中的机器人下次往群里发消息时会自动跟过去；想马上跟过去，请在升级后的群里发 /setup",
    "the running bot follows by itself at its next message to the group; "
    "to follow now, send /setup in the upgraded group",
)
BRANCH_ERROR = (
    "「{title}」({chat_id})：查不到机器人在群里的情况（{error}）",
    "{chat_id}: cannot check the bot's membership ({error})",
)

SUMMARY_OK = ("一切正常。", "All checks passed.")
SUMMARY_BAD = ("有 {count} 项需要处理，见上面的 ✗。", "{count} problem(s) to fix; see the ✗ lines.")
