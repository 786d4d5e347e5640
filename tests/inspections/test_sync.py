"""Inspections through the one sync API: created once, refused with a reason, never sinking the rest of a batch."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.field.helpers import Phone, jpeg, scan_event
from tests.inspections.things import inspection_event, sheet
from webapp.extensions import db
from webapp.models import Countersignature, Handover, Inspection, InspectionResult, Photo, Scan


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_inspection_with_a_photo_is_created_once_and_a_resend_is_a_duplicate(world, app):
    template = sheet(world.company.id)
    phone = Phone(app, "supervisor")
    photo = phone.upload(jpeg(), site_id=world.site_a.id).get_json()
    floor = template.items[0]
    event = inspection_event(template, world.site_a.id, {floor.id: 0}, area_id=world.checkpoint_a.area_id,
                             note="整体尚可")
    event["answers"][0].update(note="楼梯口有烟头", photo_ids=[photo["client_uuid"]])
    first = phone.sync([event]).get_json()
    again = phone.sync([event]).get_json()
    assert [r["status"] for r in first["results"]] == ["created"]
    assert [r["status"] for r in again["results"]] == ["duplicate"]
    inspection = db.session.get(Inspection, first["results"][0]["id"])
    assert (inspection.site_id, inspection.area_id, inspection.person_id) == (world.site_a.id, world.checkpoint_a.area_id,
                                                                             world.people["supervisor"].id)
    assert (inspection.points, inspection.max_points, inspection.percent, inspection.passed) == (90.0, 100.0, 90.0, True)
    assert inspection.self_check is False and inspection.signature.startswith("data:image/png;base64,")
    assert inspection.note == "整体尚可" and inspection.device_time is not None
    failed = [r for r in inspection.results if r.failed]
    assert [(r.item_id, r.value, r.note) for r in failed] == [(floor.id, 0, "楼梯口有烟头")]
    stored = db.session.get(Photo, photo["id"])
    assert (stored.inspection_result_id, stored.stage) == (failed[0].id, "evidence")
    assert _count(Inspection) == 1 and _count(InspectionResult) == 3


def test_refusals_say_why_and_one_bad_inspection_does_not_sink_a_good_scan(world, app):
    template = sheet(world.company.id)
    guard, supervisor = Phone(app, "guard"), Phone(app, "supervisor")
    by_guard = guard.sync([inspection_event(template, world.site_a.id)]).get_json()["results"][0]
    assert (by_guard["status"], by_guard["reason"]) == ("rejected", "role_cannot_inspect")
    assert by_guard["message"] == "只有品质督导、项目经理和管理员可以进行检查。"

    short = inspection_event(template, world.site_a.id)
    short["answers"] = short["answers"][:-1]  # one item left unmarked
    marked_seven = inspection_event(template, world.site_a.id)
    marked_seven["answers"][0]["value"] = 7
    unexplained = inspection_event(template, world.site_a.id, {template.items[1].id: 0})
    unexplained["answers"][1]["note"] = ""
    foreign_area = inspection_event(template, world.site_a.id, area_id=world.checkpoint_b.area_id)
    unsigned = inspection_event(template, world.site_a.id, signature="data:image/png;base64,AAAA")
    batch = [
        scan_event(world.checkpoint_a.token, supervisor.clock() - timedelta(minutes=3)),
        inspection_event(template, world.site_c.id),  # another company's site
        short, marked_seven, unexplained, foreign_area, unsigned,
        inspection_event(sheet(world.other_company.id), world.site_a.id),  # another company's sheet
        {"type": "inspection", "client_uuid": "9d0c1f6e-0000-4000-8000-000000000001", "device_time": "2026-11-25T10:00:00+08:00"},
    ]
    results = supervisor.sync(batch).get_json()["results"]
    assert [r["status"] for r in results] == ["created"] + ["rejected"] * 8
    assert [r["reason"] for r in results[1:]] == [
        "inspection_site_not_yours", "answers_mismatch", "invalid_mark", "failed_item_unexplained",
        "inspection_area_not_of_site", "signature_missing", "inspection_template_unknown", "invalid_event"]
    assert str(template.items[2].id) in results[2]["message"]
    assert "楼梯扶手无灰尘" in results[4]["message"]
    assert _count(Scan) == 1 and _count(Inspection) == 0


def test_countersignatures_are_kept_for_a_shift_and_a_handover_of_the_inspected_site_only(world, app):
    shift = world.shift_at(world.site_a)
    handover = Handover(site_id=world.site_a.id, shift_id=shift.id, outgoing_lead_id=world.people["lead"].id)
    theirs = world.shift_at(world.site_b)
    db.session.add(handover)
    db.session.commit()
    app.config["ROUNDS_NOW"] = shift.starts_at + timedelta(hours=2)
    template = sheet(world.company.id, name="门岗检查", area_kind="guard_post", department="security")
    phone = Phone(app, "manager")  # a site manager's inspection is a self-inspection
    at = shift.starts_at + timedelta(hours=2)
    good = inspection_event(template, world.site_a.id, at=at, countersign_shift_id=shift.id,
                            countersign_handover_id=handover.id)
    wrong = inspection_event(template, world.site_a.id, at=at, countersign_shift_id=theirs.id)
    answer = phone.sync([good, wrong], sent_at=at).get_json()["results"]
    assert [(r["status"], r["reason"]) for r in answer] == [("created", None), ("rejected", "countersign_not_of_site")]
    inspection = db.session.get(Inspection, answer[0]["id"])
    assert inspection.self_check is True and inspection.shift_id == shift.id
    marks = db.session.scalars(select(Countersignature).order_by(Countersignature.id)).all()
    assert [(m.shift_id, m.handover_id, m.person_id, m.signed_at) for m in marks] == [
        (shift.id, None, world.people["manager"].id, at), (shift.id, handover.id, world.people["manager"].id, at)]


def test_the_openapi_document_describes_the_inspection_event(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    components = document["components"]["schemas"]
    assert "InspectionEvent" in components
    assert {"$ref": "#/components/schemas/InspectionEvent"} in components["Event"]["oneOf"]
    assert {"template_id", "answers", "signature", "type"} <= set(components["InspectionEvent"]["required"])
