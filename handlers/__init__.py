"""Telegram update handlers, one module per feature, each with `build_handlers()` and `COMMANDS`.

Handlers are thin: read the update, call pure logic and `storage`, queue replies through
`context.outbox`. They never import `schedules`.
"""
