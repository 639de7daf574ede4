"""Texts of choosing the branch a private command is about (handlers/scope.py). The question
itself is `bot.texts.common.CHOOSE_BRANCH`."""

CMD_BRANCH = "私聊时选择或切换要操作的支部"
# Before every answer about a remembered branch.
NOTE = "📌 当前支部：{branch}（要换支部，请发 /branch）"
CHOSEN = (
    "好的，这次操作“{branch}”。\n"
    "{minutes}分钟内您再发命令，都按这个支部办理，不再询问；要换支部，请发 /branch。"
)
QUESTION_GONE = "这个选择已经过期了，请重新发一次命令。"
ONLY_ONE = "您只管理“{branch}”一个支部，命令都按这个支部办理，不用选择。"
IN_GROUP = "在支部群里，命令都是针对本群支部“{branch}”的。私聊时发 /branch 可以选择支部。"
