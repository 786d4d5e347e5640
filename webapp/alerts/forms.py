"""Validation of alert settings: a site's thresholds, robots and quiet hours; a person's own channels."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

CLOCK = Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message=_l("Write a time of day as HH:MM, e.g. 22:00."))
WEBHOOK = Regexp(r"^https?://\S+$", message=_l("A webhook address starts with https://"))
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an email address."))


def _minutes(label, low, high):
    return IntegerField(label, validators=[InputRequired(), NumberRange(low, high)])


class SiteAlertForm(FlaskForm):
    """A site's alert settings."""

    alert_provisional = BooleanField(_l("Alert a provisional miss at once, as \"possibly missed\" (可能漏巡)"))
    escalate_minutes = _minutes(_l("Escalate an unacknowledged alert after (minutes)"), 1, 240)
    lone_worker_minutes = _minutes(_l("Ask a patrolling guard \"are you OK?\" after no scan for (minutes)"), 5, 600)
    lone_answer_minutes = _minutes(_l("Alert when nobody answers within (minutes)"), 1, 60)
    handover_accept_minutes = _minutes(_l("Alert when a signed handover is not accepted within (minutes)"), 5, 600)
    wecom_webhook = StringField(_l("WeCom group robot webhook"), validators=[Optional(), Length(max=500), WEBHOOK])
    dingtalk_webhook = StringField(_l("DingTalk group robot webhook"), validators=[Optional(), Length(max=500), WEBHOOK])
    quiet_start = StringField(_l("Quiet hours from (non-urgent alerts wait)"), validators=[Optional(), CLOCK])
    quiet_end = StringField(_l("Quiet hours until"), validators=[Optional(), CLOCK])


class PersonAlertForm(FlaskForm):
    """How one person gets alerts."""

    email = StringField(_l("Email address for alerts"), validators=[Optional(), Length(max=254), EMAIL])
    email_on = BooleanField(_l("Send me alerts by email"))
    push_on = BooleanField(_l("Send me alerts as notifications on this app"))
    quiet_start = StringField(_l("Quiet hours from (non-urgent alerts wait)"), validators=[Optional(), CLOCK])
    quiet_end = StringField(_l("Quiet hours until"), validators=[Optional(), CLOCK])


SITE_FIELDS = ("alert_provisional", "escalate_minutes", "lone_worker_minutes", "lone_answer_minutes",
               "handover_accept_minutes", "wecom_webhook", "dingtalk_webhook", "quiet_start", "quiet_end")
PERSON_FIELDS = ("email", "email_on", "push_on", "quiet_start", "quiet_end")


@dataclass(frozen=True)
class SosCall:
    """An SOS as the phone sends it."""

    client_uuid: str
    device_time: datetime
    sent_at: datetime
    site_id: int | None
    lat: float | None
    lng: float | None


def _instant(value) -> datetime | None:
    try:
        found = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        return None
    return found if found is not None and found.tzinfo is not None else None


def read_sos(data, allowed_sites: set[int]) -> SosCall | None:
    """The SOS call in a phone's JSON, or None if it is not one (times need their UTC offset)."""
    if not isinstance(data, dict):
        return None
    try:
        call_id = str(uuid.UUID(str(data.get("client_uuid", ""))))
    except ValueError:
        return None
    device_time, sent_at = _instant(data.get("device_time")), _instant(data.get("sent_at"))
    site_id = data.get("site_id")
    position = data.get("position") if isinstance(data.get("position"), dict) else {}
    lat, lng = position.get("lat"), position.get("lng")
    if device_time is None or sent_at is None or (site_id is not None and site_id not in allowed_sites):
        return None
    if not (isinstance(lat, (int, float)) and isinstance(lng, (int, float)) and -90 <= lat <= 90 and -180 <= lng <= 180):
        lat = lng = None
    return SosCall(call_id, device_time, sent_at, site_id if isinstance(site_id, int) else None, lat, lng)
