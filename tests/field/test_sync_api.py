"""The sync API: one idempotent batch endpoint, judged event by event, with the device's clock measured."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select

from tests import clock
from tests.field.helpers import CST, Phone, jpeg, scan_event
from webapp.extensions import db
from webapp.models import AuditEntry, CleaningCheck, Device, Incident, Photo, RetiredToken, Scan


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_mixed_batch_keeps_the_good_events_and_says_why_the_bad_ones_were_refused(world, app):
    phone = Phone(app, "guard")
    now = phone.clock()
    good = scan_event(world.checkpoint_a.token, now - timedelta(minutes=5))
    events = [
        good,
        {"type": "scan", "client_uuid": "not-a-uuid", "token": "x", "device_time": now.isoformat()},
        {"type": "teleport", "client_uuid": str(uuid.uuid4())},
        scan_event(world.checkpoint_a.token, now.replace(tzinfo=None)),  # no UTC offset: ambiguous
        scan_event("no-such-token", now),
        scan_event(world.checkpoint_c.token, now),  # another company's label
        "just a string",
        dict(good),  # the same event twice in one batch
    ]
    answer = phone.sync(events)
    assert answer.status_code == 200
    body = answer.get_json()
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["created", "rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "duplicate"]
    reasons = [r["reason"] for r in body["results"]]
    assert reasons[1:7] == ["invalid_event", "invalid_event", "invalid_event", "token_unknown", "token_foreign_site",
                            "invalid_event"]
    assert body["results"][4]["message"] == "此二维码不是本系统的巡检点标签。"
    assert "client_uuid" in body["results"][1]["message"]
    assert (body["created"], body["duplicates"], body["rejected"]) == (1, 1, 6)
    assert _count(Scan) == 1


def test_the_same_batch_sent_twice_is_stored_once(world, app):
    phone = Phone(app, "guard")
    events = [scan_event(world.checkpoint_a.token, phone.clock() - timedelta(minutes=m)) for m in (9, 5, 1)]
    first = phone.sync(events).get_json()
    again = phone.sync(events).get_json()
    assert [r["status"] for r in first["results"]] == ["created"] * 3
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 3
    assert _count(Scan) == 3
    assert [r["client_uuid"] for r in again["results"]] == [e["client_uuid"] for e in events]


def test_a_phone_clock_ten_minutes_fast_is_measured_and_its_times_corrected(world, app):
    phone = Phone(app, "guard", skew=timedelta(minutes=10))
    taken = phone.clock() - timedelta(hours=2)  # queued offline two hours ago, by the phone's (fast) clock
    body = phone.sync([scan_event(world.checkpoint_a.token, taken)]).get_json()
    assert 590 < body["clock_offset_s"] < 610 and body["clock_skewed"] is True
    scan = db.session.scalar(select(Scan))
    assert abs((scan.captured_at - (taken - timedelta(minutes=10))).total_seconds()) < 10
    assert scan.device_time == taken and scan.device_utc_offset_min == 480
    assert abs(scan.clock_offset_s - 600) < 10
    assert scan.received_at - scan.captured_at > timedelta(hours=1, minutes=59)


def test_an_accurate_clock_is_not_flagged(world, app):
    body = Phone(app, "guard").sync([scan_event(world.checkpoint_a.token, clock.now(CST))]).get_json()
    assert abs(body["clock_offset_s"]) < 5 and body["clock_skewed"] is False


def test_an_event_dated_after_its_batch_was_sent_is_refused(world, app):
    phone = Phone(app, "guard")
    body = phone.sync([scan_event(world.checkpoint_a.token, phone.clock() + timedelta(minutes=30))]).get_json()
    assert body["results"][0]["reason"] == "event_after_sending"


def test_replaced_and_inactive_labels_are_refused_with_their_reason(world, app):
    old = world.checkpoint_a.token
    db.session.add(RetiredToken(token=old, checkpoint_id=world.checkpoint_a.id,
                                retired_at=datetime(2026, 11, 20, 3, 0, tzinfo=CST)))
    world.checkpoint_a.token = "fresh-token-after-reissue"
    world.checkpoint_b.active = False
    db.session.commit()
    phone = Phone(app, "manager")  # works at site A only
    body = phone.sync([scan_event(old, phone.clock()), scan_event("fresh-token-after-reissue", phone.clock())]).get_json()
    assert [r["status"] for r in body["results"]] == ["rejected", "created"]
    assert body["results"][0]["message"] == "该标签已于 2026/11/20 更换，不再有效。请扫描新标签。"
    admin = Phone(app, "admin")
    body = admin.sync([scan_event(world.checkpoint_b.token, admin.clock())]).get_json()
    assert body["results"][0]["reason"] == "checkpoint_inactive"


def test_a_cleaning_check_with_a_failed_item_and_before_after_photos(world, app):
    phone = Phone(app, "cleaner")
    item = world.checkpoint_a.checklist[0]
    before = phone.upload(jpeg(), token=world.checkpoint_a.token).get_json()
    after = phone.upload(jpeg(color=(200, 200, 200)), token=world.checkpoint_a.token).get_json()
    check = {"type": "cleaning_check", "client_uuid": str(uuid.uuid4()), "token": world.checkpoint_a.token,
             "device_time": phone.clock().isoformat(),
             "results": [{"item_id": item.id, "passed": False, "note": "楼梯扶手有灰"}],
             "photos": [{"id": before["client_uuid"], "stage": "before"}, {"id": after["client_uuid"], "stage": "after"}]}
    body = phone.sync([check]).get_json()
    assert body["results"][0]["status"] == "created"
    stored = db.session.scalar(select(CleaningCheck))
    assert [(r.passed, r.note) for r in stored.results] == [(False, "楼梯扶手有灰")]
    stages = dict(db.session.execute(select(Photo.stage, Photo.cleaning_check_id)).all())
    assert stages == {"before": stored.id, "after": stored.id}


def test_a_cleaning_check_must_answer_every_item_and_guards_do_not_log_them(world, app):
    phone = Phone(app, "cleaner")
    partial = {"type": "cleaning_check", "client_uuid": str(uuid.uuid4()), "token": world.checkpoint_a.token,
               "device_time": phone.clock().isoformat(), "results": []}
    assert phone.sync([partial]).get_json()["results"][0]["reason"] == "checklist_mismatch"
    guard = Phone(app, "guard")
    partial["client_uuid"] = str(uuid.uuid4())
    assert guard.sync([partial]).get_json()["results"][0]["reason"] == "role_cannot_clean"
    assert _count(CleaningCheck) == 0


def test_an_incident_with_photos_and_one_that_references_a_photo_never_sent(world, app):
    phone = Phone(app, "guard")
    photo_ids = []
    for n in range(2):
        answer = phone.upload(jpeg(color=(n * 80, 30, 30)), site_id=world.site_a.id)
        assert answer.status_code == 201
        photo_ids.append(answer.get_json()["client_uuid"])
    incident = {"type": "incident", "client_uuid": str(uuid.uuid4()), "device_time": phone.clock().isoformat(),
                "kind": "leak", "severity": "high", "description": "水泵房漏水", "token": world.checkpoint_a.token,
                "photo_ids": photo_ids}
    ghost = dict(incident, client_uuid=str(uuid.uuid4()), photo_ids=[str(uuid.uuid4())])
    body = phone.sync([incident, ghost]).get_json()
    assert [r["status"] for r in body["results"]] == ["created", "rejected"]
    assert body["results"][1]["reason"] == "photo_unknown"
    stored = db.session.scalar(select(Incident))
    assert stored.checkpoint_id == world.checkpoint_a.id and stored.site_id == world.site_a.id
    assert db.session.scalar(select(func.count()).select_from(Photo).where(Photo.incident_id == stored.id)) == 2


def test_a_photo_sent_twice_is_stored_once(world, app):
    phone = Phone(app, "guard")
    key = str(uuid.uuid4())
    first = phone.upload(jpeg(), client_uuid=key, site_id=world.site_a.id)
    second = phone.upload(jpeg(), client_uuid=key, site_id=world.site_a.id)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.get_json()["status"] == "duplicate" and second.get_json()["id"] == first.get_json()["id"]
    assert _count(Photo) == 1


def test_a_bad_photo_gets_a_clear_answer_and_leaves_nothing(world, app, photo_root):
    phone = Phone(app, "guard")
    files_before = sorted(p.name for p in photo_root.rglob("*"))
    answer = phone.upload(b"this is not a picture", site_id=world.site_a.id, filename="fake.jpg")
    assert answer.status_code == 400 and answer.get_json()["error"] == "photo_not_an_image"
    truncated = jpeg()[:2000]
    assert phone.upload(truncated, site_id=world.site_a.id).get_json()["error"] == "photo_truncated"
    assert _count(Photo) == 0 and sorted(p.name for p in photo_root.rglob("*")) == files_before


def test_a_malformed_batch_is_a_400_with_a_reason_and_writes_nothing(world, app):
    phone = Phone(app, "guard")
    for body in ({"device_id": "x", "events": []}, {"sent_at": "yesterday", "device_id": "x", "events": [{}]}, None):
        answer = phone.client.post("/api/v1/sync", json=body, headers={"X-CSRFToken": phone.token})
        assert answer.status_code == 400 and answer.get_json()["error"] == "invalid_batch"
        assert answer.get_json()["message"].startswith("无法读取这批数据")
    assert _count(Scan) == 0 and _count(Device) == 0


def test_without_the_csrf_header_the_api_refuses_to_write(world, app):
    phone = Phone(app, "guard")
    answer = phone.client.post("/api/v1/sync", json={"device_id": "x", "sent_at": phone.clock().isoformat(),
                                                     "events": [scan_event(world.checkpoint_a.token, phone.clock())]})
    assert answer.status_code == 400 and answer.get_json()["error"] == "csrf"
    assert _count(Scan) == 0


def test_every_record_is_tied_to_person_device_and_shift_and_each_batch_audited(world, app):
    shift = world.night_shift(clock.now(CST).date() - timedelta(days=1))
    at = shift.starts_at + timedelta(hours=3)
    phone = Phone(app, "guard", device="patrol-phone-7")
    body = phone.sync([scan_event(world.checkpoint_a.token, at.astimezone(CST))]).get_json()
    assert body["created"] == 1
    scan = db.session.scalar(select(Scan))
    device = db.session.scalar(select(Device).where(Device.client_id == "patrol-phone-7"))
    assert (scan.person_id, scan.device_id, scan.shift_id) == (world.people["guard"].id, device.id, shift.id)
    assert device.last_sync_at is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sync"))
    assert '"created": 1' in entry.detail and entry.person_id == world.people["guard"].id
