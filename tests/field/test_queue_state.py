"""A miss is final only when the phones that matter are known to hold nothing older: each batch says what the phone
still holds, a forgotten spare phone does not count, and after PROVISIONAL_HOURS a miss is final anyway."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.field.helpers import CST, Phone, scan_event
from webapp.assessments import picture
from webapp.extensions import db
from webapp.models import Device, PatrolPlan, Route

DAY = date(2026, 11, 24)


def _night(world, app):
    shift = world.night_shift(DAY)
    route = db.session.scalar(select(Route).where(Route.site_id == world.site_a.id))
    db.session.add(PatrolPlan(site_id=world.site_a.id, route_id=route.id, shift_template_id=shift.template_id,
                              name="夜巡", interval_minutes=120, window_minutes=30))
    db.session.commit()
    return shift


def _rounds(shift, now):
    return [(r.state, r.provisional) for r in picture(shift, now).assessment.rounds]


def _sync(app, phone, now, events, queue=None):
    body_sent = now.astimezone(CST)
    answer = phone.client.post("/api/v1/sync", json={"device_id": phone.device, "sent_at": body_sent.isoformat(),
                                                     "events": events, **({"queue": queue} if queue else {})},
                               headers={"X-CSRFToken": phone.token})
    assert answer.status_code == 200, answer.get_json()
    return answer


def test_a_late_batch_that_leaves_an_older_scan_waiting_keeps_that_round_provisional_until_it_arrives(world, app):
    shift = _night(world, app)
    now = shift.ends_at + timedelta(minutes=5)
    app.config["ROUNDS_NOW"] = now
    phone = Phone(app, "guard")
    first, second = shift.starts_at + timedelta(minutes=5), shift.starts_at + timedelta(hours=2, minutes=5)
    older = scan_event(world.checkpoint_a.token, first.astimezone(CST))
    later = scan_event(world.checkpoint_a.token, second.astimezone(CST))
    _sync(app, phone, now, [later], {"waiting": 1, "oldest_waiting": first.astimezone(CST).isoformat()})
    device = db.session.scalar(select(Device))
    assert abs((device.holds_nothing_before - first).total_seconds()) < 1
    rounds = _rounds(shift, now)
    assert rounds[0] == ("missed", True)  # the phone said it still holds a scan from then: not a confident miss
    assert rounds[1][0] == "done"
    _sync(app, phone, now, [older], {"waiting": 0})
    db.session.expire_all()
    rounds = _rounds(shift, now)
    assert rounds[0][0] == "done" and rounds[1][0] == "done"
    assert all(state != "missed" or not provisional for state, provisional in rounds)  # nothing waits: misses are final
    assert ("missed", False) in rounds


def test_a_forgotten_spare_phone_does_not_keep_misses_provisional_but_a_phone_used_this_week_does(world, app):
    shift = _night(world, app)
    now = shift.ends_at + timedelta(minutes=5)
    app.config["ROUNDS_NOW"] = now
    phone = Phone(app, "guard")
    _sync(app, phone, now, [scan_event(world.checkpoint_a.token, (shift.starts_at + timedelta(minutes=5)).astimezone(CST))],
          {"waiting": 0})
    guard = world.people["guard"].id
    db.session.add(Device(client_id="drawer", person_id=guard, last_sync_at=shift.starts_at - timedelta(days=30)))
    db.session.commit()
    assert not any(p for _s, p in _rounds(shift, now))  # the drawer phone does not matter
    db.session.add(Device(client_id="yesterday", person_id=guard, last_sync_at=shift.starts_at - timedelta(days=1)))
    db.session.commit()
    assert ("missed", True) in _rounds(shift, now)  # used yesterday: it may hold tonight's scans
    later = shift.ends_at + timedelta(hours=app.config["PROVISIONAL_HOURS"], minutes=30)
    assert ("missed", True) not in _rounds(shift, later) and ("missed", False) in _rounds(shift, later)
