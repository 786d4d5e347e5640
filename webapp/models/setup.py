"""What a manager describes: checkpoints, routes, plans, shift templates and shifts."""
from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, new_token, utcnow
from webapp.models.org import Area, Person, Site, _enum


class Purpose(str, enum.Enum):
    """What a checkpoint is visited for."""

    PATROL = "patrol"
    CLEANING = "cleaning"
    BOTH = "both"


class Checkpoint(Base):
    """A place with a QR label (巡更点/巡检点)."""

    __tablename__ = "checkpoint"
    __table_args__ = (UniqueConstraint("site_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))  # short human-readable code printed on the label
    name: Mapped[str] = mapped_column(String(200))
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    token_issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    purpose: Mapped[Purpose] = mapped_column(_enum(Purpose, "purpose"), default=Purpose.PATROL)
    photo_required: Mapped[bool] = mapped_column(Boolean, default=False)
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    radius_m: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    site: Mapped[Site] = relationship()
    area: Mapped[Area | None] = relationship()
    checklist: Mapped[list[ChecklistItem]] = relationship(
        back_populates="checkpoint", order_by="ChecklistItem.position", cascade="all, delete-orphan"
    )

    @property
    def for_patrol(self) -> bool:
        return self.purpose in (Purpose.PATROL, Purpose.BOTH)

    @property
    def for_cleaning(self) -> bool:
        return self.purpose in (Purpose.CLEANING, Purpose.BOTH)


class RetiredToken(Base):
    """A QR token that was replaced: scans of it are refused with the date it stopped working."""

    __tablename__ = "retired_token"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    checkpoint: Mapped[Checkpoint] = relationship()


class ChecklistItem(Base):
    """One line of a checkpoint's cleaning checklist (e.g. handrails free of dust)."""

    __tablename__ = "checklist_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    checkpoint: Mapped[Checkpoint] = relationship(back_populates="checklist")


class Route(Base):
    """A patrol route (巡更路线): checkpoints in order."""

    __tablename__ = "route"
    __table_args__ = (UniqueConstraint("site_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    site: Mapped[Site] = relationship()
    stops: Mapped[list[RouteStop]] = relationship(
        back_populates="route", order_by="RouteStop.position", cascade="all, delete-orphan"
    )


class RouteStop(Base):
    """A checkpoint's place in a route, with the least plausible walk from the stop before it."""

    __tablename__ = "route_stop"
    __table_args__ = (UniqueConstraint("route_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("route.id", ondelete="CASCADE"), index=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    min_walk_minutes: Mapped[float] = mapped_column(Float, default=0.0)  # from the previous stop

    route: Mapped[Route] = relationship(back_populates="stops")
    checkpoint: Mapped[Checkpoint] = relationship()


class ShiftTemplate(Base):
    """A shift as planned (白班/夜班): local start and end, which may cross midnight."""

    __tablename__ = "shift_template"
    __table_args__ = (UniqueConstraint("site_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    start_local: Mapped[time] = mapped_column(Time)
    end_local: Mapped[time] = mapped_column(Time)
    patrol: Mapped[bool] = mapped_column(Boolean, default=True)  # whether rounds are walked on it
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    site: Mapped[Site] = relationship()


class PatrolPlan(Base):
    """When rounds of a route are due (巡更计划): every N minutes in a shift, or at fixed local times."""

    __tablename__ = "patrol_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("route.id"), index=True)
    shift_template_id: Mapped[int | None] = mapped_column(ForeignKey("shift_template.id"))
    name: Mapped[str] = mapped_column(String(200))
    interval_minutes: Mapped[int | None] = mapped_column(Integer)  # one round every N minutes of the shift
    times_local: Mapped[str] = mapped_column(String(400), default="")  # or "09:00,13:00,17:00"
    window_minutes: Mapped[int] = mapped_column(Integer, default=30)  # a round must start within this
    grace_minutes: Mapped[int] = mapped_column(Integer, default=15)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    site: Mapped[Site] = relationship()
    route: Mapped[Route] = relationship()
    shift_template: Mapped[ShiftTemplate | None] = relationship()


class CleaningPlan(Base):
    """When cleaning checks are due at some checkpoints (保洁计划), at fixed local times."""

    __tablename__ = "cleaning_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    times_local: Mapped[str] = mapped_column(String(400))  # "08:00,14:00"
    window_minutes: Mapped[int] = mapped_column(Integer, default=60)
    grace_minutes: Mapped[int] = mapped_column(Integer, default=15)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    site: Mapped[Site] = relationship()
    checkpoints: Mapped[list[Checkpoint]] = relationship(secondary="cleaning_plan_checkpoint", order_by="Checkpoint.code")


class CleaningPlanCheckpoint(Base):
    """A checkpoint covered by a cleaning plan."""

    __tablename__ = "cleaning_plan_checkpoint"
    plan_id: Mapped[int] = mapped_column(ForeignKey("cleaning_plan.id", ondelete="CASCADE"), primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id", ondelete="CASCADE"), primary_key=True)


class Shift(Base):
    """A shift as worked: its site, its instants in UTC, its lead and staff (the roster)."""

    __tablename__ = "shift"
    __table_args__ = (UniqueConstraint("template_id", "local_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("shift_template.id"), index=True)
    local_date: Mapped[date] = mapped_column(Date)  # the local date the shift starts on
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    site: Mapped[Site] = relationship()
    template: Mapped[ShiftTemplate] = relationship()
    lead: Mapped[Person | None] = relationship()
    members: Mapped[list[ShiftMember]] = relationship(back_populates="shift", cascade="all, delete-orphan")

    @property
    def staff(self) -> list[Person]:
        return [m.person for m in self.members]


class ShiftMember(Base):
    """A person on the roster of a shift."""

    __tablename__ = "shift_member"
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)

    shift: Mapped[Shift] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()
