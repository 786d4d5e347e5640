"""Changes to a site's description and its people: the only writer of this area, one commit and audit entry per change."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp import access, clock
from webapp.audit import record
from webapp.auth import services as auth
from webapp.changes import Rejected as Rejected
from webapp.changes import apply, commit, taken
from webapp.changes import set_active as set_active
from webapp.domain.timezones import shift_window, zone
from webapp.extensions import db
from webapp.models import (
    Area,
    AreaKind,
    ChecklistItem,
    Checkpoint,
    CleaningCheck,
    CleaningPlan,
    CleaningResult,
    Handover,
    Incident,
    PatrolPlan,
    Person,
    Purpose,
    RetiredToken,
    Role,
    Route,
    RouteStop,
    Scan,
    Shift,
    ShiftMember,
    ShiftTemplate,
    Site,
    new_token,
    utcnow,
)


def _rewindow_future_shifts(site: Site, template: ShiftTemplate | None = None) -> int:
    """Recompute the instants of shifts not begun yet after a zone or template change; how many moved."""
    stmt = select(Shift).where(Shift.site_id == site.id, Shift.starts_at > clock.now())
    if template is not None:
        stmt = stmt.where(Shift.template_id == template.id)
    moved = 0
    for shift in db.session.scalars(stmt):
        t = shift.template
        starts, ends = shift_window(shift.local_date, t.start_local, t.end_local, zone(site.timezone))
        if (starts, ends) != (shift.starts_at, shift.ends_at):
            shift.starts_at, shift.ends_at = starts, ends
            moved += 1
    return moved


# --- sites and areas -------------------------------------------------------------------------------------------

def create_site(actor: Person, name: str, code: str, address: str, timezone: str) -> Site:
    """Add a site to the actor's company."""
    if taken(Site, None, Site.code, code, scope=Site.company_id == actor.company_id):
        raise Rejected("code", _("Another site already has this code."))
    site = Site(company_id=actor.company_id, name=name, code=code, address=address or "", timezone=timezone)
    db.session.add(site)
    db.session.flush()
    commit(actor, "create", site, site.id, name=name, code=code, timezone=timezone)
    return site


def update_site(actor: Person, site: Site, name: str, code: str, address: str, timezone: str) -> None:
    """Change a site's name, code, address or time zone; shifts not begun yet follow a new zone."""
    if taken(Site, None, Site.code, code, site.id, scope=Site.company_id == site.company_id):
        raise Rejected("code", _("Another site already has this code."))
    changed = apply(site, dict(name=name, code=code, address=address or "", timezone=timezone))
    if "timezone" in changed:
        changed["shifts_moved"] = _rewindow_future_shifts(site)
    commit(actor, "update", site, site.id, **changed)


def create_area(actor: Person, site_id: int, name: str, kind: str) -> Area:
    """Add an area to a site."""
    if taken(Area, site_id, Area.name, name):
        raise Rejected("name", _("This site already has an area of that name."))
    area = Area(site_id=site_id, name=name, kind=AreaKind(kind))
    db.session.add(area)
    commit(actor, "create", area, site_id, name=name, kind=kind)
    return area


def update_area(actor: Person, area: Area, name: str, kind: str) -> None:
    """Rename an area or change its kind."""
    if taken(Area, area.site_id, Area.name, name, area.id):
        raise Rejected("name", _("This site already has an area of that name."))
    commit(actor, "update", area, area.site_id, **apply(area, dict(name=name, kind=AreaKind(kind))))


# --- checkpoints -----------------------------------------------------------------------------------------------

def _checkpoint_values(site_id: int, values: dict, checkpoint_id: int | None = None) -> dict:
    if taken(Checkpoint, site_id, Checkpoint.code, values["code"], checkpoint_id):
        raise Rejected("code", _("Another checkpoint of this site has this code."))
    area_id = values.get("area_id")
    if area_id is not None and db.session.scalar(select(Area.site_id).where(Area.id == area_id)) != site_id:
        raise Rejected("area_id", _("Choose an area of this site."))
    return dict(name=values["name"], code=values["code"], area_id=area_id, purpose=Purpose(values["purpose"]),
                photo_required=bool(values["photo_required"]), lat=values["lat"], lng=values["lng"],
                radius_m=values["radius_m"])


