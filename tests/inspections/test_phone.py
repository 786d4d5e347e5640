"""An inspection on the phone: choose the place and the sheet, mark the items, photograph a failure, sign, submit."""
from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import csrf_from, sign_in, tiny_jpeg
from tests.inspections.things import sheet, signature
from webapp.extensions import db
from webapp.models import Countersignature, Handover, Inspection, Photo, Scan


def _client(app, login):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def _form(page: str, template, fails: dict[int, dict] | None = None, **extra) -> dict:
    """The form as the page gives it (every item passed), with some items failed."""
    data = {"csrf_token": csrf_from(page), "submission": re.search(r'name="submission" value="([^"]+)"', page).group(1),
            "template_id": str(template.id), "signature": signature(), "note": ""}
    for item in template.items:
        data[f"item-{item.id}"] = "pass"
    for item_id, fields in (fails or {}).items():
        data[f"item-{item_id}"] = "fail"
        data.update({f"{k}-{item_id}": v for k, v in fields.items()})
    return data | extra


def test_a_supervisor_inspects_a_stairwell_fails_an_item_with_a_photo_and_signs(world, app):
    template = sheet(world.company.id)
    sheet(world.company.id, name="门岗检查", area_kind="guard_post", department="security")
    client = _client(app, "supervisor")
    area = world.checkpoint_a.area
    chooser = client.get("/inspections/new").get_data(as_text=True)
    assert f'value="a{area.id}"' in chooser and f'value="a{world.checkpoint_b.area_id}"' not in chooser  # own sites only
    sheets = client.get(f"/inspections/new?place=a{area.id}").get_data(as_text=True)
    assert sheets.index("门岗检查") < sheets.index("楼梯间保洁检查")  # the area is a gate: gate sheets first
    page = client.get(f"/inspections/new?area={area.id}&template={template.id}").get_data(as_text=True)
    assert 'data-offline-form="inspection"' in page and 'capture="environment"' in page and "data-signature" in page
    assert "合格" in page and "不适用" in page

    floor, rail = template.items[0], template.items[1]
    data = _form(page, template, {floor.id: {"note": "楼梯口有烟头", "photos": (io.BytesIO(tiny_jpeg()), "floor.jpg")}},
                 note="整体整洁")
    data[f"item-{rail.id}"] = "na"
    answer = client.post(f"/inspections/new?area={area.id}", data=data, content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    inspection = db.session.scalar(select(Inspection))
    assert answer.headers["Location"].endswith(f"/inspections/{inspection.id}")
    # 10 of the 90 applicable points lost (the handrail is not applicable)
    assert (inspection.points, inspection.max_points, inspection.percent, inspection.passed) == (80.0, 90.0, 88.9, True)
    assert (inspection.area_id, inspection.self_check, inspection.note) == (area.id, False, "整体整洁")
    result = next(r for r in inspection.results if r.failed)
    photo = db.session.scalar(select(Photo).where(Photo.inspection_result_id == result.id))
    assert photo is not None and photo.stage == "evidence" and photo.site_id == world.site_a.id

    detail = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "88.9%" in detail and "楼梯口有烟头" in detail and f"/photos/{photo.id}/thumb.jpg" in detail
    assert 'src="data:image/png;base64,' in detail and "不适用" in detail
    if "notices.new" in app.view_functions:
        assert f"/notices/new?result={result.id}" in detail
    assert client.get(f"/photos/{photo.id}/thumb.jpg").status_code == 200


def test_a_failed_item_without_note_or_photo_or_a_missing_signature_brings_the_form_back(world, app):
    template = sheet(world.company.id)
    client = _client(app, "supervisor")
    url = f"/inspections/new?site={world.site_a.id}&template={template.id}"
    page = client.get(url).get_data(as_text=True)
    floor = template.items[0]
    bare = client.post(f"/inspections/new?site={world.site_a.id}", data=_form(page, template, {floor.id: {"note": ""}}),
                       content_type="multipart/form-data")
    html = bare.get_data(as_text=True)
    assert bare.status_code == 400 and "不合格项需要填写说明或拍照。" in html
    assert re.search(rf'name="item-{floor.id}" value="fail"[^>]*checked', html)  # nothing lost
    unsigned = client.post(f"/inspections/new?site={world.site_a.id}", data=_form(page, template, signature=""),
                           content_type="multipart/form-data")
    assert unsigned.status_code == 400 and "请先用手指在框内签名。" in unsigned.get_data(as_text=True)
    junk = client.post(f"/inspections/new?site={world.site_a.id}",
                       data=_form(page, template, {floor.id: {"note": "x", "photos": (io.BytesIO(b"%PDF-1.4"), "x.jpg")}}),
                       content_type="multipart/form-data")
    assert junk.status_code == 400 and "不是图片" in junk.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0


def test_a_site_managers_inspection_is_a_self_inspection_counted_apart(world, app):
    template = sheet(world.company.id)
    client = _client(app, "manager")
    page = client.get(f"/inspections/new?site={world.site_a.id}&template={template.id}").get_data(as_text=True)
    assert "自检（单独统计）" in page
    answer = client.post(f"/inspections/new?site={world.site_a.id}", data=_form(page, template),
                         content_type="multipart/form-data")
    assert answer.status_code == 302
    inspection = db.session.scalar(select(Inspection))
    assert inspection.self_check is True and inspection.area_id is None and inspection.percent == 100.0
    listing = client.get("/inspections").get_data(as_text=True)
    own, apart = listing.split("项目经理自检")
    assert f"/inspections/{inspection.id}" in apart and f"/inspections/{inspection.id}" not in own


def test_at_a_guard_post_the_inspector_sees_the_patrol_record_and_the_handover_and_countersigns_them(world, app):
    shift = world.night_shift(world.shift_at(world.site_a).local_date - timedelta(days=1))
    handover = Handover(site_id=world.site_a.id, shift_id=shift.id, outgoing_lead_id=world.people["lead"].id,
                        sha256="ab" * 32)
    db.session.add(handover)
    db.session.commit()
    running = world.shift_at(world.site_a)
    app.config["ROUNDS_NOW"] = running.starts_at + timedelta(hours=1)
    template = sheet(world.company.id, name="门岗检查", area_kind="guard_post", department="security")
    client = _client(app, "supervisor")
    page = client.get(f"/inspections/new?checkpoint={world.checkpoint_a.id}&template={template.id}").get_data(as_text=True)
    assert "岗位记录" in page and "会签此巡更记录" in page and "会签此交接班记录" in page and "ab" * 32 in page
    data = _form(page, template, countersign_shift=str(running.id), countersign_handover=str(handover.id))
    answer = client.post(f"/inspections/new?checkpoint={world.checkpoint_a.id}", data=data, content_type="multipart/form-data")
    assert answer.status_code == 302
    inspection = db.session.scalar(select(Inspection))
    assert inspection.checkpoint_id == world.checkpoint_a.id and inspection.area_id == world.checkpoint_a.area_id
    marks = db.session.scalars(select(Countersignature)).all()
    assert {(m.shift_id, m.handover_id) for m in marks} == {(running.id, None), (shift.id, handover.id)}

    lead = _client(app, "lead")
    on_handover = lead.get(f"/shifts/{shift.id}/handover").get_data(as_text=True)
    assert "品质部会签" in on_handover and "supervisor 名字" in on_handover
    assert "品质部会签" in lead.get(f"/shifts/{running.id}/handover").get_data(as_text=True)  # the patrol record's mark
    detail = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert "已会签" in detail


def test_a_supervisor_goes_from_a_scanned_checkpoint_to_inspecting_it_and_a_guard_does_not(world, app):
    supervisor, guard = _client(app, "supervisor"), _client(app, "guard")
    scan = world.scan(world.checkpoint_a, world.people["supervisor"])
    page = supervisor.get(f"/scans/{scan.id}").get_data(as_text=True)
    assert f"/inspections/new?checkpoint={world.checkpoint_a.id}" in page and "在此检查" in page
    own = world.scan(world.checkpoint_a, world.people["guard"])
    assert "在此检查" not in guard.get(f"/scans/{own.id}").get_data(as_text=True)
    assert supervisor.get(f"/inspections/new?checkpoint={world.checkpoint_b.id}").status_code == 404  # not their site
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 2
