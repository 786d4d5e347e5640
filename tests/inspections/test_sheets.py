"""Scoring sheets: made and edited on their set-up page; a version used by an inspection never changes under it."""
from __future__ import annotations

from sqlalchemy import select

from tests.conftest import csrf_from, sign_in
from tests.field.helpers import Phone
from tests.inspections.things import inspection_event, sheet, stored_inspection
from webapp.extensions import db
from webapp.models import Inspection, InspectionItem, InspectionTemplate


def _signed_in(app, login="manager"):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def _sheet_form(token: str, name: str, rows, **extra) -> dict:
    data = {"csrf_token": token, "name": name, "area_kind": "stairwell", "department": "environment", "method": "deduction",
            "full_marks": "100", "pass_mark": "80", "item_id": [r[0] for r in rows], "section": [r[1] for r in rows],
            "text": [r[2] for r in rows], "weight": [r[3] for r in rows], "critical": [r[4] for r in rows],
            "severity": [r[5] for r in rows]}
    return data | extra


def test_a_manager_builds_a_sheet_adding_and_moving_items_before_saving_it(world, app):
    client = _signed_in(app)
    page = client.get("/inspection-templates/new").get_data(as_text=True)
    token = csrf_from(page)
    rows = [("", "地面", "地面无垃圾", "10", "0", "low"), ("", "消防", "消防栓箱无杂物", "20", "1", "high")]
    grown = client.post("/inspection-templates/new", data=_sheet_form(token, "楼梯间", rows, op="add"))
    assert grown.status_code == 200 and grown.get_data(as_text=True).count("data-sheet-item") == 3
    moved = client.post("/inspection-templates/new", data=_sheet_form(token, "楼梯间", rows, op="down-0"),
                        headers={"HX-Request": "true"})
    html = moved.get_data(as_text=True)
    assert "<html" not in html and html.index("消防栓箱无杂物") < html.index("地面无垃圾")  # htmx gets the form alone
    assert db.session.scalar(select(InspectionTemplate)) is None  # rearranging saves nothing

    saved = client.post("/inspection-templates/new", data=_sheet_form(token, "楼梯间", rows[::-1]))
    assert saved.status_code == 303
    template = db.session.scalar(select(InspectionTemplate))
    assert (template.name, template.version, template.active, template.company_id) == ("楼梯间", 1, True, world.company.id)
    assert [(i.text, i.weight, i.critical, i.severity) for i in template.items] == [
        ("消防栓箱无杂物", 20.0, True, "high"), ("地面无垃圾", 10.0, False, "low")]
    listing = client.get("/inspection-templates").get_data(as_text=True)
    assert "楼梯间" in listing and "v1" in listing and "楼梯间（" not in listing


def test_a_sheet_with_wrong_fields_comes_back_with_the_reasons_in_chinese(world, app):
    client = _signed_in(app, "supervisor")
    token = csrf_from(client.get("/inspection-templates/new").get_data(as_text=True))
    answer = client.post("/inspection-templates/new",
                         data=_sheet_form(token, "", [("", "", "", "-3", "0", "medium")], pass_mark="180"))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    for reason in ("请填写评分表名称。", "合格线是 0 到 100 之间的百分比。", "请填写检查内容。"):
        assert reason in html
    assert db.session.scalar(select(InspectionTemplate)) is None


def test_an_unused_version_is_edited_in_place_and_keeps_its_item_ids(world, app):
    template = sheet(world.company.id)
    first, second, third = (i.id for i in template.items)
    client = _signed_in(app)
    token = csrf_from(client.get(f"/inspection-templates/{template.id}").get_data(as_text=True))
    rows = [(str(second), "地面", "扶手无灰尘", "15", "0", "medium"), (str(first), "地面", "地面无垃圾", "10", "0", "low")]
    assert client.post(f"/inspection-templates/{template.id}", data=_sheet_form(token, "楼梯间 改", rows)).status_code == 303
    db.session.expire_all()
    assert db.session.scalars(select(InspectionTemplate)).all() == [template]
    assert (template.name, template.version) == ("楼梯间 改", 1)
    assert [(i.id, i.text, i.weight) for i in template.items] == [(second, "扶手无灰尘", 15.0), (first, "地面无垃圾", 10.0)]
    assert db.session.get(InspectionItem, third) is None