def create_checkpoint(actor: Person, site_id: int, **values) -> Checkpoint:
    """Add a checkpoint with a fresh random token."""
    checkpoint = Checkpoint(site_id=site_id, **_checkpoint_values(site_id, values), token=new_token(), token_issued_at=utcnow())
    db.session.add(checkpoint)
    commit(actor, "create", checkpoint, site_id, code=checkpoint.code, name=checkpoint.name)
    return checkpoint


def update_checkpoint(actor: Person, checkpoint: Checkpoint, **values) -> None:
    """Change a checkpoint's name, code, area, purpose, photo rule or position."""
    changed = apply(checkpoint, _checkpoint_values(checkpoint.site_id, values, checkpoint.id))
    commit(actor, "update", checkpoint, checkpoint.site_id, **changed)


def reissue_token(actor: Person, checkpoint: Checkpoint) -> None:
    """Retire the checkpoint's token (its scans are refused from now on) and give it a new random one."""
    old = checkpoint.token
    db.session.add(RetiredToken(token=old, checkpoint_id=checkpoint.id, retired_at=utcnow(), retired_by_id=actor.id))
    checkpoint.token = new_token()
    checkpoint.token_issued_at = utcnow()
    commit(actor, "reissue_token", checkpoint, checkpoint.site_id, code=checkpoint.code)  # tokens stay out of the log


def _renumber_items(checkpoint: Checkpoint, active: list[ChecklistItem]) -> None:
    retired = [i for i in checkpoint.checklist if not i.active]
    for position, item in enumerate(active + retired):
        item.position = position


def edit_checklist(actor: Person, checkpoint: Checkpoint, verb: str, item_id: int | None, text: str = "") -> None:
    """Add a checklist item, move one up or down, or remove one (kept but retired if results refer to it)."""
    items = [i for i in checkpoint.checklist if i.active]
    if verb == "add":
        item = ChecklistItem(text=text, position=len(checkpoint.checklist), active=True)
        checkpoint.checklist.append(item)
        _renumber_items(checkpoint, items + [item])
        db.session.flush()
        commit(actor, "add_checklist_item", checkpoint, checkpoint.site_id, item=item.id, text=text)
        return
    item = next((i for i in items if i.id == item_id), None)
    if item is None:
        raise Rejected("text", _("That item is no longer on the checklist. Reload the page."))
    index = items.index(item)
    if verb in ("up", "down"):
        other = index - 1 if verb == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
        _renumber_items(checkpoint, items)
        commit(actor, "move_checklist_item", checkpoint, checkpoint.site_id, item=item.id, to=items.index(item))
        return
    used = db.session.scalar(select(CleaningResult.id).where(CleaningResult.item_id == item.id).limit(1)) is not None
    items.remove(item)
    if used:
        item.active = False  # cleaning results refer to it: keep it for history
    else:
        checkpoint.checklist.remove(item)
    _renumber_items(checkpoint, items)
    commit(actor, "retire_checklist_item" if used else "remove_checklist_item", checkpoint, checkpoint.site_id,
            item=item_id, text=item.text)


# --- routes ----------------------------------------------------------------------------------------------------

def create_route(actor: Person, site_id: int, name: str, active: bool = True) -> Route:
    """Add an empty route to a site."""
    if taken(Route, site_id, Route.name, name):
        raise Rejected("name", _("This site already has a route of that name."))
    route = Route(site_id=site_id, name=name, active=active)
    db.session.add(route)
    commit(actor, "create", route, site_id, name=name)
    return route


