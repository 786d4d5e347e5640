"""Service reports (服务报告): a site's figures for a period, every figure keeping the ids of the records it counts.

Plain values in, plain values out; no Flask, no session. What belongs to the period [start, end) in the site's zone:
- work tied to a shift (due rounds, due cleaning checks, the gaps the engine found, the handover) belongs to the
  period in which its shift STARTS: the night shift from the 31st's evening into the 1st belongs to the 31st's
  period, whole (as on the scorecards, so a client sees the same numbers there and here);
- records not tied to a shift belong where their own time falls: cleaning checks and incidents by their
  clock-corrected capture time (never by when they reached the server: a phone that syncs a day late changes
  nothing), work orders by when they were raised, inspections by capture time, notices and violation tickets by
  when they were issued; notices overdue are those open past their deadline at the period's end (or now);
- due work not judged yet (its window is still open or to come) is not due yet; a miss or a gap that is only
  provisional (a phone on the shift has not synced since) is counted apart as "awaiting sync", never as a miss.
"""
from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from webapp.domain import alerts as alert_rules
from webapp.domain import days, lifecycles, tally
from webapp.domain import gaps as engine
from webapp.domain.errors import DomainError
from webapp.domain.exceptions import Life
from webapp.domain.lifecycles import CATEGORIES, Notice, Step, Violation, counted_points, notice_overdue
from webapp.domain.timezones import local_to_utc, to_local, zone

PERIODS = ("day", "week", "month", "custom")
MAX_DAYS = 92  # a custom period is at most about a quarter
JUDGED_ROUND = tally.JUDGED  # not "open" or "upcoming": not judged yet (the one count of webapp/domain/tally.py)
DONE = tally.DONE
ON_TIME = tally.ON_TIME
HOURS = tuple(range(24))


# ---- the period ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """Local days [first, last] of a site's zone, as a day, a week (Monday to Sunday), a month or a custom span."""

    kind: str
    first: date
    last: date
    tz: str

    @property
    def start(self) -> datetime:
        """The period's first instant, in UTC."""
        return local_to_utc(self.first, time(0), zone(self.tz))

    @property
    def end(self) -> datetime:
        """The instant just after the period, in UTC."""
        return local_to_utc(self.last + timedelta(days=1), time(0), zone(self.tz))

    def days(self) -> list[date]:
        """Every local day of the period."""
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def holds(self, instant: datetime | None) -> bool:
        """Whether an instant falls in [start, end)."""
        return instant is not None and self.start <= instant < self.end

    def local_day(self, instant: datetime) -> date:
        """The local date of an instant."""
        return to_local(instant, zone(self.tz)).date()

    def local_hour(self, instant: datetime) -> int:
        """The local hour of day of an instant."""
        return to_local(instant, zone(self.tz)).hour

    @property
    def label(self) -> str:
        """2026-11-25, 2026-11 or 2026-11-23 – 2026-11-29."""
        if self.kind == "day":
            return self.first.isoformat()
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        return f"{self.first.isoformat()} – {self.last.isoformat()}"

    def args(self) -> dict[str, str]:
        """The query arguments that ask for this period again."""
        if self.kind == "custom":
            return {"period": "custom", "from": self.first.isoformat(), "to": self.last.isoformat()}
        return {"period": self.kind, "date": self.first.isoformat()}


def _day(text: str | None, name: str) -> date | None:
    if not text or not text.strip():
        return None
    try:
        return days.parse(text.strip()[:10])
    except ValueError:
        raise DomainError("report_bad_date", value=text.strip()[:20], field=name) from None


def parse_period(kind: str | None, day: str | None, first: str | None, last: str | None, tz: str, today: date) -> Period:
    """The period asked for, ending at today at the latest (a report never counts days still to come)."""
    period = _asked_period(kind, day, first, last, tz, today)
    if period.first > today:
        raise DomainError("report_in_future", first=period.first, today=today)
    return period if period.last <= today else Period(period.kind, period.first, today, tz)


