"""The monthly quality meeting pack (品质例会): per department, the rectification plan and how it went, the violations
against the department's people, and the trend against the month before. Pure: plain rows in, figures out.

- a notice belongs to the month it was ISSUED in (its department is the notice's own); of those, "closed on time" and
  "re-check failed" (its issuer failed the re-check at least once) are counted;
- "overdue" counts every notice issued before the month's end (or now, if sooner) that was still open past its
  deadline then (as stored: an extended deadline is the one that counts);
- a violation ticket belongs to the month it was issued in and to the department of the person's role (guard and
  lead: security, cleaner: environment, engineer: engineering, front desk: front_desk; others: "other"); its points
  count unless contested or overturned (lifecycles.counted_points);
- a maintenance task (维保计划) is overdue for the month when it was overdue on the month's last local day (or today,
  if sooner), judged by the times it had been done by then (webapp.domain.maintenance): the engineering gap the
  quality board shows, as it stood when the month closed; last month's count is taken the same way on its last day;
- the equipment summary is the service report's (webapp.domain.plant_report) over the month.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from webapp.domain.lifecycles import Violation, counted_points
from webapp.domain.maintenance import state_on
from webapp.domain.plant_report import PlantSummary
from webapp.domain.timezones import to_local, zone

DEPARTMENTS = ("environment", "security", "control_room", "engineering", "front_desk")
OTHER = "other"
ROLE_DEPARTMENT = {"guard": "security", "lead": "security", "cleaner": "environment", "engineer": "engineering",
                   "front_desk": "front_desk"}
COUNTS = ("issued", "closed_on_time", "overdue", "recheck_failed", "violations", "points")


def department_of(role: str) -> str:
    """The department a person's role belongs to."""
    return ROLE_DEPARTMENT.get(role, OTHER)


@dataclass(frozen=True)
class NoticeFact:
    id: int
    department: str
    issued_at: datetime
    deadline: datetime
    closed_at: datetime | None
    closed_on_time: bool | None
    recheck_failures: int = 0


@dataclass(frozen=True)
class ViolationFact:
    id: int
    role: str  # the person's role, which decides the department
    state: str
    points: int
    issued_at: datetime
    person_id: int = 0
    issuer_id: int = 0


@dataclass(frozen=True)
class TaskFact:
    """A maintenance task and every local day it was done."""

    id: int
    equipment: str
    name: str
    cycle: str
    anchor_on: date
    done_on: tuple[date, ...] = ()
    by_contractor: bool = False


@dataclass(frozen=True)
class OverdueTask:
    """A maintenance task overdue on the day the month is judged: due since `due`, `days_late` days late."""

    task: TaskFact
    due: date
    days_late: int


@dataclass(frozen=True)
class Counts:
    """One department's month."""

    issued: int = 0
    closed_on_time: int = 0
    overdue: int = 0
    recheck_failed: int = 0
    violations: int = 0
    points: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """Notices closed on time as a percent of those issued (one decimal), None when none were issued."""
        return round(100.0 * self.closed_on_time / self.issued, 1) if self.issued else None


@dataclass(frozen=True)
class Line:
    """A department's row: this month, last month and the change."""

    department: str
    this: Counts
    last: Counts

    def change(self, name: str) -> int:
        return getattr(self.this, name) - getattr(self.last, name)


@dataclass(frozen=True)
class Pack:
    lines: list[Line]
    total: Line
    overdue_tasks: list[OverdueTask] = field(default_factory=list)  # this month's, longest overdue first
    overdue_tasks_last: int = 0  # how many were overdue at the end of the month before
    plant: PlantSummary | None = None  # the month's equipment readings (None: the site has no equipment)

    @property
    def overdue_tasks_change(self) -> int:
        return len(self.overdue_tasks) - self.overdue_tasks_last


def overdue_on(tasks: Iterable[TaskFact], day: date) -> list[OverdueTask]:
    """The tasks overdue on local `day`, by what had been done by then; the longest overdue first."""
    found = []
    for t in tasks:
        done = max((d for d in t.done_on if d <= day), default=None)
        state = state_on(t.anchor_on, t.cycle, done, day)
        if state.state == "overdue":
            found.append(OverdueTask(t, state.next_due, state.days_late))
    return sorted(found, key=lambda o: (-o.days_late, o.task.equipment, o.task.name, o.task.id))


def judged_day(start: datetime, end: datetime, now: datetime, tz: str) -> date:
    """The local day a month [start, end) is judged on: its last day, or today while it runs."""
    return to_local(min(end, now) - timedelta(microseconds=1), zone(tz)).date() if now > start else \
        to_local(start, zone(tz)).date()


def _month(notices: list[NoticeFact], tickets: list[ViolationFact], start: datetime, end: datetime,
           now: datetime) -> dict[str, Counts]:
    cutoff = min(end, now)
    found: dict[str, dict[str, int]] = {}

    def add(department: str, name: str, value: int = 1) -> None:
        found.setdefault(department, dict.fromkeys(COUNTS, 0))[name] += value

    for n in notices:
        if start <= n.issued_at < end:
            add(n.department, "issued")
            if n.closed_on_time is True:
                add(n.department, "closed_on_time")
            if n.recheck_failures > 0:
                add(n.department, "recheck_failed")
        still_open = n.closed_at is None or n.closed_at >= cutoff
        if n.issued_at < cutoff and still_open and n.deadline < cutoff:
            add(n.department, "overdue")
    for v in tickets:
        if start <= v.issued_at < end:
            department = department_of(v.role)
            add(department, "violations")
            add(department, "points", counted_points(Violation(v.state, v.person_id, v.issuer_id, v.points, ())))
    return {d: Counts(**c) for d, c in found.items()}


def _sum(rows) -> Counts:
    rows = list(rows)
    return Counts(**{name: sum(getattr(r, name) for r in rows) for name in COUNTS})


def meeting_pack(notices: list[NoticeFact], tickets: list[ViolationFact], start: datetime, end: datetime,
                 last_start: datetime, now: datetime, tasks: list[TaskFact] | None = None, tz: str = "UTC",
                 plant: PlantSummary | None = None) -> Pack:
    """The pack for the month [start, end) against the month [last_start, start), as things stood at `now`; the
    site's maintenance `tasks` judged on each month's last day in its zone `tz`."""
    this = _month(notices, tickets, start, end, now)
    last = _month(notices, tickets, last_start, start, now)
    names = list(DEPARTMENTS) + ([OTHER] if OTHER in this or OTHER in last else [])
    lines = [Line(d, this.get(d, Counts()), last.get(d, Counts())) for d in names]
    tasks = tasks or []
    return Pack(lines, Line("total", _sum(x.this for x in lines), _sum(x.last for x in lines)),
                overdue_on(tasks, judged_day(start, end, now, tz)),
                len(overdue_on(tasks, judged_day(last_start, start, now, tz))), plant)
