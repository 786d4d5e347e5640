"""The bridge from stored records to the gap engine: one shift's inputs loaded in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from webapp.domain import gaps as engine
from webapp.domain.exceptions import Life, Step, life_of
from webapp.domain.plant import ItemAt, expected_rooms, rooms_to_read
from webapp.extensions import db
from webapp.models import (
    Checkpoint,
    CleaningCheck,
    CleaningPlan,
    CleaningResult,
    Device,
    Equipment,
    EquipmentRoundCheckpoint,
    EquipmentRoundPlan,
    GapAction,
    Incident,
    PatrolPlan,
    Person,
    Photo,
    Reading,
    ReadingItem,
    Route,
    RouteStop,
    Scan,
    Shift,
)
from webapp.plans import spec_of

SLACK = timedelta(hours=3)  # records a little outside the shift still count (late rounds, early checks)


@dataclass
class ShiftPicture:
    """Everything known about a shift at `now`: the engine's verdict and what it refers to."""

    shift: Shift
    now: datetime
    assessment: engine.Assessment
    checkpoints: dict[int, Checkpoint]
    routes: dict[int, Route]
    people: dict[int, Person]
    lives: dict[str, Life]
    incidents: list[Incident]
    scans: dict[int, engine.ScanInput]

    def life(self, gap: engine.Gap) -> Life:
        return self.lives.get(gap.key) or life_of([])


def settings() -> engine.Settings:
    """The engine's settings, from the app's configuration where given."""
    cfg = current_app.config
    return engine.Settings(skew_limit_s=cfg["CLOCK_SKEW_LIMIT_S"], inactivity_minutes=cfg["INACTIVITY_MINUTES"],
                           provisional_hours=cfg["PROVISIONAL_HOURS"])


def _scans(shift: Shift) -> list[engine.ScanInput]:
    scans = list(db.session.scalars(select(Scan).where(
        Scan.site_id == shift.site_id, Scan.captured_at >= shift.starts_at - SLACK, Scan.captured_at < shift.ends_at + SLACK)))
    # photos counted for this shift's scans only (through the photo's scan_id index), never over every photo
    counts = dict(db.session.execute(select(Photo.scan_id, func.count()).where(
        Photo.scan_id.in_([s.id for s in scans])).group_by(Photo.scan_id)).all()) if scans else {}
    return [engine.ScanInput(id=s.id, checkpoint_id=s.checkpoint_id, person_id=s.person_id, device_id=s.device_id,
                             captured_at=s.captured_at, received_at=s.received_at, clock_offset_s=s.clock_offset_s,
                             lat=s.lat, lng=s.lng, accuracy_m=s.accuracy_m, photo_count=counts.get(s.id, 0)) for s in scans]


def _checks(shift: Shift) -> list[engine.CleaningCheckInput]:
    checks = db.session.scalars(
        select(CleaningCheck).where(CleaningCheck.site_id == shift.site_id, CleaningCheck.captured_at >= shift.starts_at - SLACK,
                                    CleaningCheck.captured_at < shift.ends_at + SLACK)
        .options(selectinload(CleaningCheck.results).selectinload(CleaningResult.item)))
    checks = list(checks)
    counts = dict(db.session.execute(select(Photo.cleaning_check_id, func.count()).where(
        Photo.cleaning_check_id.in_([c.id for c in checks])).group_by(Photo.cleaning_check_id)).all()) if checks else {}
    return [engine.CleaningCheckInput(id=c.id, checkpoint_id=c.checkpoint_id, person_id=c.person_id, device_id=c.device_id,
                                      captured_at=c.captured_at, received_at=c.received_at, clock_offset_s=c.clock_offset_s,
                                      failed_items=tuple(r.item.text for r in c.results if not r.passed),
                                      photo_count=counts.get(c.id, 0)) for c in checks]


def _readings(shift: Shift) -> list[engine.CleaningCheckInput]:
    """The shift's equipment readings as records at their checkpoints (what an equipment round is judged by)."""
    rows = db.session.execute(select(Reading.id, Reading.checkpoint_id, Reading.person_id, Reading.device_id,
                                     Reading.captured_at, Reading.received_at, Reading.clock_offset_s).where(
        Reading.site_id == shift.site_id, Reading.checkpoint_id.is_not(None), Reading.captured_at >= shift.starts_at - SLACK,
        Reading.captured_at < shift.ends_at + SLACK))
    return [engine.CleaningCheckInput(id=r.id, checkpoint_id=r.checkpoint_id, person_id=r.person_id, device_id=r.device_id,
                                      captured_at=r.captured_at, received_at=r.received_at,
                                      clock_offset_s=r.clock_offset_s, failed_items=(), photo_count=0) for r in rows]


def _phones_that_matter(shift: Shift, on_shift: set[int], used: set[int]) -> list[Device]:
    """Phones that may hold this shift's records: those that sent some of them, and those of the people on the shift
    used lately (a spare phone left in a drawer for weeks does not keep misses provisional)."""
    if not on_shift and not used:
        return []
    recent = shift.starts_at - timedelta(days=current_app.config["PHONE_RECENT_DAYS"])
    lately = Device.person_id.in_(on_shift) & (Device.last_sync_at >= recent)
    return list(db.session.scalars(select(Device).where(or_(Device.id.in_(used), lately))))


