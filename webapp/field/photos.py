"""Photo uploads: verified and cleaned by webapp.photos, stored once under their content hash."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy.exc import IntegrityError

from webapp.api.schemas import PhotoUpload
from webapp.audit import record
from webapp.domain.photo_time import exif_instant, photo_taken_at
from webapp.domain.sync import clock_offset_s, corrected_instant
from webapp.extensions import db
from webapp.field import queries
from webapp.field.services import Rejected, checkpoint_for, device_for, site_of
from webapp.models import Checkpoint, Person, Photo, Site
from webapp.photos import PhotoLimits, ProcessedPhoto, finish, open_photo, photo_store


@dataclass
class Prepared:
    """A photo checked and cleaned, not stored yet."""

    form: PhotoUpload
    site: Site
    processed: ProcessedPhoto
    captured_at: datetime
    offset_s: float
    watermark: list[str]


def _place(person_sites: set[int], form: PhotoUpload) -> tuple[Site, Checkpoint | None]:
    if form.token:
        tokens = {form.token}
        checkpoint = checkpoint_for(form.token, queries.checkpoints_by_token(tokens), queries.retired_tokens(tokens),
                                    person_sites)
        return checkpoint.site, checkpoint
    if form.site_id is None:
        raise Rejected("incident_without_place")
    return site_of(person_sites, form.site_id), None


def _shift_start(person: Person, site: Site, now: datetime) -> datetime | None:
    """When the person's shift running now at this site began (a photo from before it is not of this round)."""
    starts = [s.starts_at for s in queries.shifts_between({site.id}, now, now) if queries.person_on(s, person)]
    return min(starts) if starts else None


def prepare(person: Person, person_sites: set[int], form: PhotoUpload, data: bytes, *, now: datetime) -> Prepared:
    """Check and clean a photo, watermarked with site, checkpoint, person and local time it was taken; store nothing."""
    site, checkpoint = _place(person_sites, form)
    limits = PhotoLimits.from_config(current_app.config)
    opened = open_photo(data, limits=limits)
    offset = clock_offset_s(form.sent_at, now) if form.sent_at else 0.0
    device = corrected_instant(form.device_time, offset) if form.device_time else None
    exif = exif_instant(opened.taken_at, opened.taken_at_local, site.timezone)
    captured, _source = photo_taken_at(device, exif, now, _shift_start(person, site, now))
    local = captured.astimezone(ZoneInfo(site.timezone)).strftime("%Y-%m-%d %H:%M")
    lines = [line for line in (site.name, checkpoint.name if checkpoint else "", person.name, local) if line]
    processed = finish(opened, limits=limits, watermark=lines, font_path=current_app.config["PHOTO_FONT"])
    return Prepared(form, site, processed, captured, offset, lines)


def keep(person: Person, prepared: Prepared, *, now: datetime) -> tuple[Photo, bool]:
    """Write a prepared photo to the store, then its row to the database; a client id sent before answers the stored one."""
    form = prepared.form
    existing = queries.photo_by_uuid(form.client_uuid)
    if existing is not None:
        if existing.person_id != person.id:
            raise Rejected("photo_uuid_taken")
        return existing, False
    photo_store().put(prepared.processed)  # before the row commits; content-addressed: a retry rewrites the same object
    device = device_for(person, form.device_id, now)
    processed = prepared.processed
    photo = Photo(client_uuid=form.client_uuid, site_id=prepared.site.id, person_id=person.id, device_id=device.id,
                  device_time=form.device_time or now, clock_offset_s=prepared.offset_s, captured_at=prepared.captured_at,
                  received_at=now,
                  device_utc_offset_min=int(form.device_time.utcoffset().total_seconds() // 60) if form.device_time else 480,
                  sha256=processed.sha256, content_type="image/jpeg", width=processed.width, height=processed.height,
                  size_bytes=len(processed.jpeg), taken_at=processed.taken_at)
    db.session.add(photo)
    try:
        db.session.flush()
        record(person, "photo_uploaded", "photo", photo.id, site_id=prepared.site.id, sha256=processed.sha256)
        db.session.commit()
    except IntegrityError:  # the same photo sent twice at once: the other request stored it
        db.session.rollback()
        return queries.photo_by_uuid(form.client_uuid), False
    return photo, True


def store(person: Person, person_sites: set[int], form: PhotoUpload, data: bytes, *, now: datetime) -> tuple[Photo, bool]:
    """Keep an uploaded photo; answer the stored one (and False) if this client id was sent before."""
    existing = queries.photo_by_uuid(form.client_uuid)
    if existing is not None and existing.person_id == person.id:
        return existing, False
    return keep(person, prepare(person, person_sites, form, data, now=now), now=now)
