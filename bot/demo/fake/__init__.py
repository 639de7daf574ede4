"""The Bot API double: a strict fake Telegram Bot API server over HTTP on 127.0.0.1.

`botapi` is the server (`FakeBotApi`), `html` Telegram's HTML parser, `spec` the Bot API
reference it checks every call against (`telegram-bot-api-spec/`, MIT). The end-to-end tests,
the benchmarks and `yinling demo` run the real bot against it. It knows nothing of Yinling.
"""
