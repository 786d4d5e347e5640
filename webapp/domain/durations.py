"""Lengths of time as people say them: 45 minutes, 5 hours, 1.5 hours, 3 days (never "297.6 min")."""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Duration:
    """An amount of one unit ("minute", "hour" or "day"), rounded as it is to be read."""

    amount: int | float
    unit: str


def _rounded(value: float) -> int | float:
    """One decimal below 10 (1.5 hours), whole numbers from 10 on (19 hours); 5.0 becomes 5."""
    value = round(value, 1) if value < 10 else float(round(value))
    return int(value) if value.is_integer() else value


def humanize_minutes(minutes: float | None) -> Duration | None:
    """The unit a person would use for so many minutes: minutes under an hour, hours under two days, else days."""
    if minutes is None or not math.isfinite(minutes):
        return None
    minutes = max(minutes, 0.0)
    if round(minutes) < 60:
        return Duration(int(round(minutes)), "minute")
    hours = _rounded(minutes / 60)
    if hours < 48:
        return Duration(hours, "hour")
    return Duration(_rounded(minutes / 1440), "day")
