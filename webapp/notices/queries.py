"""Reads about rectification notices: one notice in scope, lists, overdue ones, the people who may fix them."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from webapp.access import OVERSIGHT, site_ids
from webapp.extensions import db
from webapp.models import (
    Checkpoint,
    Incident,
    Inspection,
    InspectionResult,
    Person,
    Photo,
    RectificationNotice,
    Role,
    Shift,
    Site,
)

# which department a person's role works in (a notice is filed under its department, 部门)
ROLE_DEPARTMENT = {Role.GUARD: "security", Role.LEAD: "security", Role.CLEANER: "environment",
                   Role.ENGINEER: "engineering", Role.FRONT_DESK: "front_desk"}
DEPARTMENT_ORDER = ("security", "environment", "engineering", "front_desk", "control_room", "")

_LOAD = (selectinload(RectificationNotice.site), selectinload(RectificationNotice.issuer),
         selectinload(RectificationNotice.assignee), selectinload(RectificationNotice.area),
         selectinload(RectificationNotice.checkpoint))


def is_overdue(notice: RectificationNotice, now: datetime) -> bool:
    """Still open past its deadline (a submitted notice waits on its issuer, not on the assignee)."""
    return notice.state == "open" and now > notice.deadline


@dataclass
class NoticeLine:
    """A notice as a list shows it."""

    notice: RectificationNotice
    overdue: bool


def _lines(notices: Iterable[RectificationNotice], now: datetime) -> list[NoticeLine]:
    return [NoticeLine(n, is_overdue(n, now)) for n in notices]


def may_see(person: Person, notice: RectificationNotice) -> bool:
    """Overseers of the notice's site, its issuer and its assignee see it."""
    if notice.site_id not in site_ids(person):
        return False
    return person.role in OVERSIGHT or person.id in (notice.issuer_id, notice.assignee_id)


def notice_in_scope(person: Person, notice_id: int) -> RectificationNotice:
    """The notice if this person may see it, else 404 (another site's notice does not exist for them)."""
    notice = db.session.scalar(select(RectificationNotice).where(RectificationNotice.id == notice_id).options(
        *_LOAD, selectinload(RectificationNotice.incident),
        selectinload(RectificationNotice.inspection_result).selectinload(InspectionResult.item),
        selectinload(RectificationNotice.inspection_result).selectinload(InspectionResult.inspection)))
    if notice is None or not may_see(person, notice):
        abort(404)
    return notice


def for_assignee(person: Person, now: datetime) -> list[NoticeLine]:
    """The notices a person must still fix or that wait for re-check, earliest deadline first."""
    notices = db.session.scalars(select(RectificationNotice).where(
        RectificationNotice.assignee_id == person.id, RectificationNotice.state != "closed",
        RectificationNotice.site_id.in_(site_ids(person))).order_by(RectificationNotice.deadline).options(*_LOAD))
    return _lines(notices, now)


@dataclass
class Filters:
    """What the list of notices is narrowed to."""

    state: str = ""
    overdue: bool = False
    department: str = ""
    site_id: int | None = None

    @classmethod
    def read(cls, args) -> Filters:
        return cls(args.get("state", ""), args.get("overdue") == "1", args.get("department", ""),
                   args.get("site", type=int))


def listing(person: Person, filters: Filters, now: datetime, limit: int = 300) -> list[NoticeLine]:
    """The notices of a person's sites, narrowed by the filters: open ones first, by deadline."""
    sites = site_ids(person)
    if filters.site_id is not None:
        sites = sites & {filters.site_id}
    stmt = select(RectificationNotice).where(RectificationNotice.site_id.in_(sites))
    if filters.state:
        stmt = stmt.where(RectificationNotice.state == filters.state)
    if filters.department:
        stmt = stmt.where(RectificationNotice.department == filters.department)
    if filters.overdue:
        stmt = stmt.where(RectificationNotice.state == "open", RectificationNotice.deadline < now)
    stmt = stmt.order_by((RectificationNotice.state == "closed"), RectificationNotice.deadline.desc()
                         if filters.state == "closed" else RectificationNotice.deadline).limit(limit)
    return _lines(db.session.scalars(stmt.options(*_LOAD)), now)


def overdue_at(sites: Iterable[int], now: datetime) -> list[RectificationNotice]:
    """Open notices past their deadline at these sites, the longest overdue first."""
    ids = list(sites)
    if not ids:
        return []
    return list(db.session.scalars(select(RectificationNotice).where(
        RectificationNotice.site_id.in_(ids), RectificationNotice.state == "open", RectificationNotice.deadline < now)
        .order_by(RectificationNotice.deadline).options(*_LOAD)))


def people_of(site_id: int) -> list[Person]:
    """The active staff of a site (who a notice or a ticket can be given to), by name; never a client's account."""
    return list(db.session.scalars(select(Person).where(Person.sites.any(Site.id == site_id), Person.active,
                                                        Person.role != Role.CLIENT).order_by(Person.name)))


def by_department(people: list[Person]) -> list[tuple[str, list[Person]]]:
    """People grouped by the department of their role; managers and supervisors last, under no department."""
    groups: dict[str, list[Person]] = {}
    for p in people:
        groups.setdefault(ROLE_DEPARTMENT.get(p.role, ""), []).append(p)
    return [(d, groups[d]) for d in DEPARTMENT_ORDER if d in groups]


def checkpoints_of(site_id: int) -> list[Checkpoint]:
    """A site's checkpoints in use, by code."""
    return list(db.session.scalars(select(Checkpoint).where(Checkpoint.site_id == site_id, Checkpoint.active)
                                   .order_by(Checkpoint.code)))


def photos_of(notice: RectificationNotice) -> tuple[list[Photo], list[Photo]]:
    """The notice's own photos (evidence and the fix), and its source's photos shown by reference."""
    conditions = [Photo.notice_id == notice.id]
    if notice.inspection_result_id:
        conditions.append(Photo.inspection_result_id == notice.inspection_result_id)
    if notice.incident_id:
        conditions.append(Photo.incident_id == notice.incident_id)
    photos = list(db.session.scalars(select(Photo).where(or_(*conditions)).order_by(Photo.captured_at, Photo.id)))
    return [p for p in photos if p.notice_id == notice.id], [p for p in photos if p.notice_id != notice.id]


def result_in_scope(person: Person, result_id: int) -> InspectionResult:
    """A failed inspection item of one of the person's sites, or 404."""
    result = db.session.scalar(select(InspectionResult).where(InspectionResult.id == result_id).options(
        selectinload(InspectionResult.item),
        selectinload(InspectionResult.inspection).selectinload(Inspection.template)))
    if result is None or result.inspection.site_id not in site_ids(person):
        abort(404)
    return result


def incident_in_scope(person: Person, incident_id: int) -> Incident:
    """An incident of one of the person's sites, or 404."""
    incident = db.session.get(Incident, incident_id)
    if incident is None or incident.site_id not in site_ids(person):
        abort(404)
    return incident


def shift_in_scope(person: Person, shift_id: int) -> Shift:
    """A shift of one of the person's sites, or 404."""
    shift = db.session.get(Shift, shift_id)
    if shift is None or shift.site_id not in site_ids(person):
        abort(404)
    return shift
