"""The records a shift's handover counts, read from today's rows as canonical forms (for sealing and for verifying)."""
from __future__ import annotations

import enum
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from webapp.assessments import ShiftPicture
from webapp.domain.evidence import Evidence
from webapp.domain.handover import image_digest
from webapp.extensions import db
from webapp.models import CleaningCheck, GapAction, Handover, Incident, Photo, Scan
from webapp.photos import photo_store

FIELD = ("client_uuid", "site_id", "person_id", "device_id", "shift_id", "device_time", "clock_offset_s", "captured_at",
         "received_at")
SCAN = FIELD + ("checkpoint_id", "method", "lat", "lng", "accuracy_m", "note")
CHECK = FIELD + ("checkpoint_id", "note")
INCIDENT = FIELD + ("kind", "severity", "description", "checkpoint_id", "location_text")  # closing it later is its life
PHOTO = FIELD + ("sha256", "content_type", "width", "height", "size_bytes", "taken_at", "stage", "scan_id",
                 "cleaning_check_id", "incident_id")
GAP_STEP = ("shift_id", "gap_key", "action", "person_id", "at", "text")
ITEM = ("handover_id", "position", "name", "count_out", "count_in", "note")


def _plain(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _form(row, columns: tuple[str, ...]) -> dict:
    return {name: _plain(getattr(row, name)) for name in columns}


@dataclass
class Gathered:
    """A shift's evidence as today's rows say, with when each record reached the server and each photo's bytes check."""

    records: list[Evidence] = field(default_factory=list)
    arrived: dict[str, datetime] = field(default_factory=dict)
    photos: dict[str, str] = field(default_factory=dict)  # key → sha256 the record names


def counted_ids(pic: ShiftPicture) -> tuple[set[int], set[int], set[int]]:
    """The scans, checks and incidents the shift's assessment used."""
    a = pic.assessment
    scans = {i for r in a.rounds for i in r.scan_ids} | {i for g in a.gaps for i in g.record_ids}
    checks = {c.check_id for c in a.cleaning if c.check_id} | {i for g in a.gaps for i in g.check_ids}
    return scans, checks, {i.id for i in pic.incidents}


def ids_of(keys, kind: str) -> set[int]:
    """The ids of one kind among evidence keys."""
    return {int(k.split(":", 1)[1]) for k in keys if k.startswith(kind + ":")}


def gather(shift_id: int, handover: Handover, scan_ids: set[int], check_ids: set[int], incident_ids: set[int]) -> Gathered:
    """Every record of the shift (by its shift id) and every record named, in canonical form."""
    out = Gathered()

    def add(kind: str, row, columns: tuple[str, ...], arrived: datetime | None, extra: dict | None = None) -> None:
        record = Evidence(kind, str(row.id), {**_form(row, columns), **(extra or {})})
        out.records.append(record)
        if arrived is not None:
            out.arrived[record.key] = arrived

    scans = list(db.session.scalars(select(Scan).where(or_(Scan.shift_id == shift_id, Scan.id.in_(scan_ids)))))
    checks = list(db.session.scalars(select(CleaningCheck).where(or_(CleaningCheck.shift_id == shift_id,
                                                                     CleaningCheck.id.in_(check_ids)))
                                     .options(selectinload(CleaningCheck.results))))
    incidents = list(db.session.scalars(select(Incident).where(or_(Incident.shift_id == shift_id, Incident.id.in_(incident_ids)))))
    for s in scans:
        add("scan", s, SCAN, s.received_at)
    for c in checks:
        results = sorted([r.item_id, r.passed, r.note] for r in c.results)
        add("check", c, CHECK, c.received_at, {"results": results})
    for i in incidents:
        add("incident", i, INCIDENT, i.received_at)
    photos = db.session.scalars(select(Photo).where(or_(
        Photo.scan_id.in_([s.id for s in scans]), Photo.cleaning_check_id.in_([c.id for c in checks]),
        Photo.incident_id.in_([i.id for i in incidents]))))
    for p in photos:
        add("photo", p, PHOTO, p.received_at)
        out.photos[f"photo:{p.id}"] = p.sha256
    for step in db.session.scalars(select(GapAction).where(GapAction.shift_id == shift_id)):
        add("gap_step", step, GAP_STEP, step.at)
    for item in handover.items:
        add("item", item, ITEM, None)
    for side in ("out", "in"):
        out.records.append(Evidence("signature", side, {"sha256": image_digest(getattr(handover, f"{side}_signature"))}))
    return out


def photo_bytes_problems(photos: dict[str, str]) -> dict[str, str]:
    """The photos whose stored file is missing or whose bytes no longer hash to the SHA-256 they are stored under."""
    store = photo_store()
    problems = {}
    for key, sha in sorted(photos.items()):
        try:
            data = store.get(sha)
        except ValueError:
            problems[key] = "photo_bytes"
            continue
        except FileNotFoundError:
            problems[key] = "photo_missing"
            continue
        if hashlib.sha256(data).hexdigest() != sha:
            problems[key] = "photo_bytes"
    return problems
