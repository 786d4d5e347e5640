"""Languages (Simplified Chinese first, English second), translated labels and site-local time formatting."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time
from flask import current_app, request, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.domain.errors import DomainError
from webapp.extensions import babel
from webapp.models import AreaKind, IncidentKind, Purpose, Role, Severity

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}

LABELS = {
    Role.GUARD: _l("Guard"),
    Role.CLEANER: _l("Cleaner"),
    Role.LEAD: _l("Shift lead"),
    Role.SUPERVISOR: _l("Quality supervisor"),
    Role.MANAGER: _l("Site manager"),
    Role.ADMIN: _l("Administrator"),
    AreaKind.BUILDING: _l("Building"),
    AreaKind.FLOOR: _l("Floor"),
    AreaKind.BASEMENT: _l("Basement"),
    AreaKind.GATE: _l("Gate"),
    AreaKind.ROOF: _l("Roof"),
    AreaKind.PLANT_ROOM: _l("Plant room"),
    AreaKind.OUTDOOR: _l("Grounds"),
    Purpose.PATROL: _l("Patrol"),
    Purpose.CLEANING: _l("Cleaning"),
    Purpose.BOTH: _l("Patrol and cleaning"),
    IncidentKind.DAMAGE: _l("Damage"),
    IncidentKind.LEAK: _l("Leak"),
    IncidentKind.FIRE_SAFETY: _l("Fire safety"),
    IncidentKind.SECURITY: _l("Security"),
    IncidentKind.CLEANLINESS: _l("Cleanliness"),
    IncidentKind.OTHER: _l("Other"),
    Severity.LOW: _l("Low"),
    Severity.MEDIUM: _l("Medium"),
    Severity.HIGH: _l("High"),
    Severity.CRITICAL: _l("Critical"),
}

DOMAIN_MESSAGES = {
    "unknown_timezone": _l("Unknown time zone: %(name)s"),
    "invalid_batch": _l("This batch cannot be read: %(detail)s"),
    "invalid_event": _l("This record is malformed: %(detail)s"),
    "token_unknown": _l("This QR code is not a checkpoint label of Rounds."),
    "token_replaced": _l("This label was replaced on %(date)s and no longer counts. Scan the new label."),
    "token_foreign_site": _l("This checkpoint belongs to a site you do not work at."),
    "checkpoint_inactive": _l("This checkpoint is no longer in use."),
    "not_for_patrol": _l("This checkpoint is not a patrol point."),
    "not_for_cleaning": _l("This checkpoint has no cleaning checklist."),
    "role_cannot_clean": _l("Only cleaners, leads and supervisors log cleaning checks."),
    "checklist_mismatch": _l("Answer every item of this checkpoint's checklist once (items in question: %(items)s)."),
    "photo_unknown": _l("Photo %(id)s has not been uploaded yet: send the photo first."),
    "photo_already_used": _l("Photo %(id)s already belongs to another record."),
    "photo_uuid_taken": _l("This photo id was already used by someone else."),
    "incident_without_place": _l("Say where it is: a checkpoint, or the place in words."),
    "event_after_sending": _l("This record is dated after it was sent; the phone's clock is wrong."),
    "code_unknown": _l("No checkpoint of your sites has the code %(code)s."),
    "signature_missing": _l("Sign in the box with your finger first."),
    "wrong_password": _l("That password is not right."),
    "handover_closed": _l("This handover is closed and sealed: it cannot change. Add an addendum instead."),
    "handover_wrong_step": _l("This handover is not at that step any more. Reload the page."),
    "not_outgoing_lead": _l("Only the outgoing lead of this shift prepares and signs its handover."),
    "same_lead": _l("The incoming lead must be someone other than the outgoing lead."),
    "refusal_needs_reason": _l("Name the fault that must be resolved before you take over."),
    "handover_not_closed": _l("Addenda are added to closed handovers only."),
    "addendum_needs_text": _l("Write the correction."),
    "bad_count": _l("Not a count: %(value)s"),
    "gap_gone": _l("This exception no longer exists (a late record may have resolved it)."),
    "gap_step_not_allowed": _l("You cannot take this step on this exception."),
    "gap_needs_reason": _l("Give a reason."),
    "bad_time_of_day": _l("Not a time of day: %(value)s (write it as 08:00)"),
    "bad_interval": _l("The interval must be a positive number of minutes, not %(value)s"),
    "plan_without_times": _l("A plan needs either an interval or at least one time of day"),
    "bad_window": _l("Windows and grace periods cannot be negative"),
    "photo_too_large": _l("This photo is %(size_mb)s MB; photos may be at most %(max_mb)s MB."),
    "photo_not_an_image": _l("This file is not a picture. Send a photo (JPEG, PNG or HEIC)."),
    "photo_unsupported": _l("%(format)s pictures are not accepted. Send a photo as JPEG, PNG or HEIC."),
    "photo_truncated": _l("This photo is incomplete or damaged, perhaps cut off while sending. Send it again."),
    "photo_too_many_pixels": _l("This picture has %(megapixels)s megapixels; at most %(max_megapixels)s are accepted."),
    "password_too_short": _l("At least %(min)s characters."),
    "password_only_digits": _l("Not digits only: add letters or signs."),
    "password_is_login": _l("The password must not be the phone number or username."),
    "password_is_name": _l("The password must not be the person's name."),
    "password_common": _l("This password is one of the most common ones; choose another."),
}


def domain_message(error: DomainError) -> str:
    """The translated message for a domain error."""
    return message_for(error.code, error.params)


def message_for(code: str, params: dict) -> str:
    """The translated message for an error code and its parameters."""
    template = DOMAIN_MESSAGES.get(code)
    return str(template) % params if template else code


GROUP_LABELS = {
    "state": {"done": _l("Done"), "late": _l("Done late"), "early": _l("Done early"), "missed": _l("Missed"),
              "incomplete": _l("Incomplete"), "open": _l("Due now"), "upcoming": _l("Upcoming"), "failed": _l("Failed items")},
    "life": {"open": _l("Unexplained"), "explained": _l("Explained"), "accepted": _l("Accepted"), "rejected": _l("Rejected")},
    "step": {"explain": _l("Explain"), "accept": _l("Accept"), "reject": _l("Reject"), "acknowledge": _l("Acknowledge")},
    "handover": {"open": _l("Being prepared"), "signed": _l("Signed, waiting for the incoming lead"),
                 "refused": _l("Refused"), "closed": _l("Closed and sealed")},
    "chain": {"altered": _l("altered after sealing"), "broken_link": _l("does not follow the record before it"),
              "missing_before": _l("a record before it is missing")},
    "severity": {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low"), "critical": _l("Critical")},
}


GAP_MESSAGES = {
    "round_not_started": _l("The %(opens)s round of %(route)s was not started (window %(opens)s–%(closes)s, grace until %(late_after)s)."),
    "round_incomplete": _l("The %(opens)s round of %(route)s is incomplete: %(visited)s of %(total)s checkpoints scanned, %(missing)s missing."),
    "checkpoint_missed": _l("%(checkpoint)s was not scanned in the %(opens)s round of %(route)s."),
    "round_started_late": _l("The %(opens)s round of %(route)s started at %(started)s, %(minutes)s min after its window closed at %(closes)s."),
    "round_started_early": _l("The %(opens)s round of %(route)s started at %(started)s, %(minutes)s min before its window opened."),
    "out_of_order": _l("%(count)s checkpoint(s) of the %(opens)s round of %(route)s scanned out of the route's order, first %(checkpoint)s at %(at)s."),
    "too_fast": _l("%(from_checkpoint)s (%(from_at)s) to %(to_checkpoint)s (%(to_at)s) took %(minutes_taken)s min; the route needs at least %(minutes_needed)s min."),
    "burst": _l("%(count)s scans in %(minutes)s min (%(from)s–%(to)s) at %(checkpoints)s checkpoint(s)."),
    "duplicate_scan": _l("%(checkpoint)s scanned %(count)s times within %(minutes)s min from %(at)s."),
    "photo_missing_scan": _l("The scan of %(checkpoint)s at %(at)s has no photo; this checkpoint requires one."),
    "photo_missing_check": _l("The cleaning check of %(checkpoint)s at %(at)s has no photo; this checkpoint requires one."),
    "cleaning_missed": _l("No cleaning check of %(checkpoint)s in its %(opens)s–%(closes)s window."),
    "cleaning_late": _l("%(checkpoint)s was checked at %(at)s, %(minutes)s min after its window closed at %(closes)s."),
    "cleaning_failed": _l("The cleaning check of %(checkpoint)s at %(at)s failed %(count)s item(s): %(items)s."),
    "not_on_shift": _l("%(count)s record(s) between %(from)s and %(to)s by someone not on this shift."),
    "clock_ahead": _l("A phone's clock was %(minutes)s min fast (%(count)s record(s) from %(from)s); their times were corrected."),
    "clock_behind": _l("A phone's clock was %(minutes)s min slow (%(count)s record(s) from %(from)s); their times were corrected."),
    "outside_radius": _l("%(checkpoint)s was scanned at %(at)s from %(distance_m)s m away (allowed %(radius_m)s m, accuracy ±%(accuracy_m)s m)."),
    "no_activity": _l("No scan at all from %(from)s to %(to)s (%(minutes)s min)."),
    "no_activity_ongoing": _l("No scan at all since %(from)s (%(minutes)s min so far)."),
}


def gap_sentence(code: str, params: dict) -> str:
    """The one-line explanation of a gap in the person's language."""
    template = GAP_MESSAGES.get(code)
    try:
        return str(template) % params if template else code
    except (KeyError, TypeError, ValueError):
        return str(template)


