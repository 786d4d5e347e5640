"""Reads for inspections: sheets and their versions, plans, places to inspect, inspections, and score roll-ups."""
from __future__ import annotations

from datetime import datetime

from flask import abort
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from webapp.access import site_ids
from webapp.extensions import db
from webapp.models import (
    Area,
    Checkpoint,
    Countersignature,
    Handover,
    Inspection,
    InspectionPlan,
    InspectionResult,
    InspectionTemplate,
    Person,
    Photo,
    Role,
    Shift,
    ShiftMember,
    Site,
    person_sites,
)

# ---- sheets -----------------------------------------------------------------------------------------------------

def current_templates(company_id: int) -> list[InspectionTemplate]:
    """The sheets in use (their current versions), by kind of place and name, with their items."""
    return list(db.session.scalars(
        select(InspectionTemplate).where(InspectionTemplate.company_id == company_id, InspectionTemplate.active)
        .options(selectinload(InspectionTemplate.items))
        .order_by(InspectionTemplate.area_kind, InspectionTemplate.name)))


def template_in_scope(person: Person, template_id: int) -> InspectionTemplate:
    """A version of a sheet of the person's company, or 404."""
    template = db.session.scalar(select(InspectionTemplate).where(InspectionTemplate.id == template_id)
                                 .options(selectinload(InspectionTemplate.items)))
    if template is None or template.company_id != person.company_id:
        abort(404)
    return template


def versions(family: str) -> list[InspectionTemplate]:
    """Every version of one sheet, newest first."""
    return list(db.session.scalars(select(InspectionTemplate).where(InspectionTemplate.family == family)
                                   .order_by(InspectionTemplate.version.desc())))


def is_used(template_id: int) -> bool:
    """Whether any inspection was made with this version (it may then never change)."""
    return db.session.scalar(select(Inspection.id).where(Inspection.template_id == template_id).limit(1)) is not None


def usage(template_ids: list[int]) -> dict[int, int]:
    """How many inspections each version has, in one query."""
    if not template_ids:
        return {}
    return dict(db.session.execute(select(Inspection.template_id, func.count()).where(Inspection.template_id.in_(template_ids))
                                   .group_by(Inspection.template_id)).all())


# ---- plans ------------------------------------------------------------------------------------------------------

def site(site_id: int) -> Site:
    """A site (its scope is checked by the route's policy)."""
    return db.session.get(Site, site_id) or abort(404)


def plans(site_id: int) -> list[InspectionPlan]:
    """A site's inspection plans, active first, by weekday and hour."""
    return list(db.session.scalars(select(InspectionPlan).where(InspectionPlan.site_id == site_id)
                                   .options(selectinload(InspectionPlan.inspector))
                                   .order_by(InspectionPlan.active.desc(), InspectionPlan.weekday, InspectionPlan.starts)))


def plan_in_site(site_id: int, plan_id: int) -> InspectionPlan:
    """A plan of this site, or 404."""
    plan = db.session.get(InspectionPlan, plan_id)
    if plan is None or plan.site_id != site_id:
        abort(404)
    return plan


def supervisors_at(site_id: int) -> list[Person]:
    """The active quality supervisors who work at a site."""
    return list(db.session.scalars(
        select(Person).join(person_sites, person_sites.c.person_id == Person.id)
        .where(person_sites.c.site_id == site_id, Person.role == Role.SUPERVISOR, Person.active).order_by(Person.name)))


# ---- places and evidence ----------------------------------------------------------------------------------------

def places(ids: set[int]) -> list[Site]:
    """The person's sites with their active areas, for choosing where to inspect."""
    if not ids:
        return []
    return list(db.session.scalars(select(Site).where(Site.id.in_(ids), Site.active).options(selectinload(Site.areas))
                                   .order_by(Site.name)))


def area_in(ids: set[int], area_id: int) -> Area | None:
    """An active area of one of these sites."""
    area = db.session.scalar(select(Area).where(Area.id == area_id).options(selectinload(Area.site)))
    return area if area is not None and area.site_id in ids and area.active else None


def checkpoint_in(ids: set[int], checkpoint_id: int) -> Checkpoint | None:
    """An active checkpoint of one of these sites, with its site and area."""
    found = db.session.scalar(select(Checkpoint).where(Checkpoint.id == checkpoint_id)
                              .options(selectinload(Checkpoint.site), selectinload(Checkpoint.area)))
    return found if found is not None and found.site_id in ids and found.active else None


