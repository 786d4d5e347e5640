"""Local times of a site and the UTC instants they stand for, including shifts that cross midnight."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from webapp.domain.errors import DomainError

UTC = timezone.utc


def zone(name: str) -> ZoneInfo:
    """The IANA zone of that name, or a DomainError if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise DomainError("unknown_timezone", name=name) from None


def is_timezone(name: str) -> bool:
    """Whether the name is a known IANA zone."""
    return name in available_timezones()


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant at which a site's clocks show `at` on `day`.

    A wall time skipped by a daylight-saving change is read with the offset in force before it
    (02:30 on a spring-forward night is 03:30 new time); a repeated one is its first occurrence.
    """
    return datetime.combine(day, at).replace(tzinfo=tz, fold=0).astimezone(UTC)


def to_local(instant: datetime, tz: ZoneInfo) -> datetime:
    """The instant as the site's clocks show it."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime given for an instant")
    return instant.astimezone(tz)


def crosses_midnight(start: time, end: time) -> bool:
    """Whether a shift from `start` to `end` ends on the next local day (an end equal to the start is 24 hours)."""
    return end <= start


def shift_window(day: date, start: time, end: time, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC start and end of a shift that begins on local `day`; a night shift ends the next day."""
    end_day = day + timedelta(days=1) if crosses_midnight(start, end) else day
    return local_to_utc(day, start, tz), local_to_utc(end_day, end, tz)


def shift_day_of(instant: datetime, start: time, end: time, tz: ZoneInfo) -> date | None:
    """The local day on which the shift containing `instant` began, or None if no such shift holds it."""
    local_day = to_local(instant, tz).date()
    for day in (local_day - timedelta(days=1), local_day):
        begin, finish = shift_window(day, start, end, tz)
        if begin <= instant < finish:
            return day
    return None


def local_days(start: datetime, end: datetime, tz: ZoneInfo) -> list[date]:
    """Every local day that the half-open span [start, end) touches."""
    first = to_local(start, tz).date()
    last = to_local(end - timedelta(microseconds=1), tz).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
