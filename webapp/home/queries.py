"""Reads for the role home pages: the person's shift, what is due in it, and what was done."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from webapp.assessments import ShiftPicture, picture
from webapp.domain.schedules import Due
from webapp.extensions import db
from webapp.models import (
    CleaningCheck,
    Incident,
    PatrolPlan,
    Person,
    Route,
    RouteStop,
    Scan,
    Shift,
    ShiftMember,
)


def current_shift(person: Person, now: datetime) -> Shift | None:
    """The shift the person is on now, else their next one within a day, else None."""
    on_it = or_(Shift.lead_id == person.id, Shift.members.any(ShiftMember.person_id == person.id))
    base = select(Shift).where(on_it, Shift.ends_at > now).options(selectinload(Shift.members).selectinload(ShiftMember.person))
    return db.session.scalar(base.where(Shift.starts_at <= now + timedelta(hours=24)).order_by(Shift.starts_at).limit(1))


@dataclass
class RoundStatus:
    """A due round with how far it got, as the gap engine judged it (the same truth as the board)."""

    plan: PatrolPlan
    due: Due
    visited_ids: set[int]
    state: str
    missing_ids: tuple[int, ...] = ()

    @property
    def visited(self) -> int:
        return len(self.visited_ids)

    @property
    def total(self) -> int:
        return len(self.visited_ids) + len(self.missing_ids)

    @property
    def remaining(self) -> list:
        """The route's stops not visited yet, in route order."""
        return [stop for stop in self.plan.route.stops if stop.checkpoint_id in self.missing_ids]


def rounds_of(shift: Shift, now: datetime, pic: ShiftPicture | None = None) -> list[RoundStatus]:
    """Every round due in a shift as the gap engine judges it at `now`, with the checkpoints visited and missing."""
    pic = pic or picture(shift, now)
    ids = {r.plan_id for r in pic.assessment.rounds}
    plans = {p.id: p for p in db.session.scalars(
        select(PatrolPlan).where(PatrolPlan.id.in_(ids))
        .options(selectinload(PatrolPlan.route).selectinload(Route.stops).selectinload(RouteStop.checkpoint)))} if ids else {}
    return [RoundStatus(plans[r.plan_id], r.due, set(r.visited), r.state, r.missing) for r in pic.assessment.rounds]


@dataclass
class CleaningStatus:
    """A cleaning check due at a checkpoint, with the check that fulfilled it."""

    checkpoint_name: str
    due: Due
    check: CleaningCheck | None
    state: str


def cleaning_of(shift: Shift, now: datetime, pic: ShiftPicture | None = None) -> list[CleaningStatus]:
    """Every cleaning check due in a shift as the gap engine judges it; a check with failed items shows as failed."""
    pic = pic or picture(shift, now)
    ids = [c.check_id for c in pic.assessment.cleaning if c.check_id is not None]
    checks = {c.id: c for c in db.session.scalars(
        select(CleaningCheck).where(CleaningCheck.id.in_(ids)).options(selectinload(CleaningCheck.results)))} if ids else {}
    result = []
    for c in pic.assessment.cleaning:
        checkpoint = pic.checkpoints.get(c.checkpoint_id)
        check = checks.get(c.check_id) if c.check_id is not None else None
        result.append(CleaningStatus(checkpoint.name if checkpoint else "", c.due, check,
                                     "failed" if c.failed_items else c.state))
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