def test_editing_a_used_version_makes_the_next_one_and_past_inspections_keep_their_own(world, app):
    template = sheet(world.company.id)
    phone = Phone(app, "supervisor")
    floor = template.items[0]
    past = phone.sync([inspection_event(template, world.site_a.id, {floor.id: 0})]).get_json()["results"][0]
    assert past["status"] == "created"
    client = _signed_in(app)
    page = client.get(f"/inspection-templates/{template.id}").get_data(as_text=True)
    assert "保存后将生成第 2 版" in page
    rows = [(str(floor.id), "地面", "地面无垃圾", "40", "1", "high"),  # the floor now weighs 40 and is critical
            ("", "地面", "墙面无污渍", "10", "0", "low")]
    answer = client.post(f"/inspection-templates/{template.id}", data=_sheet_form(token := csrf_from(page), "楼梯间", rows))
    assert answer.status_code == 303
    db.session.expire_all()
    revised = db.session.scalar(select(InspectionTemplate).where(InspectionTemplate.version == 2))
    assert answer.headers["Location"].endswith(f"/inspection-templates/{revised.id}")
    assert revised.family == template.family and revised.active and not template.active
    assert [i.text for i in template.items] == ["地面无垃圾", "楼梯扶手无灰尘", "消防栓箱无灰尘、无杂物"]
    assert [(i.weight, i.critical) for i in template.items] == [(10.0, False), (10.0, False), (20.0, True)]
    assert {i.id for i in revised.items}.isdisjoint({i.id for i in template.items})

    # the past inspection shows and scores with version 1: 10 points lost, passed (the floor is not critical there)
    inspection = db.session.get(Inspection, past["id"])
    assert (inspection.template_id, inspection.percent, inspection.passed) == (template.id, 90.0, True)
    detail = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert "v1" in detail and "90 / 100 · 90%" in detail and "墙面无污渍" not in detail
    # the list shows the current version only; the old version is read-only
    listing = client.get("/inspection-templates").get_data(as_text=True)
    assert "v2" in listing and f"/inspection-templates/{template.id}\"" not in listing
    old = client.get(f"/inspection-templates/{template.id}").get_data(as_text=True)
    assert "此版本已停用" in old and 'value="save"' not in old
    refused = client.post(f"/inspection-templates/{template.id}", data=_sheet_form(token, "楼梯间", rows))
    assert refused.status_code == 422 and "请修改当前版本" in refused.get_data(as_text=True)

    # a phone that was given version 1 before the edit still sends it: scored with version 1, not 2
    late = phone.sync([inspection_event(template, world.site_a.id, {floor.id: 0})]).get_json()["results"][0]
    assert late["status"] == "created"
    assert db.session.get(Inspection, late["id"]).percent == 90.0
    fresh = phone.sync([inspection_event(revised, world.site_a.id, {revised.items[0].id: 0})]).get_json()["results"][0]
    kept = db.session.get(Inspection, fresh["id"])
    assert (kept.template_id, kept.percent, kept.passed) == (revised.id, 60.0, False)  # critical failure


def test_a_retired_sheet_takes_no_new_inspections_and_another_companys_sheet_does_not_exist(world, app):
    template = sheet(world.company.id)
    stored_inspection(world.site_a, world.people["supervisor"], template)
    client = _signed_in(app)
    token = csrf_from(client.get(f"/inspection-templates/{template.id}").get_data(as_text=True))
    assert client.post(f"/inspection-templates/{template.id}/retire", data={"csrf_token": token}).status_code == 303
    assert f'/inspection-templates/{template.id}"' not in client.get("/inspection-templates").get_data(as_text=True)
    answer = Phone(app, "supervisor").sync([inspection_event(template, world.site_a.id)]).get_json()["results"][0]
    assert (answer["status"], answer["reason"]) == ("rejected", "inspection_template_unknown")
    theirs = sheet(world.other_company.id, name="别家的表")
    assert client.get(f"/inspection-templates/{theirs.id}").status_code == 404
    assert client.get(f"/inspections/new?site={world.site_a.id}&template={theirs.id}").status_code == 404
