"""The one way field records enter Rounds: events checked one by one, written once, committed per batch."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.access import QUALITY
from webapp.api.schemas import (
    CleaningCheckEvent,
    Event,
    IncidentEvent,
    InspectionEvent,
    QueueState,
    ReadingEvent,
    ScanEvent,
)
from webapp.audit import record
from webapp.domain.errors import DomainError
from webapp.domain.readings import ReadingRule, evidence_missing, judge
from webapp.domain.sync import clock_offset_s, corrected_instant, holds_nothing_before, is_skewed
from webapp.extensions import db
from webapp.field import queries
from webapp.field import readings as plant
from webapp.models import (
    Area,
    Checkpoint,
    CleaningCheck,
    CleaningResult,
    Countersignature,
    Device,
    Handover,
    Incident,
    IncidentKind,
    Inspection,
    InspectionResult,
    Person,
    Photo,
    Reading,
    ReadingItem,
    Role,
    Scan,
    Severity,
    Shift,
    Site,
)

EVENT = TypeAdapter(Event)
CLEANING_ROLES = frozenset({Role.CLEANER, Role.LEAD, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
SEND_TOLERANCE = timedelta(seconds=60)  # an event captured after its batch was sent is impossible


class Rejected(DomainError):
    """One event refused, with a code the person's language turns into a reason."""


@dataclass
class Result:
    """What became of one event."""

    client_uuid: str | None
    status: str  # created / duplicate / rejected
    id: int | None = None
    reason: str | None = None
    params: dict = field(default_factory=dict)
    record: object | None = None


@dataclass
class SyncOutcome:
    """A whole batch's answer."""

    received_at: datetime
    offset_s: float
    skewed: bool
    results: list[Result]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


@dataclass
class _Context:
    person: Person
    site_ids: set[int]
    device: Device
    offset_s: float
    sent_at: datetime
    checkpoints: dict[str, Checkpoint]
    retired: dict
    photos: dict[uuid.UUID, Photo]
    shifts: list[Shift]
    used: set[uuid.UUID] = field(default_factory=set)  # photos taken by an earlier event of this batch
    attach: list[tuple[object, str, list[tuple[Photo, str]]]] = field(default_factory=list)  # done once ids exist
    items: dict[int, list[ReadingItem]] = field(default_factory=dict)  # reading items by the checkpoint they stand at
    last_numbers: dict[int, float] = field(default_factory=dict)  # the latest number of each item, batch included
    now: datetime | None = None


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "event"
    return f"{where}: {first['msg']}"


def _parse(raw_events: list) -> list[tuple[object, Result | None]]:
    parsed = []
    for raw in raw_events:
        client_uuid = str(raw.get("client_uuid")) if isinstance(raw, dict) and raw.get("client_uuid") is not None else None
        try:
            parsed.append((EVENT.validate_python(raw), None))
        except ValidationError as error:
            parsed.append((None, Result(client_uuid, "rejected", reason="invalid_event", params={"detail": _first_error(error)})))
    return parsed


def device_for(person: Person, client_id: str, now: datetime) -> Device:
    """The person's device by the id the phone gave itself, created on their first sync from it.

    A device is never handed from one person to another: a shared patrol phone, or someone sending another's id,
    gets a row of its own for each person, so nobody's sync changes what another person's device says.
    """
    mine = select(Device).where(Device.client_id == client_id, Device.person_id == person.id)
    device = db.session.scalar(mine)
    if device is None:
        try:
            with db.session.begin_nested():  # the page and the service worker may both be first to show this phone
                device = Device(client_id=client_id, person_id=person.id, first_seen_at=now)
                db.session.add(device)
        except IntegrityError:  # the other request's row is committed now: use it
            device = db.session.scalar(mine)
    device.last_sync_at = now
    db.session.flush()
    return device


def checkpoint_for(token: str, checkpoints: dict[str, Checkpoint], retired: dict, site_ids: set[int]) -> Checkpoint:
    """The checkpoint a token opens for this person, or the reason it does not."""
    checkpoint = checkpoints.get(token)
    if checkpoint is None:
        replaced = retired.get(token)
        if replaced is not None:
            when = replaced.retired_at.astimezone(ZoneInfo(replaced.checkpoint.site.timezone)).date()
            raise Rejected("token_replaced", date=when)  # written in the person's date format by message_for
        raise Rejected("token_unknown")
    if checkpoint.site_id not in site_ids:
        raise Rejected("token_foreign_site")
    if not checkpoint.active:
        raise Rejected("checkpoint_inactive")
    return checkpoint


def _checkpoint(ctx: _Context, token: str) -> Checkpoint:
    return checkpoint_for(token, ctx.checkpoints, ctx.retired, ctx.site_ids)


