"""CSV cells a spreadsheet will not evaluate (issue 19; stage 2 wires it into the grade CSVs).

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)`` in a student folder's name, say). OWASP's
neutralisation: such a text cell is written with a leading single quote, which spreadsheets show as
text and do not evaluate; numbers are left alone (a negative number is a number, not a formula).
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet evaluates: text that starts like a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row(values: dict[str, Any]) -> dict[str, Any]:
    """Every cell of a ``csv.DictWriter`` row neutralised."""
    return {key: neutralise(value) for key, value in values.items()}
