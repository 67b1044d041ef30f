"""The time a written file says it was made: the brief's date, or $SOURCE_DATE_EPOCH if set.

Never the clock, so the same inputs give the same bytes. SOURCE_DATE_EPOCH (seconds since
1970, the reproducible-builds.org convention) lets a packager or an archive rebuild a set of
briefs with one agreed time; it replaces only embedded timestamps (zip entries, document
properties, PDF dates), never the date printed on the brief.
"""

from __future__ import annotations

import datetime as dt
import os


def source_date_epoch() -> dt.datetime | None:
    """$SOURCE_DATE_EPOCH as a UTC datetime, or None when unset, empty or not a valid time."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value.isdigit():
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def embedded_time(iso_date: str) -> dt.datetime | None:
    """The UTC time to embed: $SOURCE_DATE_EPOCH, else midnight of ``iso_date`` (YYYY-MM-DD),
    else None (neither is valid)."""
    epoch = source_date_epoch()
    if epoch is not None:
        return epoch
    try:
        day = dt.date.fromisoformat(iso_date.strip()[:10])
    except ValueError:
        return None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
