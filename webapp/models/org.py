"""The company, its sites and areas, and the people who work there."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, Enum, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.models.base import Base, UTCDateTime, utcnow


class Role(str, enum.Enum):
    """What a person does; decides the pages they may reach."""

    GUARD = "guard"
    CLEANER = "cleaner"
    LEAD = "lead"
    SUPERVISOR = "supervisor"  # 品质督导
    MANAGER = "manager"  # 项目经理
    ADMIN = "admin"
    ENGINEER = "engineer"  # 工程维修
    FRONT_DESK = "front_desk"  # 客服
    CLIENT = "client"  # the client's read-only account (业委会、开发商、业主方): the portal only


class AreaKind(str, enum.Enum):
    """What kind of place an area is."""

    BUILDING = "building"
    FLOOR = "floor"
    BASEMENT = "basement"
    GATE = "gate"
    ROOF = "roof"
    PLANT_ROOM = "plant_room"
    OUTDOOR = "outdoor"


def _enum(cls, name):
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e], native_enum=False, length=20)


person_sites = Table(
    "person_site",
    Base.metadata,
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("site.id", ondelete="CASCADE"), primary_key=True),
)


class Company(Base):
    """A property-management company (物业公司)."""

    __tablename__ = "company"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the client portal's live board shows staff names only if the company chooses so
    clients_see_staff_names: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    sites: Mapped[list[Site]] = relationship(back_populates="company", order_by="Site.name")


class Site(Base):
    """One property under management (项目/小区), with its own time zone."""

    __tablename__ = "site"
    __table_args__ = (UniqueConstraint("company_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    company: Mapped[Company] = relationship(back_populates="sites")
    areas: Mapped[list[Area]] = relationship(back_populates="site", order_by="Area.name")


class Area(Base):
    """A part of a site: a building, a floor, a basement, a gate, a plant room."""

    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("site_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AreaKind] = mapped_column(_enum(AreaKind, "area_kind"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    site: Mapped[Site] = relationship(back_populates="areas")
    parent: Mapped[Area | None] = relationship(remote_side=[id])


class Person(UserMixin, Base):
    """Someone who signs in: guard, cleaner, lead, supervisor, manager or administrator."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    login: Mapped[str] = mapped_column(String(64), unique=True)  # phone number or username
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # in a row, since the last success
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    company: Mapped[Company] = relationship()
    sites: Mapped[list[Site]] = relationship(secondary=person_sites, order_by="Site.name")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive people
        return self.active

    # the key of the session this person was loaded for (set at sign-in and by the session check, never stored)
    session_key: str = ""

    def get_id(self) -> str:
        """What the session cookie keeps: the person and their session's key, checked against the database each request."""
        return f"{self.id}:{self.session_key}"

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password, never the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)


class PersonSession(Base):
    """One sign-in of a person on one phone or computer, checked on every request: ending it makes its cookie useless."""

    __tablename__ = "person_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)  # the cookie holds the key, the database its hash
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_why: Mapped[str] = mapped_column(String(20), default="")  # sign_out, password, end_sessions