def update_route(actor: Person, route: Route, name: str, active: bool) -> None:
    """Rename a route or take it out of use."""
    if taken(Route, route.site_id, Route.name, name, route.id):
        raise Rejected("name", _("This site already has a route of that name."))
    commit(actor, "update", route, route.site_id, **apply(route, dict(name=name, active=active)))


def _place_stops(route: Route, order: list[RouteStop], walks: dict[int, float]) -> None:
    """Give the stops positions 0..n-1 in `order`, through negative positions so no two ever clash."""
    for i, stop in enumerate(order):
        stop.position = -1 - i
    db.session.flush()
    for i, stop in enumerate(order):
        stop.position = i
        stop.min_walk_minutes = 0.0 if i == 0 else walks.get(stop.id, stop.min_walk_minutes)
    db.session.flush()


def edit_stops(actor: Person, route: Route, verb: str, stop_id: int | None, walks: dict[int, float],
               checkpoint_id: int | None = None) -> None:
    """Save the walking minutes typed, then add, move or remove a stop; positions stay unique and dense."""
    order = list(route.stops)
    detail: dict = {}
    if verb == "add":
        checkpoint = db.session.get(Checkpoint, checkpoint_id)
        if checkpoint is None or checkpoint.site_id != route.site_id or not checkpoint.active or not checkpoint.for_patrol:
            raise Rejected("checkpoint_id", _("Choose an active patrol checkpoint of this site."))
        if any(s.checkpoint_id == checkpoint.id for s in order):
            raise Rejected("checkpoint_id", _("This checkpoint is already on the route."))
        stop = RouteStop(checkpoint_id=checkpoint.id, position=len(order), min_walk_minutes=0.0)
        route.stops.append(stop)
        db.session.flush()
        order.append(stop)
        detail = dict(checkpoint=checkpoint.code)
    elif verb in ("up", "down", "remove"):
        stop = next((s for s in order if s.id == stop_id), None)
        if stop is None:
            raise Rejected("checkpoint_id", _("That stop is no longer on the route. Reload the page."))
        index = order.index(stop)
        detail = dict(checkpoint=stop.checkpoint.code)
        if verb == "remove":
            order.remove(stop)
            route.stops.remove(stop)
            db.session.flush()  # the stop is gone before the others move up
        else:
            other = index - 1 if verb == "up" else index + 1
            if 0 <= other < len(order):
                order[index], order[other] = order[other], order[index]
    _place_stops(route, order, walks)
    action = {"add": "add_stop", "remove": "remove_stop", "save": "set_walking_times"}.get(verb, "move_stop")
    commit(actor, action, route, route.site_id, walks={str(k): v for k, v in walks.items()}, **detail)


# --- plans -----------------------------------------------------------------------------------------------------

def _check_in_site(model, thing_id: int | None, site_id: int, field: str) -> None:
    if thing_id is not None and db.session.scalar(select(model.site_id).where(model.id == thing_id)) != site_id:
        raise Rejected(field, _("Choose one of this site."))


def save_patrol_plan(actor: Person, site_id: int, plan: PatrolPlan | None, **values) -> PatrolPlan:
    """Create or change a patrol plan (values already checked against the schedule's rules by the form)."""
    _check_in_site(Route, values["route_id"], site_id, "route_id")
    _check_in_site(ShiftTemplate, values["shift_template_id"], site_id, "shift_template_id")
    if plan is None:
        plan = PatrolPlan(site_id=site_id, **values)
        db.session.add(plan)
        commit(actor, "create", plan, site_id, **values)
    else:
        commit(actor, "update", plan, site_id, **apply(plan, values))
    return plan


