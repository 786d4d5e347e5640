"""Field records sent from phones: scans, cleaning checks, incidents, photos; and the devices that send them."""
from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utcnow
from webapp.models.org import Person, Site, _enum
from webapp.models.setup import ChecklistItem, Checkpoint, Shift


class Device(Base):
    """A phone (or other client) that sends field records, known by the id it generates for itself."""

    __tablename__ = "device"
    # a phone's id belongs to the person who first sent from it: someone else sending the same id gets a row of their own
    __table_args__ = (UniqueConstraint("client_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # what the device said it still holds: it holds nothing captured before this instant (server time)
    holds_nothing_before: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FieldRecord:
    """Columns every field record carries: the client's id, who, which device and shift, and three times."""

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)  # idempotent sync key
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"), index=True)
    device_time: Mapped[datetime] = mapped_column(UTCDateTime)  # capture time by the device's clock
    device_utc_offset_min: Mapped[int] = mapped_column(Integer, default=480)  # the device's zone offset then
    clock_offset_s: Mapped[float] = mapped_column(Float, default=0.0)  # device clock minus server clock
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # device_time corrected by the offset
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @declared_attr
    def person(cls) -> Mapped[Person]:
        return relationship(Person)

    @declared_attr
    def site(cls) -> Mapped[Site]:
        return relationship(Site)

    @declared_attr
    def device(cls) -> Mapped[Device | None]:
        return relationship(Device)

    @declared_attr
    def shift(cls) -> Mapped[Shift | None]:
        return relationship(Shift)


class Scan(FieldRecord, Base):
    """A checkpoint visited by a person at an instant (巡更记录/打卡)."""

    __tablename__ = "scan"
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    method: Mapped[str] = mapped_column(String(10), default="qr", server_default="qr")  # qr / nfc / code (typed)
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")

    checkpoint: Mapped[Checkpoint] = relationship()


class CleaningCheck(FieldRecord, Base):
    """Checklist results at a checkpoint (保洁检查)."""

    __tablename__ = "cleaning_check"
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")

    checkpoint: Mapped[Checkpoint] = relationship()
    results: Mapped[list[CleaningResult]] = relationship(back_populates="check", cascade="all, delete-orphan")

    @property
    def failed(self) -> list[CleaningResult]:
        return [r for r in self.results if not r.passed]


class CleaningResult(Base):
    """Pass or fail of one checklist item in a cleaning check, with a note."""

    __tablename__ = "cleaning_result"
    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("cleaning_check.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_item.id"))
    passed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")

    check: Mapped[CleaningCheck] = relationship(back_populates="results")
    item: Mapped[ChecklistItem] = relationship()


class IncidentKind(str, enum.Enum):
    """What kind of problem was found."""

    DAMAGE = "damage"
    LEAK = "leak"
    FIRE_SAFETY = "fire_safety"
    SECURITY = "security"
    CLEANLINESS = "cleanliness"
    OTHER = "other"


class Severity(str, enum.Enum):
    """How urgent an incident is."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Incident(FieldRecord, Base):
    """A problem found in the field (事件/报事)."""

    __tablename__ = "incident"
    kind: Mapped[IncidentKind] = mapped_column(_enum(IncidentKind, "incident_kind"))
    severity: Mapped[Severity] = mapped_column(_enum(Severity, "severity"))
    description: Mapped[str] = mapped_column(Text)
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint.id"))
    location_text: Mapped[str] = mapped_column(String(300), default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    checkpoint: Mapped[Checkpoint | None] = relationship()


class Photo(FieldRecord, Base):
    """A photo taken in the field, stored under its content hash, attached to one record."""

    __tablename__ = "photo"
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # from the photo's own metadata, if any
    stage: Mapped[str] = mapped_column(String(20), default="evidence")  # before / after / evidence
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scan.id"), index=True)
    cleaning_check_id: Mapped[int | None] = mapped_column(ForeignKey("cleaning_check.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    # quality records: a failed inspection item, a notice (evidence or the fix), a violation, a work order
    inspection_result_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_result.id"), index=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("rectification_notice.id"), index=True)
    violation_id: Mapped[int | None] = mapped_column(ForeignKey("violation_ticket.id"), index=True)
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"), index=True)
    reading_id: Mapped[int | None] = mapped_column(ForeignKey("reading.id"), index=True)  # an abnormal reading's
    maintenance_record_id: Mapped[int | None] = mapped_column(ForeignKey("maintenance_record.id"), index=True)

    @property
    def attached(self) -> bool:
        """Whether the photo already belongs to a record (a photo is evidence for one record only)."""
        return any((self.scan_id, self.cleaning_check_id, self.incident_id, self.inspection_result_id, self.notice_id,
                    self.violation_id, self.work_order_id, self.reading_id,
                    self.maintenance_record_id))
