"""Say which part of a date written YYYY-MM-DD (or YYYY-MM, YYYY) is not on the calendar.

"expected a date written YYYY-MM-DD" puzzles whoever wrote 2023-13-45 in just that form;
the spec and the catalog both check dates, and both name the part to fix from here.
"""

from __future__ import annotations

import calendar
import re

_WRITTEN_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Fixed English names: calendar.month_name follows the user's locale, the messages do not.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def calendar_problem(text: str) -> str | None:
    """What is wrong with ``text`` as a date, such as "month 13 is not 1-12".

    None when ``text`` is a real date or is not written YYYY-MM-DD, YYYY-MM or YYYY at all
    (then the caller's own "expected ..." says which form it wants).
    """
    match = _WRITTEN_ISO.match(text.strip())
    if match is None:
        return None
    year = int(match[1])
    if year == 0:
        return "year 0000 is not on the calendar; years run from 0001"
    if match[2] is None:
        return None
    month = int(match[2])
    if not 1 <= month <= 12:
        swapped = ""
        if match[3] is not None and 1 <= int(match[3]) <= 12 and month <= 31:
            if calendar_problem(f"{match[1]}-{match[3]}-{match[2]}") is None:
                swapped = f"; did you mean {match[1]}-{match[3]}-{match[2]} (month before day)?"
        return f"month {month} is not 1-12{swapped}"
    if match[3] is None:
        return None
    day = int(match[3])
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        name = _MONTHS[month - 1]
        # Only February's length depends on the year, so only February names it.
        month_named = f"{name} {year}" if month == 2 else name
        return f"day {day} is not 1-{days}: {month_named} has {days} days"
    return None
