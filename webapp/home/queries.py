"""Reads for the role home pages: the person's shift, what is due in it, and what was done."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from webapp.domain.schedules import Due, round_progress
from webapp.extensions import db
from webapp.models import (
    CleaningCheck,
    CleaningPlan,
    Incident,
    PatrolPlan,
    Person,
    Route,
    RouteStop,
    Scan,
    Shift,
    ShiftMember,
)
from webapp.plans import due_in_shift


def current_shift(person: Person, now: datetime) -> Shift | None:
    """The shift the person is on now, else their next one within a day, else None."""
    on_it = or_(Shift.lead_id == person.id, Shift.members.any(ShiftMember.person_id == person.id))
    base = select(Shift).where(on_it, Shift.ends_at > now).options(selectinload(Shift.members).selectinload(ShiftMember.person))
    return db.session.scalar(base.where(Shift.starts_at <= now + timedelta(hours=24)).order_by(Shift.starts_at).limit(1))


@dataclass
class RoundStatus:
    """A due round with how far it got."""

    plan: PatrolPlan
    due: Due
    visited_ids: set[int]
    state: str

    @property
    def visited(self) -> int:
        return len(self.visited_ids)

    @property
    def total(self) -> int:
        return len(self.plan.route.stops)

    @property
    def remaining(self) -> list:
        """The route's stops not visited yet, in route order."""
        return [stop for stop in self.plan.route.stops if stop.checkpoint_id not in self.visited_ids]


def rounds_of(shift: Shift, now: datetime) -> list[RoundStatus]:
    """Every round due in a shift, with the checkpoints of its route visited in its window by anyone on the site."""
    plans = list(db.session.scalars(
        select(PatrolPlan).where(PatrolPlan.site_id == shift.site_id, PatrolPlan.active,
                                 or_(PatrolPlan.shift_template_id == shift.template_id, PatrolPlan.shift_template_id.is_(None)))
        .options(selectinload(PatrolPlan.route).selectinload(Route.stops).selectinload(RouteStop.checkpoint))
    ))
    visits = [(s.checkpoint_id, s.captured_at) for s in db.session.scalars(
        select(Scan).where(Scan.site_id == shift.site_id, Scan.captured_at >= shift.starts_at - timedelta(hours=1),
                           Scan.captured_at < shift.ends_at + timedelta(hours=1)))]
    result = []
    for plan in plans:
        route = [stop.checkpoint_id for stop in plan.route.stops]
        for due in due_in_shift(plan, shift):
            visited = round_progress(due, route, visits)
            state = "done" if len(visited) == len(set(route)) else due.state(None, now)
            if state == "missed" and visited:
                state = "incomplete"
            result.append(RoundStatus(plan, due, visited, state))
    return sorted(result, key=lambda r: r.due.opens_at)


@dataclass
class CleaningStatus:
    """A cleaning check due at a checkpoint, with the check that fulfilled it."""

    plan: CleaningPlan
    checkpoint_name: str
    due: Due
    check: CleaningCheck | None
    state: str


def cleaning_of(shift: Shift, now: datetime) -> list[CleaningStatus]:
    """Every cleaning check due in a shift, matched to the first check logged at its checkpoint in the window."""
    plans = list(db.session.scalars(
        select(CleaningPlan).where(CleaningPlan.site_id == shift.site_id, CleaningPlan.active)
        .options(selectinload(CleaningPlan.checkpoints))
    ))
    checks = list(db.session.scalars(
        select(CleaningCheck).where(CleaningCheck.site_id == shift.site_id,
                                    CleaningCheck.captured_at >= shift.starts_at - timedelta(hours=2),
                                    CleaningCheck.captured_at < shift.ends_at + timedelta(hours=2))
        .options(selectinload(CleaningCheck.results)).order_by(CleaningCheck.captured_at)
    ))
    result = []
    for plan in plans:
        for due in due_in_shift(plan, shift):
            for checkpoint in plan.checkpoints:
                check = next((c for c in checks if c.checkpoint_id == checkpoint.id
                              and due.opens_at - timedelta(minutes=30) <= c.captured_at <= due.late_after + timedelta(hours=2)), None)
                state = due.state(check.captured_at if check else None, now)
                if check is not None and check.failed:
                    state = "failed"
                result.append(CleaningStatus(plan, checkpoint.name, due, check, state))
    return sorted(result, key=lambda c: (c.due.opens_at, c.checkpoint_name))


def recent_scans(person: Person, limit: int = 10) -> list[Scan]:
    """The person's latest scans, newest first."""
    return list(db.session.scalars(
        select(Scan).where(Scan.person_id == person.id).options(selectinload(Scan.checkpoint))
        .order_by(Scan.captured_at.desc()).limit(limit)
    ))


def shift_scans(shift: Shift, limit: int = 20) -> list[Scan]:
    """The latest scans during a shift at its site, newest first."""
    return list(db.session.scalars(
        select(Scan).where(Scan.site_id == shift.site_id, Scan.captured_at >= shift.starts_at, Scan.captured_at < shift.ends_at)
        .options(selectinload(Scan.checkpoint), selectinload(Scan.person))
        .order_by(Scan.captured_at.desc()).limit(limit)
    ))


def open_incidents(site_id: int, limit: int = 20) -> list[Incident]:
    """Incidents at a site that are not closed yet, newest first."""
    return list(db.session.scalars(
        select(Incident).where(Incident.site_id == site_id, Incident.closed_at.is_(None))
        .options(selectinload(Incident.person), selectinload(Incident.checkpoint))
        .order_by(Incident.captured_at.desc()).limit(limit)
    ))


def running_shift_at(site_ids: set[int], now: datetime) -> Shift | None:
    """A shift running now at one of these sites (a lead off duty still watches their site)."""
    if not site_ids:
        return None
    return db.session.scalar(select(Shift).where(Shift.site_id.in_(site_ids), Shift.starts_at <= now, Shift.ends_at > now)
                             .options(selectinload(Shift.members).selectinload(ShiftMember.person))
                             .order_by(Shift.starts_at).limit(1))
