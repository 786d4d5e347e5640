"""Repair work orders (报修工单) through the pages: a resident's call or an incident becomes an order, an engineer
takes it, finishes it with after-photos, the front desk calls the resident back and archives it; every step kept."""
from __future__ import annotations

import io
import re
import uuid
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from tests.conftest import FIXED_NOW, csrf_from, sign_in, tiny_jpeg
from webapp.extensions import db
from webapp.models import AuditEntry, Incident, IncidentKind, Photo, QualityStep, Role, Severity, WorkOrder


def _text(answer) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)))


def _signed_in(app, login: str):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def _csrf(client) -> str:
    return csrf_from(client.get("/orders/mine").get_data(as_text=True))


def _raise(client, **fields):
    """Post the new-order form as a phone would: a fresh form id, the CSRF token, and what was typed."""
    data = {"csrf_token": _csrf(client), "submission": str(uuid.uuid4()), "category": "ordinary",
            "description": "厨房水龙头滴水", "location_text": "3栋1单元 502", **fields}
    return client.post("/orders/new", data=data, content_type="multipart/form-data")


def _step(client, order_id: int, action: str, photos: int = 0, **fields):
    data = {"csrf_token": _csrf(client), "action": action, "submission": str(uuid.uuid4()), **fields}
    if photos:
        data["photos"] = [(io.BytesIO(tiny_jpeg(color=(20 * n, 90, 60))), f"after-{n}.jpg") for n in range(photos)]
    return client.post(f"/orders/{order_id}/steps", data=data, content_type="multipart/form-data")


def _order(order_id: int) -> WorkOrder:
    db.session.expire_all()
    return db.session.get(WorkOrder, order_id)


def _id_of(answer) -> int:
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return int(re.fullmatch(r"/orders/(\d+)", answer.headers["Location"]).group(1))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _steps(order_id: int) -> list[QualityStep]:
    return list(db.session.scalars(select(QualityStep).where(QualityStep.subject == "work_order",
                                                             QualityStep.subject_id == order_id).order_by(QualityStep.id)))


def _at(app, minutes: int):
    app.config["ROUNDS_NOW"] = FIXED_NOW + timedelta(minutes=minutes)


def _assigned_order(app, world, category: str = "ordinary") -> int:
    """An order the front desk raised and gave to the site's engineer."""
    desk = _signed_in(app, "front_desk")
    order_id = _id_of(_raise(desk, category=category))
    assert _step(desk, order_id, "assign", assignee_id=world.people["engineer"].id).status_code == 302
    return order_id


def test_the_front_desk_raises_an_order_for_a_residents_call_with_a_photo(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    desk = _signed_in(app, "front_desk")
    assert "新建工单" in _text(desk.get("/orders/new"))
    submission = str(uuid.uuid4())
    form = {"category": "plumbing", "reporter": "3栋1单元 王女士 13800001111", "submission": submission,
            "photos": [(io.BytesIO(tiny_jpeg()), "leak.jpg")]}
    order_id = _id_of(_raise(desk, **form))

    order = _order(order_id)
    assert (order.site_id, order.category, order.state, order.assignee_id) == (world.site_a.id, "plumbing", "received", None)
    assert order.reporter == "3栋1单元 王女士 13800001111" and order.location_text == "3栋1单元 502"
    assert order.raised_by_id == world.people["front_desk"].id
    assert order.due_at == FIXED_NOW + timedelta(hours=24)  # plumbing: within 24 hours
    photo = db.session.scalar(select(Photo).where(Photo.work_order_id == order_id))
    assert photo.stage == "evidence" and photo.person_id == world.people["front_desk"].id
    assert [(s.action, s.person_id, s.value) for s in _steps(order_id)] == [("raise", order.raised_by_id, "plumbing")]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "work_order_raised")).entity_id == str(order_id)

    page = desk.get(f"/orders/{order_id}")
    text = _text(page)
    assert "王女士" in text and "接收" in text and "2026/11/26 10:00" in text  # due in the site's zone (UTC+8)
    assert f"/photos/{photo.id}/thumb.jpg" in page.get_data(as_text=True)
    assert desk.get(f"/photos/{photo.id}.jpg").status_code == 200

    # the same form sent again (a double tap on a slow line) raises no second order
    assert _id_of(_raise(desk, **{**form, "photos": [(io.BytesIO(tiny_jpeg()), "leak.jpg")]})) == order_id
    assert _count(WorkOrder) == 1 and _count(Photo) == 1


