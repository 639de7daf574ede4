"""Feature logic over a database session and the outbox, shared by handlers and schedules.

A service never sees an `Update` and never calls Telegram: it reads and writes through the
session it is given and queues what must be sent in the same transaction."""
