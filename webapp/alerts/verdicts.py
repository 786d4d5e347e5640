"""The gap engine's verdict on every running shift for the alert tick, loaded for all sites at once.

The board's loader (webapp/assessments.py) gathers a shift's photos, people, gap actions and incidents too, about 20
queries a shift; the alert rules need rounds, phones and clocks only, so this loads the same engine inputs for all the
shifts in seven queries and runs the engine per shift. Cleaning plans, photos and cleaning checks' items are left out:
no alert rule reads them (tests/alerts/test_verdicts.py checks the rounds match the board's verdict).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from webapp.assessments import SLACK, settings
from webapp.domain import gaps as engine
from webapp.extensions import db
from webapp.models import Checkpoint, CleaningCheck, Device, PatrolPlan, Route, Scan, Shift
from webapp.plans import spec_of


def verdicts(shifts: list[Shift], now: datetime) -> dict[int, tuple[engine.Assessment, dict[int, list[datetime]]]]:
    """Each shift's verdict at `now`, and its people's scan instants (for the lone-worker check)."""
    if not shifts:
        return {}
    site_ids = {s.site_id for s in shifts}
    start = min(s.starts_at for s in shifts) - SLACK
    end = max(s.ends_at for s in shifts) + SLACK
    checkpoints = _by_site(db.session.scalars(select(Checkpoint).where(Checkpoint.site_id.in_(site_ids))))
    routes = _by_site(db.session.scalars(select(Route).where(Route.site_id.in_(site_ids))
                                         .options(selectinload(Route.stops))))
    plans = _by_site(db.session.scalars(select(PatrolPlan).where(PatrolPlan.site_id.in_(site_ids), PatrolPlan.active)))
    scans = _by_site(db.session.scalars(select(Scan).where(Scan.site_id.in_(site_ids), Scan.captured_at >= start,
                                                           Scan.captured_at < end)))
    checks = _by_site(db.session.scalars(select(CleaningCheck).where(
        CleaningCheck.site_id.in_(site_ids), CleaningCheck.captured_at >= start, CleaningCheck.captured_at < end)))
    members = {s.id: {m.person_id for m in s.members} for s in shifts}
    on_shift = {sid: people | ({s.lead_id} if s.lead_id else set()) for s in shifts for sid, people in [(s.id, members[s.id])]}
    used = {r.device_id for rs in (*scans.values(), *checks.values()) for r in rs if r.device_id}
    recent = start - timedelta(days=current_app.config["PHONE_RECENT_DAYS"])
    everyone = set().union(*on_shift.values())
    phones = list(db.session.scalars(select(Device).where(or_(Device.id.in_(used) if used else false(),
                                                              Device.person_id.in_(everyone) & (Device.last_sync_at >= recent)))))
    tuning = settings()
    found = {}
    for shift in shifts:
        found[shift.id] = _one(shift, now, tuning, checkpoints[shift.site_id], routes[shift.site_id],
                               plans[shift.site_id], scans[shift.site_id], checks[shift.site_id], phones,
                               members[shift.id], on_shift[shift.id])
    return found


def _by_site(rows) -> defaultdict:
    grouped: defaultdict = defaultdict(list)
    for row in rows:
        grouped[row.site_id].append(row)
    return grouped


def _one(shift, now, tuning, checkpoints, routes, plans, scans, checks, phones, staff, on_shift):
    lo, hi = shift.starts_at - SLACK, shift.ends_at + SLACK
    own_scans = [s for s in scans if lo <= s.captured_at < hi]
    own_checks = [c for c in checks if lo <= c.captured_at < hi]
    used = {r.device_id for r in [*own_scans, *own_checks] if r.device_id}
    recent = shift.starts_at - timedelta(days=current_app.config["PHONE_RECENT_DAYS"])
    devices = [d for d in phones if d.id in used or (d.person_id in on_shift and d.last_sync_at is not None
                                                     and d.last_sync_at >= recent)]
    active = {c.id for c in checkpoints if c.active}
    assessment = engine.assess(
        engine.ShiftInput(shift_id=shift.id, tz=shift.site.timezone, starts_at=shift.starts_at, ends_at=shift.ends_at,
                          lead_id=shift.lead_id, staff_ids=frozenset(staff), patrol=shift.template.patrol),
        [engine.CheckpointInput(id=c.id, name=c.name, code=c.code, for_patrol=c.for_patrol, for_cleaning=c.for_cleaning,
                                photo_required=c.photo_required, lat=c.lat, lng=c.lng, radius_m=c.radius_m)
         for c in checkpoints],
        [engine.RouteInput(id=r.id, name=r.name, stops=tuple((s.checkpoint_id, s.min_walk_minutes) for s in r.stops
                                                             if s.checkpoint_id in active)) for r in routes],
        [engine.PatrolPlanInput(spec=spec_of(p), route_id=p.route_id) for p in plans
         if p.shift_template_id in (None, shift.template_id)],
        [],
        [engine.ScanInput(id=s.id, checkpoint_id=s.checkpoint_id, person_id=s.person_id, device_id=s.device_id,
                          captured_at=s.captured_at, received_at=s.received_at, clock_offset_s=s.clock_offset_s,
                          lat=s.lat, lng=s.lng, accuracy_m=s.accuracy_m, photo_count=0) for s in own_scans],
        [engine.CleaningCheckInput(id=c.id, checkpoint_id=c.checkpoint_id, person_id=c.person_id, device_id=c.device_id,
                                   captured_at=c.captured_at, received_at=c.received_at, clock_offset_s=c.clock_offset_s,
                                   failed_items=(), photo_count=0) for c in own_checks],
        [engine.DeviceInput(device_id=d.id, person_id=d.person_id, last_sync_at=d.last_sync_at,
                            holds_nothing_before=d.holds_nothing_before) for d in devices],
        now, tuning,
    )
    by_person: dict[int, list[datetime]] = defaultdict(list)
    for s in own_scans:
        by_person[s.person_id].append(s.captured_at)
    return assessment, by_person