def save_cleaning_plan(actor: Person, site_id: int, plan: CleaningPlan | None, checkpoint_ids: list[int],
                       **values) -> CleaningPlan:
    """Create or change a cleaning plan and the checkpoints it covers."""
    chosen = list(db.session.scalars(select(Checkpoint).where(Checkpoint.id.in_(checkpoint_ids), Checkpoint.site_id == site_id)))
    if len(chosen) != len(set(checkpoint_ids)):
        raise Rejected("checkpoint_ids", _("Choose checkpoints of this site."))
    if plan is None:
        plan = CleaningPlan(site_id=site_id, checkpoints=chosen, **values)
        db.session.add(plan)
        commit(actor, "create", plan, site_id, checkpoints=sorted(c.code for c in chosen), **values)
        return plan
    changed = apply(plan, values)
    before = sorted(c.code for c in plan.checkpoints)
    plan.checkpoints = chosen
    if before != sorted(c.code for c in chosen):
        changed["checkpoints"] = [before, sorted(c.code for c in chosen)]
    commit(actor, "update", plan, site_id, **changed)
    return plan


# --- shift templates and the roster ----------------------------------------------------------------------------

def create_template(actor: Person, site_id: int, **values) -> ShiftTemplate:
    """Add a shift template."""
    if taken(ShiftTemplate, site_id, ShiftTemplate.name, values["name"]):
        raise Rejected("name", _("This site already has a shift of that name."))
    template = ShiftTemplate(site_id=site_id, **values)
    db.session.add(template)
    commit(actor, "create", template, site_id, **values)
    return template


def update_template(actor: Person, template: ShiftTemplate, **values) -> None:
    """Change a shift template; rostered shifts that have not begun take the new times."""
    if taken(ShiftTemplate, template.site_id, ShiftTemplate.name, values["name"], template.id):
        raise Rejected("name", _("This site already has a shift of that name."))
    changed = apply(template, values)
    if {"start_local", "end_local"} & changed.keys():
        db.session.flush()
        changed["shifts_moved"] = _rewindow_future_shifts(template.site, template)
    commit(actor, "update", template, template.site_id, **changed)


def _has_records(shift: Shift) -> bool:
    for model in (Scan, CleaningCheck, Incident, Handover):
        if db.session.scalar(select(model.id).where(model.shift_id == shift.id).limit(1)) is not None:
            return True
    return False


def save_roster_cell(actor: Person, site: Site, template: ShiftTemplate, day: date, lead_id: int | None,
                     staff_ids: list[int]) -> Shift | None:
    """Roster one shift: create it, change its lead and staff, or remove it when nobody is left on it."""
    shift = db.session.scalar(select(Shift).where(Shift.template_id == template.id, Shift.local_date == day))
    staff = [i for i in dict.fromkeys(staff_ids) if i != lead_id]  # the lead is not counted twice
    if shift is None and lead_id is None and not staff:
        return None
    if shift is None:
        starts, ends = shift_window(day, template.start_local, template.end_local, zone(site.timezone))
        shift = Shift(site_id=site.id, template_id=template.id, local_date=day, starts_at=starts, ends_at=ends)
        db.session.add(shift)
        action = "create"
    elif lead_id is None and not staff:
        if _has_records(shift):
            raise Rejected("staff_ids", _("This shift already has field records; it cannot be removed."))
        shift_id = shift.id
        db.session.delete(shift)
        db.session.flush()
        record(actor, "remove", "shift", shift_id, site_id=site.id, template=template.name, day=day.isoformat())
        db.session.commit()
        return None
    else:
        action = "update"
    shift.lead_id = lead_id
    shift.members = [m for m in shift.members if m.person_id in staff] + \
        [ShiftMember(person_id=i) for i in staff if i not in {m.person_id for m in shift.members}]
    commit(actor, action, shift, site.id, template=template.name, day=day.isoformat(), lead=lead_id, staff=staff)
    return shift