def _asked_period(kind: str | None, day: str | None, first: str | None, last: str | None, tz: str, today: date) -> Period:
    """?period=day|week|month&date=… (by default the one holding today), or custom from/to, as asked."""
    kind = (kind or "month").strip()
    if kind not in PERIODS:
        raise DomainError("report_bad_period", value=kind[:20])
    zone(tz)
    if kind == "custom":
        start, end = _day(first, "from"), _day(last, "to")
        if start is None or end is None:
            raise DomainError("report_dates_missing")
        if end < start:
            raise DomainError("report_dates_reversed", first=start, last=end)
        if (end - start).days + 1 > MAX_DAYS:
            raise DomainError("report_period_too_long", days=MAX_DAYS)
        return Period("custom", start, end, tz)
    anchor = _day(day, "date") or today
    if kind == "day":
        return Period("day", anchor, anchor, tz)
    if kind == "week":
        monday = anchor - timedelta(days=anchor.weekday())
        return Period("week", monday, monday + timedelta(days=6), tz)
    first_day = anchor.replace(day=1)
    following = date(first_day.year + first_day.month // 12, first_day.month % 12 + 1, 1)
    return Period("month", first_day, following - timedelta(days=1), tz)


# ---- what the report is built from ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ShiftRow:
    """A shift as worked."""

    id: int
    name: str
    local_date: date
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class RoundRow:
    """One due round as the gap engine judged it; `key` is unique in the report."""

    key: str
    shift_id: int
    route_id: int
    opens_at: datetime
    state: str
    provisional: bool
    checkpoint_ids: tuple[int, ...]  # the route's checkpoints, visited or not
    missing: tuple[int, ...]
    scan_ids: tuple[int, ...]


@dataclass(frozen=True)
class CleaningDueRow:
    """One due cleaning check at one checkpoint as the gap engine judged it."""

    key: str
    shift_id: int
    checkpoint_id: int
    opens_at: datetime
    state: str
    provisional: bool
    check_id: int | None


@dataclass(frozen=True)
class GapRow:
    """A gap of a shift with where it stands in its life."""

    key: str  # "<shift id>/<gap key>"
    shift_id: int
    kind: str
    at: datetime
    checkpoint_id: int | None
    person_id: int | None
    provisional: bool
    life: str  # open / explained / accepted / rejected
    acknowledged: bool
    explanation: str = ""
    params: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def standing(self) -> str:
        """accepted / explained (explained, or acknowledged by a lead) / unexplained."""
        if self.life == "accepted":
            return "accepted"
        if self.life == "explained" or self.acknowledged:
            return "explained"
        return "unexplained"


@dataclass(frozen=True)
class CheckRow:
    """A cleaning check as recorded: (item id, item text, passed) per checklist line."""

    id: int
    checkpoint_id: int
    captured_at: datetime
    received_at: datetime
    items: tuple[tuple[int, str, bool], ...]

    @property
    def passed(self) -> bool:
        return all(ok for _i, _t, ok in self.items)


@dataclass(frozen=True)
class IncidentRow:
    """A problem reported from the field."""

    id: int
    kind: str
    severity: str
    captured_at: datetime
    received_at: datetime
    closed_at: datetime | None
    description: str = ""


@dataclass(frozen=True)
class OrderRow:
    """A repair work order and its times."""

    id: int
    category: str
    state: str
    raised_at: datetime
    due_at: datetime
    started_at: datetime | None
    done_at: datetime | None
    satisfied: bool | None
    description: str = ""


@dataclass(frozen=True)
class InspectionRow:
    """A scored inspection (or a self-inspection, 自检) of a place."""

    id: int
    area_id: int | None
    department: str
    percent: float
    passed: bool
    self_check: bool
    captured_at: datetime


@dataclass(frozen=True)
class NoticeRow:
    """A rectification notice with its kept history (to replay where it stood at the period's end)."""

    id: int
    department: str
    state: str
    issued_at: datetime
    deadline: datetime
    closed_at: datetime | None
    closed_on_time: bool | None
    assignee_id: int | None
    issuer_id: int
    history: tuple[Step, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class ViolationRow:
    """A violation ticket."""

    id: int
    rule: str
    state: str
    points: int
    person_id: int
    issuer_id: int
    issued_at: datetime


@dataclass(frozen=True)
class HandoverRow:
    """A shift's handover record as it stands."""

    id: int
    shift_id: int
    state: str  # open / signed / refused / closed
    signed_out_at: datetime | None
    accepted_at: datetime | None
    refused_at: datetime | None
    sha256: str | None
    prev_sha256: str | None
    sequence: int | None


@dataclass(frozen=True)
class AlertRow:
    """An alert (告警) as kept: when raised, when (and if) acknowledged, how far up it went."""

    id: int
    kind: str
    severity: str
    raised_at: datetime
    acknowledged_at: datetime | None
    escalated_at: datetime | None  # its latest escalation: set only when it went past the level it started at
    level: int  # 0 lead, 1 supervisor, 2 manager
    provisional: bool = False
    acknowledged_by: str = ""


@dataclass
class Facts:
    """Everything a report is built from (rows outside the period are allowed: the rules above pick theirs)."""

    shifts: list[ShiftRow] = field(default_factory=list)
    rounds: list[RoundRow] = field(default_factory=list)
    cleaning: list[CleaningDueRow] = field(default_factory=list)
    gaps: list[GapRow] = field(default_factory=list)
    checks: list[CheckRow] = field(default_factory=list)
    incidents: list[IncidentRow] = field(default_factory=list)
    orders: list[OrderRow] = field(default_factory=list)
    inspections: list[InspectionRow] = field(default_factory=list)
    notices: list[NoticeRow] = field(default_factory=list)
    violations: list[ViolationRow] = field(default_factory=list)
    handovers: list[HandoverRow] = field(default_factory=list)
    alerts: list[AlertRow] = field(default_factory=list)
    checkpoint_area: dict[int, int | None] = field(default_factory=dict)  # checkpoint id → area id


def rows_of_assessment(shift_id: int, assessment: engine.Assessment,
                       lives: dict[str, Life]) -> tuple[list[RoundRow], list[CleaningDueRow], list[GapRow]]:
    """A shift's verdict from the gap engine as report rows; `lives` are its gaps' lives by gap key."""
    rounds = [RoundRow(f"{shift_id}/{r.plan_id}/{r.due.opens_at:%Y%m%dT%H%M}", shift_id, r.route_id, r.due.opens_at,
                       r.state, r.provisional, tuple(dict.fromkeys(r.visited + r.missing)), tuple(r.missing),
                       tuple(r.scan_ids))
              for r in assessment.rounds]
    cleaning = [CleaningDueRow(f"{shift_id}/{c.plan_id}/{c.checkpoint_id}/{c.due.opens_at:%Y%m%dT%H%M}", shift_id,
                               c.checkpoint_id, c.due.opens_at, c.state, c.provisional, c.check_id)
                for c in assessment.cleaning]
    found = []
    for g in assessment.gaps:
        life = lives.get(g.key)
        found.append(GapRow(f"{shift_id}/{g.key}", shift_id, g.kind, g.at, g.checkpoint_id, g.person_id, g.provisional,
                            life.state if life else "open", bool(life and life.acknowledgement), g.explanation,
                            dict(g.params)))
    return rounds, cleaning, found


# ---- figures ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """A number in the report and the records it counts: `kind` names what the ids are (round, gap, check, ...).

    A count is len(ids); an average or a rate carries its `value` beside the records it was taken over.
    """

    key: str
    kind: str
    ids: tuple
    value: float | None = None

    @property
    def count(self) -> int:
        return len(self.ids)


def rate(part: Figure | int, whole: Figure | int) -> float | None:
    """A percentage to one decimal, or None over nothing."""
    p = part.count if isinstance(part, Figure) else part
    w = whole.count if isinstance(whole, Figure) else whole
    return round(100.0 * p / w, 1) if w else None


def mean(values: Iterable[float]) -> float | None:
    """The mean to one decimal, or None."""
    values = list(values)
    return round(math.fsum(values) / len(values), 1) if values else None


class _Figures:
    """Every figure of a report by its key, so that a drill-down finds exactly the figure a page showed."""

    def __init__(self) -> None:
        self.all: dict[str, Figure] = {}

    def __call__(self, key: str, kind: str, ids: Iterable, value: float | None = None) -> Figure:
        figure = Figure(key, kind, tuple(ids), value)
        self.all[key] = figure
        return figure


@dataclass(frozen=True)
class KeyedLine:
    """A row of a table: a name (checkpoint, area, kind, day …) and its figures by column."""

    name: object
    figures: dict[str, Figure]
    value: float | None = None  # the row's rate or mean


@dataclass(frozen=True)
class Patrol:
    rounds_due: Figure
    rounds_done: Figure
    rounds_on_time: Figure
    rounds_late: Figure
    rounds_incomplete: Figure
    rounds_missed: Figure
    rounds_awaiting_sync: Figure
    on_time_rate: float | None
    done_rate: float | None
    visits_due: int  # checkpoint visits the judged rounds called for
    visits_made: Figure  # the scans that made them (kind scan)
    coverage: float | None
    checkpoints: list[KeyedLine]  # per checkpoint: due (rounds), missed (rounds)
    gaps: list[KeyedLine]  # per kind: total, unexplained, explained, accepted
    gaps_total: KeyedLine
    gaps_awaiting_sync: Figure
    heat: dict[tuple[int, int], Figure]  # (checkpoint id, local hour) → the rounds that missed it then
    heat_rows: list[int]  # checkpoint ids, most misses first


@dataclass(frozen=True)
class Cleaning:
    due: Figure
    done: Figure
    on_time: Figure
    late: Figure
    missed: Figure
    awaiting_sync: Figure
    done_rate: float | None
    checks: Figure
    passed: Figure
    pass_rate: float | None
    areas: list[KeyedLine]  # per area: checks, passed
    items: list[KeyedLine]  # per checklist item: checks, passed
    days: list[KeyedLine]  # per local day: due, done, checks, passed


@dataclass(frozen=True)
class Repairs:
    incidents: Figure
    incidents_closed: Figure
    incident_kinds: list[KeyedLine]  # per kind: reported, closed
    orders: Figure
    categories: list[KeyedLine]  # per category: raised, responded, closed, on_time, overdue; value = due hours
    respond_minutes: Figure  # mean minutes from raised to started, over the orders started
    close_hours: Figure  # mean hours from raised to done, over the orders done
    closed: Figure
    closed_on_time: Figure
    overdue: Figure
    followed_up: Figure
    satisfied: Figure
    unsatisfied: Figure
    satisfaction: float | None


@dataclass(frozen=True)
class Quality:
    inspections: Figure
    average: Figure
    passed: Figure
    areas: list[KeyedLine]  # per area: inspections (value = mean %)
    departments: list[KeyedLine]
    days: list[KeyedLine]  # per local day with inspections: mean %
    self_checks: Figure
    notices_issued: Figure
    notices_on_time: Figure
    notices_late: Figure
    notices_overdue: Figure
    violations: Figure
    points: Figure  # value = points counted (a contested or overturned ticket counts none)
    rules: list[KeyedLine]


@dataclass(frozen=True)
class HandoverLine:
    """One shift of the period and its handover."""

    shift: ShiftRow
    handover: HandoverRow | None
    standing: str  # on_time / late / refused / pending / missing


@dataclass(frozen=True)
class Handovers:
    shifts: Figure  # kind shift
    on_time: Figure
    late: Figure
    refused: Figure  # handovers whose incoming lead refused at some point
    pending: Figure
    missing: Figure  # kind shift
    lines: list[HandoverLine]
    hashes: list[HandoverRow]  # sealed records the report was built from, in chain order


@dataclass(frozen=True)
class Alerts:
    raised: Figure
    kinds: list[KeyedLine]  # per kind: raised, acknowledged, escalated; value = median minutes to acknowledge
    acknowledged: Figure
    unacknowledged: Figure
    median_minutes: Figure  # value: the median minutes from raised to acknowledged, over the acknowledged ones
    longest_minutes: Figure  # value: the longest; ids: the alert (or alerts) that waited that long
    escalated: Figure  # went past the level they started at (the lead, where the shift had one)


@dataclass(frozen=True)
class Report:
    """The service report of a site for a period, as it stands at `now`."""

    period: Period
    now: datetime
    patrol: Patrol
    cleaning: Cleaning
    repairs: Repairs
    quality: Quality
    handovers: Handovers
    alerts: Alerts
    figures: dict[str, Figure]


# ---- building ------------------------------------------------------------------------------------------------------

def build(period: Period, facts: Facts, now: datetime, overdue_minutes: int) -> Report:
    """The report of `period` from `facts` as they stand at `now`."""
    fig = _Figures()
    shifts = {s.id: s for s in facts.shifts if period.holds(s.starts_at) and s.starts_at <= now}
    return Report(period, now, _patrol(fig, facts, shifts, period), _cleaning(fig, facts, shifts, period),
                  _repairs(fig, facts, period, now), _quality(fig, facts, period, now),
                  _handovers(fig, facts, shifts, now, overdue_minutes), _alerts(fig, facts, period, now), fig.all)


def _patrol(fig: _Figures, facts: Facts, shifts: dict, period: Period) -> Patrol:
    rounds = sorted((r for r in facts.rounds if r.shift_id in shifts and r.state in JUDGED_ROUND),
                    key=lambda r: (r.opens_at, r.key))
    settled = [r for r in rounds if not r.provisional]
    keys = lambda rows: [r.key for r in rows]  # noqa: E731
    due = fig("patrol.rounds_due", "round", keys(rounds))
    done = fig("patrol.rounds_done", "round", keys(r for r in rounds if r.state in DONE))
    on_time = fig("patrol.rounds_on_time", "round", keys(r for r in rounds if r.state in ON_TIME))
    late = fig("patrol.rounds_late", "round", keys(r for r in rounds if r.state == "late"))
    incomplete = fig("patrol.rounds_incomplete", "round", keys(r for r in settled if r.state == "incomplete"))
    missed = fig("patrol.rounds_missed", "round", keys(r for r in settled if r.state == "missed"))
    waiting = fig("patrol.rounds_awaiting_sync", "round", keys(r for r in rounds if r.provisional))
    visits_due = sum(len(r.checkpoint_ids) for r in rounds)
    visits = fig("patrol.visits_made", "scan", sorted({s for r in rounds for s in r.scan_ids}))
    made = sum(len(r.checkpoint_ids) - len(r.missing) for r in rounds)
    per_due: dict[int, list[str]] = defaultdict(list)
    per_miss: dict[int, list[str]] = defaultdict(list)
    heat_ids: dict[tuple[int, int], list[str]] = defaultdict(list)
    for r in rounds:
        for cp in r.checkpoint_ids:
            per_due[cp].append(r.key)
        if r.provisional:
            continue
        for cp in r.missing:
            per_miss[cp].append(r.key)
            heat_ids[(cp, period.local_hour(r.opens_at))].append(r.key)
    checkpoints = [KeyedLine(cp, {"due": fig(f"patrol.checkpoint.{cp}.due", "round", per_due[cp]),
                                  "missed": fig(f"patrol.checkpoint.{cp}.missed", "round", per_miss[cp])},
                             rate(len(per_due[cp]) - len(per_miss[cp]), len(per_due[cp])))
                   for cp in sorted(per_due, key=lambda c: (-len(per_miss[c]), c))]
    heat = {cell: fig(f"patrol.heat.{cell[0]}.{cell[1]}", "round", ids) for cell, ids in sorted(heat_ids.items())}
    found = sorted((g for g in facts.gaps if g.shift_id in shifts), key=lambda g: (g.at, g.key))
    settled_gaps = [g for g in found if not g.provisional]
    by_kind: dict[str, list[GapRow]] = defaultdict(list)
    for g in settled_gaps:
        by_kind[g.kind].append(g)

    def gap_line(name: str, rows: list[GapRow], prefix: str) -> KeyedLine:
        return KeyedLine(name, {"total": fig(f"{prefix}.total", "gap", [g.key for g in rows]),
                                **{s: fig(f"{prefix}.{s}", "gap", [g.key for g in rows if g.standing == s])
                                   for s in ("unexplained", "explained", "accepted")}})

    order = {kind: i for i, kind in enumerate(engine.KINDS)}
    return Patrol(due, done, on_time, late, incomplete, missed, waiting, rate(on_time, due), rate(done, due),
                  visits_due, visits, rate(made, visits_due), checkpoints,
                  [gap_line(k, by_kind[k], f"patrol.gaps.{k}") for k in sorted(by_kind, key=lambda k: order.get(k, 99))],
                  gap_line("all", settled_gaps, "patrol.gaps.all"),
                  fig("patrol.gaps.awaiting_sync", "gap", [g.key for g in found if g.provisional]),
                  heat, [line.name for line in checkpoints if line.figures["missed"].count])  # type: ignore[misc]


def _cleaning(fig: _Figures, facts: Facts, shifts: dict, period: Period) -> Cleaning:
    dues = sorted((c for c in facts.cleaning if c.shift_id in shifts and c.state in JUDGED_ROUND),
                  key=lambda c: (c.opens_at, c.key))
    keys = lambda rows: [c.key for c in rows]  # noqa: E731
    due = fig("cleaning.due", "cleaning", keys(dues))
    done = fig("cleaning.done", "cleaning", keys(c for c in dues if c.state in DONE))
    checks = sorted((c for c in facts.checks if period.holds(c.captured_at)), key=lambda c: (c.captured_at, c.id))
    passed = [c for c in checks if c.passed]
    by_area: dict[int | None, list[CheckRow]] = defaultdict(list)
    by_item: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    item_text: dict[int, tuple[int, str]] = {}
    for c in checks:
        by_area[facts.checkpoint_area.get(c.checkpoint_id)].append(c)
        for item_id, text, ok in c.items:
            by_item[item_id].append((c.id, ok))
            item_text[item_id] = (c.checkpoint_id, text)
    areas = [KeyedLine(area, {"checks": fig(f"cleaning.area.{area}.checks", "check", [c.id for c in rows]),
                              "passed": fig(f"cleaning.area.{area}.passed", "check", [c.id for c in rows if c.passed])},
                       rate(sum(c.passed for c in rows), len(rows)))
             for area, rows in sorted(by_area.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))]
    items = [KeyedLine(item_text[item], {"checks": fig(f"cleaning.item.{item}.checks", "check", [i for i, _ok in rows]),
                                         "passed": fig(f"cleaning.item.{item}.passed", "check", [i for i, ok in rows if ok])},
                       rate(sum(ok for _i, ok in rows), len(rows)))
             for item, rows in sorted(by_item.items(), key=lambda kv: (rate(sum(ok for _i, ok in kv[1]), len(kv[1])) or 0, kv[0]))]
    days = []
    for day in period.days():
        d_due = [c for c in dues if shifts[c.shift_id].local_date == day]
        d_checks = [c for c in checks if period.local_day(c.captured_at) == day]
        days.append(KeyedLine(day, {
            "due": fig(f"cleaning.day.{day}.due", "cleaning", keys(d_due)),
            "done": fig(f"cleaning.day.{day}.done", "cleaning", keys(c for c in d_due if c.state in DONE)),
            "checks": fig(f"cleaning.day.{day}.checks", "check", [c.id for c in d_checks]),
            "passed": fig(f"cleaning.day.{day}.passed", "check", [c.id for c in d_checks if c.passed])},
            rate(sum(c.passed for c in d_checks), len(d_checks))))
    return Cleaning(due, done, fig("cleaning.on_time", "cleaning", keys(c for c in dues if c.state in ON_TIME)),
                    fig("cleaning.late", "cleaning", keys(c for c in dues if c.state == "late")),
                    fig("cleaning.missed", "cleaning", keys(c for c in dues if c.state == "missed" and not c.provisional)),
                    fig("cleaning.awaiting_sync", "cleaning", keys(c for c in dues if c.provisional)),
                    rate(done, due), fig("cleaning.checks", "check", [c.id for c in checks]),
                    fig("cleaning.passed", "check", [c.id for c in passed]), rate(len(passed), len(checks)),
                    areas, items, days)


def _minutes(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 60


def _repairs(fig: _Figures, facts: Facts, period: Period, now: datetime) -> Repairs:
    cutoff = min(period.end, now)
    incidents = sorted((i for i in facts.incidents if period.holds(i.captured_at)), key=lambda i: (i.captured_at, i.id))
    kinds: dict[str, list[IncidentRow]] = defaultdict(list)
    for i in incidents:
        kinds[i.kind].append(i)
    orders = sorted((o for o in facts.orders if period.holds(o.raised_at)), key=lambda o: (o.raised_at, o.id))
    started = [o for o in orders if o.started_at is not None]
    done = [o for o in orders if o.done_at is not None]
    on_time = [o for o in done if o.done_at <= o.due_at]  # type: ignore[operator]
    overdue = [o for o in orders if o.done_at is None and o.due_at < cutoff]
    followed = [o for o in orders if o.satisfied is not None]
    categories = []
    for cat in [c for c in CATEGORIES if any(o.category == c for o in orders)]:
        rows = [o for o in orders if o.category == cat]
        figures = {"raised": fig(f"repairs.category.{cat}.raised", "order", [o.id for o in rows]),
                   "responded": fig(f"repairs.category.{cat}.responded", "order", [o.id for o in rows if o.started_at],
                                    mean(_minutes(o.raised_at, o.started_at) for o in rows if o.started_at)),
                   "closed": fig(f"repairs.category.{cat}.closed", "order", [o.id for o in rows if o.done_at],
                                 mean(_minutes(o.raised_at, o.done_at) / 60 for o in rows if o.done_at)),
                   "on_time": fig(f"repairs.category.{cat}.on_time", "order", [o.id for o in rows if o in on_time]),
                   "overdue": fig(f"repairs.category.{cat}.overdue", "order", [o.id for o in rows if o in overdue])}
        categories.append(KeyedLine(cat, figures, CATEGORIES[cat].total_seconds() / 3600))
    satisfied = [o for o in followed if o.satisfied]
    return Repairs(
        fig("repairs.incidents", "incident", [i.id for i in incidents]),
        fig("repairs.incidents_closed", "incident", [i.id for i in incidents if i.closed_at and i.closed_at <= cutoff]),
        [KeyedLine(k, {"reported": fig(f"repairs.kind.{k}.reported", "incident", [i.id for i in rows]),
                       "closed": fig(f"repairs.kind.{k}.closed", "incident",
                                     [i.id for i in rows if i.closed_at and i.closed_at <= cutoff])})
         for k, rows in sorted(kinds.items())],
        fig("repairs.orders", "order", [o.id for o in orders]), categories,
        fig("repairs.respond_minutes", "order", [o.id for o in started],
            mean(_minutes(o.raised_at, o.started_at) for o in started)),  # type: ignore[arg-type]
        fig("repairs.close_hours", "order", [o.id for o in done],
            mean(_minutes(o.raised_at, o.done_at) / 60 for o in done)),  # type: ignore[arg-type]
        fig("repairs.closed", "order", [o.id for o in done]), fig("repairs.closed_on_time", "order", [o.id for o in on_time]),
        fig("repairs.overdue", "order", [o.id for o in overdue]), fig("repairs.followed_up", "order", [o.id for o in followed]),
        fig("repairs.satisfied", "order", [o.id for o in satisfied]),
        fig("repairs.unsatisfied", "order", [o.id for o in followed if not o.satisfied]), rate(len(satisfied), len(followed)))


def notice_at(row: NoticeRow, cutoff: datetime) -> Notice:
    """The notice as it stood at `cutoff`, replayed from its kept steps (as stored, without a usable history)."""
    return lifecycles.notice_at(Notice(row.state, row.issuer_id, row.assignee_id, row.deadline, row.issued_at, ()),
                                row.history, cutoff)


def _scores(fig: _Figures, prefix: str, groups: dict, order: Iterable) -> list[KeyedLine]:
    return [KeyedLine(name, {"inspections": fig(f"{prefix}.{name}", "inspection", [i.id for i in groups[name]],
                                                mean(i.percent for i in groups[name]))},
                      mean(i.percent for i in groups[name])) for name in order]


def _quality(fig: _Figures, facts: Facts, period: Period, now: datetime) -> Quality:
    cutoff = min(period.end, now)
    found = sorted((i for i in facts.inspections if period.holds(i.captured_at)), key=lambda i: (i.captured_at, i.id))
    scored = [i for i in found if not i.self_check]
    own = [i for i in found if i.self_check]
    areas: dict[int | None, list[InspectionRow]] = defaultdict(list)
    departments: dict[str, list[InspectionRow]] = defaultdict(list)
    days: dict[date, list[InspectionRow]] = defaultdict(list)
    for i in scored:
        areas[i.area_id].append(i)
        departments[i.department].append(i)
        days[period.local_day(i.captured_at)].append(i)
    issued = sorted((n for n in facts.notices if period.holds(n.issued_at)), key=lambda n: (n.issued_at, n.id))
    overdue = sorted((n for n in facts.notices if n.issued_at < cutoff and notice_overdue(notice_at(n, cutoff), cutoff)),
                     key=lambda n: (n.issued_at, n.id))
    tickets = sorted((v for v in facts.violations if period.holds(v.issued_at)), key=lambda v: (v.issued_at, v.id))
    counted = {v.id: counted_points(Violation(v.state, v.person_id, v.issuer_id, v.points, ())) for v in tickets}
    rules: dict[str, list[ViolationRow]] = defaultdict(list)
    for v in tickets:
        rules[v.rule].append(v)
    return Quality(
        fig("quality.inspections", "inspection", [i.id for i in scored]),
        fig("quality.average", "inspection", [i.id for i in scored], mean(i.percent for i in scored)),
        fig("quality.passed", "inspection", [i.id for i in scored if i.passed]),
        _scores(fig, "quality.area", areas, sorted(areas, key=lambda a: (a is None, a or 0))),
        _scores(fig, "quality.department", departments, sorted(departments)),
        _scores(fig, "quality.day", days, sorted(days)),
        fig("quality.self_checks", "inspection", [i.id for i in own], mean(i.percent for i in own)),
        fig("quality.notices_issued", "notice", [n.id for n in issued]),
        fig("quality.notices_on_time", "notice", [n.id for n in issued if n.closed_on_time is True]),
        fig("quality.notices_late", "notice", [n.id for n in issued if n.closed_on_time is False]),
        fig("quality.notices_overdue", "notice", [n.id for n in overdue]),
        fig("quality.violations", "violation", [v.id for v in tickets]),
        fig("quality.points", "violation", [v.id for v in tickets if counted[v.id]], float(sum(counted.values()))),
        [KeyedLine(rule, {"tickets": fig(f"quality.rule.{rule}", "violation", [v.id for v in rows],
                                         float(sum(counted[v.id] for v in rows)))}, float(sum(counted[v.id] for v in rows)))
         for rule, rows in sorted(rules.items())])


def handover_standing(shift: ShiftRow, handover: HandoverRow | None, now: datetime, overdue_minutes: int) -> str:
    """on_time: sealed, the outgoing lead signing within the allowance after the shift's end and the incoming lead
    accepting within the allowance after that; late: sealed otherwise; refused: refused and not sealed since;
    pending: being prepared or waiting; missing: no handover record at all."""
    if handover is None:
        return "missing"
    if handover.state == "closed" and handover.signed_out_at and handover.accepted_at:
        allowance = timedelta(minutes=overdue_minutes)
        in_time = handover.signed_out_at <= shift.ends_at + allowance and \
            handover.accepted_at <= handover.signed_out_at + allowance
        return "on_time" if in_time else "late"
    if handover.state == "refused":
        return "refused"
    return "pending"


def _handovers(fig: _Figures, facts: Facts, shifts: dict, now: datetime, overdue_minutes: int) -> Handovers:
    by_shift = {h.shift_id: h for h in facts.handovers if h.shift_id in shifts}
    lines = [HandoverLine(s, by_shift.get(s.id), handover_standing(s, by_shift.get(s.id), now, overdue_minutes))
             for s in sorted(shifts.values(), key=lambda s: (s.starts_at, s.id))]

    def ids(standing: str) -> list[int]:
        return [line.handover.id for line in lines if line.standing == standing and line.handover]

    sealed = sorted((h for h in by_shift.values() if h.sha256), key=lambda h: (h.sequence or 0, h.id))
    return Handovers(fig("handovers.shifts", "shift", [line.shift.id for line in lines]),
                     fig("handovers.on_time", "handover", ids("on_time")), fig("handovers.late", "handover", ids("late")),
                     fig("handovers.refused", "handover", sorted(h.id for h in by_shift.values() if h.refused_at)),
                     fig("handovers.pending", "handover", ids("pending") + ids("refused")),
                     fig("handovers.missing", "shift", [line.shift.id for line in lines if line.standing == "missing"]),
                     lines, sealed)


def _ack_minutes(a: AlertRow) -> float:
    return _minutes(a.raised_at, a.acknowledged_at)  # type: ignore[arg-type]


def median(values: Iterable[float]) -> float | None:
    """The median to one decimal, or None."""
    values = list(values)
    return round(statistics.median(values), 1) if values else None


def _alerts(fig: _Figures, facts: Facts, period: Period, now: datetime) -> Alerts:
    """Alerts raised in the period (by when they were raised), acknowledged and escalated as they stand at `now`."""
    raised = sorted((a for a in facts.alerts if period.holds(a.raised_at) and a.raised_at <= now),
                    key=lambda a: (a.raised_at, a.id))
    acked = [a for a in raised if a.acknowledged_at is not None and a.acknowledged_at <= now]
    escalated = [a for a in raised if a.escalated_at is not None and a.escalated_at <= now]
    longest = max((_ack_minutes(a) for a in acked), default=None)
    order = {kind: i for i, kind in enumerate(alert_rules.KINDS)}
    kinds = []
    for kind in sorted({a.kind for a in raised}, key=lambda k: (order.get(k, 99), k)):
        rows = [a for a in raised if a.kind == kind]
        done = [a for a in acked if a.kind == kind]
        kinds.append(KeyedLine(kind, {
            "raised": fig(f"alerts.kind.{kind}.raised", "alert", [a.id for a in rows]),
            "acknowledged": fig(f"alerts.kind.{kind}.acknowledged", "alert", [a.id for a in done],
                                median(_ack_minutes(a) for a in done)),
            "escalated": fig(f"alerts.kind.{kind}.escalated", "alert", [a.id for a in escalated if a.kind == kind])},
            median(_ack_minutes(a) for a in done)))
    return Alerts(fig("alerts.raised", "alert", [a.id for a in raised]), kinds,
                  fig("alerts.acknowledged", "alert", [a.id for a in acked]),
                  fig("alerts.unacknowledged", "alert", [a.id for a in raised if a not in acked]),
                  fig("alerts.ack_median", "alert", [a.id for a in acked], median(_ack_minutes(a) for a in acked)),
                  fig("alerts.ack_longest", "alert", [a.id for a in acked if _ack_minutes(a) == longest],
                      round(longest, 1) if longest is not None else None),
                  fig("alerts.escalated", "alert", [a.id for a in escalated]))
