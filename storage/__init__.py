"""Storage: SQLModel tables, the SQLite engine, data access and migrations.

Nothing here knows about Telegram or imports ``bot``, ``handlers`` or ``schedules``; the other
layers call in with plain values and get plain values (or table rows) back.
"""
