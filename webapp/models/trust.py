"""Records meant to be trusted later: shift handovers and the audit log."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utcnow
from webapp.models.org import Person, _enum
from webapp.models.setup import Shift


class HandoverState(str, enum.Enum):
    """Where a handover is in its life."""

    OPEN = "open"  # being prepared by the outgoing lead
    SIGNED = "signed"  # signed by the outgoing lead, waiting for the incoming one
    REFUSED = "refused"  # the incoming lead refused to take over
    CLOSED = "closed"  # accepted by the incoming lead: sealed


class Handover(Base):
    """The record of a shift (交接班记录), signed by both leads and sealed by a hash chained per site."""

    __tablename__ = "handover"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id"), unique=True)
    state: Mapped[HandoverState] = mapped_column(_enum(HandoverState, "handover_state"), default=HandoverState.OPEN)
    outgoing_lead_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    incoming_lead_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    remarks_out: Mapped[str] = mapped_column(Text, default="")
    remarks_in: Mapped[str] = mapped_column(Text, default="")
    signed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_json: Mapped[str | None] = mapped_column(Text)  # canonical JSON once closed
    sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    prev_sha256: Mapped[str | None] = mapped_column(String(64))
    sequence: Mapped[int | None] = mapped_column(Integer)  # position in the site's chain
    out_signature: Mapped[str | None] = mapped_column(Text)  # PNG data URL drawn on the signature pad
    in_signature: Mapped[str | None] = mapped_column(Text)
    seal_signature: Mapped[str | None] = mapped_column(Text)  # Ed25519 over the seal, by a key kept outside the database
    refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refused_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    refusal_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)

    shift: Mapped[Shift] = relationship()
    outgoing_lead: Mapped[Person | None] = relationship(foreign_keys=[outgoing_lead_id])
    incoming_lead: Mapped[Person | None] = relationship(foreign_keys=[incoming_lead_id])
    refused_by: Mapped[Person | None] = relationship(foreign_keys=[refused_by_id])
    items: Mapped[list[HandoverItem]] = relationship(back_populates="handover", order_by="HandoverItem.position",
                                                     cascade="all, delete-orphan")
    addenda: Mapped[list[HandoverAddendum]] = relationship(back_populates="handover", order_by="HandoverAddendum.id")


class HandoverItem(Base):
    """Something handed over between leads (keys, radios, logbooks), counted out and counted in."""

    __tablename__ = "handover_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handover.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(100))
    count_out: Mapped[int] = mapped_column(Integer, default=1)
    count_in: Mapped[int | None] = mapped_column(Integer)  # what the incoming lead counted
    note: Mapped[str] = mapped_column(String(300), default="")

    handover: Mapped[Handover] = relationship(back_populates="items")


class HandoverAddendum(Base):
    """A signed, dated correction under a closed handover; the record itself never changes."""

    __tablename__ = "handover_addendum"
    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handover.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    text: Mapped[str] = mapped_column(Text)
    signature: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64))  # of its canonical content, chained to the addendum before it
    seal_signature: Mapped[str | None] = mapped_column(Text)  # Ed25519, as for the handover

    handover: Mapped[Handover] = relationship(back_populates="addenda")
    person: Mapped[Person] = relationship()


class GapAction(Base):
    """One step in a gap's life: explained by the person concerned, accepted or rejected, or acknowledged by a lead."""

    __tablename__ = "gap_action"
    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id"), index=True)
    gap_key: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))  # explain / accept / reject / acknowledge
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship()


class AuditEntry(Base):
    """Who changed what, when (审计日志)."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON

    person: Mapped[Person | None] = relationship()


SEALED_COLUMNS = ("state", "content_json", "sha256", "prev_sha256", "sequence", "seal_signature", "remarks_out", "remarks_in",
                  "out_signature", "in_signature", "signed_out_at", "accepted_at", "outgoing_lead_id", "incoming_lead_id")


def _was_closed(handover: Handover) -> bool:
    history = inspect(handover).attrs.state.history
    return HandoverState.CLOSED in (list(history.deleted) + list(history.unchanged))


@event.listens_for(Session, "before_flush")
def _sealed_handovers_never_change(session, _context, _instances):
    """A closed handover is sealed: any change or removal through the ORM is refused (addenda go beside it)."""
    for obj in list(session.dirty) + list(session.deleted):
        handover = obj if isinstance(obj, Handover) else obj.handover if isinstance(obj, HandoverItem) else None
        if handover is None or inspect(handover).transient or inspect(handover).pending or not _was_closed(handover):
            continue
        changed = obj in session.deleted or isinstance(obj, HandoverItem) or any(
            inspect(handover).attrs[name].history.has_changes() for name in SEALED_COLUMNS)
        if changed:
            raise SealedRecordError(f"handover {handover.id} is closed and sealed")


class SealedRecordError(RuntimeError):
    """Raised when code tries to change a sealed record."""
