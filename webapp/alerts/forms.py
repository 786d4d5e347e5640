"""Validation of alert settings: a site's thresholds, robots and quiet hours; a person's own channels."""
from __future__ import annotations

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
