"""The `yinling` subcommands (bot/__main__.py only parses the command line).

common.py  the one settings loader, the exit codes, CliError, writable-folder checks
run.py     yinling run, yinling migrate
backup.py  yinling backup, yinling restore
doctor.py  yinling doctor
export.py  yinling export ledger | quiz (one `Kind` per export)
demo.py    yinling demo (a month of a branch against the Bot API double, no Telegram)
"""
