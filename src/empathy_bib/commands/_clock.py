"""The clock, read by commands only: library code takes the date it needs as a parameter.

`add` writes the local date a paper joined the list (`added`); validate's "in the future"
(E314) compares with the latest date anywhere on Earth, so a date a maintainer wrote today in
their own time zone is never in the future for a CI runner in another.
"""

from __future__ import annotations

import datetime

# The time zone furthest ahead of UTC (Line Islands, UTC+14): the latest date on Earth.
_AHEAD_OF_UTC = datetime.timedelta(hours=14)


def today() -> datetime.date:
    """The local date: what `add` writes in `added`."""
    return datetime.date.today()


def latest_today() -> datetime.date:
    """The date where it is latest on Earth: a later date is in the future everywhere."""
    return (datetime.datetime.now(datetime.timezone.utc) + _AHEAD_OF_UTC).date()
