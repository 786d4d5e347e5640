"""When the scheduled reports fall due (pure): a weekly inspection report every Monday from 06:00 site time for the week
before, and a monthly summary on the month's last working day from 18:00 site time for that month.

The decision is "due from" rather than "due at": a worker that was down at 06:00 catches up on its next run, and the
unique (site, kind, period) constraint keeps a report from being made twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from webapp.domain.scorecards import last_working_day
from webapp.domain.timezones import to_local, zone

WEEKLY_FROM = time(6)  # Monday, site time
MONTHLY_FROM = time(18)  # the last working day, site time
KINDS = ("weekly_inspection", "monthly_summary", "meeting_pack", "custom")


@dataclass(frozen=True)
class Due:
    """One report to make: the site, its kind and its local period [start, end)."""

    site_id: int
    kind: str
    start: date
    end: date


def month_of(day: date) -> tuple[date, date]:
    """The month holding `day` as local dates [first, first of the next)."""
    first = day.replace(day=1)
    return first, date(first.year + first.month // 12, first.month % 12 + 1, 1)


def due_reports(sites, now: datetime) -> list[Due]:
    """What the schedule should have made by `now` (UTC) for the active `sites` (anything with id, timezone, active)."""
    found: list[Due] = []
    for site in sites:
        if not getattr(site, "active", True):
            continue
        local = to_local(now, zone(site.timezone))
        today = local.date()
        if today.weekday() == 0 and local.time() >= WEEKLY_FROM:
            found.append(Due(site.id, "weekly_inspection", today - timedelta(days=7), today))
        if today == last_working_day(today.year, today.month) and local.time() >= MONTHLY_FROM:
            first, following = month_of(today)
            found.append(Due(site.id, "monthly_summary", first, following))
    return found
