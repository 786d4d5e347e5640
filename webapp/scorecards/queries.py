"""Reads for the quality board: inspection windows kept or missed, notices, contested tickets, late work orders, scores.

Each list is one or two queries (eager loading decided here), whatever the number of records.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.domain.inspection_plans import InspectionPlanSpec, WindowStatus, assess_windows, windows
from webapp.domain.lifecycles import ORDER_STATES
from webapp.domain.scorecards import month_bounds
from webapp.domain.timezones import local_to_utc, to_local, zone
from webapp.extensions import db
from webapp.models import Inspection, InspectionPlan, Person, RectificationNotice, Site, ViolationTicket, WorkOrder

LATE_GRACE = timedelta(hours=24)  # an inspection this long after its window is late, not missed
OPEN_ORDERS = ORDER_STATES[:3]  # received, assigned, in progress: the work is not done


@dataclass(frozen=True)
class Window:
    """An inspection window as the board shows it."""

    status: WindowStatus
    inspector: Person | None

    @property
    def gap(self) -> bool:
        """A missed or late inspection is itself a gap."""
        return self.status.status in ("missed", "late")


@dataclass
class Board:
    """What the quality board shows of one site at one instant."""

    site: Site
    now: datetime
    this_week: list[Window]
    last_week: list[Window]
    overdue_notices: list[RectificationNotice]
    awaiting_recheck: list[RectificationNotice]
    recheck_failed: list[RectificationNotice]
    contested: list[ViolationTicket]
    overdue_orders: list[WorkOrder]
    latest_by_area: list[Inspection]
    average: float | None  # the month's inspections by supervisors
    inspections: int
    self_average: float | None  # the month's self-inspections (自检), counted apart
    self_inspections: int


def site(site_id: int) -> Site | None:
    """One site by its id (the route has checked the person may see it)."""
    return db.session.get(Site, site_id)


def _weeks(site: Site, now: datetime) -> tuple[datetime, datetime, datetime]:
    """Monday 00:00 of last week, of this week and of next week, in the site's zone, as UTC instants."""
    tz = zone(site.timezone)
    today = to_local(now, tz).date()
    monday = today - timedelta(days=today.weekday())
    return tuple(local_to_utc(monday + timedelta(days=d), time(0), tz) for d in (-7, 0, 7))  # type: ignore[return-value]


def inspection_windows(site: Site, now: datetime) -> tuple[list[Window], list[Window]]:
    """This week's and last week's windows of the site's inspection plans, judged at `now`."""
    last_monday, monday, next_monday = _weeks(site, now)
    plans = list(db.session.scalars(select(InspectionPlan).where(InspectionPlan.site_id == site.id, InspectionPlan.active)
                                    .options(selectinload(InspectionPlan.inspector))))
    specs = [InspectionPlanSpec(p.id, p.site_id, p.inspector_id, p.weekday, p.starts, p.ends, site.timezone) for p in plans]
    wins = windows(specs, last_monday, next_monday)
    done = db.session.execute(
        select(Inspection.site_id, Inspection.person_id, Inspection.captured_at)
        .where(Inspection.site_id == site.id, Inspection.self_check.is_(False), Inspection.captured_at >= last_monday,
               Inspection.captured_at <= next_monday + LATE_GRACE)).all()
    inspectors = {p.id: p.inspector for p in plans}
    judged = [Window(s, inspectors.get(s.window.plan_id))
              for s in assess_windows(wins, [tuple(r) for r in done], now, LATE_GRACE)]
    return [w for w in judged if w.status.window.starts_at >= monday], \
        [w for w in judged if w.status.window.starts_at < monday]


def _open_notices(site_id: int) -> list[RectificationNotice]:
    return list(db.session.scalars(
        select(RectificationNotice).where(RectificationNotice.site_id == site_id, RectificationNotice.state != "closed")
        .options(selectinload(RectificationNotice.assignee), selectinload(RectificationNotice.area),
                 selectinload(RectificationNotice.checkpoint))
        .order_by(RectificationNotice.deadline, RectificationNotice.id)))


def _contested(site_id: int) -> list[ViolationTicket]:
    return list(db.session.scalars(
        select(ViolationTicket).where(ViolationTicket.site_id == site_id, ViolationTicket.state == "contested")
        .options(selectinload(ViolationTicket.person), selectinload(ViolationTicket.issuer))
        .order_by(ViolationTicket.issued_at, ViolationTicket.id)))


def _overdue_orders(site_id: int, now: datetime) -> list[WorkOrder]:
    return list(db.session.scalars(
        select(WorkOrder).where(WorkOrder.site_id == site_id, WorkOrder.state.in_(OPEN_ORDERS), WorkOrder.due_at < now)
        .options(selectinload(WorkOrder.assignee)).order_by(WorkOrder.due_at, WorkOrder.id)))


def _latest_by_area(site_id: int) -> list[Inspection]:
    """The latest inspection (not a self-inspection) of each area of the site, by area name."""
    newest = (select(Inspection.area_id, func.max(Inspection.captured_at).label("at"))
              .where(Inspection.site_id == site_id, Inspection.self_check.is_(False), Inspection.area_id.is_not(None))
              .group_by(Inspection.area_id).subquery())
    found = db.session.scalars(
        select(Inspection).join(newest, (newest.c.area_id == Inspection.area_id) & (newest.c.at == Inspection.captured_at))
        .where(Inspection.site_id == site_id, Inspection.self_check.is_(False))
        .options(selectinload(Inspection.area), selectinload(Inspection.template), selectinload(Inspection.person))
        .order_by(Inspection.id.desc()))
    by_area: dict[int, Inspection] = {}
    for inspection in found:
        by_area.setdefault(inspection.area_id, inspection)  # type: ignore[arg-type]
    return sorted(by_area.values(), key=lambda i: i.area.name if i.area else "")


def _averages(site: Site, now: datetime) -> dict[bool, tuple[float | None, int]]:
    """This month's average percent and count of inspections, by whether they are self-inspections."""
    local = to_local(now, zone(site.timezone))
    start, end = month_bounds(local.year, local.month, site.timezone)
    rows = db.session.execute(
        select(Inspection.self_check, func.avg(Inspection.percent), func.count(Inspection.id))
        .where(Inspection.site_id == site.id, Inspection.captured_at >= start, Inspection.captured_at < end)
        .group_by(Inspection.self_check))
    found: dict[bool, tuple[float | None, int]] = {False: (None, 0), True: (None, 0)}
    for self_check, avg, count in rows:
        found[bool(self_check)] = (round(float(avg), 1) if avg is not None else None, count)
    return found


def board(site: Site, now: datetime) -> Board:
    """Everything the quality board shows of a site at `now`."""
    this_week, last_week = inspection_windows(site, now)
    notices = _open_notices(site.id)
    averages = _averages(site, now)
    return Board(
        site=site, now=now, this_week=this_week, last_week=last_week,
        overdue_notices=[n for n in notices if n.state == "open" and n.deadline < now],
        awaiting_recheck=[n for n in notices if n.state == "submitted"],
        recheck_failed=[n for n in notices if n.state == "open" and n.recheck_failures > 0],
        contested=_contested(site.id), overdue_orders=_overdue_orders(site.id, now),
        latest_by_area=_latest_by_area(site.id),
        average=averages[False][0], inspections=averages[False][1],
        self_average=averages[True][0], self_inspections=averages[True][1],
    )
