"""Pure rules: plain values in, plain values out. No I/O, no clock, no database session, no
Telegram: calendars, theme-day rules, care, quiz layout, reflection rules, Chinese formatting."""
