"""Text cells of the CSV files briefgen writes, guarded so spreadsheets never run them as formulas.

Excel, LibreOffice and Google Sheets read a cell that starts with "=", "+", "-", "@", a tab or
a carriage return as a formula, so a chart category named ``=HYPERLINK(...)`` in a spec would
run when a colleague opens the bundle's CSV (CSV injection). As OWASP recommends, such a cell
is written with a leading single quote, which spreadsheets take as "this is text" and do not
show; the writer also quotes every text cell. Reading a CSV back (a spec's ``data:``) removes
the guard again, so a chart's data round-trips through the bundle unchanged.
"""

from __future__ import annotations

#: What a spreadsheet takes as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_GUARD = "'"


def _needs_guard(text: str) -> bool:
    # A text that already starts with the guard before a formula start is guarded again, so
    # that reading removes exactly what writing added.
    return text.lstrip(_GUARD).startswith(FORMULA_STARTS)


def guarded(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text: a single quote before a formula."""
    return _GUARD + text if _needs_guard(text) else text


def unguarded(cell: str) -> str:
    """The text a cell written by ``guarded`` holds; any other cell as it is."""
    if cell.startswith(_GUARD) and _needs_guard(cell[len(_GUARD):]):
        return cell[len(_GUARD):]
    return cell