def _plant_rooms(plans: list[EquipmentRoundPlan], checkpoints: dict[int, Checkpoint]) -> dict[int, tuple[int, ...]]:
    """Each equipment round's plant rooms still expected to be read, in code order, in one query: an active
    checkpoint where something is in service (a room whose equipment was all retired, 停用, is no longer expected)."""
    if not plans:
        return {}
    rows = db.session.execute(select(EquipmentRoundCheckpoint.plan_id, EquipmentRoundCheckpoint.checkpoint_id,
                                     Equipment.active, ReadingItem.active)
                              .join(Equipment, Equipment.checkpoint_id == EquipmentRoundCheckpoint.checkpoint_id)
                              .join(ReadingItem, ReadingItem.equipment_id == Equipment.id)
                              .where(EquipmentRoundCheckpoint.plan_id.in_([p.id for p in plans])))
    items: dict[int, list[ItemAt]] = {}
    for plan_id, room, equipment_active, item_active in rows:
        items.setdefault(plan_id, []).append(ItemAt(room, equipment_active, item_active))
    open_rooms = {c for c, checkpoint in checkpoints.items() if checkpoint.active}
    return {plan_id: expected_rooms(sorted({i.checkpoint_id for i in found}, key=lambda c: checkpoints[c].code),
                                    rooms_to_read(found) & open_rooms)
            for plan_id, found in items.items()}


def picture(shift: Shift, now: datetime) -> ShiftPicture:
    """Assess a shift at `now` and gather what the board and the handover show of it."""
    site_id = shift.site_id
    checkpoints = {c.id: c for c in db.session.scalars(select(Checkpoint).where(Checkpoint.site_id == site_id))}
    routes = {r.id: r for r in db.session.scalars(select(Route).where(Route.site_id == site_id)
                                                   .options(selectinload(Route.stops).selectinload(RouteStop.checkpoint)))}
    patrol = list(db.session.scalars(select(PatrolPlan).where(
        PatrolPlan.site_id == site_id, PatrolPlan.active,
        or_(PatrolPlan.shift_template_id == shift.template_id, PatrolPlan.shift_template_id.is_(None)))))
    cleaning = list(db.session.scalars(select(CleaningPlan).where(CleaningPlan.site_id == site_id, CleaningPlan.active)
                                       .options(selectinload(CleaningPlan.checkpoints))))
    plant = list(db.session.scalars(select(EquipmentRoundPlan).where(EquipmentRoundPlan.site_id == site_id,
                                                                     EquipmentRoundPlan.active)))
    plant_rooms = _plant_rooms(plant, checkpoints)
    staff = {m.person_id for m in shift.members}
    on_shift = staff | ({shift.lead_id} if shift.lead_id else set())
    scans, checks = _scans(shift), _checks(shift)
    readings = _readings(shift) if plant else []
    devices = _phones_that_matter(shift, on_shift, {r.device_id for r in [*scans, *checks, *readings] if r.device_id})
    assessment = engine.assess(
        engine.ShiftInput(shift_id=shift.id, tz=shift.site.timezone, starts_at=shift.starts_at, ends_at=shift.ends_at,
                          lead_id=shift.lead_id, staff_ids=frozenset(staff), patrol=shift.template.patrol),
        [engine.CheckpointInput(id=c.id, name=c.name, code=c.code, for_patrol=c.for_patrol, for_cleaning=c.for_cleaning,
                                photo_required=c.photo_required, lat=c.lat, lng=c.lng, radius_m=c.radius_m)
         for c in checkpoints.values()],
        # a deactivated checkpoint is no longer due anywhere: its label refuses scans
        [engine.RouteInput(id=r.id, name=r.name, stops=tuple((s.checkpoint_id, s.min_walk_minutes) for s in r.stops
                                                             if checkpoints[s.checkpoint_id].active))
         for r in routes.values()],
        [engine.PatrolPlanInput(spec=spec_of(p), route_id=p.route_id) for p in patrol],
        [engine.CleaningPlanInput(spec=spec_of(p), checkpoint_ids=tuple(c.id for c in p.checkpoints if c.active))
         for p in cleaning],
        scans, checks,
        [engine.DeviceInput(device_id=d.id, person_id=d.person_id, last_sync_at=d.last_sync_at,
                            holds_nothing_before=d.holds_nothing_before) for d in devices],
        now, settings(),
        reading_plans=[engine.CleaningPlanInput(spec=spec_of(p), checkpoint_ids=plant_rooms.get(p.id, ()))
                       for p in plant],
        readings=readings,
    )
    person_ids = {g.person_id for g in assessment.gaps if g.person_id} | on_shift | {s.person_id for s in scans}
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(person_ids)))} if person_ids else {}
    steps: dict[str, list[Step]] = {}
    for a in db.session.scalars(select(GapAction).where(GapAction.shift_id == shift.id)):
        steps.setdefault(a.gap_key, []).append(Step(a.action, a.person_id, a.at, a.text))
    incidents = list(db.session.scalars(
        select(Incident).where(Incident.site_id == site_id, or_(Incident.closed_at.is_(None), Incident.captured_at >= shift.starts_at),
                               Incident.captured_at < shift.ends_at)
        .options(selectinload(Incident.person), selectinload(Incident.checkpoint)).order_by(Incident.captured_at)))
    return ShiftPicture(shift, now, assessment, checkpoints, routes, people,
                        {key: life_of(s) for key, s in steps.items()}, incidents, {s.id: s for s in scans})
