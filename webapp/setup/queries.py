"""Reads for the set-up pages; each list is loaded in one or two queries, whatever its length."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.access import site_ids
from webapp.domain.schedules import Due, PlanSpec, due_times
from webapp.domain.timezones import local_to_utc, shift_window, to_local, zone
from webapp.extensions import db
from webapp.models import (
    Area,
    Checkpoint,
    CleaningPlan,
    PatrolPlan,
    Person,
    RetiredToken,
    Role,
    Route,
    RouteStop,
    Shift,
    ShiftMember,
    ShiftTemplate,
    Site,
)

FIELD_ROLES = (Role.GUARD, Role.CLEANER, Role.LEAD)


def site(site_id: int) -> Site:
    """The site, or 404."""
    return db.get_or_404(Site, site_id)


def in_site(model, thing_id: int, site_id: int):
    """A site's area, checkpoint, route, plan or shift template by id; 404 if it is another site's."""
    thing = db.session.get(model, thing_id)
    if thing is None or thing.site_id != site_id:
        abort(404)
    return thing


def sites_of(person: Person) -> list[Site]:
    """The sites a person may set up, by name."""
    ids = site_ids(person)
    return list(db.session.scalars(select(Site).where(Site.id.in_(ids)).order_by(Site.name))) if ids else []


def areas(site_id: int, active_only: bool = False) -> list[Area]:
    """A site's areas by name."""
    stmt = select(Area).where(Area.site_id == site_id).order_by(Area.active.desc(), Area.name)
    return list(db.session.scalars(stmt.where(Area.active) if active_only else stmt))


def area_choices(site_id: int, keep: int | None = None) -> list[Area]:
    """The areas a checkpoint may be put in: the active ones, and the one it is in now."""
    return [a for a in areas(site_id) if a.active or a.id == keep]


def checkpoints(site_id: int) -> list[Checkpoint]:
    """A site's checkpoints by code, with their area and checklist."""
    return list(db.session.scalars(
        select(Checkpoint).where(Checkpoint.site_id == site_id).order_by(Checkpoint.active.desc(), Checkpoint.code)
        .options(selectinload(Checkpoint.area), selectinload(Checkpoint.checklist))))


def checkpoint(site_id: int, checkpoint_id: int) -> Checkpoint:
    """One checkpoint of the site, or 404."""
    return in_site(Checkpoint, checkpoint_id, site_id)


def retired_tokens(checkpoint_id: int) -> int:
    """How many labels of a checkpoint were replaced."""
    return db.session.scalar(select(func.count()).select_from(RetiredToken).where(RetiredToken.checkpoint_id == checkpoint_id))


def routes(site_id: int) -> list[Route]:
    """A site's routes by name, with their stops."""
    return list(db.session.scalars(
        select(Route).where(Route.site_id == site_id).order_by(Route.active.desc(), Route.name)
        .options(selectinload(Route.stops).selectinload(RouteStop.checkpoint))))


def route(site_id: int, route_id: int) -> Route:
    """One route of the site with its stops in order, or 404."""
    found = db.session.scalar(select(Route).where(Route.id == route_id, Route.site_id == site_id)
                              .options(selectinload(Route.stops).selectinload(RouteStop.checkpoint)))
    if found is None:
        abort(404)
    return found


def stop_candidates(site_id: int, route: Route) -> list[Checkpoint]:
    """Active patrol checkpoints of the site that are not on the route yet."""
    taken = {s.checkpoint_id for s in route.stops}
    return [c for c in db.session.scalars(select(Checkpoint).where(Checkpoint.site_id == site_id, Checkpoint.active)
                                          .order_by(Checkpoint.code))
            if c.for_patrol and c.id not in taken]


def cleaning_checkpoints(site_id: int, keep: tuple[int, ...] = ()) -> list[Checkpoint]:
    """Checkpoints a cleaning plan may cover: active cleaning ones, and those it covers now."""
    return [c for c in db.session.scalars(select(Checkpoint).where(Checkpoint.site_id == site_id).order_by(Checkpoint.code))
            if (c.active and c.for_cleaning) or c.id in keep]


def patrol_plans(site_id: int) -> list[PatrolPlan]:
    """A site's patrol plans with their route and shift template."""
    return list(db.session.scalars(
        select(PatrolPlan).where(PatrolPlan.site_id == site_id).order_by(PatrolPlan.active.desc(), PatrolPlan.name)
        .options(selectinload(PatrolPlan.route), selectinload(PatrolPlan.shift_template))))


def cleaning_plans(site_id: int) -> list[CleaningPlan]:
    """A site's cleaning plans with their checkpoints."""
    return list(db.session.scalars(
        select(CleaningPlan).where(CleaningPlan.site_id == site_id).order_by(CleaningPlan.active.desc(), CleaningPlan.name)
        .options(selectinload(CleaningPlan.checkpoints))))


