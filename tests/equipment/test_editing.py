"""A manager corrects the register (a mistyped range, a replaced lift, a changed cycle) and retires what is gone (停用):
nothing is deleted, the past stays in the trends, and what is retired stops being due everywhere."""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import clock
from tests.equipment.plant import PumpRoom, post_form, signed_in
from webapp import assessments
from webapp.extensions import db
from webapp.models import AuditEntry, Equipment, EquipmentRoundPlan, MaintenanceTask, Reading, ReadingItem


@pytest.fixture
def room(world):
    return PumpRoom(world)


def _base(world) -> str:
    return f"/sites/{world.site_a.id}/equipment"


def _audit(action: str, entity: str, entity_id: int) -> dict | None:
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == action, AuditEntry.entity == entity,
                                                       AuditEntry.entity_id == str(entity_id)))
    return json.loads(entry.detail) if entry else None


def _fresh(thing):
    db.session.expire_all()
    return db.session.get(type(thing), thing.id)


PUMP = {"name": "1号生活水泵", "code": "PUMP-01", "kind": "pump", "make": "格兰富", "contractor": "某某机电"}


def test_a_manager_corrects_a_pump_from_its_filled_form_and_the_change_is_audited(app, world, room):
    manager = signed_in(app, "manager")
    url = f"{_base(world)}/{room.pump.id}/edit"
    form = manager.get(url).get_data(as_text=True)
    assert 'value="PUMP-01"' in form and 'value="某某机电"' in form and "编辑设备" in form
    answer = post_form(manager, url, url, **{**PUMP, "contractor": "新维保公司"}, checkpoint_id=str(world.checkpoint_a.id))
    assert answer.status_code == 303 and answer.location.endswith(f"{_base(world)}/{room.pump.id}")
    assert _fresh(room.pump).contractor == "新维保公司"
    assert _audit("update", "equipment", room.pump.id) == {"contractor": ["某某机电", "新维保公司"]}
    assert "新维保公司" in manager.get(answer.location).get_data(as_text=True)


def test_a_code_another_pump_has_is_refused_in_the_managers_language_and_nothing_changes(app, world, room):
    db.session.add(Equipment(site_id=world.site_a.id, code="PUMP-02", name="2号生活水泵", kind="pump"))
    db.session.commit()
    manager = signed_in(app, "manager")
    url = f"{_base(world)}/{room.pump.id}/edit"
    answer = post_form(manager, url, url, **{**PUMP, "code": "pump-02", "contractor": "改了"})
    assert answer.status_code == 422 and "本项目已有设备使用此编号。" in answer.get_data(as_text=True)
    assert _fresh(room.pump).code == "PUMP-01" and room.pump.contractor == "某某机电"
    assert _audit("update", "equipment", room.pump.id) is None


def test_a_mistyped_range_is_corrected_and_a_reversed_one_refused(app, world, room):
    manager = signed_in(app, "manager")
    url = f"{_base(world)}/items/{room.pressure.id}/edit"
    form = manager.get(url).get_data(as_text=True)
    assert 'value="0.3"' in form and 'value="MPa"' in form
    reversed_range = post_form(manager, url, url, name="出口压力", kind="number", unit="MPa", low="0.9", high="0.6")
    assert reversed_range.status_code == 422 and "正常范围的下限高于上限。" in reversed_range.get_data(as_text=True)
    assert (_fresh(room.pressure).low, room.pressure.high) == (0.3, 0.6)
    answer = post_form(manager, url, url, name="出口压力", kind="number", unit="MPa", low="0.25", high="0.65")
    assert answer.status_code == 303 and (_fresh(room.pressure).low, room.pressure.high) == (0.25, 0.65)
    assert _audit("update", "reading_item", room.pressure.id) == {"low": [0.3, 0.25], "high": [0.6, 0.65]}
    assert "正常 0.25–0.65 MPa" in manager.get(answer.location).get_data(as_text=True)


