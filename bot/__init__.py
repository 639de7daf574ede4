"""Yinling (银龄): wiring, settings, the command line, polling and sending.

Also home to what handlers and schedules both need (texts, the clock, sending, roles), since
those two packages never import each other.
"""
