"""Languages (Simplified Chinese first, English second), translated labels and site-local time formatting."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time, get_timezone_name
from babel.numbers import format_decimal
from flask import current_app, request, session
from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.domain.durations import humanize_minutes
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
    Role.ENGINEER: _l("Maintenance engineer"),
    Role.FRONT_DESK: _l("Front desk"),
    Role.CLIENT: _l("Client (read-only)"),
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
    "count_missing": _l("Count every item before accepting. Not counted yet: %(names)s"),
    "count_differs": _l("Your count differs from what was handed over: %(items)s. Count again, or confirm the "
                        "differences to accept with them in the record."),
    "item_duplicate": _l("Listed twice: %(names)s. Put each item on one line."),
    "gap_gone": _l("This exception no longer exists (a late record may have resolved it)."),
    "gap_step_not_allowed": _l("You cannot take this step on this exception."),
    "gap_needs_reason": _l("Give a reason."),
    "cover_not_here": _l("That person does not work at this site."),
    "cover_already_on": _l("That person is already on this shift."),
    "cover_shift_over": _l("This shift is over: nobody can be put on it any more."),
    "bad_time_of_day": _l("Not a time of day: %(value)s (write it as 08:00)"),
    "bad_interval": _l("The interval must be a positive number of minutes, not %(value)s"),
    "plan_without_times": _l("A plan needs either an interval or at least one time of day"),
    "bad_window": _l("Windows and grace periods cannot be negative"),
    "plan_minutes_too_many": _l("At most %(most)s minutes (a week)"),
    "photo_too_large": _l("This photo is %(size_mb)s MB; photos may be at most %(max_mb)s MB."),
    "photo_not_an_image": _l("This file is not a picture. Send a photo (JPEG, PNG, HEIC or WebP)."),
    "photo_unsupported": _l("%(format)s pictures are not accepted. Send a photo as JPEG, PNG, HEIC or WebP."),
    "photo_animated": _l("Animated pictures are not accepted. Send a still photo."),
    "photo_truncated": _l("This photo is incomplete or damaged, perhaps cut off while sending. Send it again."),
    "photo_too_many_pixels": _l("This picture has %(megapixels)s megapixels; at most %(max_megapixels)s are accepted."),
    "password_too_short": _l("At least %(min)s characters."),
    "password_only_digits": _l("Not digits only: add letters or signs."),
    "password_is_login": _l("The password must not be the phone number or username."),
    "password_is_name": _l("The password must not be the person's name."),
    "password_common": _l("This password is one of the most common ones; choose another."),
    # quality: scoring and the lives of notices, work orders and violations (webapp/domain)
    "answers_mismatch": _l("Mark every item of the sheet once (items in question: %(items)s)."),
    "invalid_mark": _l("Item %(item)s has a mark this sheet does not use."),
    "step_out_of_order": _l("This step is dated before the last one. Check the phone's clock."),
    "deadline_in_past": _l("The deadline must be later than now."),
    "deadline_required": _l("Set a new deadline."),
    "note_required": _l("Write a note."),
    "assignee_required": _l("Choose who is responsible."),
    "reason_required": _l("Give the reason."),
    "action_not_allowed": _l("This step is not possible now (%(action)s while %(state)s). Reload the page."),
    "unknown_category": _l("Unknown repair category: %(category)s"),
    "satisfaction_required": _l("Say whether the resident was satisfied."),
    "invalid_points": _l("Points must be a whole number from 1 to 100."),
    "self_violation": _l("You cannot write a violation ticket against yourself."),
    "not_yours": _l("Only the person concerned can do this."),
    "self_decision": _l("Someone other than the person concerned decides on a contested ticket."),
    "unknown_method": _l("Unknown scoring method: %(method)s"),
    "invalid_full_marks": _l("Full marks must be more than 0, not %(value)s."),
    "invalid_pass_mark": _l("The pass mark is a percent from 0 to 100, not %(value)s."),
    "duplicate_item": _l("Item %(item)s appears twice on the sheet."),
    "invalid_weight": _l("Item %(item)s: the weight must be a positive number, not %(value)s."),
    "unknown_severity": _l("Unknown severity: %(severity)s"),
    "invalid_weekday": _l("Not a day of the week: %(weekday)s"),
    "window_ends_before_start": _l("The inspection hours must end after they start (%(starts)s–%(ends)s)."),
    "invalid_count": _l("%(field)s cannot be %(value)s."),
    "inconsistent_counts": _l("%(field)s cannot be more than %(total)s."),
    "invalid_percent": _l("%(field)s must be a percent from 0 to 100."),
    "invalid_month": _l("Not a month: %(year)s-%(month)s"),
    # inspections (webapp/inspections)
    "role_cannot_inspect": _l("Only quality supervisors, site managers and administrators make inspections."),
    "inspection_site_not_yours": _l("This site is not one you work at."),
    "inspection_area_not_of_site": _l("This area is not part of the site inspected."),
    "inspection_template_unknown": _l("This scoring sheet is not in use (retired, or of another company). Start the inspection again."),
    "failed_item_unexplained": _l("A failed item needs a note or a photo: %(item)s"),
    "countersign_not_of_site": _l("Only a shift or a handover of the site inspected can be countersigned."),
    "template_not_current": _l("This version of the sheet is no longer in use: edit the current version."),
    # notices (webapp/notices)
    "notice_not_assignee": _l("Only the person responsible for this notice submits the fix."),
    "notice_not_checker": _l("Only the issuer of this notice or a manager of the site can do this."),
    "notice_own_recheck": _l("You cannot re-check a fix you submitted yourself."),
    "notice_after_photo_required": _l("Add a photo taken after the fix."),
    # violations (webapp/violations)
    "violation_not_decider": _l("Only a manager of the site decides a contested ticket."),
    "violation_unknown_rule": _l("Choose the rule that was broken."),
    "violation_unknown_person": _l("Choose a person who works at this site."),
    # work orders (webapp/orders)
    "order_step_unknown": _l("Choose a step to take on this work order."),
    "order_step_refused": _l("Your role cannot take this step on a work order."),
    "order_not_assignee": _l("Only the engineer this work order is assigned to can do this."),
    "order_assignee_invalid": _l("Choose an engineer who works at this work order's site."),
    "order_same_assignee": _l("This engineer has the work order already: choose someone else."),
    "after_photo_required": _l("Add at least one photo of the finished work."),
    "order_too_many_photos": _l("At most %(count)s photos here."),
    # plant rooms: readings and maintenance (webapp/equipment, webapp/domain/readings.py, maintenance.py)
    "reading_item_unknown": _l("This reading item is not at the checkpoint scanned."),
    "reading_not_a_number": _l("Not a number: %(value)s"),
    "reading_bad_choice": _l("Choose running, stopped or fault, not %(value)s."),
    "reading_required": _l("Write what you read."),
    "reading_too_long": _l("At most %(max)s characters."),
    "reading_evidence_missing": _l("An abnormal reading needs a note and a photo."),
    "bad_reading_kind": _l("Not a kind of reading: %(value)s"),
    "bad_bound": _l("The normal range must be an ordinary number."),
    "range_on_non_number": _l("Only a number has a normal range, a unit or a meter."),
    "low_above_high": _l("The normal range begins above its end."),
    "bad_jump": _l("The largest rise is for a meter and must be above zero."),
    "bad_cycle": _l("Not a maintenance cycle: %(value)s"),
    # scorecards and the quality board (webapp/scorecards)
    "bad_month": _l("Not a month: %(value)s (write it as 2026-11)"),
    # reports (webapp/reports)
    "report_bad_period": _l("Not a kind of period: %(value)s (choose day, week, month or from … to …)"),
    "report_bad_date": _l("Not a date: %(value)s (write it as 2026-11-25)"),
    "report_dates_missing": _l("Choose both the first and the last day of the period."),
    "report_dates_reversed": _l("The period ends (%(last)s) before it begins (%(first)s)."),
    "report_in_future": _l("This period begins on %(first)s, after today (%(today)s): a report counts days gone by."),
    "report_period_too_long": _l("A report covers at most %(days)s days: choose a shorter period."),
    "report_bad_photos": _l("Photos per section: a number from 0 to %(most)s, not %(value)s."),
    "report_bad_figure": _l("This report has no such figure."),
    # client portal (webapp/portal)
    # scheduled reports and the meeting pack (webapp/reports/jobs)
    "generated_bad_kind": _l("Not a kind of report: %(value)s"),
    "generated_released": _l("This report has been released to the client and can no longer be changed."),
    "generated_not_ready": _l("Only a report that is ready can be released (this one is %(state)s)."),
}


def domain_message(error: DomainError) -> str:
    """The translated message for a domain error."""
    return message_for(error.code, error.params)


def message_for(code: str, params: dict) -> str:
    """The translated message for an error code and its parameters."""
    template = DOMAIN_MESSAGES.get(code)
    days = {k: local_date(v) for k, v in params.items() if isinstance(v, date) and not isinstance(v, datetime)}
    return str(template) % {**params, **days} if template else code


GROUP_LABELS = {
    "state": {"done": _l("Done"), "late": _l("Done late"), "early": _l("Done early"), "missed": _l("Missed"),
              "incomplete": _l("Incomplete"), "open": _l("Due now"), "upcoming": _l("Upcoming"), "failed": _l("Failed items")},
    "life": {"open": _l("Unexplained"), "explained": _l("Explained"), "accepted": _l("Accepted"), "rejected": _l("Rejected")},
    "step": {"explain": _l("Explain"), "accept": _l("Accept"), "reject": _l("Reject"), "acknowledge": _l("Acknowledge")},
    "handover": {"open": _l("Being prepared"), "signed": _l("Signed, waiting for the incoming lead"),
                 "refused": _l("Refused"), "closed": _l("Closed and sealed")},
    "chain": {"altered": _l("altered after sealing"), "broken_link": _l("does not follow the record before it"),
              "missing_before": _l("a record before it is missing"),
              "evidence_absent": _l("sealed without its evidence"),
              "evidence_root": _l("the evidence list does not match its Merkle root"),
              "evidence_added": _l("record added after sealing"), "evidence_removed": _l("record removed after sealing"),
              "evidence_changed": _l("record changed after sealing"), "photo_missing": _l("photo file missing"),
              "photo_bytes": _l("photo bytes no longer match their SHA-256"),
              "addendum_altered": _l("addendum altered, removed or out of order"), "unreadable": _l("unreadable content"),
              "seal_signature": _l("the sealing key's signature does not match (hashes recomputed without the key?)"),
              "addendum_signature": _l("the addendum's signature by the sealing key does not match"),
              "truncated": _l("records witnessed outside the database are missing from the end of the chain"),
              "witness_missing": _l("a record witnessed outside the database is missing"),
              "witness_mismatch": _l("differs from the hash witnessed outside the database"),
              "addendum_missing": _l("an addendum witnessed outside the database is missing")},
    "evidence": {"scan": _l("Scan record"), "check": _l("Cleaning check"), "incident": _l("Incident record"),
                 "photo": _l("Photo record"), "gap_step": _l("Exception step"), "item": _l("Handed-over item"),
                 "signature_out": _l("Outgoing lead's signature"), "signature_in": _l("Incoming lead's signature"),
                 "addendum": _l("Addendum record")},
    "severity": {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low"), "critical": _l("Critical")},
    "notice": {"open": _l("To fix"), "submitted": _l("Fixed, waiting for re-check"), "closed": _l("Closed")},
    "order": {"received": _l("Received"), "assigned": _l("Assigned"), "in_progress": _l("In progress"), "done": _l("Done"),
              "followed_up": _l("Followed up"), "archived": _l("Archived")},
    "violation": {"issued": _l("Issued"), "acknowledged": _l("Accepted by the person"), "contested": _l("Contested"),
                  "upheld": _l("Upheld"), "overturned": _l("Overturned")},
    "department": {"environment": _l("Environment (cleaning and grounds)"), "security": _l("Security"),
                   "control_room": _l("Control room"), "engineering": _l("Engineering"), "front_desk": _l("Front desk")},
    "place": {"stairwell": _l("Stairwell"), "lobby": _l("Lobby"), "lift_car": _l("Lift car"), "plant_room": _l("Plant room"),
              "gate": _l("Gate"), "roof": _l("Roof"), "green_space": _l("Green space"), "guard_post": _l("Guard post"),
              "control_room": _l("Control room"), "front_desk": _l("Front desk")},
    "method": {"deduction": _l("Deductions from full marks"), "scale": _l("5 / 3 / 1 per item")},
    "category": {"urgent": _l("Urgent (leak, outage)"), "electrical": _l("Electrical"), "plumbing": _l("Plumbing"),
                 "facility": _l("Facilities"), "ordinary": _l("Ordinary repair")},
    "rule": {"asleep_on_duty": _l("Asleep on duty"), "missed_round": _l("Missed round without reason"),
             "uniform": _l("Uniform or grooming"), "absent": _l("Absent from post"), "conduct": _l("Conduct towards residents"),
             "records": _l("Records not kept"), "other": _l("Other")},
    "notice_step": {"issue": _l("Issued"), "submit": _l("Fix submitted"), "pass": _l("Re-check passed"),
                    "fail": _l("Re-check failed"), "reassign": _l("Reassigned"), "extend": _l("Deadline extended")},
    "violation_step": {"issue": _l("Issued"), "acknowledge": _l("Accepted by the person"), "contest": _l("Contested"),
                       "uphold": _l("Upheld"), "overturn": _l("Overturned")},
    "order_step": {"raise": _l("Received"), "assign": _l("Assign"), "reassign": _l("Reassign"), "start": _l("Start work"),
                   "finish": _l("Finish"), "follow_up": _l("Follow up"), "reopen": _l("Reopen"), "archive": _l("Archive")},
    "satisfaction": {"satisfied": _l("Satisfied"), "unsatisfied": _l("Not satisfied")},
    "window": {"done": _l("Inspected"), "late": _l("Inspected late"), "missed": _l("Not inspected"),
               "pending": _l("Due now"), "upcoming": _l("Upcoming")},
    # client portal (webapp/portal): the kinds of released reports
    "released_report": {"weekly_inspection": _l("Weekly inspection report"), "monthly_summary": _l("Monthly service report"),
                        "meeting_pack": _l("Quality meeting pack"), "custom": _l("Report of a chosen period")},
    # scheduled reports and the meeting pack (webapp/reports/jobs)
    "generated": {"weekly_inspection": _l("Weekly inspection report"), "monthly_summary": _l("Monthly service report"),
                  "meeting_pack": _l("Quality meeting pack"), "custom": _l("Report of a chosen period")},
    "generated_state": {"queued": _l("Queued"), "running": _l("Being generated"), "ready": _l("Ready"),
                        "failed": _l("Generation failed")},
}


GAP_MESSAGES: dict[str, object] = {  # a sentence, or a function choosing the plural form by a count of the gap
    "round_not_started": _l("The %(opens)s round of %(route)s was not started (window %(opens)s–%(closes)s, grace until %(late_after)s)."),
    "round_incomplete": _l("The %(opens)s round of %(route)s is incomplete: %(visited)s of %(total)s checkpoints scanned, %(missing)s missing."),
    "checkpoint_missed": _l("%(checkpoint)s was not scanned in the %(opens)s round of %(route)s."),
    "round_started_late": _l("The %(opens)s round of %(route)s started at %(started)s, %(minutes)s min after its window closed at %(closes)s."),
    "round_started_early": _l("The %(opens)s round of %(route)s started at %(started)s, %(minutes)s min before its window opened."),
    "out_of_order": lambda p: ngettext(
        "%(count)s checkpoint of the %(opens)s round of %(route)s scanned out of the route's order, first %(checkpoint)s at %(at)s.",
        "%(count)s checkpoints of the %(opens)s round of %(route)s scanned out of the route's order, first %(checkpoint)s at %(at)s.",
        p["count"], **p),
    "too_fast": _l("%(from_checkpoint)s (%(from_at)s) to %(to_checkpoint)s (%(to_at)s) took %(minutes_taken)s min; the route needs at least %(minutes_needed)s min."),
    "burst": lambda p: ngettext("%(count)s scans in %(minutes)s min (%(from)s–%(to)s) at %(checkpoints)s checkpoint.",
                                "%(count)s scans in %(minutes)s min (%(from)s–%(to)s) at %(checkpoints)s checkpoints.",
                                p["checkpoints"], **p),
    "duplicate_scan": _l("%(checkpoint)s scanned %(count)s times within %(minutes)s min from %(at)s."),
    "photo_missing_scan": _l("The scan of %(checkpoint)s at %(at)s has no photo; this checkpoint requires one."),
    "photo_missing_check": _l("The cleaning check of %(checkpoint)s at %(at)s has no photo; this checkpoint requires one."),
    "cleaning_missed": _l("No cleaning check of %(checkpoint)s in its %(opens)s–%(closes)s window."),
    "cleaning_late": _l("%(checkpoint)s was checked at %(at)s, %(minutes)s min after its window closed at %(closes)s."),
    "cleaning_failed": lambda p: ngettext("The cleaning check of %(checkpoint)s at %(at)s failed %(count)s item: %(items)s.",
                                          "The cleaning check of %(checkpoint)s at %(at)s failed %(count)s items: %(items)s.",
                                          p["count"], **p),
    "not_on_shift": lambda p: ngettext("%(count)s record between %(from)s and %(to)s by someone not on this shift.",
                                       "%(count)s records between %(from)s and %(to)s by someone not on this shift.",
                                       p["count"], **p),
    "clock_ahead": lambda p: ngettext(
        "A phone's clock was %(minutes)s min fast (%(count)s record from %(from)s); its time was corrected.",
        "A phone's clock was %(minutes)s min fast (%(count)s records from %(from)s); their times were corrected.",
        p["count"], **p),
    "clock_behind": lambda p: ngettext(
        "A phone's clock was %(minutes)s min slow (%(count)s record from %(from)s); its time was corrected.",
        "A phone's clock was %(minutes)s min slow (%(count)s records from %(from)s); their times were corrected.",
        p["count"], **p),
    "outside_radius": _l("%(checkpoint)s was scanned at %(at)s from %(distance_m)s m away (allowed %(radius_m)s m, accuracy ±%(accuracy_m)s m)."),
    "no_activity": _l("No scan at all from %(from)s to %(to)s (%(minutes)s min)."),
    "reading_missed": _l("No readings at %(checkpoint)s in its %(opens)s–%(closes)s equipment round."),
    "reading_late": _l("The equipment at %(checkpoint)s was read at %(at)s, %(minutes)s min after its window closed at %(closes)s."),
    "no_activity_ongoing": _l("No scan at all since %(from)s (%(minutes)s min so far)."),
}


def gap_sentence(code: str, params: dict) -> str:
    """The one-line explanation of a gap in the person's language."""
    template = GAP_MESSAGES.get(code)
    try:
        if callable(template):
            return template(params)
        return str(template) % params if template else code
    except (KeyError, TypeError, ValueError):
        return code if callable(template) else str(template)


