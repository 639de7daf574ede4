"""Scheduled work: what falls due at a time (theme days, reminders, greetings).

The schedule lives in the database; the planner asks each feature what is due "now" (from the
one clock) on every tick, so work missed while the bot was down is found at start. Modules here
never import `handlers`.
"""