def copy_roster(actor: Person, site: Site, monday: date) -> tuple[int, int]:
    """Fill the week from `monday` with the week before's shifts; shifts that exist stay as they are. (created, skipped)"""
    source = list(db.session.scalars(select(Shift).where(
        Shift.site_id == site.id, Shift.local_date >= monday - timedelta(days=7), Shift.local_date < monday)
        .options(selectinload(Shift.template), selectinload(Shift.members))))
    existing = set(db.session.execute(select(Shift.template_id, Shift.local_date).where(
        Shift.site_id == site.id, Shift.local_date >= monday, Shift.local_date < monday + timedelta(days=7))).all())
    still_here = set(db.session.scalars(select(Person.id).where(Person.active, Person.sites.any(Site.id == site.id))))
    tz = zone(site.timezone)
    created, skipped = [], 0
    for old in source:
        day = old.local_date + timedelta(days=7)
        if (old.template_id, day) in existing or not old.template.active:
            skipped += 1
            continue
        starts, ends = shift_window(day, old.template.start_local, old.template.end_local, tz)
        shift = Shift(site_id=site.id, template_id=old.template_id, local_date=day, starts_at=starts, ends_at=ends,
                      lead_id=old.lead_id if old.lead_id in still_here else None,
                      members=[ShiftMember(person_id=m.person_id) for m in old.members if m.person_id in still_here])
        db.session.add(shift)
        created.append(shift)
    db.session.flush()
    record(actor, "copy_roster", "site", site.id, site_id=site.id, week=monday.isoformat(),
           created=[s.id for s in created], skipped=skipped)
    db.session.commit()
    return len(created), skipped


# --- people ----------------------------------------------------------------------------------------------------

def _sites_for(actor: Person, role: str, wanted: list[int]) -> list[Site]:
    if actor.role != Role.ADMIN and role == Role.ADMIN.value:
        raise Rejected("role", _("Only an administrator can make someone an administrator."))
    allowed = access.site_ids(actor)
    if not set(wanted) <= allowed:
        raise Rejected("site_ids", _("You can only give sites you look after."))
    return list(db.session.scalars(select(Site).where(Site.id.in_(wanted)))) if wanted and role != Role.ADMIN.value else []


def create_person(actor: Person, name: str, login: str, role: str, site_ids: list[int], language: str,
                  password: str) -> Person:
    """Add a person who can sign in with `login` (unique whatever its case) and `password`."""
    sites = _sites_for(actor, role, site_ids)
    if db.session.scalar(select(Person.id).where(func.lower(Person.login) == login.lower()).limit(1)) is not None:
        raise Rejected("login", _("This phone number or username is already used."))
    person = Person(company_id=actor.company_id, name=name, login=login, role=Role(role), language=language, sites=sites)
    person.set_password(password)
    db.session.add(person)
    commit(actor, "create", person, None, name=name, login=login, role=role, sites=[s.id for s in sites])
    return person


def update_person(actor: Person, person: Person, name: str, role: str, site_ids: list[int], language: str) -> None:
    """Change a person's name, role, sites or language."""
    if person.id == actor.id and role != person.role.value:
        raise Rejected("role", _("You cannot change your own role."))
    sites = _sites_for(actor, role, site_ids)
    changed = apply(person, dict(name=name, role=Role(role), language=language))
    before = sorted(s.id for s in person.sites)
    if before != sorted(s.id for s in sites):
        person.sites = sites
        changed["sites"] = [before, sorted(s.id for s in sites)]
    commit(actor, "update", person, None, **changed)


def reset_password(actor: Person, person: Person, password: str) -> None:
    """Give a person a new password (never written to the log); every other session of theirs ends."""
    person.set_password(password)
    auth.end_sessions(person, "password", keep=actor.session_key if actor.id == person.id else "")
    commit(actor, "reset_password", person, None)


def end_sessions(actor: Person, person: Person) -> None:
    """End every session of a person at once (a lost phone): their next page finds them signed out."""
    auth.end_sessions(person, "end_sessions")
    commit(actor, "end_sessions", person, None)


def set_person_active(actor: Person, person: Person, active: bool) -> None:
    """Deactivate a person (they can no longer sign in; their records stay) or reactivate them."""
    if person.id == actor.id and not active:
        raise Rejected("active", _("You cannot deactivate yourself."))
    if person.active != active:
        person.active = active
        commit(actor, "reactivate" if active else "deactivate", person, None)
