"""Reads about violation tickets: one ticket in scope, lists, a person's own tickets."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.access import QUALITY, site_ids
from webapp.extensions import db
from webapp.models import Inspection, Person, Photo, ViolationTicket
from webapp.notices.queries import ROLE_DEPARTMENT

_LOAD = (selectinload(ViolationTicket.site), selectinload(ViolationTicket.person),
         selectinload(ViolationTicket.issuer))


def may_see(person: Person, ticket: ViolationTicket) -> bool:
    """The quality roles of the ticket's site, its issuer and the person it is against see it."""
    if ticket.site_id not in site_ids(person):
        return False
    return person.role in QUALITY or person.id in (ticket.person_id, ticket.issuer_id)


def ticket_in_scope(person: Person, ticket_id: int) -> ViolationTicket:
    """The ticket if this person may see it, else 404."""
    ticket = db.session.scalar(select(ViolationTicket).where(ViolationTicket.id == ticket_id).options(*_LOAD))
    if ticket is None or not may_see(person, ticket):
        abort(404)
    return ticket


def against(person: Person) -> list[ViolationTicket]:
    """The tickets written against a person, newest first."""
    return list(db.session.scalars(select(ViolationTicket).where(
        ViolationTicket.person_id == person.id, ViolationTicket.site_id.in_(site_ids(person)))
        .order_by(ViolationTicket.issued_at.desc(), ViolationTicket.id.desc()).options(*_LOAD)))


@dataclass
class Filters:
    """What the list of tickets is narrowed to."""

    state: str = ""
    person_id: int | None = None
    department: str = ""

    @classmethod
    def read(cls, args) -> Filters:
        return cls(args.get("state", ""), args.get("person", type=int), args.get("department", ""))


def listing(person: Person, filters: Filters, limit: int = 300) -> list[ViolationTicket]:
    """The tickets of a person's sites, narrowed by the filters, newest first (department: of the person's role)."""
    stmt = select(ViolationTicket).where(ViolationTicket.site_id.in_(site_ids(person)))
    if filters.state:
        stmt = stmt.where(ViolationTicket.state == filters.state)
    if filters.person_id:
        stmt = stmt.where(ViolationTicket.person_id == filters.person_id)
    if filters.department:
        roles = [r for r, d in ROLE_DEPARTMENT.items() if d == filters.department]
        stmt = stmt.join(Person, Person.id == ViolationTicket.person_id).where(Person.role.in_(roles))
    stmt = stmt.order_by(ViolationTicket.issued_at.desc(), ViolationTicket.id.desc()).limit(limit)
    return list(db.session.scalars(stmt.options(*_LOAD)))


def photos_of(ticket: ViolationTicket) -> list[Photo]:
    """The ticket's evidence photos."""
    return list(db.session.scalars(select(Photo).where(Photo.violation_id == ticket.id).order_by(Photo.id)))


def inspection_in_scope(person: Person, inspection_id: int) -> Inspection:
    """An inspection of one of the person's sites, or 404."""
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None or inspection.site_id not in site_ids(person):
        abort(404)
    return inspection
