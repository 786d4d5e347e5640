"""Reads for the board: which shift to show, the shifts around it, a person's recent shifts."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import Person, Shift, ShiftMember


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
    """The shifts a person worked or leads in the last two days, newest first."""
    on_it = or_(Shift.lead_id == person.id, Shift.members.any(ShiftMember.person_id == person.id))
    return list(db.session.scalars(_loaded(select(Shift).where(on_it, Shift.starts_at <= now,
                                                               Shift.ends_at > now - timedelta(days=2)))
                                   .order_by(Shift.starts_at.desc())))
