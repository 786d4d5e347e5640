"""Reads for work orders: one order in a person's scope, the filtered list, a person's own, photos and engineers."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.access import site_ids
from webapp.domain.lifecycles import CATEGORIES, ORDER_STATES
from webapp.extensions import db
from webapp.models import Incident, Person, Photo, Role, Site, WorkOrder, person_sites
from webapp.orders import rules
from webapp.params import whole

LIST_LIMIT = 200


def _loaded(query):
    return query.options(selectinload(WorkOrder.site), selectinload(WorkOrder.assignee), selectinload(WorkOrder.raised_by),
                         selectinload(WorkOrder.checkpoint), selectinload(WorkOrder.incident))


def order_in_scope(person: Person, order_id: int) -> WorkOrder:
    """An order at one of the person's sites, or 404 (another site's order does not exist for them)."""
    found = db.session.scalar(_loaded(select(WorkOrder).where(WorkOrder.id == order_id)))
    if found is None or found.site_id not in site_ids(person):
        abort(404)
    return found


def by_submission(submission: str) -> WorkOrder | None:
    """The order a form with this id raised already, if any."""
    return db.session.scalar(select(WorkOrder).where(WorkOrder.client_uuid == uuid.UUID(submission)))


def incident_in_scope(person: Person, incident_id: int) -> Incident:
    """An incident at one of the person's sites, or 404."""
    found = db.session.scalar(select(Incident).where(Incident.id == incident_id)
                              .options(selectinload(Incident.checkpoint), selectinload(Incident.site)))
    if found is None or found.site_id not in site_ids(person):
        abort(404)
    return found


def incident_photos(incident_id: int | None) -> list[Photo]:
    """The photos of the incident an order comes from (shown by reference: they stay the incident's)."""
    if incident_id is None:
        return []
    return list(db.session.scalars(select(Photo).where(Photo.incident_id == incident_id).order_by(Photo.captured_at, Photo.id)))


def order_photos(order_id: int) -> dict[str, list[Photo]]:
    """An order's own photos by stage: "evidence" taken when it was raised, "after" when the work was done."""
    found: dict[str, list[Photo]] = {"evidence": [], "after": []}
    for photo in db.session.scalars(select(Photo).where(Photo.work_order_id == order_id).order_by(Photo.captured_at, Photo.id)):
        found.setdefault(photo.stage, []).append(photo)
    return found


def orders_of_incident(incident_id: int) -> list[WorkOrder]:
    """Orders already made from an incident (so nobody raises a second one by mistake)."""
    return list(db.session.scalars(select(WorkOrder).where(WorkOrder.incident_id == incident_id).order_by(WorkOrder.id)))


def engineers_at(sites: set[int]) -> dict[int, list[Person]]:
    """The active engineers of each site, by name: the people an order can be assigned to."""
    found: dict[int, list[Person]] = {s: [] for s in sites}
    if not sites:
        return found
    rows = db.session.execute(select(person_sites.c.site_id, Person).join(Person, Person.id == person_sites.c.person_id)
                              .where(person_sites.c.site_id.in_(sites), Person.role == Role.ENGINEER, Person.active)
                              .order_by(Person.name))
    for site_id, person in rows:
        found[site_id].append(person)
    return found


def engineers_of(sites: set[int]) -> list[Person]:
    """Every active engineer of any of these sites, once each, by name."""
    found = {p.id: p for people in engineers_at(sites).values() for p in people}
    return sorted(found.values(), key=lambda p: p.name)


def is_engineer_of(site_id: int, person_id: int | None) -> bool:
    """Whether this person is an active engineer of the site."""
    return any(p.id == person_id for p in engineers_at({site_id})[site_id])


@dataclass
class Filters:
    """What the list is narrowed to; empty means everything."""

    state: str = ""
    category: str = ""
    overdue: bool = False
    assignee: str = ""  # a person's id, or "none" for orders nobody has yet
    site: int | None = None

    @classmethod
    def read(cls, args, sites: set[int]) -> Filters:
        """The filters from the query string, unknown values ignored."""
        site = args.get("site", type=int)
        assignee = args.get("assignee", "")
        return cls(state=args.get("state", "") if args.get("state") in ORDER_STATES else "",
                   category=args.get("category", "") if args.get("category") in CATEGORIES else "",
                   overdue=args.get("overdue") == "1", assignee=assignee if assignee == "none" or whole(assignee) is not None else "",
                   site=site if site in sites else None)


def listing(sites: set[int], filters: Filters, now: datetime) -> list[WorkOrder]:
    """Orders of these sites, newest first, narrowed by the filters (at most LIST_LIMIT)."""
    if not sites:
        return []
    query = select(WorkOrder).where(WorkOrder.site_id.in_({filters.site} if filters.site else sites))
    if filters.state:
        query = query.where(WorkOrder.state == filters.state)
    if filters.category:
        query = query.where(WorkOrder.category == filters.category)
    if filters.overdue:
        query = query.where(WorkOrder.state.in_(rules.OPEN_STATES), WorkOrder.due_at < now)
    if filters.assignee == "none":
        query = query.where(WorkOrder.assignee_id.is_(None))
    elif filters.assignee:
        query = query.where(WorkOrder.assignee_id == int(filters.assignee))
    return list(db.session.scalars(_loaded(query).order_by(WorkOrder.raised_at.desc(), WorkOrder.id.desc()).limit(LIST_LIMIT)))


@dataclass
class Mine:
    """A person's work-order page, in sections; each section lists orders (the same order may be in two)."""

    assigned: list[WorkOrder] = field(default_factory=list)  # assigned to me, not done yet
    unassigned: list[WorkOrder] = field(default_factory=list)  # waiting for an engineer (派单 / 接单)
    follow_up: list[WorkOrder] = field(default_factory=list)  # done, waiting for the call back (回访)
    to_archive: list[WorkOrder] = field(default_factory=list)  # followed up: archive, or reopen if not satisfied
    open: list[WorkOrder] = field(default_factory=list)  # being worked on at my sites (the front desk watches them)
    raised: list[WorkOrder] = field(default_factory=list)  # what I raised, not archived


def mine(person: Person, now: datetime) -> Mine:
    """The orders that wait on this person, or that they follow, from one query of the open orders of their sites."""
    sites = site_ids(person)
    found = Mine()
    if not sites:
        return found
    rows = db.session.scalars(_loaded(select(WorkOrder).where(WorkOrder.site_id.in_(sites), WorkOrder.state != "archived"))
                              .order_by(WorkOrder.due_at, WorkOrder.id))
    role = person.role
    for row in rows:
        if row.assignee_id == person.id and row.state in ("assigned", "in_progress"):
            found.assigned.append(row)
        if row.state == "received" and (role == Role.ENGINEER or role in rules.DISPATCH):
            found.unassigned.append(row)
        if row.state == "done" and role in rules.FOLLOW_UP:
            found.follow_up.append(row)
        if row.state == "followed_up" and role in rules.ARCHIVE:
            found.to_archive.append(row)
        if row.state in ("assigned", "in_progress") and role == Role.FRONT_DESK:
            found.open.append(row)
        if row.raised_by_id == person.id:
            found.raised.append(row)
    return found


def sites_of(person: Person) -> list[Site]:
    """The person's sites by name, for choosing where an order is."""
    sites = site_ids(person)
    if not sites:
        return []
    return list(db.session.scalars(select(Site).where(Site.id.in_(sites)).order_by(Site.name)))
