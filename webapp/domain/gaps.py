"""The gap engine (异常): a shift's due rounds and cleaning checks against its field records, every gap explained."""
from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TypeVar

from webapp.domain.errors import DomainError
from webapp.domain.schedules import Due, PlanSpec, due_times
from webapp.domain.sync import is_skewed
from webapp.domain.timezones import to_local, zone

KINDS = (
    "checkpoint_missed", "round_not_started", "round_incomplete", "round_late", "round_early", "out_of_order",
    "too_fast", "burst", "duplicate_scan", "photo_missing", "cleaning_missed", "cleaning_late", "cleaning_failed",
    "not_on_shift", "clock_skew", "outside_radius", "no_activity", "reading_missed", "reading_late",
)

SEVERITY = {
    "round_not_started": "high", "too_fast": "high", "burst": "high", "no_activity": "high",
    "checkpoint_missed": "medium", "round_incomplete": "medium", "round_late": "medium", "outside_radius": "medium",
    "cleaning_missed": "medium", "cleaning_failed": "medium", "not_on_shift": "medium",
    "round_early": "low", "out_of_order": "low", "duplicate_scan": "low", "photo_missing": "low",
    "cleaning_late": "low", "clock_skew": "low", "reading_missed": "medium", "reading_late": "low",
}

# the stable codes of the one-line sentences; a gap's params fill the translated sentence of its code
EXPLANATIONS = (
    "checkpoint_missed", "round_not_started", "round_incomplete", "round_started_late", "round_started_early",
    "out_of_order", "too_fast", "burst", "duplicate_scan", "photo_missing_scan", "photo_missing_check",
    "cleaning_missed", "cleaning_late", "cleaning_failed", "not_on_shift", "clock_ahead", "clock_behind",
    "outside_radius", "no_activity", "no_activity_ongoing", "reading_missed", "reading_late",
)

EARTH_RADIUS_M = 6_371_008.8


# ---- inputs -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    """Thresholds of the engine; the defaults apply where a plan or a checkpoint says nothing."""

    grace_minutes: int = 15
    radius_m: float = 50.0
    burst_count: int = 8  # a burst is MORE than this many scans ...
    burst_minutes: int = 10  # ... by one person within this many minutes
    inactivity_minutes: int = 90
    skew_limit_s: float = 120.0
    duplicate_minutes: int = 5
    provisional_hours: float = 24.0  # a miss still provisional this long after its window closed becomes final


@dataclass(frozen=True)
class ShiftInput:
    """The shift as worked: its instants in UTC, the site's zone, and who is on it."""

    shift_id: int
    tz: str
    starts_at: datetime
    ends_at: datetime
    lead_id: int | None
    staff_ids: frozenset[int]
    patrol: bool

    @property
    def members(self) -> frozenset[int]:
        """The lead and the staff."""
        return self.staff_ids | ({self.lead_id} if self.lead_id is not None else frozenset())


@dataclass(frozen=True)
class CheckpointInput:
    """A checkpoint as the engine needs it."""

    id: int
    name: str
    code: str
    for_patrol: bool
    for_cleaning: bool
    photo_required: bool
    lat: float | None
    lng: float | None
    radius_m: float | None


@dataclass(frozen=True)
class RouteInput:
    """A route (巡更路线): (checkpoint id, least walking minutes from the previous stop) in order."""

    id: int
    name: str
    stops: tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class PatrolPlanInput:
    """When rounds of a route are due."""

    spec: PlanSpec
    route_id: int


@dataclass(frozen=True)
class CleaningPlanInput:
    """When cleaning checks are due at some checkpoints."""

    spec: PlanSpec
    checkpoint_ids: tuple[int, ...]


@dataclass(frozen=True)
class ScanInput:
    """A scan (打卡); `captured_at` is already corrected for the device's clock."""

    id: int
    checkpoint_id: int
    person_id: int
    device_id: int | None
    captured_at: datetime
    received_at: datetime
    clock_offset_s: float
    lat: float | None
    lng: float | None
    accuracy_m: float | None
    photo_count: int


@dataclass(frozen=True)
class CleaningCheckInput:
    """A cleaning check (保洁检查); `captured_at` is already corrected for the device's clock."""

    id: int
    checkpoint_id: int
    person_id: int
    device_id: int | None
    captured_at: datetime
    received_at: datetime
    clock_offset_s: float
    failed_items: tuple[str, ...]
    photo_count: int



