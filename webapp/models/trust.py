"""Records meant to be trusted later: shift handovers and the audit log."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

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

    shift: Mapped[Shift] = relationship()
    outgoing_lead: Mapped[Person | None] = relationship(foreign_keys=[outgoing_lead_id])
    incoming_lead: Mapped[Person | None] = relationship(foreign_keys=[incoming_lead_id])


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
