"""The engineering department's plant (工程部设备): equipment, its reading items, readings, maintenance tasks."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utcnow
from webapp.models.field import FieldRecord
from webapp.models.org import Person, Site
from webapp.models.quality import WorkOrder
from webapp.models.setup import Checkpoint

EQUIPMENT_KINDS = ("pump", "transformer", "switchgear", "fire_pump", "hydrant", "lift", "water_tank", "generator",
                   "ventilation", "other")


class Equipment(Base):
    """One piece of plant (设备台账): where it stands (a checkpoint's label), its make, its contractor."""

    __tablename__ = "equipment"
    __table_args__ = (UniqueConstraint("site_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="other")
    make: Mapped[str] = mapped_column(String(200), default="")  # 品牌型号
    installed_on: Mapped[date | None] = mapped_column(Date)
    contractor: Mapped[str] = mapped_column(String(200), default="")  # 维保单位
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    site: Mapped[Site] = relationship()
    checkpoint: Mapped[Checkpoint | None] = relationship()
    items: Mapped[list[ReadingItem]] = relationship(back_populates="equipment", order_by="ReadingItem.position")


class ReadingItem(Base):
    """One thing read off a piece of equipment: a number with its unit and normal range, a running state, or text."""

    __tablename__ = "reading_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("equipment.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="number")  # number / choice / text
    unit: Mapped[str] = mapped_column(String(20), default="")
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    meter: Mapped[bool] = mapped_column(Boolean, default=False)  # a counter that only rises (kWh, m³)
    max_jump: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    equipment: Mapped[Equipment] = relationship(back_populates="items")


class Reading(FieldRecord, Base):
    """A value read off a reading item in the field (抄表), with what it meant and the work it raised."""

    __tablename__ = "reading"
    item_id: Mapped[int] = mapped_column(ForeignKey("reading_item.id"), index=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("equipment.id"), index=True)
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint.id"))
    value_number: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str] = mapped_column(String(500), default="")
    out_of_range: Mapped[bool] = mapped_column(Boolean, default=False)
    below_last: Mapped[bool] = mapped_column(Boolean, default=False)
    jump: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)  # the engineer confirmed a questioned number
    note: Mapped[str] = mapped_column(Text, default="")
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"), index=True)

    item: Mapped[ReadingItem] = relationship()
    equipment: Mapped[Equipment] = relationship()
    work_order: Mapped[WorkOrder | None] = relationship()


class MaintenanceTask(Base):
    """A preventive maintenance task (维保计划) of a piece of equipment, due every cycle from its anchor day."""

    __tablename__ = "maintenance_task"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("equipment.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    cycle: Mapped[str] = mapped_column(String(12))  # webapp.domain.maintenance.CYCLES
    anchor_on: Mapped[date] = mapped_column(Date)
    by_contractor: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    equipment: Mapped[Equipment] = relationship()


class MaintenanceRecord(Base):
    """A maintenance task done: by whom, on which local day, with photos and a signature."""

    __tablename__ = "maintenance_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("maintenance_task.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    done_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    signature: Mapped[str] = mapped_column(Text)  # PNG data URL drawn on the signature pad

    task: Mapped[MaintenanceTask] = relationship()
    person: Mapped[Person] = relationship()


class EquipmentRoundPlan(Base):
    """When readings are due at some plant rooms (设备巡检计划), at fixed local times, like a cleaning plan."""

    __tablename__ = "equipment_round_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    times_local: Mapped[str] = mapped_column(String(400))  # "09:00,21:00"
    window_minutes: Mapped[int] = mapped_column(Integer, default=60)
    grace_minutes: Mapped[int] = mapped_column(Integer, default=15)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    checkpoints: Mapped[list[Checkpoint]] = relationship(secondary="equipment_round_checkpoint", order_by="Checkpoint.code")

    @property
    def checkpoint_ids(self) -> list[int]:
        """The ids of its plant rooms (what its form shows checked)."""
        return [c.id for c in self.checkpoints]


class EquipmentRoundCheckpoint(Base):
    """A plant room's checkpoint covered by an equipment round."""

    __tablename__ = "equipment_round_checkpoint"
    plan_id: Mapped[int] = mapped_column(ForeignKey("equipment_round_plan.id", ondelete="CASCADE"), primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id", ondelete="CASCADE"), primary_key=True)
