"""Equipment rounds are plans like patrols: a manager sets the times, and a plant room not read in its window is a gap
on the lead's board (and so in the handover); a reading in the window leaves none."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import csrf_from, sign_in
from tests.equipment.plant import PumpRoom
from webapp import assessments
from webapp.extensions import db
from webapp.models import EquipmentRoundPlan, Reading


def _client(app, login: str):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def _add_round(app, world, **fields):
    manager = _client(app, "manager")
    url = f"/sites/{world.site_a.id}/equipment"
    data = {"csrf_token": csrf_from(manager.get(url).get_data(as_text=True)), "name": "泵房早班巡检",
            "times_local": "08:30", "window_minutes": "60", "grace_minutes": "15",
            "checkpoint_ids": str(world.checkpoint_a.id), **fields}
    return manager.post(url + "/rounds", data=data)


def test_a_manager_sets_an_equipment_round_over_the_plant_rooms(app, world):
    PumpRoom(world)
    assert _add_round(app, world).status_code == 303
    plan = db.session.scalar(select(EquipmentRoundPlan))
    assert plan.times_local == "08:30" and [c.id for c in plan.checkpoints] == [world.checkpoint_a.id]
    page = _client(app, "manager").get(f"/sites/{world.site_a.id}/equipment").get_data(as_text=True)
    assert "泵房早班巡检" in page
    refused = _add_round(app, world, times_local="25:99")
    assert refused.status_code == 422 and db.session.query(EquipmentRoundPlan).count() == 1
    assert _add_round(app, world, checkpoint_ids="").status_code == 422
    engineer = _client(app, "engineer")
    url = f"/sites/{world.site_a.id}/equipment"
    answer = engineer.post(url + "/rounds", data={"csrf_token": csrf_from(engineer.get(url).get_data(as_text=True)),
                                                   "name": "x", "times_local": "09:00", "window_minutes": "60",
                                                   "grace_minutes": "15", "checkpoint_ids": str(world.checkpoint_a.id)})
    assert answer.status_code == 403


def _ten_oclock(app, shift):
    """10:00 local on the day shift (08:00–20:00) of the run's day, whatever the hour the run started at; the app too."""
    at = shift.starts_at + timedelta(hours=2)
    app.config["ROUNDS_NOW"] = at
    return at


def _read(world, room, at):
    db.session.add(Reading(client_uuid=uuid.uuid4(), site_id=world.site_a.id, person_id=world.people["engineer"].id,
                           device_time=at, captured_at=at, item_id=room.pressure.id, equipment_id=room.pump.id,
                           checkpoint_id=world.checkpoint_a.id, value_number=0.45, value_text="0.45"))
    db.session.commit()


def test_a_plant_room_not_read_in_its_window_is_a_gap_on_the_board(app, world):
    room = PumpRoom(world)
    _add_round(app, world)  # 08:30–09:30, grace to 09:45
    shift = world.shift_at(world.site_a)
    at = _ten_oclock(app, shift)
    (gap,) = [g for g in assessments.picture(shift, at).assessment.gaps if g.kind.startswith("reading")]
    assert gap.kind == "reading_missed" and gap.checkpoint_id == world.checkpoint_a.id
    board = _client(app, "lead").get(f"/sites/{world.site_a.id}/board").get_data(as_text=True)
    assert "A 北门 在 08:30–09:30 的设备巡检中没有抄表。" in board
    _read(world, room, at - timedelta(minutes=70))  # 08:50 local
    assert not [g for g in assessments.picture(shift, at).assessment.gaps if g.kind.startswith("reading")]


def test_a_reading_after_the_window_is_late(app, world):
    room = PumpRoom(world)
    _add_round(app, world)
    shift = world.shift_at(world.site_a)
    at = _ten_oclock(app, shift)
    _read(world, room, at - timedelta(minutes=22))  # 09:38 local, inside the grace
    (gap,) = [g for g in assessments.picture(shift, at).assessment.gaps if g.kind.startswith("reading")]
    assert gap.kind == "reading_late" and gap.params["minutes"] == 8
