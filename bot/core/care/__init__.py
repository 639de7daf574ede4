"""Care rules as plain functions: `options` (what a branch chose: time, switches, its own
templates), `templates` (checking and filling greeting templates), `occasions` (who is due a
greeting, the 50-year list, the visit digest). Shared by the handlers (/greetings, /upcoming)
and the daily greeting job.

Pure: no I/O, no clock, no database, no Telegram.
"""