def active_routes(site_id: int, keep: int | None = None) -> list[Route]:
    """Routes a patrol plan may follow."""
    return [r for r in db.session.scalars(select(Route).where(Route.site_id == site_id).order_by(Route.name))
            if r.active or r.id == keep]


def templates(site_id: int, active_only: bool = False) -> list[ShiftTemplate]:
    """A site's shift templates by start time."""
    stmt = select(ShiftTemplate).where(ShiftTemplate.site_id == site_id)
    if active_only:
        stmt = stmt.where(ShiftTemplate.active)
    return list(db.session.scalars(stmt.order_by(ShiftTemplate.active.desc(), ShiftTemplate.start_local, ShiftTemplate.name)))


@dataclass
class PreviewShift:
    """The due work a plan produces in one shift (or the whole day when the site has no shifts)."""

    name: str
    starts_at: datetime
    ends_at: datetime
    due: list[Due]


def preview(site: Site, spec: PlanSpec, day: date, shift_templates: list[ShiftTemplate]) -> list[PreviewShift]:
    """What a plan makes due on a local day: per shift template beginning that day, else over the whole day."""
    tz = zone(site.timezone)
    if not shift_templates:
        start, end = local_to_utc(day, time(0), tz), local_to_utc(day + timedelta(days=1), time(0), tz)
        return [PreviewShift("", start, end, due_times(spec, start, end, tz))]
    result = []
    for template in shift_templates:
        start, end = shift_window(day, template.start_local, template.end_local, tz)
        result.append(PreviewShift(template.name, start, end, due_times(spec, start, end, tz)))
    return result


def local_today(site: Site, now: datetime) -> date:
    """The date the site's clocks show now."""
    return to_local(now, zone(site.timezone)).date()


def monday_of(day: date) -> date:
    """The Monday of the week a day falls in."""
    return day - timedelta(days=day.weekday())


@dataclass
class RosterWeek:
    """A week of a site's roster: the templates, the seven days, and the shifts by (template id, day)."""

    monday: date
    days: list[date]
    templates: list[ShiftTemplate]
    shifts: dict[tuple[int, date], Shift]


def roster(site_id: int, monday: date) -> RosterWeek:
    """The shifts of a site from Monday to Sunday, with leads and staff, in one query plus loads."""
    days = [monday + timedelta(days=i) for i in range(7)]
    rows = db.session.scalars(
        select(Shift).where(Shift.site_id == site_id, Shift.local_date >= days[0], Shift.local_date <= days[-1])
        .options(selectinload(Shift.lead), selectinload(Shift.members).selectinload(ShiftMember.person)))
    shifts = {(s.template_id, s.local_date): s for s in rows}
    used = {template_id for template_id, _day in shifts}
    shown = [t for t in templates(site_id) if t.active or t.id in used]
    return RosterWeek(monday, days, shown, shifts)


def roster_shift(site_id: int, template_id: int, day: date) -> Shift | None:
    """The shift of a template on a day, if it is rostered."""
    return db.session.scalar(
        select(Shift).where(Shift.site_id == site_id, Shift.template_id == template_id, Shift.local_date == day)
        .options(selectinload(Shift.lead), selectinload(Shift.members).selectinload(ShiftMember.person)))


def site_staff(site_id: int) -> list[Person]:
    """The active guards, cleaners and leads assigned to a site, by role and name."""
    return list(db.session.scalars(
        select(Person).where(Person.active, Person.role.in_(FIELD_ROLES), Person.sites.any(Site.id == site_id))
        .order_by(Person.role, Person.name)))


def _manageable(actor: Person):
    """The condition on Person for the people an actor may manage."""
    condition = Person.company_id == actor.company_id
    if actor.role == Role.ADMIN:
        return condition
    ids = site_ids(actor)
    # a manager manages people who work only at the manager's own sites (so never someone with more reach)
    return condition & (Person.role != Role.ADMIN) & Person.sites.any(Site.id.in_(ids)) & ~Person.sites.any(Site.id.not_in(ids))


def people(actor: Person) -> list[Person]:
    """The people an actor may manage, active first, by name, with their sites."""
    return list(db.session.scalars(select(Person).where(_manageable(actor)).options(selectinload(Person.sites))
                                   .order_by(Person.active.desc(), Person.name)))


def person(actor: Person, person_id: int) -> Person:
    """One person the actor may manage, or 404."""
    found = db.session.scalar(select(Person).where(Person.id == person_id, _manageable(actor))
                              .options(selectinload(Person.sites)))
    if found is None:
        abort(404)
    return found
