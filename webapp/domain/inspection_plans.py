"""When quality supervisors (品质督导) must inspect each site, and which of those inspections were done, late or missed."""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from webapp.domain.errors import DomainError
from webapp.domain.timezones import local_days, local_to_utc, zone

WINDOW_STATES = ("done", "late", "missed", "pending", "upcoming")


@dataclass(frozen=True)
class InspectionPlanSpec:
    """A supervisor's weekly visit to a site: a weekday (0 = Monday) and local hours in the site's zone."""

    id: int
    site_id: int
    inspector_id: int
    weekday: int
    starts: time
    ends: time
    zone: str

    def __post_init__(self) -> None:
        if isinstance(self.weekday, bool) or self.weekday not in range(7):
            raise DomainError("invalid_weekday", weekday=self.weekday)
        if self.ends <= self.starts:
            raise DomainError("window_ends_before_start", starts=self.starts.strftime("%H:%M"),
                              ends=self.ends.strftime("%H:%M"))
        zone(self.zone)  # an unknown zone is refused here, with its own code


@dataclass(frozen=True)
class InspectionWindow:
    """One visit a plan calls for, as UTC instants."""

    plan_id: int
    site_id: int
    inspector_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class WindowStatus:
    """A window judged at some instant, with the inspection that fulfilled it if any."""

    window: InspectionWindow
    status: str  # one of WINDOW_STATES
    inspection_at: datetime | None


def _aware(instant: datetime) -> None:
    if instant.tzinfo is None:
        raise ValueError("naive datetime given for an instant")


def windows(plans: Iterable[InspectionPlanSpec], start: datetime, end: datetime) -> list[InspectionWindow]:
    """Every window of the plans that overlaps [start, end), sorted by start.

    Local hours become UTC through the site's zone on each day, so a window keeps its wall-clock hours across
    daylight-saving changes. A window whose hours do not exist that night (all inside a spring-forward gap) is skipped.
    """
    _aware(start)
    _aware(end)
    found: list[InspectionWindow] = []
    if end <= start:
        return found
    for plan in plans:
        tz = zone(plan.zone)
        for day in local_days(start, end, tz):
            if day.weekday() != plan.weekday:
                continue
            opens, closes = local_to_utc(day, plan.starts, tz), local_to_utc(day, plan.ends, tz)
            if opens < closes and opens < end and closes > start:
                found.append(InspectionWindow(plan.id, plan.site_id, plan.inspector_id, opens, closes))
    found.sort(key=lambda w: (w.starts_at, w.ends_at, w.plan_id))
    return found


def assess_windows(wins: list[InspectionWindow], inspections: Iterable[tuple[int, int, datetime]], now: datetime,
                   late_grace: timedelta = timedelta(hours=24)) -> list[WindowStatus]:
    """Judge each window at `now` against inspections (site_id, inspector_id, started_at), in the windows' order.

    An inspection started inside a window (ends included) makes it "done"; one started after it closed but within
    `late_grace` makes it "late". Each inspection counts for one window at most: windows take in-window inspections
    first, and only then late ones, so a visit that fits its own window is never used up as a late visit for an
    earlier one. Within each pass the window that closes first takes the earliest inspection it can, which fulfils
    as many windows as possible when the windows of one inspector at one site overlap.
    """
    _aware(now)
    times: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    for site_id, inspector_id, started_at in inspections:
        _aware(started_at)
        times[(site_id, inspector_id)].append(started_at)
    for found in times.values():
        found.sort()
    used: dict[tuple[int, int], set[int]] = defaultdict(set)
    order = sorted(range(len(wins)), key=lambda i: (wins[i].ends_at, wins[i].starts_at, wins[i].plan_id))
    matched: dict[int, tuple[str, datetime]] = {}

    def take(i: int, after: datetime, until: datetime, inclusive_start: bool) -> datetime | None:
        """The earliest unused inspection for window i in [after, until] (or (after, until])."""
        pair = (wins[i].site_id, wins[i].inspector_id)
        found, taken = times.get(pair, []), used[pair]
        at = bisect_left(found, after)
        while at < len(found) and found[at] <= until:
            if (inclusive_start or found[at] > after) and at not in taken:
                taken.add(at)
                return found[at]
            at += 1
        return None

    for i in order:
        if (hit := take(i, wins[i].starts_at, wins[i].ends_at, True)) is not None:
            matched[i] = ("done", hit)
    for i in order:
        if i not in matched and (hit := take(i, wins[i].ends_at, wins[i].ends_at + late_grace, False)) is not None:
            matched[i] = ("late", hit)

    result = []
    for i, win in enumerate(wins):
        if i in matched:
            status, hit = matched[i]
            result.append(WindowStatus(win, status, hit))
        elif now < win.starts_at:
            result.append(WindowStatus(win, "upcoming", None))
        elif now > win.ends_at + late_grace:
            result.append(WindowStatus(win, "missed", None))
        else:
            result.append(WindowStatus(win, "pending", None))
    return result