def _shift(ctx: _Context, site_id: int, at: datetime) -> Shift | None:
    running = [s for s in ctx.shifts if s.site_id == site_id and s.starts_at <= at < s.ends_at]
    return next((s for s in running if queries.person_on(s, ctx.person)), running[0] if running else None)


def _stamp(ctx: _Context, rec, event, site_id: int) -> None:
    if event.device_time > ctx.sent_at + SEND_TOLERANCE:
        raise Rejected("event_after_sending")
    captured = corrected_instant(event.device_time, ctx.offset_s)
    shift = _shift(ctx, site_id, captured)
    rec.client_uuid = event.client_uuid
    rec.site_id, rec.person_id, rec.device_id = site_id, ctx.person.id, ctx.device.id
    rec.shift_id = shift.id if shift else None
    rec.device_time = event.device_time
    rec.device_utc_offset_min = int(event.device_time.utcoffset().total_seconds() // 60)
    rec.clock_offset_s = ctx.offset_s
    rec.captured_at = captured


def _photos(ctx: _Context, ids: list[uuid.UUID]) -> list[Photo]:
    found = []
    for photo_id in ids:
        photo = ctx.photos.get(photo_id)
        if photo is None:
            raise Rejected("photo_unknown", id=str(photo_id))
        if photo.attached or photo_id in ctx.used:
            raise Rejected("photo_already_used", id=str(photo_id))
        found.append(photo)
    ctx.used.update(ids)
    return found


def _attach_photos(ctx: _Context) -> None:
    """Tie each event's photos to its record, now that the batch is flushed and every record has its id."""
    for rec, column, staged in ctx.attach:
        for photo, stage in staged:
            setattr(photo, column, rec.id)
            photo.stage = stage


def _position(rec, position) -> None:
    if position is not None:
        rec.lat, rec.lng, rec.accuracy_m = position.lat, position.lng, position.accuracy_m


def _scan(ctx: _Context, event: ScanEvent) -> Scan:
    checkpoint = _checkpoint(ctx, event.token)
    if not checkpoint.for_patrol:
        raise Rejected("not_for_patrol")
    scan = Scan(checkpoint_id=checkpoint.id, method=event.method, note=event.note)
    _stamp(ctx, scan, event, checkpoint.site_id)
    _position(scan, event.position)
    photos = _photos(ctx, event.photo_ids)
    db.session.add(scan)
    ctx.attach.append((scan, "scan_id", [(photo, "evidence") for photo in photos]))
    return scan


def _cleaning(ctx: _Context, event: CleaningCheckEvent) -> CleaningCheck:
    if ctx.person.role not in CLEANING_ROLES:
        raise Rejected("role_cannot_clean")
    checkpoint = _checkpoint(ctx, event.token)
    if not checkpoint.for_cleaning:
        raise Rejected("not_for_cleaning")
    wanted = {item.id for item in checkpoint.checklist if item.active}
    answered = [a.item_id for a in event.results]
    if sorted(answered) != sorted(wanted) or len(set(answered)) != len(answered):
        odd = sorted(set(answered) ^ wanted) or sorted({i for i in answered if answered.count(i) > 1})
        raise Rejected("checklist_mismatch", items=", ".join(map(str, odd)))
    check = CleaningCheck(checkpoint_id=checkpoint.id, note=event.note,
                          results=[CleaningResult(item_id=a.item_id, passed=a.passed, note=a.note) for a in event.results])
    _stamp(ctx, check, event, checkpoint.site_id)
    photos = _photos(ctx, [p.id for p in event.photos])
    db.session.add(check)
    ctx.attach.append((check, "cleaning_check_id", [(photo, staged.stage) for staged, photo in zip(event.photos, photos)]))
    return check


def _incident(ctx: _Context, event: IncidentEvent) -> Incident:
    checkpoint = _checkpoint(ctx, event.token) if event.token else None
    site_id = checkpoint.site_id if checkpoint else event.site_id
    if site_id is None:
        raise Rejected("incident_without_place")
    if site_id not in ctx.site_ids:
        raise Rejected("token_foreign_site")
    if checkpoint is None and not event.location_text.strip():
        raise Rejected("incident_without_place")
    incident = Incident(kind=IncidentKind(event.kind), severity=Severity(event.severity), description=event.description.strip(),
                        checkpoint_id=checkpoint.id if checkpoint else None, location_text=event.location_text.strip())
    _stamp(ctx, incident, event, site_id)
    photos = _photos(ctx, event.photo_ids)
    db.session.add(incident)
    ctx.attach.append((incident, "incident_id", [(photo, "evidence") for photo in photos]))
    return incident


def _inspection_place(ctx: _Context, event: InspectionEvent) -> tuple[int, int | None, Checkpoint | None]:
    """The site, area and checkpoint inspected: a checkpoint's token names them, else the site and area sent."""
    checkpoint = _checkpoint(ctx, event.token) if event.token else None
    site_id = checkpoint.site_id if checkpoint else event.site_id
    if site_id is None or site_id not in ctx.site_ids:
        raise Rejected("inspection_site_not_yours")
    area_id = event.area_id if event.area_id is not None else (checkpoint.area_id if checkpoint else None)
    if area_id is not None:
        area = db.session.get(Area, area_id)
        if area is None or area.site_id != site_id:
            raise Rejected("inspection_area_not_of_site")
    return site_id, area_id, checkpoint


def _countersignatures(ctx: _Context, event: InspectionEvent, site_id: int, at: datetime) -> list[Countersignature]:
    """The inspector's marks on a shift's patrol record and a handover, only of the inspected site."""
    marks = []
    if event.countersign_shift_id is not None:
        shift = db.session.get(Shift, event.countersign_shift_id)
        if shift is None or shift.site_id != site_id:
            raise Rejected("countersign_not_of_site")
        marks.append(Countersignature(shift_id=shift.id, person_id=ctx.person.id, signed_at=at))
    if event.countersign_handover_id is not None:
        handover = db.session.get(Handover, event.countersign_handover_id)
        if handover is None or handover.site_id != site_id:
            raise Rejected("countersign_not_of_site")
        marks.append(Countersignature(handover_id=handover.id, shift_id=handover.shift_id, person_id=ctx.person.id,
                                      signed_at=at))
    return marks


def _inspection(ctx: _Context, event: InspectionEvent) -> Inspection:
    # the inspections area imports this module, so its rules are looked up when an inspection arrives
    from webapp.handover.services import signature_png
    from webapp.inspections.sheets import score_answers, usable_template

    if ctx.person.role not in QUALITY:
        raise Rejected("role_cannot_inspect")
    site_id, area_id, checkpoint = _inspection_place(ctx, event)
    template = usable_template(ctx.person, event.template_id)
    if template is None:
        raise Rejected("inspection_template_unknown")
    try:
        result = score_answers(template, [(a.item_id, a.value) for a in event.answers])
        signature = signature_png(event.signature)
    except DomainError as error:
        raise Rejected(error.code, **error.params) from None
    items = {item.id: item for item in template.items}
    for answer in event.answers:  # a failed item is explained on the spot: a note, a photo, or both
        if answer.item_id in result.failed_items and not (answer.note.strip() or answer.photo_ids):
            raise Rejected("failed_item_unexplained", item=items[answer.item_id].text)
    inspection = Inspection(template_id=template.id, area_id=area_id, checkpoint_id=checkpoint.id if checkpoint else None,
                            self_check=ctx.person.role == Role.MANAGER, points=result.points, max_points=result.max_points,
                            percent=result.percent, passed=result.passed, note=event.note.strip(), signature=signature)
    _stamp(ctx, inspection, event, site_id)
    inspection.countersignatures = _countersignatures(ctx, event, site_id, inspection.captured_at)
    photos = iter(_photos(ctx, [p for a in event.answers for p in a.photo_ids]))  # all checked at once, in order
    for answer in event.answers:
        row = InspectionResult(item_id=answer.item_id, value=answer.value, failed=answer.item_id in result.failed_items,
                               note=answer.note.strip())
        inspection.results.append(row)
        ctx.attach.append((row, "inspection_result_id", [(next(photos), "evidence") for _ in answer.photo_ids]))
    db.session.add(inspection)
    return inspection


def _reading(ctx: _Context, event: ReadingEvent) -> Reading:
    checkpoint = _checkpoint(ctx, event.token)
    item = next((i for i in ctx.items.get(checkpoint.id, []) if i.id == event.item_id), None)
    if item is None:
        raise Rejected("reading_item_unknown")
    rule = ReadingRule(item.kind, item.low, item.high, item.meter, item.max_jump)
    try:
        number, text, verdict = judge(rule, event.value, ctx.last_numbers.get(item.id))
    except DomainError as error:
        raise Rejected(f"reading_{error.code}", **error.params) from None
    if {"note", "photo"} & set(evidence_missing(verdict, event.note, len(event.photo_ids), event.confirmed)):
        raise Rejected("reading_evidence_missing")
    reading = Reading(item_id=item.id, equipment_id=item.equipment_id, checkpoint_id=checkpoint.id, value_number=number,
                      value_text=text, out_of_range=verdict.out_of_range, below_last=verdict.below_last,
                      jump=verdict.jump, confirmed=event.confirmed, note=event.note)
    _stamp(ctx, reading, event, checkpoint.site_id)
    photos = _photos(ctx, event.photo_ids)
    db.session.add(reading)
    if number is not None:
        ctx.last_numbers[item.id] = number
    if verdict.abnormal:  # 报修 raised at once, linked to the reading
        plant.raise_work(reading, item, ctx.person, ctx.now or reading.captured_at)
    ctx.attach.append((reading, "reading_id", [(photo, "evidence") for photo in photos]))
    return reading


BUILDERS = {"scan": _scan, "cleaning_check": _cleaning, "incident": _incident, "inspection": _inspection,
            "reading": _reading}


def _context(person: Person, site_ids: set[int], device: Device, offset: float, sent_at: datetime, events: list) -> _Context:
    tokens = {e.token for e in events if getattr(e, "token", None)}
    photo_ids = {p for e in events for p in getattr(e, "photo_ids", [])} | {p.id for e in events for p in getattr(e, "photos", [])}
    photo_ids |= {p for e in events for a in getattr(e, "answers", []) for p in a.photo_ids}  # an inspection's, per item
    times = [corrected_instant(e.device_time, offset) for e in events]
    checkpoints = queries.checkpoints_by_token(tokens)
    items = plant.items_at({checkpoints[e.token].id for e in events
                                        if e.type == "reading" and e.token in checkpoints})
    return _Context(
        person=person, site_ids=site_ids, device=device, offset_s=offset, sent_at=sent_at,
        checkpoints=checkpoints, retired=queries.retired_tokens(tokens),
        photos=queries.photos_by_uuid(photo_ids, person.id),
        shifts=queries.shifts_between(site_ids, min(times), max(times)) if times else [],
        items=items, last_numbers=plant.last_numbers({i.id for found in items.values() for i in found}),
    )


def _ingest_once(person, site_ids, device_id, sent_at, raw_events, now, skew_limit_s, queue) -> SyncOutcome:
    offset = clock_offset_s(sent_at, now)
    parsed = _parse(raw_events)
    valid = [event for event, failure in parsed if failure is None]
    device = device_for(person, device_id, now)
    device.holds_nothing_before = holds_nothing_before(now, offset, queue.waiting if queue else None,
                                                       queue.oldest_waiting if queue else None, device.holds_nothing_before)
    ctx = _context(person, site_ids, device, offset, sent_at, valid)
    ctx.now = now
    known = queries.existing_uuids({e.client_uuid for e in valid})
    results = []
    for event, failure in parsed:
        if failure is not None:
            results.append(failure)
            continue
        key = str(event.client_uuid)
        if event.client_uuid in known:
            results.append(Result(key, "duplicate"))
            continue
        try:
            rec = BUILDERS[event.type](ctx, event)
        except Rejected as rejected:
            results.append(Result(key, "rejected", reason=rejected.code, params=rejected.params))
            continue
        known.add(event.client_uuid)
        results.append(Result(key, "created", record=rec))
    db.session.flush()  # one flush for the whole batch: the rows go out as multi-row INSERTs, not one per event
    _attach_photos(ctx)
    for result in results:
        if result.record is not None:
            result.id = result.record.id
    outcome = SyncOutcome(now, offset, is_skewed(offset, skew_limit_s), results)
    record(person, "sync", "device", device.id, device=device_id, created=outcome.count("created"),
           duplicates=outcome.count("duplicate"), rejected=outcome.count("rejected"), clock_offset_s=round(offset, 1))
    db.session.commit()
    return outcome


def ingest(person: Person, site_ids: set[int], device_id: str, sent_at: datetime, raw_events: list, *, now: datetime,
           skew_limit_s: float, queue: QueueState | None = None) -> SyncOutcome:
    """Store a batch of events from one device; each is created, a duplicate, or rejected with a reason.

    `queue` is what the device says it still holds after this batch (see holds_nothing_before)."""
    for attempt in range(3):
        try:
            outcome = _ingest_once(person, site_ids, device_id, sent_at, raw_events, now, skew_limit_s, queue)
            _late_addenda(outcome, person, now)
            return outcome
        except IntegrityError:
            # the same events arrived through another request at the same moment: their rows now exist,
            # so the next attempt answers them as duplicates
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _late_addenda(outcome: SyncOutcome, person: Person, now: datetime) -> None:
    """Late scans that clear a miss left provisional in a sealed handover add a signed addendum under it (after the
    batch is committed: the records stand whatever happens here)."""
    from webapp.handover.services import late_scans_addenda

    scans = [r.record for r in outcome.results if r.status == "created" and isinstance(r.record, Scan)]
    if scans:
        late_scans_addenda(scans, person, now)


def site_of(person_site_ids: set[int], site_id: int) -> Site:
    """A site the person works at, or a refusal."""
    if site_id not in person_site_ids:
        raise Rejected("token_foreign_site")
    return db.session.get(Site, site_id)
