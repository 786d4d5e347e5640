"""The only writer of rectification notices: issue one, and take the steps of its life (整改 → 复查)."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from webapp import quality_steps
from webapp.access import MANAGEMENT
from webapp.api.schemas import PhotoUpload
from webapp.audit import record
from webapp.domain.errors import DomainError
from webapp.domain.lifecycles import Notice, Step, apply_notice, issue_notice
from webapp.extensions import db
from webapp.field import photos
from webapp.i18n import label_of
from webapp.models import Person, Photo, RectificationNotice
from webapp.notices.forms import NoticeForm

SUBJECT = "notice"


def store_photos(person: Person, person_sites: set[int], site_id: int, submission: str, label: str,
                 uploads: list[bytes], device: str, now: datetime) -> list[Photo]:
    """Check every photo first, then keep them all (a bad photo keeps none); one key per photo of this form."""
    keys = [uuid.uuid5(uuid.UUID(submission), f"{label}-{n}") for n in range(len(uploads))]
    prepared = [photos.prepare(person, person_sites, PhotoUpload(client_uuid=key, device_id=device, site_id=site_id,
                                                                 device_time=now), data, now=now)
                for key, data in zip(keys, uploads)]
    kept = [photos.keep(person, p, now=now)[0] for p in prepared]
    if any(p.attached for p in kept):
        raise DomainError("photo_already_used", id=next(str(p.client_uuid) for p in kept if p.attached))
    return kept


def issue(person: Person, person_sites: set[int], form: NoticeForm, deadline: datetime, device: str,
          now: datetime) -> RectificationNotice:
    """Issue a notice from the form, with its evidence photos; the first step of its history is the issue."""
    state = issue_notice(person.id, form.assignee_id, deadline, now)
    kept = store_photos(person, person_sites, form.site_id, form.submission, "evidence", form.photos, device, now)
    notice = RectificationNotice(
        site_id=form.site_id, source=form.source, inspection_result_id=form.inspection_result_id,
        incident_id=form.incident_id, gap_shift_id=form.gap_shift_id, gap_key=form.gap_key, area_id=form.area_id,
        checkpoint_id=form.checkpoint_id, location_text=form.location_text, description=form.description,
        severity=form.severity, department=form.department, issuer_id=person.id, assignee_id=state.assignee_id,
        state=state.state, issued_at=state.issued_at, deadline=state.deadline, recheck_failures=0)
    db.session.add(notice)
    db.session.flush()
    for photo in kept:
        photo.notice_id, photo.stage = notice.id, "evidence"
    quality_steps.keep(SUBJECT, notice.id, state.history[0])
    record(person, "notice_issued", "rectification_notice", notice.id, site_id=notice.site_id, source=notice.source,
           assignee_id=notice.assignee_id, deadline=notice.deadline.isoformat())
    db.session.commit()
    return notice


def state_of(notice: RectificationNotice) -> Notice:
    """The stored notice as the domain's value, with its whole history."""
    return Notice(state=notice.state, issuer_id=notice.issuer_id, assignee_id=notice.assignee_id, deadline=notice.deadline,
                  issued_at=notice.issued_at, history=quality_steps.history(SUBJECT, notice.id),
                  recheck_failures=notice.recheck_failures, submitted_at=notice.submitted_at,
                  closed_at=notice.closed_at, closed_on_time=notice.closed_on_time)


def may_check(person: Person, notice: RectificationNotice) -> bool:
    """The issuer, or a manager of the site, re-checks, reassigns and extends (never the assignee re-checking their own)."""
    return person.id == notice.issuer_id or person.role in MANAGEMENT


def allowed_steps(person: Person, notice: RectificationNotice) -> list[str]:
    """The steps this person may take on the notice now."""
    steps = []
    if notice.state == "open" and person.id == notice.assignee_id:
        steps.append("submit")
    if may_check(person, notice):
        if notice.state == "submitted" and person.id != notice.assignee_id:
            steps += ["pass", "fail"]
        if notice.state in ("open", "submitted"):
            steps.append("reassign")
        if notice.state == "open":
            steps.append("extend")
    return steps


def _authorise(person: Person, notice: RectificationNotice, action: str) -> None:
    if action == "submit" and person.id != notice.assignee_id:
        raise DomainError("notice_not_assignee")
    if action in ("pass", "fail", "reassign", "extend") and not may_check(person, notice):
        raise DomainError("notice_not_checker")
    if action in ("pass", "fail") and person.id == notice.assignee_id:
        raise DomainError("notice_own_recheck")


def act(person: Person, person_sites: set[int], notice: RectificationNotice, step: Step, after: list[bytes],
        submission: str, device: str, site_people: set[int]) -> None:
    """Take one step: submit (with an after-photo), pass, fail (new deadline), reassign or extend; commit once."""
    if step.action not in ("submit", "pass", "fail", "reassign", "extend"):
        raise DomainError("action_not_allowed", action=step.action or "—", state=label_of("notice", notice.state))
    _authorise(person, notice, step.action)
    if step.action == "submit" and not after:
        raise DomainError("notice_after_photo_required")
    if step.action in ("reassign", "extend") and not step.note.strip():
        raise DomainError("reason_required")
    if step.action == "reassign" and step.assignee_id not in site_people:
        raise DomainError("assignee_required")
    try:
        changed = apply_notice(state_of(notice), replace(step, note=step.note.strip()))
    except DomainError as error:
        if error.code == "action_not_allowed":  # name the step and the state in words, not codes
            raise DomainError(error.code, action=label_of("notice_step", step.action),
                              state=label_of("notice", notice.state)) from error
        raise
    kept = store_photos(person, person_sites, notice.site_id, submission, "after", after, device, step.at) \
        if step.action == "submit" else []
    for photo in kept:
        photo.notice_id, photo.stage = notice.id, "after"
    notice.state, notice.assignee_id, notice.deadline = changed.state, changed.assignee_id, changed.deadline
    notice.recheck_failures, notice.submitted_at = changed.recheck_failures, changed.submitted_at
    notice.closed_at, notice.closed_on_time = changed.closed_at, changed.closed_on_time
    quality_steps.keep(SUBJECT, notice.id, changed.history[-1])
    record(person, f"notice_{step.action}", "rectification_notice", notice.id, site_id=notice.site_id,
           state=notice.state, note=step.note.strip()[:200])
    db.session.commit()
