"""Alerts (告警) and every attempt to deliver them; who wants them how; phones' push subscriptions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utcnow
from webapp.models.org import Person, Site


class Alert(Base):
    """One alert, kept for good: raised once per key, escalated lead → supervisor → manager until acknowledged."""

    __tablename__ = "alert"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    kind: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(200), unique=True)  # de-duplication: the same gap never alerts twice
    severity: Mapped[str] = mapped_column(String(10))
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)  # "可能漏巡": a phone may still hold the scans
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))  # whom it is about
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    start_level: Mapped[int] = mapped_column(Integer, default=0)  # 0 lead, 1 supervisor, 2 manager
    level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    site: Mapped[Site] = relationship()
    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
    acknowledged_by: Mapped[Person | None] = relationship(foreign_keys=[acknowledged_by_id])
    deliveries: Mapped[list[AlertDelivery]] = relationship(back_populates="alert", order_by="AlertDelivery.id")


class AlertDelivery(Base):
    """One alert to one channel (and one person, for personal channels), with every attempt counted."""

    __tablename__ = "alert_delivery"
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column(Integer, default=0)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))  # None: a group robot
    channel: Mapped[str] = mapped_column(String(12))  # email / push / wecom / dingtalk
    target: Mapped[str] = mapped_column(String(1000))  # address, endpoint or webhook URL
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)  # queued / sent / failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    alert: Mapped[Alert] = relationship(back_populates="deliveries")
    person: Mapped[Person | None] = relationship()


class AlertSiteSetting(Base):
    """A site's alert settings: thresholds, its group robots' webhooks and quiet hours for non-urgent alerts."""

    __tablename__ = "alert_site_setting"
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), primary_key=True)
    alert_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    escalate_minutes: Mapped[int] = mapped_column(Integer, default=15)
    lone_worker_minutes: Mapped[int] = mapped_column(Integer, default=45)
    lone_answer_minutes: Mapped[int] = mapped_column(Integer, default=5)
    handover_accept_minutes: Mapped[int] = mapped_column(Integer, default=30)
    wecom_webhook: Mapped[str] = mapped_column(String(500), default="")  # 企业微信群机器人
    dingtalk_webhook: Mapped[str] = mapped_column(String(500), default="")  # 钉钉群机器人
    quiet_start: Mapped[str] = mapped_column(String(5), default="")  # "22:00", site-local
    quiet_end: Mapped[str] = mapped_column(String(5), default="")


class AlertPersonSetting(Base):
    """How one person wants alerts: email address, push on or off, quiet hours of their own."""

    __tablename__ = "alert_person_setting"
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    email_on: Mapped[bool] = mapped_column(Boolean, default=True)
    push_on: Mapped[bool] = mapped_column(Boolean, default=True)
    quiet_start: Mapped[str] = mapped_column(String(5), default="")
    quiet_end: Mapped[str] = mapped_column(String(5), default="")


class PushSubscription(Base):
    """A phone's Web Push subscription (the browser's endpoint and keys) for one person."""

    __tablename__ = "push_subscription"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckIn(Base):
    """A lone worker's answer "I'm OK" (or any sign of life that is not a scan)."""

    __tablename__ = "check_in"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
