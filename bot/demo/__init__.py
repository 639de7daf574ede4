"""`yinling demo`: a month of a fictional branch, played against the Bot API double without
Telegram, shown in the terminal and as a chat page.

fake/        the Bot API double (a strict fake Telegram server on 127.0.0.1); the end-to-end
             tests and the benchmarks run the bot against it too
world.py     the branch's people and group; samples.py the files they send
scenes.py    the month, scene by scene (how to add a scene is in its docstring)
stage.py     what the scenes act through: people's actions, the clock, waiting for the bot
transcript.py  the record of every chat, printed as it happens; page.py the chat page
browser.py   headless Chromium, for the page's test and the README's pictures

The command itself (starting the double and the bot through `serve()`) is bot/cli/demo.py.
"""