R = TypeVar("R", ScanInput, CleaningCheckInput)  # a field record the matching works on

@dataclass(frozen=True)
class DeviceInput:
    """A phone that matters to the shift, when it last synced, and before when it is known to hold nothing unsent."""

    device_id: int
    person_id: int
    last_sync_at: datetime | None
    holds_nothing_before: datetime | None = None  # from the queue state it reported; None: its last sync stands for it


# ---- outputs ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RoundResult:
    """One due round of a patrol plan and the scans that count for it."""

    plan_id: int
    route_id: int
    due: Due
    state: str  # upcoming / open / done / late / early / incomplete / missed
    scan_ids: tuple[int, ...]
    visited: tuple[int, ...]  # checkpoint ids, in visit order
    missing: tuple[int, ...]  # checkpoint ids, in route order
    started_at: datetime | None
    finished_at: datetime | None  # the last scan, once every checkpoint is visited
    provisional: bool = False  # missed or incomplete while a phone of the shift may still hold scans
    person_id: int | None = None  # who made the first scan


@dataclass(frozen=True)
class CleaningResult:
    """One due cleaning check at one checkpoint and the check that fulfils it."""

    plan_id: int
    checkpoint_id: int
    due: Due
    state: str  # upcoming / open / done / late / early / missed
    check_id: int | None
    failed_items: tuple[str, ...]
    provisional: bool = False


@dataclass(frozen=True)
class Gap:
    """A difference between due and done, with what a lead needs to understand it.

    `key` is stable across runs and input order; `record_ids` are scan ids and `check_ids` cleaning-check ids.
    """

    key: str
    kind: str
    severity: str
    checkpoint_id: int | None
    person_id: int | None
    at: datetime
    explanation: str
    params: dict
    provisional: bool
    plan_id: int | None
    record_ids: tuple[int, ...]
    check_ids: tuple[int, ...] = ()
    device_id: int | None = None


@dataclass(frozen=True)
class Assessment:
    """The engine's verdict on a shift at one instant."""

    rounds: tuple[RoundResult, ...]
    cleaning: tuple[CleaningResult, ...]
    gaps: tuple[Gap, ...]


# ---- the engine -------------------------------------------------------------------------------------------------

def assess(
    shift: ShiftInput,
    checkpoints: Iterable[CheckpointInput],
    routes: Iterable[RouteInput],
    patrol_plans: Iterable[PatrolPlanInput],
    cleaning_plans: Iterable[CleaningPlanInput],
    scans: Iterable[ScanInput],
    checks: Iterable[CleaningCheckInput],
    devices: Iterable[DeviceInput],
    now: datetime,
    settings: Settings = Settings(),
    *,
    reading_plans: Iterable[CleaningPlanInput] = (),
    readings: Iterable[CleaningCheckInput] = (),
) -> Assessment:
    """Compare a shift's due work with its records at `now`: rounds, cleaning checks, equipment rounds, every gap.

    Equipment rounds (设备巡检) are due like cleaning checks, at fixed times at their checkpoints; each reading taken
    there is a record (failed_items and photo_count unused)."""
    ctx = _Context(shift, checkpoints, devices, now, settings)
    patrol = sorted(patrol_plans, key=lambda p: p.spec.plan_id)
    cleaning = sorted(cleaning_plans, key=lambda p: p.spec.plan_id)
    rounds = _rounds(ctx, patrol, routes)
    items = [(p.spec.plan_id, d, ctx.checkpoint(cp).id) for p in cleaning for d in ctx.dues(p.spec)
             for cp in dict.fromkeys(p.checkpoint_ids)]
    plant = sorted(reading_plans, key=lambda p: p.spec.plan_id)
    plant_items = [(p.spec.plan_id, d, ctx.checkpoint(cp).id) for p in plant for d in ctx.dues(p.spec)
                   for cp in dict.fromkeys(p.checkpoint_ids)]
    ctx.set_horizon([r.due for r in rounds] + [d for _, d, _ in items] + [d for _, d, _ in plant_items],
                    [p.spec.grace_minutes for p in patrol] + [p.spec.grace_minutes for p in cleaning]
                    + [p.spec.grace_minutes for p in plant])
    kept_scans = ctx.keep(scans)
    kept_checks = ctx.keep(checks)

    gaps: list[Gap] = []
    round_results = _assess_rounds(ctx, rounds, kept_scans, gaps)
    cleaning_results = _assess_cleaning(ctx, items, cleaning, kept_checks, gaps)
    _assess_cleaning(ctx, plant_items, plant, ctx.keep(readings), gaps, kinds=("reading_missed", "reading_late"))
    gaps += _burst_gaps(ctx, kept_scans)
    gaps += _duplicate_gaps(ctx, kept_scans)
    gaps += _photo_gaps(ctx, kept_scans, kept_checks)
    gaps += _not_on_shift_gaps(ctx, kept_scans, kept_checks)
    gaps += _skew_gaps(ctx, kept_scans, kept_checks)
    gaps += _radius_gaps(ctx, kept_scans)
    gaps += _inactivity_gaps(ctx, kept_scans)
    gaps.sort(key=lambda g: (g.at, g.kind, g.key))
    return Assessment(tuple(round_results), tuple(cleaning_results), tuple(gaps))


