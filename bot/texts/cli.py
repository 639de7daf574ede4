"""What the `yinling` command prints, and its --help: Chinese first, then English after " / ".

Plain text for a terminal (no HTML): fill with `str.format`, not `bot.texts.fmt`. The doctor's
report has its own module, `bot/texts/doctor.py`. Nothing here may hold a setting's value: the
token and a proxy's password are secrets, and these lines end up in shell histories and logs.
"""

# --- yinling --help -----------------------------------------------------------------------

DESCRIPTION = "银龄：离退休干部党支部的 Telegram 学习助手 / Yinling, a party branch's bot"
HELP_RUN = "启动机器人（默认）/ run the bot (default)"
HELP_MIGRATE = "升级数据库结构 / upgrade the database schema"
HELP_DOCTOR = "检查设置、网络、数据库和各支部群 / check the whole set-up"
HELP_BACKUP = "备份数据库和存档文件（运行中也可以）/ back up the data (safe while running)"
HELP_BACKUP_FILE = "备份文件名，默认放在 <数据目录>/backups/ / the .tar.gz to write"
HELP_RESTORE = "把备份恢复到空的数据目录 / restore a backup into an empty data dir"
HELP_RESTORE_FILE = "yinling backup 做的 .tar.gz / the backup"
HELP_EXPORT = "导出学习台账、测试成绩、全年工作数据为表格 / export the ledger, quiz results or a year's figures"

HELP_LEDGER = "导出学习台账（.xlsx，可附心得原件 .zip）/ export the study ledger"
DESCRIPTION_LEDGER = "导出学习台账。默认导出唯一支部的全部记录。/ Export the study ledger."
HELP_LEDGER_BRANCH = "支部编号 / branch id"
HELP_LEDGER_ALL = "所有支部 / every branch"
HELP_LEDGER_SESSION = "只导出这一次主题党日 / one session id"
HELP_LEDGER_FROM = "起始日期 YYYY-MM-DD / first day"
HELP_LEDGER_TO = "截止日期 YYYY-MM-DD / last day"
HELP_LEDGER_OUTPUT = "输出的 .xlsx 文件 / the .xlsx to write"
HELP_LEDGER_ZIP = "同时导出心得原件到这个 .zip 文件 / also write the originals to this .zip"

HELP_QUIZ = "知识测试成绩 / quiz results"
DESCRIPTION_QUIZ = "导出一次知识测试的成绩 / export the results of one quiz"
HELP_QUIZ_ID = "测试编号（/quiz 列表里的编号）/ quiz id"
HELP_QUIZ_FORMAT = (
    "xlsx（三页：成绩、各题正确率、未参加）或 csv（每人成绩）；默认看文件名"
    " / xlsx (three sheets) or csv (scores); by default from the file name"
)
HELP_QUIZ_OUTPUT = "输出文件 / output file"

HELP_SUMMARY = "全年工作数据（汇报用）/ a year's work in figures"
DESCRIPTION_SUMMARY = (
    "导出一个支部一年的工作数据：主题党日、心得、参与率、知识测试、关怀问候，每个方面一页，附图表。"
    "默认今年、唯一的支部。/ Export a branch's year in figures, one sheet per area, with charts."
)
HELP_SUMMARY_YEAR = "年份，默认今年 / the year (default: this year)"
HELP_SUMMARY_OUTPUT = "输出的 .xlsx 文件 / the .xlsx to write"

BAD_DATE = "日期格式应为 YYYY-MM-DD：{text!r} / a date looks like YYYY-MM-DD: {text!r}"

# --- settings ---------------------------------------------------------------------------------

SETTINGS_BAD = "银龄无法启动：设置有误。/ Yinling cannot start: the settings are wrong."
TOKEN_MISSING = (
    "  • 缺少 YINLING_BOT_TOKEN：请把 @BotFather 给的令牌写进环境变量或 .env 文件。"
    "\n    YINLING_BOT_TOKEN is missing: put the token from @BotFather in the"
    " environment or in .env."
)
TOKEN_MALFORMED = (
    "  • YINLING_BOT_TOKEN 格式不对，应类似 123456789:AAH…（数字、冒号、一串字母）。"
    "\n    YINLING_BOT_TOKEN is malformed; it looks like 123456789:AAH…"
)
SETTING_WRONG = "  • {name}：{hint}\n    {name}: {problem}"
# What to write instead, by setting (the English line is pydantic's, or the validator's).
SETTING_HINTS = {
    "proxy": "代理地址不对，应类似 socks5://127.0.0.1:1080（http://、https://、socks5://、socks5h://）。",
    "timezone": "时区不认识，应类似 Asia/Shanghai。",
    "admin_ids": "应是 Telegram 用户编号（数字），用逗号或空格隔开。",
    "staff_ids": "应是 Telegram 用户编号（数字），用逗号或空格隔开。",
    "log_level": "应是 DEBUG、INFO 或 WARNING。",
    "backup_time": "应是 24 小时制的时间，如 03:30。",
    "backup_keep": "应是 0 或正整数（0 表示不做每日备份）。",
    "tick_seconds": "应是秒数，如 20。",
    "poll_timeout": "应是秒数，如 30。",
}
SETTING_HINT_OTHER = "值不对，请按 .env.example 改正。"
SETTING_UNDECODABLE = (
    "  • 有一项设置读不出来（{problem}）。\n    A setting cannot be read: {problem}"
)
ENV_FILE_UNREADABLE = (
    "  • 读不了设置文件 {path}（{error}）：请让运行银龄的用户能读它，例如 sudo -u yinling 运行。"
    "\n    Cannot read the settings file {path} ({error}); run yinling as the user who owns it."
)
ENV_FILE_NOT_UTF8 = (
    "  • 设置文件 {path} 不是 UTF-8 编码：请用 UTF-8 重新保存。"
    "\n    The settings file {path} is not UTF-8; save it again as UTF-8."
)

