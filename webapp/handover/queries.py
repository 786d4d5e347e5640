"""Reads for handovers: one shift's record, a site's history, its chain."""
from __future__ import annotations

from datetime import date, datetime

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.access import site_ids
from webapp.domain.handover import Sealed
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


def chain(site_id: int) -> list[Sealed]:
    """Every sealed handover of a site, as stored."""
    rows = db.session.execute(select(Handover.id, Handover.sequence, Handover.content_json, Handover.sha256, Handover.prev_sha256)
                              .where(Handover.site_id == site_id, Handover.sequence.is_not(None)))
    return [Sealed(*row) for row in rows]


def chain_head(site_id: int) -> tuple[int, str] | None:
    """The site's newest sealed handover: (sequence, hash), or None before the first seal."""
    head = db.session.execute(select(Handover.sequence, Handover.sha256).where(
        Handover.site_id == site_id, Handover.sequence.is_not(None)).order_by(Handover.sequence.desc()).limit(1)).first()
    return (head[0], head[1]) if head else None


def overdue(site_ids_: set[int], before: datetime) -> list[Handover]:
    """Handovers refused, or signed by the outgoing lead before `before` and still not accepted."""
    if not site_ids_:
        return []
    waiting = (Handover.state == HandoverState.SIGNED) & (Handover.signed_out_at < before)
    return list(db.session.scalars(select(Handover).where(
        Handover.site_id.in_(site_ids_), waiting | (Handover.state == HandoverState.REFUSED))
        .options(selectinload(Handover.shift).selectinload(Shift.template))))
