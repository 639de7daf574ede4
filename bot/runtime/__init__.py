"""The bot's running machinery: the durable inbox, the outbox and its sender, the archive
downloader, role checks and background tasks. Knows Telegram and the database; knows no feature."""