def test_a_maintenance_task_changes_cycle_and_a_bad_day_is_refused(app, world, room):
    manager = signed_in(app, "manager")
    url = f"{_base(world)}/tasks/{room.task.id}/edit"
    assert 'value="2026-11-20"' in manager.get(url).get_data(as_text=True)
    bad = post_form(manager, url, url, name="水泵季度保养", cycle="quarterly", anchor_on="2026-02-30")
    assert bad.status_code == 422 and _fresh(room.task).cycle == "monthly"
    answer = post_form(manager, url, url, name="水泵季度保养", cycle="quarterly", anchor_on="2026-11-20", by_contractor="y")
    assert answer.status_code == 303
    task = _fresh(room.task)
    assert (task.name, task.cycle, task.by_contractor) == ("水泵季度保养", "quarterly", True)
    assert _audit("update", "maintenance_task", task.id)["cycle"] == ["monthly", "quarterly"]


def _round(world) -> EquipmentRoundPlan:
    plan = EquipmentRoundPlan(site_id=world.site_a.id, name="泵房早班巡检", times_local="08:30", window_minutes=60,
                              grace_minutes=15, checkpoints=[world.checkpoint_a])
    db.session.add(plan)
    db.session.commit()
    return plan


def test_an_equipment_round_gets_new_times_and_bad_times_are_refused(app, world, room):
    plan = _round(world)
    manager = signed_in(app, "manager")
    url = f"{_base(world)}/rounds/{plan.id}/edit"
    form = manager.get(url).get_data(as_text=True)
    assert 'value="08:30"' in form and f'value="{world.checkpoint_a.id}" id="edit-checkpoint_ids-1" checked' in form
    fields = {"name": "泵房早班巡检", "window_minutes": "60", "grace_minutes": "15",
              "checkpoint_ids": str(world.checkpoint_a.id)}
    bad = post_form(manager, url, url, **fields, times_local="25:99")
    assert bad.status_code == 422 and _fresh(plan).times_local == "08:30"
    assert post_form(manager, url, url, **{**fields, "checkpoint_ids": ""}, times_local="09:00").status_code == 422
    answer = post_form(manager, url, url, **fields, times_local="09:00,21:00")
    assert answer.status_code == 303 and answer.location.endswith(_base(world))
    assert _fresh(plan).times_local == "09:00,21:00"
    assert _audit("update", "equipment_round_plan", plan.id) == {"times_local": ["08:30", "09:00,21:00"]}


def _read(world, room, at):
    db.session.add(Reading(client_uuid=uuid.uuid4(), site_id=world.site_a.id, person_id=world.people["engineer"].id,
                           device_time=at, captured_at=at, item_id=room.pressure.id, equipment_id=room.pump.id,
                           checkpoint_id=world.checkpoint_a.id, value_number=0.47, value_text="0.47"))
    db.session.commit()


def _reading_gaps(shift, at) -> list:
    return [g for g in assessments.picture(shift, at).assessment.gaps if g.kind.startswith("reading")]


def _set(manager, page: str, url: str, active: bool):
    answer = post_form(manager, page, url, active="1" if active else "0")
    assert answer.status_code == 303
    return answer


def test_a_replaced_pump_stops_being_due_everywhere_and_comes_back_when_brought_back(app, world, room):
    _round(world)
    shift = world.shift_at(world.site_a)
    at = shift.starts_at + timedelta(hours=2)  # 10:00 local: the 08:30 round's window and grace are over
    _read(world, room, clock.now() - timedelta(days=2))
    manager, engineer = signed_in(app, "manager"), signed_in(app, "engineer")
    form_url = f"/s/{room.token}/readings"
    assert "出口压力" in engineer.get(form_url).get_data(as_text=True)
    assert "水泵月度保养" in engineer.get("/orders/mine").get_data(as_text=True)  # due since 20 November
    assert [g.kind for g in _reading_gaps(shift, at)] == ["reading_missed"]

    detail = f"{_base(world)}/{room.pump.id}"
    _set(manager, detail, detail + "/status", active=False)
    assert not _fresh(room.pump).active and _audit("deactivate", "equipment", room.pump.id) == {}
    assert engineer.get(form_url).status_code == 404  # nothing to read there any more
    assert engineer.get(f"/plant-rooms/{world.checkpoint_a.id}/readings").status_code == 404
    assert "水泵月度保养" not in engineer.get("/orders/mine").get_data(as_text=True)
    assert _reading_gaps(shift, at) == []
    assert engineer.get(f"{_base(world)}/maintenance/{room.task.id}").status_code == 404
    trend = manager.get(f"{_base(world)}/items/{room.pressure.id}/trend").get_data(as_text=True)
    assert "0.47" in trend  # the past stays
    register = manager.get(_base(world)).get_data(as_text=True)
    assert f'id="equipment-{room.pump.id}" class="retired"' in register and "已停用" in register
    assert "重新启用" in manager.get(detail).get_data(as_text=True)

    _set(manager, detail, detail + "/status", active=True)
    assert "出口压力" in engineer.get(form_url).get_data(as_text=True)
    assert "水泵月度保养" in engineer.get("/orders/mine").get_data(as_text=True)
    assert [g.kind for g in _reading_gaps(shift, at)] == ["reading_missed"]
    assert _audit("reactivate", "equipment", room.pump.id) == {}


