"""What the field pages do with a person's action: always through the same sync service as the API."""
from __future__ import annotations

import uuid
from datetime import datetime
from io import BytesIO

from flask import abort, after_this_request, current_app, request, send_file

from webapp.access import OVERSIGHT, site_ids
from webapp.api.schemas import PhotoUpload
from webapp.domain.errors import DomainError
from webapp.extensions import db
from webapp.field import photos, queries, readings, services
from webapp.field.forms import CleaningForm, IncidentForm
from webapp.field.services import CLEANING_ROLES, Result
from webapp.home.queries import RoundStatus, rounds_of
from webapp.i18n import domain_message
from webapp.models import Checkpoint, Person, Photo, Role, Scan
from webapp.photos import photo_store

DEVICE_COOKIE = "rounds_device"


def device_id() -> str:
    """This browser's own device id, kept in a cookie for a year (a shared patrol phone keeps its id)."""
    known = request.cookies.get(DEVICE_COOKIE, "")
    if 8 <= len(known) <= 64 and known.replace("-", "").isalnum():
        return known
    new = "web-" + uuid.uuid4().hex

    @after_this_request
    def remember(response):
        response.set_cookie(DEVICE_COOKIE, new, max_age=365 * 86400, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response

    return new


def resolve(person: Person, token: str) -> Checkpoint:
    """The checkpoint a label opens for this person, or Rejected with the reason."""
    tokens = {token}
    return services.checkpoint_for(token, queries.checkpoints_by_token(tokens), queries.retired_tokens(tokens), site_ids(person))


def wants_cleaning_form(person: Person, checkpoint: Checkpoint) -> bool:
    """Cleaners get the checklist; others scan, unless the place is for cleaning only or they asked for the check."""
    if not checkpoint.for_cleaning or person.role not in CLEANING_ROLES:
        return False
    return person.role == Role.CLEANER or not checkpoint.for_patrol or request.args.get("check") == "1"


def wants_readings(person: Person, checkpoint: Checkpoint) -> bool:
    """Engineers read the equipment at a plant room's label (抄表); others too when they ask for it (?readings=1)."""
    if person.role != Role.ENGINEER and request.args.get("readings") != "1":
        return False
    return bool(readings.items_at({checkpoint.id}))


def _send(person: Person, event: dict, device: str, now: datetime) -> Result:
    outcome = services.ingest(person, site_ids(person), device, now, [event], now=now,
                              skew_limit_s=current_app.config["CLOCK_SKEW_LIMIT_S"])
    return outcome.results[0]


def scan(person: Person, token: str, method: str, device: str, now: datetime) -> Result:
    """Record a scan made on this phone's page (its clock is the server's)."""
    event = {"type": "scan", "client_uuid": str(uuid.uuid4()), "token": token, "method": method,
             "device_time": now.isoformat()}
    return _send(person, event, device, now)


def may_see(person: Person, author_id: int, site_id: int) -> bool:
    """Whether a person may see a record: their own, or any at their site if they oversee it."""
    return person.id == author_id or (person.role in OVERSIGHT and site_id in site_ids(person))


def progress_of(scan: Scan, now: datetime) -> RoundStatus | None:
    """The round this scan counts for, with what is visited and what remains."""
    if scan.shift is None:
        return None
    for status in rounds_of(scan.shift, now):
        stops = {stop.checkpoint_id for stop in status.plan.route.stops}
        if scan.checkpoint_id in stops and status.due.opens_at <= scan.captured_at <= status.due.late_after:
            return status
    return None


def _store_photos(person: Person, uploads: list[tuple[str, bytes]], token: str | None, site_id: int | None,
                  device: str, now: datetime) -> list[str]:
    """Check every photo first, then keep them all: a bad photo keeps none."""
    # a file picked in a form carries no device time of its own: the camera's EXIF time, if plausible, says when
    prepared = [photos.prepare(person, site_ids(person),
                               PhotoUpload(client_uuid=key, device_id=device, token=token, site_id=site_id),
                               data, now=now)
                for key, data in uploads]
    return [str(photos.keep(person, p, now=now)[0].client_uuid) for p in prepared]


def _keys(submission: str, label: str, count: int) -> list[str]:
    return [str(uuid.uuid5(uuid.UUID(submission), f"{label}-{n}")) for n in range(count)]


def submit_check(person: Person, checkpoint: Checkpoint, form: CleaningForm, device: str, now: datetime) -> str | None:
    """Store a cleaning check and its photos; answer the reason in words if it cannot be stored."""
    try:
        staged = [(key, data, "before") for key, data in zip(_keys(form.submission, "before", len(form.before)), form.before)]
        staged += [(key, data, "after") for key, data in zip(_keys(form.submission, "after", len(form.after)), form.after)]
        ids = _store_photos(person, [(k, d) for k, d, _s in staged], checkpoint.token, None, device, now)
    except DomainError as error:
        db.session.rollback()
        return domain_message(error)
    result = _send(person, form.event(checkpoint.token, now.isoformat(), list(zip(ids, [s for _k, _d, s in staged]))),
                   device, now)
    return domain_message(services.Rejected(result.reason, **result.params)) if result.status == "rejected" else None


def submit_incident(person: Person, form: IncidentForm, device: str, now: datetime) -> str | None:
    """Store an incident report and its photos; answer the reason in words if it cannot be stored."""
    try:
        keys = _keys(form.submission, "photo", len(form.photos))
        ids = _store_photos(person, list(zip(keys, form.photos)), form.token, form.site_id, device, now)
    except DomainError as error:
        db.session.rollback()
        return domain_message(error)
    result = _send(person, form.event(now.isoformat(), ids), device, now)
    return domain_message(services.Rejected(result.reason, **result.params)) if result.status == "rejected" else None


def photo_for(person: Person, photo_id: int) -> Photo:
    """A photo the person may see, or 404."""
    found = db.session.get(Photo, photo_id)
    if found is None or found.site_id not in site_ids(person):
        abort(404)
    return found


def photo_response(photo: Photo, thumb: bool):
    """A photo's bytes streamed from the store, for someone the caller has already let see it (never a public URL)."""
    try:
        data = photo_store().get(photo.sha256, thumb=thumb)
    except FileNotFoundError:
        abort(404)
    response = send_file(BytesIO(data), mimetype="image/jpeg", max_age=86400, conditional=True,
                         etag=photo.sha256 + (".thumb" if thumb else ""))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response
