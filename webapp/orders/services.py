"""Raising a work order and taking the steps of its life: the only writer of this area (one commit per step)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from webapp import quality_steps
from webapp.access import site_ids
from webapp.api.schemas import PhotoUpload
from webapp.audit import record
from webapp.domain import lifecycles
from webapp.domain.errors import DomainError
from webapp.domain.lifecycles import Step
from webapp.extensions import db
from webapp.field import photos
from webapp.models import Person, Photo, WorkOrder
from webapp.orders import queries, rules
from webapp.orders.forms import MAX_PHOTOS, OrderForm, StepForm, photo_keys

SUBJECT = "work_order"


def _store_photos(person: Person, submission: str, label: str, uploads: list[bytes], token: str | None, site_id: int,
                  device: str, now: datetime) -> list[Photo]:
    """Check every photo first, then keep them all (a bad photo keeps none); each is watermarked like a field photo."""
    prepared = [photos.prepare(person, site_ids(person),
                               PhotoUpload(client_uuid=key, device_id=device, token=token, site_id=None if token else site_id,
                                           device_time=now), data, now=now)
                for key, data in zip(photo_keys(submission, label, len(uploads)), uploads)]
    return [photos.keep(person, p, now=now)[0] for p in prepared]


def _attach(found: list[Photo], order_id: int, stage: str) -> None:
    for photo in found:
        if photo.work_order_id == order_id:
            continue  # the same form sent again: already this order's
        if photo.attached:
            raise DomainError("photo_already_used", id=str(photo.client_uuid))
        photo.work_order_id, photo.stage = order_id, stage


def raise_order(person: Person, form: OrderForm, device: str, now: datetime) -> WorkOrder:
    """Receive (受理) a work order with its photos, due by its category; the same form sent twice raises one order."""
    existing = queries.by_submission(form.submission)
    if existing is not None and existing.raised_by_id == person.id:
        return existing
    order = lifecycles.raise_order(person.id, form.category, now)
    site_id = form.site_id
    assert site_id is not None  # the form has checked it
    kept = _store_photos(person, form.submission, "photo", form.photos, form.token, site_id, device, now)
    row = WorkOrder(site_id=site_id, incident_id=form.incident_id, category=order.category, description=form.description,
                    location_text=form.location_text, checkpoint_id=form.checkpoint_id, reporter=form.reporter,
                    raised_by_id=person.id, raised_at=order.raised_at, due_at=order.due_at, state=order.state,
                    client_uuid=uuid.UUID(form.submission))
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:  # the same form sent twice at once: the other request raised it
        db.session.rollback()
        again = queries.by_submission(form.submission)
        if again is None or again.raised_by_id != person.id:
            raise
        return again
    quality_steps.keep(SUBJECT, row.id, order.history[0])
    _attach(kept, row.id, "evidence")
    record(person, "work_order_raised", SUBJECT, row.id, site_id=site_id, category=row.category,
           incident_id=form.incident_id, photos=len(kept))
    db.session.commit()
    return row


def take_step(person: Person, row: WorkOrder, form: StepForm, device: str, now: datetime) -> str:
    """Take one step of an order's life if this person may and the order's state allows it; answers the step taken."""
    rules.check(person, row, form.action, form.assignee_id)
    if form.action in ("assign", "reassign") and not queries.is_engineer_of(row.site_id, form.assignee_id):
        raise DomainError("order_assignee_invalid")
    if form.action == "reassign" and form.assignee_id == row.assignee_id:
        raise DomainError("order_same_assignee")
    step = Step(form.action, person.id, now, note=form.note,
                assignee_id=form.assignee_id if form.action in ("assign", "reassign") else None,
                value=form.value if form.action == "follow_up" else None)
    changed = lifecycles.apply_order(rules.as_domain(row, quality_steps.history(SUBJECT, row.id)), step)
    kept: list[Photo] = []
    if form.action == "finish":
        if not form.photos:
            raise DomainError("after_photo_required")
        if len(form.photos) > MAX_PHOTOS:
            raise DomainError("order_too_many_photos", count=MAX_PHOTOS)
        # by the site, not the checkpoint's label: a label replaced since the order was raised must not refuse the photo
        kept = _store_photos(person, form.submission, "after", form.photos, None, row.site_id, device, now)
    rules.write_back(row, changed)
    quality_steps.keep(SUBJECT, row.id, step)
    _attach(kept, row.id, "after")
    record(person, f"work_order_{form.action}", SUBJECT, row.id, site_id=row.site_id, state=row.state,
           assignee_id=step.assignee_id, value=step.value, note=step.note[:200])
    db.session.commit()
    return form.action
