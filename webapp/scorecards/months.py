"""Which month a scorecard page shows: ?month=YYYY-MM, by default the current month as the site's clocks show it."""
from __future__ import annotations

import re
from datetime import datetime

from webapp.domain.errors import DomainError
from webapp.domain.timezones import to_local, zone

MONTH = re.compile(r"(\d{4})-(\d{2})")


def current(now: datetime, tz_name: str) -> tuple[int, int]:
    """The month `now` falls in, in the zone."""
    local = to_local(now, zone(tz_name))
    return local.year, local.month


def previous(year: int, month: int) -> tuple[int, int]:
    """The month before."""
    return (year, month - 1) if month > 1 else (year - 1, 12)


def following(year: int, month: int) -> tuple[int, int]:
    """The month after."""
    return (year, month + 1) if month < 12 else (year + 1, 1)


def parse(text: str | None, now: datetime, tz_name: str) -> tuple[int, int]:
    """The month asked for, or the current one when none is given; a malformed month is refused."""
    if not text:
        return current(now, tz_name)
    match = MONTH.fullmatch(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2999:
        raise DomainError("bad_month", value=text[:20])
    return int(match.group(1)), int(match.group(2))


def label(year: int, month: int) -> str:
    """YYYY-MM."""
    return f"{year:04d}-{month:02d}"
