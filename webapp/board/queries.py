"""Reads for the board: which shift to show, the shifts around it, a person's recent shifts."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import CleaningCheck, Person, Role, Scan, Shift, ShiftMember, Site

COVER_ROLES = frozenset({Role.GUARD, Role.CLEANER, Role.LEAD})  # who can cover a post (顶班)


def _loaded(query):
    return query.options(selectinload(Shift.members).selectinload(ShiftMember.person), selectinload(Shift.template),
                         selectinload(Shift.site), selectinload(Shift.lead))


def shift_to_show(site_id: int, shift_id: int | None, now: datetime) -> Shift | None:
    """The chosen shift of the site, else the one running now, else the last one that ended."""
    base = select(Shift).where(Shift.site_id == site_id)
    if shift_id:
        return db.session.scalar(_loaded(base.where(Shift.id == shift_id)))
    running = db.session.scalar(_loaded(base.where(Shift.starts_at <= now, Shift.ends_at > now)).order_by(Shift.starts_at).limit(1))
    return running or db.session.scalar(_loaded(base.where(Shift.ends_at <= now)).order_by(Shift.ends_at.desc()).limit(1))


def shifts_around(site_id: int, now: datetime) -> list[Shift]:
    """The site's shifts of the last three days, newest first, to choose from."""
    return list(db.session.scalars(select(Shift).where(Shift.site_id == site_id, Shift.starts_at <= now,
                                                       Shift.starts_at > now - timedelta(days=3))
                                   .options(selectinload(Shift.template)).order_by(Shift.starts_at.desc())))


def my_recent_shifts(person: Person, now: datetime) -> list[Shift]:
    """The shifts of the last two days a person worked, leads, or made records in (on a shift not theirs, too), newest first."""
    own_records = select(Scan.shift_id).where(Scan.person_id == person.id, Scan.captured_at > now - timedelta(days=3))
    own_checks = select(CleaningCheck.shift_id).where(CleaningCheck.person_id == person.id,
                                                      CleaningCheck.captured_at > now - timedelta(days=3))
    on_it = or_(Shift.lead_id == person.id, Shift.members.any(ShiftMember.person_id == person.id),
                Shift.id.in_(own_records), Shift.id.in_(own_checks))
    return list(db.session.scalars(_loaded(select(Shift).where(on_it, Shift.starts_at <= now,
                                                               Shift.ends_at > now - timedelta(days=2)))
                                   .order_by(Shift.starts_at.desc())))


def cover_candidates(shift: Shift) -> list[Person]:
    """People of the shift's site who could cover a post on it (顶班): active guards, cleaners and leads not on it."""
    on_it = {m.person_id for m in shift.members} | ({shift.lead_id} if shift.lead_id else set())
    found = db.session.scalars(select(Person).where(Person.active, Person.role.in_(COVER_ROLES),
                                                    Person.sites.any(Site.id == shift.site_id)).order_by(Person.name))
    return [p for p in found if p.id not in on_it]