def label_of(group: str, value: str) -> str:
    """The translated name of a state, step or kind within a group ("kind" is an incident's kind)."""
    if group == "kind":
        return label(IncidentKind(value)) if value in IncidentKind._value2member_map_ else value
    return str(GROUP_LABELS.get(group, {}).get(value, value))


def evidence_label(key: str) -> str:
    """A record named in a verification: "scan:12" → "Scan record #12"."""
    kind, _sep, ident = key.partition(":")
    if kind == "signature":
        return label_of("evidence", f"signature_{ident}")
    return f"{label_of('evidence', kind)} #{ident}"


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


# One way to write a day per language, on every page, export and PDF (never 2026/12/05 here and 2026-12-05 there)
DATE_PATTERNS = {"zh": "yyyy/MM/dd", "en": "d MMM yyyy"}
MONTH_PATTERNS = {"zh": "yyyy/MM", "en": "MMM yyyy"}
SHORT_DAY_PATTERNS = {"zh": "MM/dd", "en": "d MMM"}  # a day within a period already named, e.g. on a chart's axis
DATETIME_PATTERNS = {k: v + " HH:mm" for k, v in DATE_PATTERNS.items()}  # 24-hour clock, as on site
CHINA_ZONES = {"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "Asia/Urumqi", "PRC"}


def _pattern(patterns: dict[str, str]) -> tuple[str, str]:
    locale = str(get_locale())
    return patterns.get(locale, patterns["zh"]), locale


def site_time(instant: datetime | None, tz_name: str) -> str:
    """An instant shown as the site's clocks show it, in the person's language."""
    if instant is None:
        return "—"
    pattern, locale = _pattern(DATETIME_PATTERNS)
    return format_datetime(instant, pattern, tzinfo=ZoneInfo(tz_name), locale=locale)


def local_date(day: date | datetime | str | None, tz_name: str | None = None) -> str:
    """A day (a date, an ISO date text, or an instant seen in the site's zone) in the person's language."""
    if day is None or day == "":
        return "—"
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    if isinstance(day, datetime):
        day = day.astimezone(ZoneInfo(tz_name)).date() if tz_name else day.date()
    pattern, locale = _pattern(DATE_PATTERNS)
    return format_date(day, pattern, locale=locale)


def record_time(text: str | None) -> str:
    """A local time as a sealed handover record holds it ("2026-11-25 08:00"), written in the one date format."""
    if not text:
        return "—"
    try:
        local = datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        return text
    pattern, locale = _pattern(DATETIME_PATTERNS)
    return format_datetime(local, pattern, locale=locale)


def short_day(day: date) -> str:
    """A day without its year, in the person's language (11/25, 25 Nov)."""
    pattern, locale = _pattern(SHORT_DAY_PATTERNS)
    return format_date(day, pattern, locale=locale)


def month_name(day: date) -> str:
    """A month (given by any of its days) in the person's language."""
    pattern, locale = _pattern(MONTH_PATTERNS)
    return format_date(day, pattern, locale=locale)


def date_span(first: date | str | None, last: date | str | None) -> str:
    """The days from first to last, both in the one date format."""
    return local_date(first) if first == last else f"{local_date(first)} – {local_date(last)}"


def period_label(period) -> str:
    """A report's period (webapp.domain.reports.Period): a day, a month, or its first and last days."""
    if period.kind == "day":
        return local_date(period.first)
    if period.kind == "month" and period.first.day == 1 and (period.last + timedelta(days=1)).day == 1:
        return month_name(period.first)
    return date_span(period.first, period.last)


def zone_name(tz_name: str) -> str:
    """A site's time zone as people call it ("北京时间", "Central European Time"), never its IANA name."""
    if tz_name in CHINA_ZONES:
        return str(_l("Beijing time"))
    try:
        return get_timezone_name(ZoneInfo(tz_name), width="long", locale=str(get_locale()))
    except (LookupError, ValueError):
        return tz_name


def duration(minutes: float | None) -> str:
    """A length of time in words of the person's language ("5 小时", "45 minutes"); "—" when there is none."""
    d = humanize_minutes(minutes)
    if d is None:
        return "—"
    amount = format_decimal(d.amount, locale=str(get_locale()))
    n = d.amount if isinstance(d.amount, int) else 2  # gettext chooses by a whole number; 1.5 reads as a plural
    if d.unit == "minute":
        return ngettext("%(amount)s minute", "%(amount)s minutes", n, amount=amount)
    if d.unit == "hour":
        return ngettext("%(amount)s hour", "%(amount)s hours", n, amount=amount)
    return ngettext("%(amount)s day", "%(amount)s days", n, amount=amount)


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
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["month_name"] = month_name
    app.jinja_env.filters["record_time"] = record_time
    app.jinja_env.filters["period_label"] = period_label
    app.jinja_env.filters["zone_name"] = zone_name
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.globals["date_span"] = date_span
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["label_of"] = label_of
    app.jinja_env.globals["evidence_label"] = evidence_label
    app.jinja_env.globals["gap_sentence"] = gap_sentence
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