# --- folders that must be writable -------------------------------------------------------------

DATA_DIR_UNWRITABLE = (
    "无法写入 {path}（{error}）。请让运行银龄的用户能写数据目录 {data_dir}，"
    "例如 sudo chown -R yinling: {data_dir}，或在 YINLING_DATA_DIR 里换一个可以写的目录。"
    "\n/ Cannot write to {path} ({error}). Let the user running Yinling write to the data dir"
    " {data_dir} (e.g. sudo chown -R yinling: {data_dir}) or set YINLING_DATA_DIR to a folder"
    " it can write."
)
FOLDER_UNWRITABLE = (
    "无法写入文件夹 {path}（{error}）。请换一个可以写的位置，或改正这个文件夹的权限。"
    "\n/ Cannot write to the folder {path} ({error}); choose another place or fix its permissions."
)
WRITE_FAILED = (
    "没有写完 {path}：{error}。请检查磁盘空间和权限，再试一次。"
    " / Could not finish writing {path}: {error}; check the disk space and permissions."
)
OUTPUT_IS_A_FOLDER = (
    "{path} 是一个文件夹：请写上要导出的文件名。 / {path} is a folder; give the file's name."
)
NO_DATABASE = (
    "找不到数据库 {path}：请检查 YINLING_DATA_DIR（或 YINLING_DATABASE_URL），"
    "新装的机器人先运行 yinling migrate。"
    " / There is no database at {path}; check YINLING_DATA_DIR, or run yinling migrate first."
)

# --- run and migrate ------------------------------------------------------------------------

TOKEN_REFUSED = (
    "Telegram 拒绝了这个机器人令牌。请到 @BotFather 核对令牌，更新 YINLING_BOT_TOKEN。"
    "\n/ Telegram refused the bot token; check it with @BotFather and update YINLING_BOT_TOKEN."
)
UNREACHABLE = (
    "连接不上 Telegram。请检查网络；在中国大陆需要设置代理 YINLING_PROXY（如 socks5://127.0.0.1:1080）。"
    "\n/ Cannot reach Telegram; check the network, or set YINLING_PROXY."
    "\n({error})"
)
MIGRATED = "数据库已是最新版本 / database at revision {revision}"

# --- backup and restore -----------------------------------------------------------------------

BACKUP_DONE = (
    "备份完成：{path}（{megabytes:.1f} MB，含 {files} 个存档文件）"
    " / Backup written: {path} ({size} bytes, {files} archived files)"
)
RESTORED = (
    "已恢复到 {data_dir}：数据库 {database} 完好（integrity_check: ok），"
    "{files} 个存档文件。现在可以启动机器人（yinling run 会自动升级数据库）。"
    " / Restored into {data_dir}: the database passed the integrity check,"
    " {files} archived files. Start the bot with yinling run."
)

# --- exports ------------------------------------------------------------------------------------

LEDGER_SESSION_AND_DATES = "--session 与 --from/--to 只能选一种。/ Use --session or --from/--to."
LEDGER_FROM_AFTER_TO = "--from 晚于 --to。/ --from is after --to."
LEDGER_NO_SESSION = "没有编号为 {id} 的主题党日。/ There is no session {id}."
LEDGER_NO_BRANCH = "没有编号为 {id} 的支部。/ There is no branch {id}."
LEDGER_NO_BRANCHES = (
    "还没有支部：请书记先在支部群里发送 /setup。/ No branch yet: the secretary sends /setup first."
)
LEDGER_SEVERAL_BRANCHES = (
    "有多个支部，请用 --branch 选择一个，或用 --all：\n"
    "/ several branches, choose one with --branch or use --all:\n{branches}"
)
LEDGER_BRANCH_LINE = "  --branch {id}  {title}"
LEDGER_DONE = (
    "已导出 {sessions} 次主题党日、{rows} 行到 {path}"
    " / exported {sessions} sessions, {rows} rows to {path}"
)
LEDGER_DONE_ZIP = "心得原件 {files} 个已导出到 {path} / {files} original files exported to {path}"

SUMMARY_SEVERAL_BRANCHES = "有多个支部，请用 --branch 选择一个：\n/ several branches, choose one with --branch:\n{branches}"
SUMMARY_BAD_YEAR = "年份应在 2000 到 2100 之间：{year} / the year must be 2000–2100: {year}"
SUMMARY_DONE = (
    "已导出{branch} {year}年工作数据（截至 {until}）：主题党日 {sessions} 次，心得 {reflections} 份，"
    "答卷 {sheets} 份 → {path}"
    " / exported {branch}'s {year} in figures ({sessions} sessions, {reflections} reflections,"
    " {sheets} answer sheets) to {path}"
)

QUIZ_NOT_FOUND = "没有编号为 {id} 的测试。/ No quiz {id}."
QUIZ_DONE = (
    "已导出“{title}”：{participants}人参加 → {path}"
    " / exported {participants} participants to {path}"
)

# --- who reads these -------------------------------------------------------------------------
# Texts addressed to members (retirees): at most 120 characters each, tags left out
# (tests/unit/test_texts.py). MEMBER_HELP lists those a member opens with a tap, which may be
# longer. See docs/architecture.md, "Texts".
MEMBER_TEXTS = ()
MEMBER_HELP = ()