def running_shift(site_id: int, now: datetime) -> Shift | None:
    """The shift running now at a site, with its roster."""
    return db.session.scalar(select(Shift).where(Shift.site_id == site_id, Shift.starts_at <= now, Shift.ends_at > now)
                             .options(selectinload(Shift.members).selectinload(ShiftMember.person), selectinload(Shift.site),
                                      selectinload(Shift.template))
                             .order_by(Shift.starts_at.desc()).limit(1))


def latest_handover(site_id: int) -> Handover | None:
    """The site's most recent handover (of the latest shift that has one)."""
    return db.session.scalar(select(Handover).join(Shift, Handover.shift_id == Shift.id).where(Handover.site_id == site_id)
                             .options(selectinload(Handover.shift).selectinload(Shift.template),
                                      selectinload(Handover.outgoing_lead), selectinload(Handover.incoming_lead))
                             .order_by(Shift.starts_at.desc()).limit(1))


def countersignatures_of(shift_id: int | None = None, handover_id: int | None = None) -> list[Countersignature]:
    """Who countersigned a shift's patrol record or a handover, and when, oldest first."""
    wanted = []
    if shift_id is not None:
        wanted.append((Countersignature.shift_id == shift_id) & Countersignature.handover_id.is_(None))
    if handover_id is not None:
        wanted.append(Countersignature.handover_id == handover_id)
    if not wanted:
        return []
    return list(db.session.scalars(select(Countersignature).where(or_(*wanted))
                                   .options(selectinload(Countersignature.person)).order_by(Countersignature.signed_at)))


# ---- inspections ------------------------------------------------------------------------------------------------

def inspections(ids: set[int], site_id: int | None, start: datetime | None, end: datetime | None,
                limit: int = 300) -> list[Inspection]:
    """Inspections at these sites (or one of them) in [start, end), newest first."""
    if not ids:
        return []
    query = (select(Inspection).where(Inspection.site_id.in_({site_id} & ids if site_id else ids))
             .options(selectinload(Inspection.site), selectinload(Inspection.area), selectinload(Inspection.person),
                      selectinload(Inspection.template))
             .order_by(Inspection.captured_at.desc()).limit(limit))
    if start:
        query = query.where(Inspection.captured_at >= start)
    if end:
        query = query.where(Inspection.captured_at < end)
    return list(db.session.scalars(query))


def inspection_in_scope(person: Person, inspection_id: int) -> Inspection:
    """One inspection with everything its page shows, at one of the person's sites, or 404."""
    found = db.session.scalar(
        select(Inspection).where(Inspection.id == inspection_id)
        .options(selectinload(Inspection.site), selectinload(Inspection.area), selectinload(Inspection.person),
                 selectinload(Inspection.checkpoint), selectinload(Inspection.template).selectinload(InspectionTemplate.items),
                 selectinload(Inspection.results).selectinload(InspectionResult.item),
                 selectinload(Inspection.countersignatures).selectinload(Countersignature.person),
                 selectinload(Inspection.countersignatures).selectinload(Countersignature.shift).selectinload(Shift.template)))
    if found is None or found.site_id not in site_ids(person):
        abort(404)
    return found


def photos_of(result_ids: list[int]) -> dict[int, list[Photo]]:
    """The photos of each failed item, in one query."""
    found: dict[int, list[Photo]] = {}
    if result_ids:
        for photo in db.session.scalars(select(Photo).where(Photo.inspection_result_id.in_(result_ids)).order_by(Photo.id)):
            found.setdefault(photo.inspection_result_id, []).append(photo)
    return found


def score_rows(site_id: int, start: datetime | None, end: datetime | None) -> list[tuple]:
    """(captured_at, percent, self_check, area name, department) of a site's inspections in [start, end)."""
    query = (select(Inspection.captured_at, Inspection.percent, Inspection.self_check, Area.name, InspectionTemplate.department)
             .join(InspectionTemplate, Inspection.template_id == InspectionTemplate.id)
             .outerjoin(Area, Inspection.area_id == Area.id)
             .where(Inspection.site_id == site_id).order_by(Inspection.captured_at))
    if start:
        query = query.where(Inspection.captured_at >= start)
    if end:
        query = query.where(Inspection.captured_at < end)
    return list(db.session.execute(query).all())
