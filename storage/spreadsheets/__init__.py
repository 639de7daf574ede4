"""Spreadsheet file formats: reading uploads (question banks, rosters) and writing exports.

Pure file-format code: bytes in, plain values out (and plain values in, files out). Nothing here
touches the database, Telegram or the clock; callers pass ``today`` where a date check needs it.

* ``tables``   — read an .xlsx/.csv upload into a table of text cells (encodings, Excel cells)
* ``quizbank`` — question banks: ``parse_quiz_bank``, ``quiz_template``
* ``roster``   — member rosters: ``parse_roster``, ``roster_template``
* ``writers``  — streaming ``write_xlsx`` / ``write_csv`` for exports, ``safe_filename``
* ``errors``   — ``SheetError`` (unreadable file) and the every-problem reports
* ``limits``   — the budget of a read (zip bombs, row and cell caps): ``SheetTooBig``

Every upload error is a ``SpreadsheetError``; ``describe()`` gives the Chinese chat message.
"""

from .errors import Problem, ProblemsError, SheetError, SpreadsheetError
from .limits import SheetTooBig, check_upload
from .quizbank import (
    MAX_QUESTIONS,
    BankError,
    BankProblem,
    Question,
    check_quiz_bank,
    parse_quiz_bank,
    quiz_template,
)
from .roster import (
    MAX_MEMBERS,
    RosterError,
    RosterProblem,
    RosterRow,
    parse_roster,
    roster_template,
)
from .tables import Cell, Table, TableRow, read_table
from .writers import (
    DECIMAL,
    DURATION,
    PERCENT,
    ChartSpec,
    Formatted,
    SheetSpec,
    safe_filename,
    write_csv,
    write_xlsx,
)

__all__ = [
    "DECIMAL",
    "DURATION",
    "MAX_MEMBERS",
    "MAX_QUESTIONS",
    "PERCENT",
    "BankError",
    "BankProblem",
    "Cell",
    "ChartSpec",
    "Formatted",
    "Problem",
    "ProblemsError",
    "Question",
    "RosterError",
    "RosterProblem",
    "RosterRow",
    "SheetError",
    "SheetSpec",
    "SheetTooBig",
    "SpreadsheetError",
    "Table",
    "TableRow",
    "check_quiz_bank",
    "check_upload",
    "parse_quiz_bank",
    "parse_roster",
    "quiz_template",
    "read_table",
    "roster_template",
    "safe_filename",
    "write_csv",
    "write_xlsx",
]
