"""`yinling demo`: the bot's month played against the Bot API double, without Telegram."""