class _Context:
    """What every rule needs: the shift, its zone, its checkpoints, its phones' last syncs, now and the settings."""

    def __init__(self, shift, checkpoints, devices, now, settings):
        if now.tzinfo is None or shift.starts_at.tzinfo is None or shift.ends_at.tzinfo is None:
            raise ValueError("naive datetime given for an instant")
        self.shift, self.now, self.settings = shift, now, settings
        self.tz = zone(shift.tz)
        self.members = shift.members
        self.checkpoints = {c.id: c for c in checkpoints}
        syncs = [d.holds_nothing_before or d.last_sync_at for d in devices]  # the caller passes the phones that matter
        self.never_synced = any(s is None for s in syncs)
        self.oldest_sync = min((s for s in syncs if s is not None), default=None)
        self.horizon = (shift.starts_at, shift.ends_at)

    def checkpoint(self, checkpoint_id: int) -> CheckpointInput:
        """A checkpoint that due work refers to; due work at an unknown one is the caller's mistake."""
        try:
            return self.checkpoints[checkpoint_id]
        except KeyError:
            raise DomainError("unknown_checkpoint", checkpoint_id=checkpoint_id) from None

    def dues(self, spec: PlanSpec) -> list[Due]:
        """The plan's due items in this shift."""
        return due_times(spec, self.shift.starts_at, self.shift.ends_at, self.tz)

    def set_horizon(self, dues: list[Due], graces: list[int]) -> None:
        """Records count from a grace before the shift to the last window's end (or a grace after the shift)."""
        slack = timedelta(minutes=max([self.settings.grace_minutes, *graces]))
        end = max([self.shift.ends_at + slack, *(d.late_after for d in dues)])
        self.horizon = (self.shift.starts_at - slack, end)

    def keep(self, records):
        """The records this shift judges, by (captured_at, id).

        Someone not on the shift counts only inside the shift proper: around its edges they are the neighbouring
        shift's people, and the web layer hands over records from around the shift.
        """
        start, end = self.horizon
        s = self.shift
        kept = [r for r in records if start <= r.captured_at <= end
                and (r.person_id in self.members or s.starts_at <= r.captured_at < s.ends_at)]
        return sorted(kept, key=_record_order)

    def unsynced_since(self, instant: datetime) -> bool:
        """Whether a phone of the shift may still hold records from before `instant`; never once the limit is past."""
        if self.now >= instant + timedelta(hours=self.settings.provisional_hours):
            return False
        return self.never_synced or (self.oldest_sync is not None and self.oldest_sync < instant)

    def hhmm(self, instant: datetime) -> str:
        """The instant as the site's clocks show it, "HH:MM"."""
        return to_local(instant, self.tz).strftime("%H:%M")

    def place(self, checkpoint_id: int) -> dict:
        """Params naming a checkpoint."""
        c = self.checkpoints.get(checkpoint_id)
        return {"checkpoint": c.name if c else f"#{checkpoint_id}", "code": c.code if c else ""}

    def gap(self, kind: str, key: str, at: datetime, explanation: str, params: dict, *, checkpoint_id=None,
            person_id=None, provisional=False, plan_id=None, record_ids=(), check_ids=(), device_id=None) -> Gap:
        """A gap of `kind`, its key prefixed by the kind so that keys of different kinds never meet."""
        return Gap(key=f"{kind}:{key}", kind=kind, severity=SEVERITY[kind], checkpoint_id=checkpoint_id,
                   person_id=person_id, at=at, explanation=explanation, params=params, provisional=provisional,
                   plan_id=plan_id, record_ids=tuple(record_ids), check_ids=tuple(check_ids), device_id=device_id)