def test_a_retired_reading_leaves_the_phone_form_but_keeps_its_trend(app, world, room):
    _read(world, room, clock.now() - timedelta(hours=3))
    manager, engineer = signed_in(app, "manager"), signed_in(app, "engineer")
    detail = f"{_base(world)}/{room.pump.id}"
    _set(manager, detail, f"{_base(world)}/items/{room.pressure.id}/status", active=False)
    assert not _fresh(room.pressure).active
    form = engineer.get(f"/s/{room.token}/readings").get_data(as_text=True)
    assert "出口压力" not in form and "电表读数" in form
    assert "0.47" in manager.get(f"{_base(world)}/items/{room.pressure.id}/trend").get_data(as_text=True)
    page = manager.get(detail).get_data(as_text=True)
    assert f'id="item-{room.pressure.id}" class="row retired"' in page
    _set(manager, detail, f"{_base(world)}/items/{room.pressure.id}/status", active=True)
    assert "出口压力" in engineer.get(f"/s/{room.token}/readings").get_data(as_text=True)


def test_a_retired_task_or_round_is_no_longer_due(app, world, room):
    plan = _round(world)
    shift = world.shift_at(world.site_a)
    at = shift.starts_at + timedelta(hours=2)
    manager, engineer = signed_in(app, "manager"), signed_in(app, "engineer")
    _set(manager, _base(world), f"{_base(world)}/tasks/{room.task.id}/status", active=False)
    _set(manager, _base(world), f"{_base(world)}/rounds/{plan.id}/status", active=False)
    assert "水泵月度保养" not in engineer.get("/orders/mine").get_data(as_text=True)
    assert _reading_gaps(shift, at) == []
    assert f'id="round-{plan.id}" class="row retired"' in manager.get(_base(world)).get_data(as_text=True)
    assert _audit("deactivate", "maintenance_task", room.task.id) == {}
    assert db.session.scalar(select(MaintenanceTask.id)) == room.task.id  # kept, never deleted


def test_another_sites_things_do_not_exist_and_only_managers_change_them(app, world, room):
    other = Equipment(site_id=world.site_b.id, code="LIFT-B", name="B 座电梯", kind="lift")
    db.session.add(other)
    db.session.commit()
    item = db.session.scalar(select(ReadingItem).where(ReadingItem.id == room.pressure.id))
    base_b = f"/sites/{world.site_b.id}/equipment"
    manager, admin = signed_in(app, "manager"), signed_in(app, "admin")
    assert manager.get(f"{base_b}/{other.id}/edit").status_code == 404  # not the manager's site
    assert admin.get(f"{_base(world)}/{other.id}/edit").status_code == 404  # site B's lift under site A's address
    assert admin.get(f"{base_b}/items/{item.id}/edit").status_code == 404
    assert post_form(admin, base_b, f"{base_b}/tasks/{room.task.id}/status", active="0").status_code == 404
    for login in ("engineer", "supervisor", "lead"):
        client = signed_in(app, login)
        assert client.get(f"{_base(world)}/{room.pump.id}/edit").status_code == 403
        page = f"{_base(world)}/{room.pump.id}"
        assert post_form(client, page, page + "/status", active="0").status_code == 403
    no_csrf = manager.post(f"{_base(world)}/{room.pump.id}/status", data={"active": "0"})
    assert no_csrf.status_code == 400 and _fresh(room.pump).active
