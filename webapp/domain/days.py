"""Calendar days typed by people (in a query, a form): only days the app can count with, read in one place.

A day far in the past or future (0001-01-01, 9999-12-31) is not a day anyone works: refusing it here keeps every
period, week and month built from it (and the instants around it) inside what dates and times can hold.
"""
from __future__ import annotations

from datetime import date

FIRST = date(1970, 1, 1)
LAST = date(2199, 12, 31)


def parse(text: str) -> date:
    """The day written as YYYY-MM-DD, between FIRST and LAST; ValueError otherwise."""
    day = date.fromisoformat(text.strip())
    if not FIRST <= day <= LAST:
        raise ValueError(f"{day} is outside {FIRST} – {LAST}")
    return day


def day_or_none(text: str | None) -> date | None:
    """The day written, or None when it is blank, malformed or outside FIRST – LAST."""
    try:
        return parse(text) if text and text.strip() else None
    except ValueError:
        return None


def usable(day: date | None) -> bool:
    """Whether a day (e.g. from a form's date field) is one the app can count with."""
    return day is not None and FIRST <= day <= LAST
