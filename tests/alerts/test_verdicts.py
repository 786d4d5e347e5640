"""The alert tick's loader judges rounds and phone clocks exactly as the board's loader does."""
from __future__ import annotations

import uuid
from datetime import timedelta

from tests.alerts.things import CLOSES, patrolled_shift
from webapp.alerts.verdicts import verdicts
from webapp.assessments import picture
from webapp.extensions import db
from webapp.models import Checkpoint, Device, PatrolPlan, Scan, Shift


def _scan(world, checkpoint, login, at, offset=0.0, device=None):
    db.session.add(Scan(client_uuid=uuid.uuid4(), site_id=checkpoint.site_id, person_id=world.people[login].id,
                        checkpoint_id=checkpoint.id, device_id=device, device_time=at, captured_at=at, received_at=at,
                        clock_offset_s=offset))
    db.session.commit()


def test_the_tick_and_the_board_agree_on_every_round_and_clock(world):
    shift = patrolled_shift(world)
    second = world.checkpoint(world.site_a, "A02", "A 南门")
    plan = db.session.query(PatrolPlan).one()
    plan.route.stops.append(type(plan.route.stops[0])(checkpoint_id=second.id, position=1, min_walk_minutes=0))
    db.session.add(PatrolPlan(site_id=world.site_a.id, route_id=plan.route_id, shift_template_id=None, name="午后",
                              times_local="14:00", window_minutes=30, grace_minutes=15))
    phone = Device(client_id="pwa-1", person_id=world.people["guard"].id, last_sync_at=CLOSES - timedelta(minutes=50))
    db.session.add(phone)
    db.session.commit()
    _scan(world, world.checkpoint_a, "guard", CLOSES - timedelta(minutes=40), offset=900, device=phone.id)
    _scan(world, world.checkpoint_b, "guard_b", CLOSES - timedelta(minutes=30))  # another site's scan
    other = world.shift_at(world.site_b, at=CLOSES)
    for minutes in (-60, 1, 30, 200, 400, 700):
        now = CLOSES + timedelta(minutes=minutes)
        shifts = [db.session.get(Shift, shift.id), db.session.get(Shift, other.id)]
        mine = verdicts(shifts, now)
        for s in shifts:
            board = picture(s, now).assessment
            tick, _scans = mine[s.id]
            assert tick.rounds == board.rounds, minutes
            assert len(board.rounds) == (2 if s.id == shift.id else 0)
            assert [g for g in tick.gaps if g.kind == "clock_skew"] == [g for g in board.gaps if g.kind == "clock_skew"]
    assert db.session.get(Checkpoint, second.id).active
