"""Quality supervision (品质管理): inspection templates and plans, inspections, rectification notices,
violation tickets, work orders, and the history every one of them keeps."""
from __future__ import annotations

import uuid
from datetime import datetime, time

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utcnow
from webapp.models.field import FieldRecord, Incident
from webapp.models.org import Area, Person, Site
from webapp.models.setup import Checkpoint, Shift

# Kinds of place a template is written for, and the departments a finding belongs to.
TEMPLATE_AREA_KINDS = ("stairwell", "lobby", "lift_car", "plant_room", "gate", "roof", "green_space", "guard_post",
                       "control_room", "front_desk")
DEPARTMENTS = ("environment", "security", "control_room", "engineering", "front_desk")


def new_family() -> str:
    return uuid.uuid4().hex


class InspectionTemplate(Base):
    """A scoring sheet for one kind of place; a version once used is never changed, a revision is a new version."""

    __tablename__ = "inspection_template"
    __table_args__ = (UniqueConstraint("family", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    family: Mapped[str] = mapped_column(String(32), default=new_family)  # the same for every version of a sheet
    version: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(200))
    area_kind: Mapped[str] = mapped_column(String(20))
    department: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(10), default="deduction")  # deduction (from full marks) / scale (5/3/1)
    full_marks: Mapped[float] = mapped_column(Float, default=100.0)
    pass_mark: Mapped[float] = mapped_column(Float, default=80.0)  # percent
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # the current version of a sheet in use
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    items: Mapped[list[InspectionItem]] = relationship(back_populates="template", order_by="InspectionItem.position",
                                                       cascade="all, delete-orphan")


class InspectionItem(Base):
    """One line of a scoring sheet: what is checked, in which section, its weight, and whether it is critical."""

    __tablename__ = "inspection_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("inspection_template.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    section: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(String(300))
    weight: Mapped[float] = mapped_column(Float, default=5.0)  # points deducted, or the item's weight on a 5/3/1 scale
    critical: Mapped[bool] = mapped_column(Boolean, default=False)  # one critical failure fails the inspection
    severity: Mapped[str] = mapped_column(String(10), default="medium")  # sets a notice's default deadline

    template: Mapped[InspectionTemplate] = relationship(back_populates="items")


class InspectionPlan(Base):
    """Which supervisor inspects which site, on which weekday and hours (in the site's zone)."""

    __tablename__ = "inspection_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    site: Mapped[Site] = relationship()
    inspector: Mapped[Person] = relationship()


class Inspection(FieldRecord, Base):
    """A scored inspection of a place (品质检查), or a site manager's self-inspection (自检), signed by its inspector."""

    __tablename__ = "inspection"
    template_id: Mapped[int] = mapped_column(ForeignKey("inspection_template.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint.id"))
    self_check: Mapped[bool] = mapped_column(Boolean, default=False)
    points: Mapped[float] = mapped_column(Float, default=0.0)
    max_points: Mapped[float] = mapped_column(Float, default=0.0)
    percent: Mapped[float] = mapped_column(Float, default=0.0)
    passed: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    signature: Mapped[str | None] = mapped_column(Text)  # PNG data URL drawn on the signature pad

    template: Mapped[InspectionTemplate] = relationship()
    area: Mapped[Area | None] = relationship()
    checkpoint: Mapped[Checkpoint | None] = relationship()
    results: Mapped[list[InspectionResult]] = relationship(back_populates="inspection", cascade="all, delete-orphan",
                                                           order_by="InspectionResult.id")
    countersignatures: Mapped[list[Countersignature]] = relationship(back_populates="inspection")


class InspectionResult(Base):
    """The mark given to one item in an inspection, with a note (and photos) when it failed."""

    __tablename__ = "inspection_result"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inspection_item.id"))
    value: Mapped[int | None] = mapped_column(Integer)  # deduction: 1 pass / 0 fail; scale: 5/3/1; None: not applicable
    failed: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")

    inspection: Mapped[Inspection] = relationship(back_populates="results")
    item: Mapped[InspectionItem] = relationship()


class Countersignature(Base):
    """An inspector's signed, timestamped mark on a post's patrol record or a handover, kept beside that record."""

    __tablename__ = "countersignature"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"), index=True)  # the shift's patrol record
    handover_id: Mapped[int | None] = mapped_column(ForeignKey("handover.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    inspection: Mapped[Inspection] = relationship(back_populates="countersignatures")
    shift: Mapped[Shift | None] = relationship()
    person: Mapped[Person] = relationship()


class QualityStep(Base):
    """One step in the life of a notice, a work order or a violation: who did what, when; never changed or removed."""

    __tablename__ = "quality_step"
    __table_args__ = (Index("ix_quality_step_subject", "subject", "subject_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(20))  # notice / work_order / violation
    subject_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    value: Mapped[str | None] = mapped_column(String(20))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    assignee: Mapped[Person | None] = relationship(foreign_keys=[assignee_id])


class RectificationNotice(Base):
    """A rectification notice (整改通知单): what to fix, where, by whom, by when; re-checked by its issuer."""

    __tablename__ = "rectification_notice"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # inspection / gap / incident / manual
    inspection_result_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_result.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    gap_shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    gap_key: Mapped[str | None] = mapped_column(String(200))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint.id"))
    location_text: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(10), default="medium")
    department: Mapped[str] = mapped_column(String(20), default="environment")
    issuer_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default="open", index=True)  # open / submitted / closed
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_on_time: Mapped[bool | None] = mapped_column(Boolean)
    recheck_failures: Mapped[int] = mapped_column(Integer, default=0)

    site: Mapped[Site] = relationship()
    area: Mapped[Area | None] = relationship()
    checkpoint: Mapped[Checkpoint | None] = relationship()
    incident: Mapped[Incident | None] = relationship()
    inspection_result: Mapped[InspectionResult | None] = relationship()
    issuer: Mapped[Person] = relationship(foreign_keys=[issuer_id])
    assignee: Mapped[Person | None] = relationship(foreign_keys=[assignee_id])


class ViolationTicket(Base):
    """A violation ticket (违纪处罚单) against a person: the rule broken, points deducted, and its answer."""

    __tablename__ = "violation_ticket"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))
    rule: Mapped[str] = mapped_column(String(40))  # asleep_on_duty / missed_round / uniform / absent / conduct / other
    description: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), default="issued", index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    site: Mapped[Site] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    issuer: Mapped[Person] = relationship(foreign_keys=[issuer_id])


class WorkOrder(Base):
    """A repair work order (报修工单): 受理 → 派单 → 处理 → 反馈 → 回访 → 归档, due by its category."""

    __tablename__ = "work_order"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    location_text: Mapped[str] = mapped_column(String(300), default="")
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint.id"))
    reporter: Mapped[str] = mapped_column(String(200), default="")  # the resident who called, if any
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default="received", index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_uuid: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)  # the raising form's id: a resend is no new order

    site: Mapped[Site] = relationship()
    incident: Mapped[Incident | None] = relationship()
    checkpoint: Mapped[Checkpoint | None] = relationship()
    raised_by: Mapped[Person] = relationship(foreign_keys=[raised_by_id])
    assignee: Mapped[Person | None] = relationship(foreign_keys=[assignee_id])
