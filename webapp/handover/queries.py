"""Reads for handovers: one shift's record, a site's history, its chain."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.access import site_ids
from webapp.domain.handover import LeadShift
from webapp.extensions import db
from webapp.models import Handover, HandoverAddendum, HandoverState, Person, Shift, ShiftMember


def shift_in_scope(person: Person, shift_id: int) -> Shift:
    """A shift at one of the person's sites, or 404."""
    shift = db.session.scalar(select(Shift).where(Shift.id == shift_id)
                              .options(selectinload(Shift.members).selectinload(ShiftMember.person), selectinload(Shift.site),
                                       selectinload(Shift.template), selectinload(Shift.lead)))
    if shift is None or shift.site_id not in site_ids(person):
        abort(404)
    return shift


def handover_of(shift_id: int) -> Handover | None:
    """The handover of a shift, with its items and addenda."""
    return db.session.scalar(select(Handover).where(Handover.shift_id == shift_id)
                             .options(selectinload(Handover.items),
                                      selectinload(Handover.addenda).selectinload(HandoverAddendum.person)))


def handover_in_scope(person: Person, handover_id: int) -> Handover:
    """A handover at one of the person's sites, or 404."""
    handover = db.session.scalar(select(Handover).where(Handover.id == handover_id)
                                 .options(selectinload(Handover.items), selectinload(Handover.shift)))
    if handover is None or handover.site_id not in site_ids(person):
        abort(404)
    return handover


def history(site_id: int, start: date | None, end: date | None, lead: str, limit: int = 200) -> list[Handover]:
    """A site's handovers, newest first, filtered by the shift's local date and a lead's name."""
    query = (select(Handover).join(Shift, Handover.shift_id == Shift.id).where(Handover.site_id == site_id)
             .options(selectinload(Handover.shift).selectinload(Shift.template), selectinload(Handover.outgoing_lead),
                      selectinload(Handover.incoming_lead))
             .order_by(Shift.starts_at.desc()).limit(limit))
    if start:
        query = query.where(Shift.local_date >= start)
    if end:
        query = query.where(Shift.local_date <= end)
    if lead.strip():
        leads = select(Person.id).where(Person.name.contains(lead.strip()))
        query = query.where(Handover.outgoing_lead_id.in_(leads) | Handover.incoming_lead_id.in_(leads))
    return list(db.session.scalars(query))


def chain_head(site_id: int) -> tuple[int, str] | None:
    """The site's newest sealed handover: (sequence, hash), or None before the first seal."""
    head = db.session.execute(select(Handover.sequence, Handover.sha256).where(
        Handover.site_id == site_id, Handover.sequence.is_not(None)).order_by(Handover.sequence.desc()).limit(1)).first()
    return (head[0], head[1]) if head else None


def waiting(site_ids_: set[int]) -> list[Handover]:
    """Handovers signed by the outgoing lead and not accepted yet, or refused, oldest first."""
    if not site_ids_:
        return []
    return list(db.session.scalars(select(Handover).where(
        Handover.site_id.in_(site_ids_), Handover.state.in_([HandoverState.SIGNED, HandoverState.REFUSED]))
        .options(selectinload(Handover.shift).selectinload(Shift.template), selectinload(Handover.outgoing_lead))
        .order_by(Handover.signed_out_at, Handover.id)))


def is_overdue(handover: Handover, before: datetime) -> bool:
    """Refused, or signed before `before` and still not accepted."""
    return handover.state == HandoverState.REFUSED or (
        handover.state == HandoverState.SIGNED and handover.signed_out_at is not None and handover.signed_out_at < before)


def waiting_for(person: Person) -> list[Handover]:
    """Handovers at the person's sites signed by another lead and waiting to be taken over (待接班)."""
    return [h for h in waiting(site_ids(person)) if h.state == HandoverState.SIGNED and h.outgoing_lead_id != person.id]


def lead_shifts_near(person: Person, now: datetime) -> list[LeadShift]:
    """The shifts the person leads that end within a day of now, with whether their handover is sealed."""
    rows = db.session.execute(
        select(Shift.id, Shift.starts_at, Shift.ends_at, Handover.state).outerjoin(Handover, Handover.shift_id == Shift.id)
        .where(Shift.lead_id == person.id, Shift.ends_at >= now - timedelta(days=1), Shift.ends_at <= now + timedelta(days=1)))
    return [LeadShift(sid, starts, ends, state == HandoverState.CLOSED) for sid, starts, ends, state in rows]