def label_of(group: str, value: str) -> str:
    """The translated name of a state, step or kind within a group ("kind" is an incident's kind)."""
    if group == "kind":
        return label(IncidentKind(value)) if value in IncidentKind._value2member_map_ else value
    return str(GROUP_LABELS.get(group, {}).get(value, value))


def label(value) -> str:
    """The translated name of a role, area kind, purpose, incident kind or severity."""
    return str(LABELS.get(value, value))


def select_locale() -> str:
    """The signed-in person's language, else the one chosen on the sign-in page, else the default."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


DATETIME_PATTERNS = {"zh": "yyyy/MM/dd HH:mm", "en": "d MMM yyyy HH:mm"}  # 24-hour clock, as on site


def site_time(instant: datetime | None, tz_name: str) -> str:
    """An instant shown as the site's clocks show it, in the person's language."""
    if instant is None:
        return "—"
    locale = str(get_locale())
    return format_datetime(instant, DATETIME_PATTERNS.get(locale, DATETIME_PATTERNS["zh"]), tzinfo=ZoneInfo(tz_name),
                           locale=locale)


def site_clock(instant: datetime | None, tz_name: str) -> str:
    """Only the hour and minute of an instant, in the site's zone."""
    if instant is None:
        return "—"
    return format_time(instant, "HH:mm", tzinfo=ZoneInfo(tz_name), locale=str(get_locale()))


def init_app(app) -> None:
    """Bind Flask-Babel and give templates the label and time filters."""
    babel.init_app(app, locale_selector=select_locale)  # catalogues in webapp/translations
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["site_time"] = site_time
    app.jinja_env.filters["site_clock"] = site_clock
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["label_of"] = label_of
    app.jinja_env.globals["gap_sentence"] = gap_sentence
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