def _incident(world, photo: bool = True) -> Incident:
    guard = world.people["guard"]
    incident = Incident(client_uuid=uuid.uuid4(), site_id=world.site_a.id, person_id=guard.id, kind=IncidentKind.LEAK,
                        severity=Severity.HIGH, description="地下车库顶板漏水", checkpoint_id=world.checkpoint_a.id,
                        device_time=FIXED_NOW, captured_at=FIXED_NOW, received_at=FIXED_NOW)
    db.session.add(incident)
    db.session.commit()
    if photo:
        taken = world.photo(world.site_a, guard)
        taken.incident_id = incident.id
        db.session.commit()
    return incident


def test_an_incident_becomes_an_order_with_its_photos_shown_not_moved(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    incident = _incident(world)
    photo = db.session.scalar(select(Photo).where(Photo.incident_id == incident.id))
    lead = _signed_in(app, "lead")
    form = lead.get(f"/orders/new?incident={incident.id}")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "地下车库顶板漏水" in html
    assert re.search(r'value="urgent"\s+checked', html)  # a serious leak: urgent, within 30 minutes
    assert f"/photos/{photo.id}/thumb.jpg" in html

    answer = lead.post(f"/orders/new?incident={incident.id}", data={
        "csrf_token": csrf_from(html), "submission": str(uuid.uuid4()), "incident": incident.id, "category": "urgent",
        "description": "地下车库顶板漏水", "checkpoint_id": world.checkpoint_a.id})
    order = _order(_id_of(answer))
    assert (order.incident_id, order.site_id, order.checkpoint_id) == (incident.id, world.site_a.id, world.checkpoint_a.id)
    assert order.due_at == FIXED_NOW + timedelta(minutes=30)
    db.session.refresh(photo)
    assert photo.incident_id == incident.id and photo.work_order_id is None  # still the incident's
    detail = lead.get(f"/orders/{order.id}").get_data(as_text=True)
    assert f"/photos/{photo.id}/thumb.jpg" in detail and "地下车库顶板漏水" in detail
    # a second attempt shows the order already made from it
    assert f"/orders/{order.id}" in lead.get(f"/orders/new?incident={incident.id}").get_data(as_text=True)
    # a lead of another site cannot make one from it
    assert _signed_in(app, "lead_b").get(f"/orders/new?incident={incident.id}").status_code == 404


def test_the_lead_sees_a_make_a_work_order_link_beside_open_incidents(world, app):
    incident = _incident(world, photo=False)
    shift = world.shift_at(world.site_a)
    app.config["ROUNDS_NOW"] = shift.starts_at + timedelta(hours=2)
    incident.captured_at = incident.device_time = shift.starts_at + timedelta(hours=1)
    shift.lead_id = world.people["lead"].id
    db.session.commit()
    lead = _signed_in(app, "lead")
    assert f"/orders/new?incident={incident.id}" in lead.get("/lead").get_data(as_text=True)
    assert f"/orders/new?incident={incident.id}" in lead.get(f"/sites/{world.site_a.id}/board").get_data(as_text=True)


def test_an_order_lives_from_receipt_to_archive_and_keeps_who_did_what_and_when(world, app):
    _at(app, 0)
    desk = _signed_in(app, "front_desk")
    order_id = _id_of(_raise(desk))
    _at(app, 5)
    engineer_id = world.people["engineer"].id
    assert _step(desk, order_id, "assign", assignee_id=engineer_id).status_code == 302
    engineer = _signed_in(app, "engineer")
    mine = _text(engineer.get("/orders/mine"))
    assert "分配给我的" in mine and "厨房水龙头滴水" in mine
    _at(app, 20)
    assert _step(engineer, order_id, "start").status_code == 302
    _at(app, 60)
    assert _step(engineer, order_id, "finish", photos=2, note="更换阀芯，已试水").status_code == 302
    order = _order(order_id)
    assert order.state == "done" and order.done_at == FIXED_NOW + timedelta(minutes=60)
    after = list(db.session.scalars(select(Photo).where(Photo.work_order_id == order_id)))
    assert [p.stage for p in after] == ["after", "after"]
    assert "待回访" in _text(desk.get("/orders/mine"))
    _at(app, 120)
    assert _step(desk, order_id, "follow_up", value="satisfied", note="住户表示满意").status_code == 302
    _at(app, 125)
    assert _step(desk, order_id, "archive").status_code == 302

    order = _order(order_id)
    assert (order.state, order.satisfied, order.started_at) == ("archived", True, FIXED_NOW + timedelta(minutes=20))
    desk_id = world.people["front_desk"].id
    assert [(s.action, s.person_id, s.at - FIXED_NOW, s.assignee_id, s.value, s.note) for s in _steps(order_id)] == [
        ("raise", desk_id, timedelta(0), None, "ordinary", ""),
        ("assign", desk_id, timedelta(minutes=5), engineer_id, None, ""),
        ("start", engineer_id, timedelta(minutes=20), None, None, ""),
        ("finish", engineer_id, timedelta(minutes=60), None, None, "更换阀芯，已试水"),
        ("follow_up", desk_id, timedelta(minutes=120), None, "satisfied", "住户表示满意"),
        ("archive", desk_id, timedelta(minutes=125), None, None, ""),
    ]
    history = _text(desk.get(f"/orders/{order_id}"))
    for words in ("派单 → engineer 名字", "开始处理", "更换阀芯，已试水", "回访 · 满意", "归档", "front_desk 名字 · 2026/11/25 12:05"):
        assert words in history, words
    assert "已归档" in history and _count(WorkOrder) == 1  # an archived order is kept


def test_an_unsatisfied_resident_sends_the_order_back_and_it_is_finished_again(world, app):
    _at(app, 0)
    order_id = _assigned_order(app, world)
    engineer = _signed_in(app, "engineer")
    desk = _signed_in(app, "front_desk")
    _step(engineer, order_id, "start")
    _step(engineer, order_id, "finish", photos=1, note="已修")
    refused = _step(desk, order_id, "follow_up", value="unsatisfied")
    assert refused.status_code == 400 and "请填写说明" in _text(refused) and _order(order_id).state == "done"
    assert _step(desk, order_id, "follow_up", value="unsatisfied", note="仍在滴水").status_code == 302
    assert _order(order_id).satisfied is False
    assert _step(desk, order_id, "reopen", note="住户反映仍在滴水，请再上门").status_code == 302
    order = _order(order_id)
    assert (order.state, order.assignee_id, order.done_at, order.satisfied) == ("assigned", world.people["engineer"].id, None, None)
    assert "分配给我的" in _text(engineer.get("/orders/mine"))
    _step(engineer, order_id, "start")
    assert _step(engineer, order_id, "finish", photos=1, note="更换整个龙头").status_code == 302
    assert _step(desk, order_id, "follow_up", value="satisfied").status_code == 302
    assert [s.action for s in _steps(order_id)] == ["raise", "assign", "start", "finish", "follow_up", "reopen", "start",
                                                    "finish", "follow_up"]
    assert _count(Photo) == 2  # both finishes keep their after-photos


def test_reassigning_needs_a_reason_and_keeps_it(world, app):
    _at(app, 0)
    second = world.person("engineer2", Role.ENGINEER, [world.site_a])
    db.session.commit()
    order_id = _assigned_order(app, world)
    manager = _signed_in(app, "manager")
    refused = _step(manager, order_id, "reassign", assignee_id=second.id)
    assert refused.status_code == 400 and "请填写原因" in _text(refused)
    assert _order(order_id).assignee_id == world.people["engineer"].id
    assert _step(manager, order_id, "reassign", assignee_id=second.id, note="原工程师休假").status_code == 302
    assert _order(order_id).assignee_id == second.id
    last = _steps(order_id)[-1]
    assert (last.action, last.assignee_id, last.note, last.person_id) == ("reassign", second.id, "原工程师休假",
                                                                          world.people["manager"].id)
    assert "改派 → engineer2 名字" in _text(manager.get(f"/orders/{order_id}"))
    # nobody can be given an order at a site they do not work at
    elsewhere = world.person("engineer_b", Role.ENGINEER, [world.site_b])
    db.session.commit()
    wrong = _step(manager, order_id, "reassign", assignee_id=elsewhere.id, note="试试")
    assert wrong.status_code == 400 and "请选择在此工单所属项目工作的工程人员" in _text(wrong)


def test_an_engineer_cannot_finish_someone_elses_order(world, app):
    _at(app, 0)
    world.person("engineer2", Role.ENGINEER, [world.site_a])
    db.session.commit()
    order_id = _assigned_order(app, world)
    owner = _signed_in(app, "engineer")
    _step(owner, order_id, "start")
    other = _signed_in(app, "engineer2")
    refused = _step(other, order_id, "finish", photos=1, note="我来修")
    assert refused.status_code == 403 and "只有被指派此工单的工程人员才能执行此操作" in _text(refused)
    assert _order(order_id).state == "in_progress" and _count(Photo) == 0
    assert _step(other, order_id, "archive").status_code == 403  # nor archive it
    # a step the state does not allow is named in words
    manager = _signed_in(app, "manager")
    wrong = _step(manager, order_id, "archive")
    assert wrong.status_code == 409 and "处理中" in _text(wrong) and "归档" in _text(wrong)


def test_an_engineer_takes_an_unassigned_order_from_their_page(world, app):
    _at(app, 0)
    desk = _signed_in(app, "front_desk")
    order_id = _id_of(_raise(desk))
    engineer = _signed_in(app, "engineer")
    page = _text(engineer.get("/orders/mine"))
    assert "等待派单" in page and "接单" in page
    taken = engineer.post(f"/orders/{order_id}/steps", data={"csrf_token": _csrf(engineer), "action": "assign",
                                                             "assignee_id": world.people["engineer"].id, "next": "/orders/mine"})
    assert taken.status_code == 302 and taken.headers["Location"] == "/orders/mine"
    assert _order(order_id).assignee_id == world.people["engineer"].id
    # but an engineer does not hand orders to others
    second = _id_of(_raise(desk))
    world.person("engineer2", Role.ENGINEER, [world.site_a])
    db.session.commit()
    assert _step(engineer, second, "assign", assignee_id=world.people["engineer2"].id).status_code == 403


def test_an_urgent_order_is_overdue_after_thirty_minutes_on_the_list_and_on_my_page(world, app):
    _at(app, 0)
    urgent = _assigned_order(app, world, category="urgent")
    ordinary = _assigned_order(app, world, category="ordinary")
    engineer = _signed_in(app, "engineer")
    _at(app, 29)
    assert "已超时" not in _text(engineer.get("/orders"))
    _at(app, 31)
    listing = engineer.get("/orders").get_data(as_text=True)
    row = re.search(rf'<li class="row order-row alarm" data-order="{urgent}">.*?</li>', listing, re.S)
    assert row and "已超时" in row.group(0)
    assert f'<li class="row order-row" data-order="{ordinary}">' in listing
    only_late = engineer.get("/orders?overdue=1").get_data(as_text=True)
    assert f'data-order="{urgent}"' in only_late and f'data-order="{ordinary}"' not in only_late
    mine = engineer.get("/orders/mine").get_data(as_text=True)
    assert re.search(rf'<li class="row order-row alarm" data-order="{urgent}">', mine)
    assert "已超时" in _text(engineer.get(f"/orders/{urgent}"))


def test_the_list_filters_for_htmx_as_a_fragment(world, app):
    _at(app, 0)
    _assigned_order(app, world, category="urgent")
    desk = _signed_in(app, "front_desk")
    _id_of(_raise(desk, category="electrical", description="楼道灯不亮"))
    fragment = desk.get("/orders?category=electrical&state=received", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'id="orders"' in html and "楼道灯不亮" in html and "厨房水龙头滴水" not in html
    assert "HX-Request" in fragment.headers["Vary"]
    nobody = desk.get("/orders?assignee=none").get_data(as_text=True)
    assert "楼道灯不亮" in nobody and "厨房水龙头滴水" not in nobody
    assert "<html" in desk.get("/orders").get_data(as_text=True)


@contextmanager
def _counted():
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def test_the_lists_ask_the_database_as_often_for_many_orders_as_for_one(world, app):
    _at(app, 0)
    _assigned_order(app, world)
    desk = _signed_in(app, "front_desk")
    counts = []
    for _round in range(2):
        with _counted() as seen:
            assert desk.get("/orders").status_code == 200 and desk.get("/orders/mine").status_code == 200
        counts.append(len(seen))
        for _n in range(3):
            _assigned_order(app, world)
    assert counts[0] == counts[1]


def test_another_sites_order_does_not_exist_for_them(world, app):
    _at(app, 0)
    order_id = _assigned_order(app, world)
    lead_b = _signed_in(app, "lead_b")
    assert lead_b.get(f"/orders/{order_id}").status_code == 404
    assert _step(lead_b, order_id, "archive").status_code == 404
    assert "厨房水龙头滴水" not in _text(lead_b.get("/orders"))
    assert "厨房水龙头滴水" not in _text(lead_b.get("/orders/mine"))


def test_bad_input_is_refused_in_chinese_and_nothing_typed_is_lost(world, app):
    _at(app, 0)
    desk = _signed_in(app, "front_desk")
    empty = _raise(desk, description="", reporter="5栋 李先生")
    assert empty.status_code == 400 and "请描述需要维修的内容" in _text(empty)
    assert "5栋 李先生" in empty.get_data(as_text=True) and "3栋1单元 502" in empty.get_data(as_text=True)
    unknown = _raise(desk, category="magic")
    assert unknown.status_code == 400 and "未知的报修类别：magic" in _text(unknown)
    assert "厨房水龙头滴水" in unknown.get_data(as_text=True)
    nowhere = _raise(desk, location_text="")
    assert nowhere.status_code == 400 and "请选择点位，或写明具体位置" in _text(nowhere)
    assert _count(WorkOrder) == 0

    order_id = _assigned_order(app, world)
    engineer = _signed_in(app, "engineer")
    _step(engineer, order_id, "start")
    no_photo = _step(engineer, order_id, "finish", note="已更换灯管")
    assert no_photo.status_code == 400 and "请至少添加一张完工照片" in _text(no_photo)
    assert "已更换灯管" in no_photo.get_data(as_text=True)  # the note is still in the box
    assert _order(order_id).state == "in_progress" and len(_steps(order_id)) == 3
    no_step = _step(engineer, order_id, "")
    assert no_step.status_code == 400 and "请选择要对此工单执行的步骤" in _text(no_step)


def test_engineers_and_the_front_desk_land_on_their_work_orders(world, app):
    for login in ("engineer", "front_desk"):
        client = app.test_client()
        answer = sign_in(client, login)
        assert answer.status_code == 302 and answer.headers["Location"] == "/orders/mine", login
        page = client.get("/orders/mine")
        assert page.status_code == 200 and "我的工单" in _text(page)
        assert client.get("/").headers["Location"] == "/orders/mine"
    nav = _text(_signed_in(app, "front_desk").get("/orders/mine"))
    assert "我的工单" in nav and "新建工单" in nav
