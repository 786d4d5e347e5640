"""A phone's device id belongs to the person who first synced from it: someone else sending the same id (another
site's guard, or the next shift on a shared patrol phone) gets a device row of their own and never takes it over."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.board.test_board import _board, _client, _night, _text
from tests.field.helpers import CST, Phone, jpeg, scan_event
from webapp.extensions import db
from webapp.models import Device, Photo, Scan


def test_another_sites_guard_sending_a_phones_id_does_not_take_it_over_nor_clear_a_provisional_miss(world, app):
    shift, _pump = _night(world)
    guard, guard_b = world.people["guard"], world.people["guard_b"]
    synced = shift.starts_at + timedelta(minutes=10)
    db.session.add(Device(client_id="guard-phone", person_id=guard.id, first_seen_at=synced, last_sync_at=synced))
    db.session.commit()
    later = shift.starts_at + timedelta(minutes=50)
    lead = _client(app, "lead")
    assert "待同步确认" in _text(_board(app, lead, world, shift, later))  # the guard's phone has not synced since

    app.config["ROUNDS_NOW"] = later
    intruder = Phone(app, "guard_b", device="guard-phone")
    answer = intruder.sync([scan_event(world.checkpoint_b.token, later.astimezone(CST))]).get_json()
    assert answer["created"] == 1
    upload = intruder.upload(jpeg(), site_id=world.site_b.id)
    assert upload.status_code == 201, upload.get_json()

    db.session.expire_all()
    rows = {d.person_id: d for d in db.session.scalars(select(Device).where(Device.client_id == "guard-phone"))}
    assert set(rows) == {guard.id, guard_b.id}
    assert rows[guard.id].last_sync_at == synced  # untouched by the other person's batch
    scan = db.session.scalar(select(Scan).where(Scan.person_id == guard_b.id))
    photo = db.session.scalar(select(Photo).where(Photo.person_id == guard_b.id))
    assert scan.device_id == photo.device_id == rows[guard_b.id].id
    assert "待同步确认" in _text(_board(app, lead, world, shift, later))  # still provisional: the guard's phone is silent


def test_the_owner_syncing_again_uses_the_same_row(world, app):
    phone = Phone(app, "guard", device="patrol-phone-7")
    assert phone.sync([{"client_uuid": "not-a-uuid"}]).status_code == 200
    assert phone.sync([{"client_uuid": "not-a-uuid"}]).status_code == 200
    devices = db.session.scalars(select(Device).where(Device.client_id == "patrol-phone-7")).all()
    assert [d.person_id for d in devices] == [world.people["guard"].id]