def _record_order(record) -> tuple[datetime, int]:
    return record.captured_at, record.id


def _stamp(instant: datetime) -> str:
    """A UTC instant as it appears in keys."""
    return instant.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _minutes(delta: timedelta) -> int:
    """Whole minutes of a span, rounded down."""
    return int(delta.total_seconds() // 60)


def _minutes_text(seconds: float) -> str:
    """Minutes to one decimal, without a trailing ".0"."""
    text = f"{seconds / 60:.1f}"
    return text[:-2] if text.endswith(".0") else text


# ---- matching records to due work -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Slot:
    """One checkpoint of one piece of due work, fillable by one record captured in [start, end]."""

    checkpoint_id: int
    start: datetime
    end: datetime
    rank: tuple
    owner: int


def _match(slots: list[_Slot], records_by_checkpoint: dict[int, list[R]]) -> dict[int, R]:
    """Fill slots with records: each record fills at most one open slot of its checkpoint, the one closing first.

    Earliest deadline first makes as many slots filled as possible and never un-fills a slot when a record is added
    (so a late scan only ever resolves gaps); for one plan it is simply the earliest round still missing the checkpoint.
    Per checkpoint it is a sweep over records in time order with a heap of open slots: no records × rounds loop.
    """
    by_checkpoint: dict[int, list[tuple[datetime, tuple, int]]] = defaultdict(list)
    for i, slot in enumerate(slots):
        by_checkpoint[slot.checkpoint_id].append((slot.start, slot.rank, i))
    filled: dict[int, R] = {}
    for checkpoint_id, pending in by_checkpoint.items():
        records = records_by_checkpoint.get(checkpoint_id)
        if not records:
            continue
        pending.sort()
        heap: list[tuple] = []
        nxt = 0
        for record in records:
            t = record.captured_at
            while nxt < len(pending) and pending[nxt][0] <= t:
                _, rank, i = pending[nxt]
                heapq.heappush(heap, (slots[i].end, rank, i))
                nxt += 1
            while heap and heap[0][0] < t:
                heapq.heappop(heap)  # closed before this record: it stays empty
            if heap:
                filled[heapq.heappop(heap)[2]] = record
    return filled


def _group(records: Iterable[R], field: str) -> dict[int, list[R]]:
    """Records by the value of one of their id fields (checkpoint_id, person_id), order kept."""
    groups: dict[int, list[R]] = defaultdict(list)
    for r in records:
        groups[getattr(r, field)].append(r)
    return groups


def _bucket(records: Iterable[R]) -> dict[int, list[R]]:
    return _group(records, "checkpoint_id")


# ---- rounds -----------------------------------------------------------------------------------------------------

class _Walk:
    """A patrol plan on its route: the route's checkpoints once each, and the least walk between any two of them."""

    def __init__(self, ctx: _Context, plan: PatrolPlanInput, route: RouteInput):
        self.plan, self.plan_id, self.route = plan, plan.spec.plan_id, route
        self.early = timedelta(minutes=plan.spec.grace_minutes)  # a round may start this much before its window
        self.position: dict[int, int] = {}  # checkpoint → index of its first stop
        self.walked: list[float] = []  # least minutes from the first stop to each stop
        total = 0.0
        for i, (checkpoint_id, walk) in enumerate(route.stops):
            total += walk if i else 0.0
            self.walked.append(total)
            self.position.setdefault(ctx.checkpoint(checkpoint_id).id, i)
        self.stops = tuple(self.position)

    def least_walk(self, a: int, b: int) -> float:
        """The least minutes between two checkpoints of the route, walking it either way."""
        return abs(self.walked[self.position[b]] - self.walked[self.position[a]])


class _Round:
    """A due round of a plan, and the scans assigned to it."""

    def __init__(self, walk: _Walk, due: Due):
        self.walk, self.due = walk, due
        self.scans: list[ScanInput] = []


def _rounds(ctx: _Context, plans: list[PatrolPlanInput], routes: Iterable[RouteInput]) -> list[_Round]:
    """Every due round of the shift; a plan on a route without stops has nothing to walk."""
    by_id = {r.id: r for r in routes}
    rounds = []
    for plan in plans:
        route = by_id.get(plan.route_id)
        if route is None:
            raise DomainError("unknown_route", route_id=plan.route_id)
        walk = _Walk(ctx, plan, route)
        if walk.stops:
            rounds += [_Round(walk, due) for due in ctx.dues(plan.spec)]
    return rounds


def _assess_rounds(ctx: _Context, rounds: list[_Round], scans: list[ScanInput], gaps: list[Gap]) -> list[RoundResult]:
    slots = [_Slot(cp, r.due.opens_at - r.walk.early, r.due.late_after, (r.due.opens_at, r.walk.plan_id), i)
             for i, r in enumerate(rounds) for cp in r.walk.stops]
    for slot_index, scan in _match(slots, _bucket(scans)).items():
        rounds[slots[slot_index].owner].scans.append(scan)
    results = []
    for r in sorted(rounds, key=lambda r: (r.due.opens_at, r.walk.plan_id)):
        r.scans.sort(key=_record_order)
        results.append(_judge_round(ctx, r, gaps))
    return results


def _judge_round(ctx: _Context, r: _Round, gaps: list[Gap]) -> RoundResult:
    due, walk, scans = r.due, r.walk, r.scans
    plan_id = walk.plan_id
    visited = tuple(s.checkpoint_id for s in scans)
    seen = set(visited)
    missing = tuple(cp for cp in walk.stops if cp not in seen)
    started = scans[0].captured_at if scans else None
    person = scans[0].person_id if scans else None
    closed = ctx.now > due.late_after
    if not scans:
        state = due.state(None, ctx.now)
    elif missing:
        state = "incomplete" if closed else "open"
    else:
        state = due.state(started, ctx.now)
    provisional = state in ("missed", "incomplete") and ctx.unsynced_since(due.late_after)
    key = f"{plan_id}:{_stamp(due.opens_at)}"
    window = {"route": walk.route.name, "opens": ctx.hhmm(due.opens_at), "closes": ctx.hhmm(due.closes_at),
              "late_after": ctx.hhmm(due.late_after)}
    common = {"plan_id": plan_id, "provisional": provisional}

    if state == "missed":
        gaps.append(ctx.gap("round_not_started", key, due.opens_at, "round_not_started", window, **common))
    elif state == "incomplete":
        gaps.append(ctx.gap("round_incomplete", key, due.opens_at, "round_incomplete",
                            {**window, "visited": len(visited), "total": len(walk.stops), "missing": len(missing)},
                            person_id=person, record_ids=[s.id for s in scans], **common))
        for cp in missing:
            gaps.append(ctx.gap("checkpoint_missed", f"{key}:{cp}", due.opens_at, "checkpoint_missed",
                                {**window, **ctx.place(cp)}, checkpoint_id=cp, person_id=person, **common))
    if started is not None and started > due.closes_at:
        gaps.append(ctx.gap("round_late", key, started, "round_started_late",
                            {**window, "started": ctx.hhmm(started), "minutes": _minutes(started - due.closes_at)},
                            person_id=person, plan_id=plan_id, record_ids=[scans[0].id]))
    elif started is not None and started < due.opens_at:
        gaps.append(ctx.gap("round_early", key, started, "round_started_early",
                            {**window, "started": ctx.hhmm(started), "minutes": _minutes(due.opens_at - started)},
                            person_id=person, plan_id=plan_id, record_ids=[scans[0].id]))
    gaps += _order_gaps(ctx, r, key, window)
    gaps += _pace_gaps(ctx, r, window)
    return RoundResult(plan_id, walk.route.id, due, state, tuple(s.id for s in scans), visited, missing, started,
                       scans[-1].captured_at if scans and not missing else None, provisional, person)


def _order_gaps(ctx: _Context, r: _Round, key: str, window: dict) -> list[Gap]:
    """Per walker of a round, the fewest of their scans whose removal leaves the route's order; one gap if any."""
    found = []
    for person, own in sorted(_by_person(r.scans).items()):
        kept = _longest_rising([r.walk.position[s.checkpoint_id] for s in own])
        wrong = [s for i, s in enumerate(own) if i not in kept]
        if wrong:
            first = wrong[0]
            found.append(ctx.gap(
                "out_of_order", f"{key}:{person}", first.captured_at, "out_of_order",
                {**window, **ctx.place(first.checkpoint_id), "count": len(wrong), "at": ctx.hhmm(first.captured_at)},
                checkpoint_id=first.checkpoint_id, person_id=person, plan_id=r.walk.plan_id,
                record_ids=[s.id for s in wrong]))
    return found


def _longest_rising(values: list[int]) -> set[int]:
    """Indices of one longest strictly rising subsequence (patience sorting, n log n)."""
    tails: list[int] = []  # tails[k]: smallest last value of a rising run of length k + 1
    tail_at: list[int] = []  # index of that last value
    before = [-1] * len(values)
    for i, v in enumerate(values):
        k = bisect_left(tails, v)
        before[i] = tail_at[k - 1] if k else -1
        if k == len(tails):
            tails.append(v)
            tail_at.append(i)
        else:
            tails[k], tail_at[k] = v, i
    kept, i = set(), (tail_at[-1] if tail_at else -1)
    while i >= 0:
        kept.add(i)
        i = before[i]
    return kept


def _pace_gaps(ctx: _Context, r: _Round, window: dict) -> list[Gap]:
    """A walker's consecutive scans in a round, faster than the route's least walk between them (a photographed QR?).

    Scans of two people on one round are never compared: two guards may well reach two checkpoints a minute apart.
    """
    found = []
    for own in _by_person(r.scans).values():
        for a, b in zip(own, own[1:]):
            needed = r.walk.least_walk(a.checkpoint_id, b.checkpoint_id)
            taken = b.captured_at - a.captured_at
            if taken < timedelta(minutes=needed):
                found.append(ctx.gap(
                    "too_fast", f"{a.id}:{b.id}", b.captured_at, "too_fast",
                    {**window, "from_checkpoint": ctx.place(a.checkpoint_id)["checkpoint"],
                     "to_checkpoint": ctx.place(b.checkpoint_id)["checkpoint"], "from_at": ctx.hhmm(a.captured_at),
                     "to_at": ctx.hhmm(b.captured_at), "minutes_taken": _minutes_text(taken.total_seconds()),
                     "minutes_needed": _minutes_text(needed * 60), "seconds_taken": int(taken.total_seconds()),
                     "seconds_needed": math.ceil(needed * 60)},
                    checkpoint_id=b.checkpoint_id, person_id=b.person_id, plan_id=r.walk.plan_id,
                    record_ids=[a.id, b.id]))
    return found


# ---- cleaning ---------------------------------------------------------------------------------------------------

def _assess_cleaning(ctx: _Context, items: list[tuple[int, Due, int]], plans: list[CleaningPlanInput],
                     checks: list[CleaningCheckInput], gaps: list[Gap],
                     kinds: tuple[str, str] = ("cleaning_missed", "cleaning_late")) -> list[CleaningResult]:
    grace = {p.spec.plan_id: p.spec.grace_minutes for p in plans}
    slots = [_Slot(cp, due.opens_at - timedelta(minutes=grace[plan_id]), due.late_after, (due.opens_at, plan_id), i)
             for i, (plan_id, due, cp) in enumerate(items)]
    done = {slots[i].owner: check for i, check in _match(slots, _bucket(checks)).items()}
    results = []
    for i in sorted(range(len(items)), key=lambda i: (items[i][1].opens_at, items[i][0], items[i][2])):
        plan_id, due, cp = items[i]
        check = done.get(i)
        state = due.state(check.captured_at if check else None, ctx.now)
        provisional = state == "missed" and ctx.unsynced_since(due.late_after)
        key = f"{plan_id}:{_stamp(due.opens_at)}:{cp}"
        params = {**ctx.place(cp), "opens": ctx.hhmm(due.opens_at), "closes": ctx.hhmm(due.closes_at),
                  "late_after": ctx.hhmm(due.late_after)}
        missed, late = kinds
        cleaning = missed == "cleaning_missed"  # an equipment round's record is a reading, not a cleaning check
        if state == "missed":
            gaps.append(ctx.gap(missed, key, due.opens_at, missed, params, checkpoint_id=cp,
                                provisional=provisional, plan_id=plan_id))
        elif state == "late" and check is not None:
            gaps.append(ctx.gap(late, key, check.captured_at, late,
                                {**params, "at": ctx.hhmm(check.captured_at),
                                 "minutes": _minutes(check.captured_at - due.closes_at)},
                                checkpoint_id=cp, person_id=check.person_id, plan_id=plan_id,
                                check_ids=[check.id] if cleaning else []))
        results.append(CleaningResult(plan_id, cp, due, state, check.id if check else None,
                                      check.failed_items if check else (), provisional))
    for check in checks:
        if check.failed_items:
            gaps.append(ctx.gap("cleaning_failed", str(check.id), check.captured_at, "cleaning_failed",
                                {**ctx.place(check.checkpoint_id), "at": ctx.hhmm(check.captured_at),
                                 "count": len(check.failed_items), "items": ", ".join(check.failed_items)},
                                checkpoint_id=check.checkpoint_id, person_id=check.person_id, check_ids=[check.id]))
    return results


# ---- rules on the records themselves ----------------------------------------------------------------------------

def _burst_gaps(ctx: _Context, scans: list[ScanInput]) -> list[Gap]:
    """More than burst_count scans by one person within burst_minutes: a sliding window, one gap per episode."""
    limit, span = ctx.settings.burst_count, timedelta(minutes=ctx.settings.burst_minutes)
    found = []
    for person, own in sorted(_by_person(scans).items()):
        episodes: list[list[int]] = []  # [first index, last index]
        first = 0
        for last, scan in enumerate(own):
            while scan.captured_at - own[first].captured_at > span:
                first += 1
            if last - first + 1 > limit:
                if episodes and first <= episodes[-1][1]:
                    episodes[-1][1] = last
                else:
                    episodes.append([first, last])
        for a, b in episodes:
            burst = own[a:b + 1]
            start, end = burst[0].captured_at, burst[-1].captured_at
            found.append(ctx.gap(
                "burst", f"{person}:{burst[0].id}", start, "burst",
                {"count": len(burst), "minutes": max(1, math.ceil((end - start).total_seconds() / 60)),
                 "from": ctx.hhmm(start), "to": ctx.hhmm(end), "checkpoints": len({s.checkpoint_id for s in burst})},
                person_id=person, record_ids=[s.id for s in burst]))
    return found


def _by_person(records: Iterable[R]) -> dict[int, list[R]]:
    return _group(records, "person_id")


def _duplicate_gaps(ctx: _Context, scans: list[ScanInput]) -> list[Gap]:
    """The same person scanning the same checkpoint again within duplicate_minutes: one gap per run of repeats."""
    span = timedelta(minutes=ctx.settings.duplicate_minutes)
    runs: dict[tuple[int, int], list[list[ScanInput]]] = defaultdict(list)
    for scan in scans:
        own = runs[(scan.person_id, scan.checkpoint_id)]
        if own and scan.captured_at - own[-1][-1].captured_at <= span:
            own[-1].append(scan)
        else:
            own.append([scan])
    found = []
    for (person, cp), own in runs.items():
        for run in own:
            if len(run) > 1:
                found.append(ctx.gap(
                    "duplicate_scan", str(run[0].id), run[0].captured_at, "duplicate_scan",
                    {**ctx.place(cp), "count": len(run), "at": ctx.hhmm(run[0].captured_at),
                     "minutes": max(1, math.ceil((run[-1].captured_at - run[0].captured_at).total_seconds() / 60))},
                    checkpoint_id=cp, person_id=person, record_ids=[s.id for s in run]))
    return found


def _photo_gaps(ctx: _Context, scans: list[ScanInput], checks: list[CleaningCheckInput]) -> list[Gap]:
    """Records at a checkpoint that requires a photo, sent without one."""
    found = []
    for kind, records in (("scan", scans), ("check", checks)):
        for r in records:
            c = ctx.checkpoints.get(r.checkpoint_id)
            if c is not None and c.photo_required and r.photo_count == 0:
                ids = {"record_ids": [r.id]} if kind == "scan" else {"check_ids": [r.id]}
                found.append(ctx.gap("photo_missing", f"{kind}:{r.id}", r.captured_at, f"photo_missing_{kind}",
                                     {**ctx.place(r.checkpoint_id), "at": ctx.hhmm(r.captured_at)},
                                     checkpoint_id=r.checkpoint_id, person_id=r.person_id, **ids))
    return found


def _not_on_shift_gaps(ctx: _Context, scans: list[ScanInput], checks: list[CleaningCheckInput]) -> list[Gap]:
    """Records by someone who is neither the lead nor on the staff of the shift: one gap per person."""
    strangers = sorted(({s.person_id for s in scans} | {c.person_id for c in checks}) - ctx.members)
    scans_of, checks_of = _by_person(scans), _by_person(checks)
    found = []
    for person in strangers:
        own = sorted((*scans_of.get(person, ()), *checks_of.get(person, ())), key=_record_order)
        start, end = own[0].captured_at, own[-1].captured_at
        found.append(ctx.gap("not_on_shift", str(person), start, "not_on_shift",
                             {"count": len(own), "scans": len(scans_of.get(person, ())),
                              "checks": len(checks_of.get(person, ())), "from": ctx.hhmm(start), "to": ctx.hhmm(end)},
                             checkpoint_id=own[0].checkpoint_id if len(own) == 1 else None, person_id=person,
                             record_ids=[s.id for s in scans_of.get(person, ())],
                             check_ids=[c.id for c in checks_of.get(person, ())]))
    return found


def _skew_gaps(ctx: _Context, scans: list[ScanInput], checks: list[CleaningCheckInput]) -> list[Gap]:
    """Phones whose clock was further off than the limit when they sent records: once per device."""
    skewed: dict[str, list[ScanInput | CleaningCheckInput]] = defaultdict(list)
    every: list[ScanInput | CleaningCheckInput] = [*scans, *checks]
    for r in sorted(every, key=_record_order):
        if is_skewed(r.clock_offset_s, ctx.settings.skew_limit_s):
            who = f"device:{r.device_id}" if r.device_id is not None else f"person:{r.person_id}"
            skewed[who].append(r)
    found = []
    for who, records in skewed.items():
        worst = max(records, key=lambda r: (abs(r.clock_offset_s), -r.captured_at.timestamp(), -r.id))
        scan_ids = [r.id for r in records if isinstance(r, ScanInput)]
        check_ids = [r.id for r in records if not isinstance(r, ScanInput)]
        found.append(ctx.gap(
            "clock_skew", who, records[0].captured_at, "clock_ahead" if worst.clock_offset_s > 0 else "clock_behind",
            {"seconds": round(abs(worst.clock_offset_s)), "minutes": round(abs(worst.clock_offset_s) / 60),
             "count": len(records), "from": ctx.hhmm(records[0].captured_at)},
            person_id=records[0].person_id, record_ids=scan_ids, check_ids=check_ids, device_id=records[0].device_id))
    return found


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _radius_gaps(ctx: _Context, scans: list[ScanInput]) -> list[Gap]:
    """Scans whose position, even allowing for its reported accuracy, is outside the checkpoint's radius."""
    found = []
    for s in scans:
        c = ctx.checkpoints.get(s.checkpoint_id)
        if c is None or c.lat is None or c.lng is None or s.lat is None or s.lng is None:
            continue
        radius = c.radius_m if c.radius_m is not None else ctx.settings.radius_m
        away = distance_m(c.lat, c.lng, s.lat, s.lng)
        if away - (s.accuracy_m or 0.0) > radius:
            found.append(ctx.gap("outside_radius", str(s.id), s.captured_at, "outside_radius",
                                 {**ctx.place(c.id), "at": ctx.hhmm(s.captured_at), "distance_m": round(away),
                                  "radius_m": round(radius), "accuracy_m": round(s.accuracy_m or 0.0)},
                                 checkpoint_id=c.id, person_id=s.person_id, record_ids=[s.id]))
    return found


def _inactivity_gaps(ctx: _Context, scans: list[ScanInput]) -> list[Gap]:
    """On a patrol shift, every stretch longer than inactivity_minutes without a single scan, up to now."""
    shift = ctx.shift
    if not shift.patrol:
        return []
    end = min(ctx.now, shift.ends_at)
    limit = timedelta(minutes=ctx.settings.inactivity_minutes)
    marks = [(shift.starts_at, None), *((s.captured_at, s) for s in scans if shift.starts_at <= s.captured_at <= end),
             (end, None)]
    found = []
    for (a, before), (b, after) in zip(marks, marks[1:]):
        if b - a > limit:
            ongoing = after is None and b == ctx.now < shift.ends_at
            # certain once every phone has synced after the stretch passed the limit; till then one may hold a scan
            found.append(ctx.gap("no_activity", _stamp(a), a, "no_activity_ongoing" if ongoing else "no_activity",
                                 {"from": ctx.hhmm(a), "to": ctx.hhmm(b), "minutes": _minutes(b - a)},
                                 provisional=ctx.unsynced_since(a + limit),
                                 record_ids=[r.id for r in (before, after) if r is not None]))
    return found
