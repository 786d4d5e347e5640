"""Readings arrive through the one sync API: judged on the server, idempotent, and abnormal ones open a work order."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.equipment.plant import PumpRoom, reading_event
from tests.field.helpers import Phone, jpeg
from webapp.extensions import db
from webapp.models import Photo, QualityStep, Reading, Route, RouteStop, WorkOrder


@pytest.fixture
def room(world):
    return PumpRoom(world)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_normal_pressure_is_kept_and_raises_no_work(world, app, room):
    phone = Phone(app, "engineer")
    answer = phone.sync([reading_event(room.token, room.pressure, "0.45", phone.clock())]).get_json()
    assert answer["results"][0]["status"] == "created"
    reading = db.session.scalar(select(Reading))
    assert reading.value_number == 0.45 and not reading.out_of_range and reading.work_order_id is None
    assert reading.equipment_id == room.pump.id and reading.person_id == world.people["engineer"].id
    assert _count(WorkOrder) == 0


def test_a_pressure_out_of_range_with_note_and_photo_opens_a_work_order_linked_to_it(world, app, room):
    phone = Phone(app, "engineer")
    photo = phone.upload(jpeg(), token=room.token, device_time=phone.clock().isoformat()).get_json()["client_uuid"]
    event = reading_event(room.token, room.pressure, "0.72", phone.clock(), note="出口阀门异响", photo_ids=[photo])
    answer = phone.sync([event]).get_json()
    assert answer["results"][0]["status"] == "created", answer
    reading = db.session.scalar(select(Reading))
    assert reading.out_of_range and reading.note == "出口阀门异响"
    order = db.session.get(WorkOrder, reading.work_order_id)
    assert order is not None and order.site_id == world.site_a.id and order.checkpoint_id == world.checkpoint_a.id
    assert order.category == "plumbing" and order.state == "received"
    assert "1号生活水泵" in order.description and "0.72 MPa" in order.description and "0.3–0.6 MPa" in order.description
    assert db.session.scalar(select(QualityStep).where(QualityStep.subject == "work_order",
                                                       QualityStep.subject_id == order.id)).action == "raise"
    assert db.session.scalar(select(Photo.reading_id)) == reading.id
    # the phone sends the batch again (its answer was lost): nothing more is stored, no second order
    again = phone.sync([event]).get_json()
    assert again["results"][0]["status"] == "duplicate"
    assert _count(Reading) == 1 and _count(WorkOrder) == 1


def test_an_abnormal_reading_without_note_and_photo_is_refused_with_a_reason(world, app, room):
    phone = Phone(app, "engineer")
    answer = phone.sync([reading_event(room.token, room.pressure, "0.1", phone.clock())]).get_json()
    result = answer["results"][0]
    assert result["status"] == "rejected" and result["reason"] == "reading_evidence_missing"
    assert result["message"] == "异常读数需要备注和照片。"
    assert _count(Reading) == 0 and _count(WorkOrder) == 0


def test_a_fault_state_is_abnormal_and_raises_work(world, app, room):
    phone = Phone(app, "engineer")
    photo = phone.upload(jpeg(), token=room.token, device_time=phone.clock().isoformat()).get_json()["client_uuid"]
    answer = phone.sync([reading_event(room.token, room.state, "fault", phone.clock(), note="跳闸", photo_ids=[photo])])
    assert answer.get_json()["results"][0]["status"] == "created"
    assert db.session.scalar(select(Reading)).work_order_id is not None


def test_a_meter_lower_than_the_last_reading_is_kept_flagged_and_a_jump_too(world, app, room):
    phone = Phone(app, "engineer")
    now = phone.clock()
    events = [reading_event(room.token, room.meter, "12345", now - timedelta(hours=2)),
              reading_event(room.token, room.meter, "12000", now - timedelta(hours=1), confirmed=True),
              reading_event(room.token, room.meter, "13000", now, confirmed=True)]
    assert [r["status"] for r in phone.sync(events).get_json()["results"]] == ["created"] * 3
    rows = db.session.scalars(select(Reading).order_by(Reading.captured_at)).all()
    assert [(r.below_last, r.jump) for r in rows] == [(False, False), (True, False), (False, True)]
    assert not any(r.out_of_range for r in rows) and _count(WorkOrder) == 0


def test_nonsense_and_items_of_another_checkpoint_are_refused(world, app, room):
    phone = Phone(app, "engineer")
    now = phone.clock()
    answer = phone.sync([reading_event(room.token, room.pressure, "abc", now),
                         reading_event(room.token, room.state, "broken", now),
                         reading_event(world.checkpoint_b.token, room.pressure, "0.4", now)]).get_json()
    assert [r["reason"] for r in answer["results"]] == ["reading_not_a_number", "reading_bad_choice",
                                                        "token_foreign_site"]
    assert _count(Reading) == 0


def test_a_guard_of_another_site_cannot_read_this_plant_room(world, app, room):
    phone = Phone(app, "guard_b")
    answer = phone.sync([reading_event(room.token, room.pressure, "0.4", phone.clock())]).get_json()
    assert answer["results"][0]["status"] == "rejected"
    assert _count(Reading) == 0


def test_a_guard_who_scans_a_plant_room_is_offered_its_readings_and_an_engineer_goes_straight_there(world, app, room):
    from tests.conftest import sign_in

    guard = app.test_client()
    assert sign_in(guard, "guard").status_code == 302
    done = guard.get(f"/s/{room.token}", follow_redirects=True).get_data(as_text=True)
    assert "在此抄表" in done and f"/s/{room.token}?readings=1" in done
    page = guard.get(f"/s/{room.token}?readings=1", follow_redirects=True).get_data(as_text=True)
    assert 'data-readings' in page and 'inputmode="decimal"' in page and "正常 0.3–0.6 MPa" in page
    engineer = app.test_client()
    assert sign_in(engineer, "engineer").status_code == 302
    answer = engineer.get(f"/s/{room.token}")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/s/{room.token}/readings")
    outsider = app.test_client()
    assert sign_in(outsider, "guard_b").status_code == 302
    assert "data-readings" not in outsider.get(f"/s/{room.token}/readings").get_data(as_text=True)


def test_an_engineers_pages_name_each_plant_rooms_form_to_keep_a_guards_those_on_his_routes_and_none_a_token(world, app, room):
    import json
    import re

    from tests.conftest import sign_in

    engineer = app.test_client()
    assert sign_in(engineer, "engineer").status_code == 302
    page = engineer.get("/scan").get_data(as_text=True)
    settings = json.loads(re.search(r'<script[^>]*id="rounds-client"[^>]*>(.*?)</script>', page, re.S).group(1))
    kept = f"/plant-rooms/{world.checkpoint_a.id}/readings"
    assert kept in settings["warm"]
    form = engineer.get(kept)
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    assert 'data-token=""' in text and "出口压力" in text and room.token not in text
    guard = app.test_client()
    assert sign_in(guard, "guard").status_code == 302  # no patrol route passes the plant room: a guard never reads it
    assert kept not in guard.get("/scan").get_data(as_text=True)
    route = Route(site_id=world.site_a.id, name="巡更兼抄表",
                  stops=[RouteStop(checkpoint_id=world.checkpoint_a.id, position=0, min_walk_minutes=0)])
    db.session.add(route)
    db.session.commit()
    assert kept in guard.get("/scan").get_data(as_text=True)  # a combined round: his phone keeps the form too
    route.active = False
    db.session.commit()
    assert kept not in guard.get("/scan").get_data(as_text=True)  # the route retired
    outsider = app.test_client()
    assert sign_in(outsider, "guard_b").status_code == 302
    assert outsider.get(kept).status_code == 404  # another site's plant room
    bare = world.checkpoint(world.site_a, "A02", "A 南门")
    db.session.commit()
    assert engineer.get(f"/plant-rooms/{bare.id}/readings").status_code == 404  # no equipment there
