"""Spreadsheet exports built straight from the database (the study ledger, quiz results).

They read through a session of their own and write files; they run in a worker thread."""
