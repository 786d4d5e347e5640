"""Plans turned into due work: when each round and each cleaning check is due within a shift."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from webapp.domain.errors import DomainError
from webapp.domain.timezones import local_days, local_to_utc


def parse_times(text: str) -> tuple[time, ...]:
    """Local times of day written as "08:00, 14:00" (also with 、 or ； between them), sorted, no repeats."""
    parts = [p.strip() for p in text.replace("，", ",").replace("、", ",").replace(";", ",").replace("；", ",").split(",")]
    found: set[time] = set()
    for part in parts:
        if not part:
            continue
        try:
            hours, minutes = part.split(":")
            found.add(time(int(hours), int(minutes)))
        except ValueError:
            raise DomainError("bad_time_of_day", value=part) from None
    return tuple(sorted(found))


MAX_MINUTES = 7 * 24 * 60  # an interval, window or grace longer than a week is a typing mistake


@dataclass(frozen=True)
class PlanSpec:
    """A plan as the schedule needs it: either every `interval_minutes` of the shift, or at local `times`."""

    plan_id: int
    interval_minutes: int | None
    times: tuple[time, ...]
    window_minutes: int
    grace_minutes: int = 15

    def __post_init__(self):
        if self.interval_minutes is not None and self.interval_minutes <= 0:
            raise DomainError("bad_interval", value=self.interval_minutes)
        if self.interval_minutes is None and not self.times:
            raise DomainError("plan_without_times")
        if self.window_minutes < 0 or self.grace_minutes < 0:
            raise DomainError("bad_window")
        if max(self.interval_minutes or 0, self.window_minutes, self.grace_minutes) > MAX_MINUTES:
            raise DomainError("plan_minutes_too_many", most=MAX_MINUTES)


@dataclass(frozen=True)
class Due:
    """One piece of due work: it should start in [opens_at, closes_at]; after late_after it is missed."""

    plan_id: int
    opens_at: datetime
    closes_at: datetime
    late_after: datetime

    def state(self, done_at: datetime | None, now: datetime) -> str:
        """'done', 'late', 'early', 'missed', 'open' (window running) or 'upcoming', judged at `now`."""
        if done_at is not None:
            if done_at < self.opens_at:
                return "early"
            return "done" if done_at <= self.closes_at else "late"
        if now > self.late_after:
            return "missed"
        return "open" if now >= self.opens_at else "upcoming"


def due_times(plan: PlanSpec, start: datetime, end: datetime, tz: ZoneInfo) -> list[Due]:
    """Every due item of `plan` whose window opens within the shift [start, end), in order."""
    if plan.interval_minutes:
        step = timedelta(minutes=plan.interval_minutes)
        count = int((end - start) / step)
        opens = [start + i * step for i in range(count + (1 if start + count * step < end else 0))]
    else:
        opens = sorted(
            instant
            for day in local_days(start, end, tz)
            for at in plan.times
            if start <= (instant := local_to_utc(day, at, tz)) < end
        )
    window = timedelta(minutes=plan.window_minutes)
    grace = timedelta(minutes=plan.grace_minutes)
    return [Due(plan.plan_id, o, o + window, o + window + grace) for o in opens]

