"""Field work through the real pages: a label opened by the camera, the cleaning check, the incident report."""
from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import func, select

from tests import clock
from tests.conftest import PASSWORD, csrf_from, sign_in
from tests.field.helpers import CST, jpeg, page_token
from webapp.extensions import db
from webapp.models import (
    CleaningCheck,
    CleaningResult,
    Incident,
    PatrolPlan,
    Photo,
    RetiredToken,
    Route,
    RouteStop,
    Scan,
)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _text(answer) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)))


def _signed_in(app, login: str):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def _round_now(world):
    """A night shift running now at site A, with a two-stop route due every hour."""
    second = world.checkpoint(world.site_a, "A02", "A 水泵房")
    now = clock.now(CST)
    day = (now - timedelta(hours=12)).date() if now.hour < 12 else now.date()
    shift = world.night_shift(day)
    shift.starts_at, shift.ends_at = now - timedelta(minutes=10), now + timedelta(hours=11)  # make it run now
    route = db.session.scalar(select(Route).where(Route.site_id == world.site_a.id))
    route.stops.append(RouteStop(checkpoint_id=second.id, position=1, min_walk_minutes=2))
    db.session.add(PatrolPlan(site_id=world.site_a.id, route_id=route.id, shift_template_id=shift.template_id,
                              name="每小时巡更", interval_minutes=60, window_minutes=30))
    db.session.commit()
    return second


def test_a_guard_opening_a_label_records_a_scan_and_sees_the_round_progress(world, app):
    second = _round_now(world)
    client = _signed_in(app, "guard")
    answer = client.get(f"/s/{world.checkpoint_a.token}")
    assert answer.status_code == 302 and re.fullmatch(r"/scans/\d+", answer.headers["Location"])
    text = _text(client.get(answer.headers["Location"]))
    assert "✓ A 北门" in text and "打卡成功" in text
    assert "已巡 1 / 2 个点" in text and f"下一个: {second.name}" in text
    assert clock.now(CST).strftime("%Y/%m/%d %H:") in text  # shown in the site's time, not UTC
    scan = db.session.scalar(select(Scan))
    assert scan.person_id == world.people["guard"].id and scan.method == "qr" and scan.shift_id is not None
    client.get(answer.headers["Location"])  # reloading the confirmation records nothing more
    assert _count(Scan) == 1
    final = client.get(f"/s/{second.token}", follow_redirects=True)
    assert "本轮已巡完" in _text(final)


def test_an_expired_session_keeps_the_scan_through_sign_in(world, app):
    client = app.test_client()
    answer = client.get(f"/s/{world.checkpoint_a.token}")
    assert answer.headers["Location"] == f"/login?next=/s/{world.checkpoint_a.token}"
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    next_field = re.search(r'name="next" type="hidden" value="([^"]*)"', page).group(1)
    assert next_field == f"/s/{world.checkpoint_a.token}"  # the form carries the waiting scan
    signed = client.post("/login", data={"login": "guard", "password": PASSWORD, "csrf_token": csrf_from(page),
                                         "next": next_field})
    assert signed.headers["Location"] == f"/s/{world.checkpoint_a.token}"
    done = client.get(signed.headers["Location"], follow_redirects=True)
    assert "✓ A 北门" in _text(done) and _count(Scan) == 1


def test_refused_labels_say_why_and_write_nothing(world, app):
    db.session.add(RetiredToken(token="old-label-token", checkpoint_id=world.checkpoint_a.id))
    world.checkpoint_b.active = False
    db.session.commit()
    client = _signed_in(app, "admin")
    cases = [("no-such-token", 404, "不是本系统的巡检点标签"), ("old-label-token", 410, "已于"),
             (world.checkpoint_c.token, 404, "您未负责的项目"), (world.checkpoint_b.token, 410, "已停用")]
    for token, status, words in cases:
        answer = client.get(f"/s/{token}")
        assert answer.status_code == status and words in _text(answer), token
        assert "没有保存任何记录" in _text(answer)
    assert _count(Scan) == 0


def test_a_typed_code_records_a_scan_marked_as_typed(world, app):
    client = _signed_in(app, "guard")
    token = page_token(client, "/scan")
    answer = client.post("/scan", data={"code": " a01 ", "csrf_token": token}, follow_redirects=True)
    assert "✓ A 北门" in _text(answer) and "手动输入编号" in _text(answer)
    assert db.session.scalar(select(Scan.method)) == "code"
    wrong = client.post("/scan", data={"code": "C01", "csrf_token": token})  # another company's code
    assert wrong.status_code == 404 and "没有编号为 C01 的点位" in _text(wrong)


def test_a_cleaner_fills_the_checklist_with_a_failed_item_and_photos(world, app):
    item = world.checkpoint_a.checklist[0]
    client = _signed_in(app, "cleaner")
    form = client.get(f"/s/{world.checkpoint_a.token}")
    assert form.status_code == 200 and "地面干净" in _text(form) and _count(Scan) == 0
    html = form.get_data(as_text=True)
    submission = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    data = {"csrf_token": csrf_from(html), "submission": submission, f"item-{item.id}": "fail",
            f"note-{item.id}": "地面有水渍", "before": (io.BytesIO(jpeg()), "before.jpg"),
            "after": (io.BytesIO(jpeg(color=(230, 230, 230))), "after.jpg")}
    answer = client.post(f"/s/{world.checkpoint_a.token}/check", data=data, content_type="multipart/form-data")
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    check = db.session.scalar(select(CleaningCheck))
    assert [(r.passed, r.note) for r in check.results] == [(False, "地面有水渍")]
    assert sorted(db.session.scalars(select(Photo.stage).where(Photo.cleaning_check_id == check.id))) == ["after", "before"]
    again = dict(data, before=(io.BytesIO(jpeg()), "before.jpg"), after=(io.BytesIO(jpeg()), "a.jpg"))
    client.post(f"/s/{world.checkpoint_a.token}/check", data=again, content_type="multipart/form-data")
    assert _count(CleaningCheck) == 1 and _count(Photo) == 2  # a double tap stores it once


def test_a_check_with_a_bad_photo_or_missing_required_photos_keeps_the_form_and_saves_nothing(world, app):
    world.checkpoint_a.photo_required = True
    db.session.commit()
    item = world.checkpoint_a.checklist[0]
    client = _signed_in(app, "cleaner")
    html = client.get(f"/s/{world.checkpoint_a.token}").get_data(as_text=True)
    submission = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    base = {"csrf_token": csrf_from(html), "submission": submission, f"item-{item.id}": "fail", f"note-{item.id}": "扶手脏"}
    missing = client.post(f"/s/{world.checkpoint_a.token}/check", data=base, content_type="multipart/form-data")
    assert missing.status_code == 400 and "需要清洁前和清洁后各一张照片" in _text(missing)
    assert 'value="扶手脏"' in missing.get_data(as_text=True)  # nothing typed is lost
    bad = dict(base, before=(io.BytesIO(b"%PDF-1.4 not a photo"), "x.jpg"), after=(io.BytesIO(jpeg()), "after.jpg"))
    answer = client.post(f"/s/{world.checkpoint_a.token}/check", data=bad, content_type="multipart/form-data")
    assert answer.status_code == 400 and "扶手脏" in answer.get_data(as_text=True)
    assert _count(CleaningCheck) == 0 and _count(Photo) == 0 and _count(CleaningResult) == 0


def test_a_guard_reports_a_leak_with_photos_and_the_lead_sees_it(world, app):
    shift = world.night_shift(clock.now(CST).date())
    client = _signed_in(app, "guard")
    html = client.get(f"/incidents/new?checkpoint={world.checkpoint_a.id}").get_data(as_text=True)
    assert f'<option value="{world.checkpoint_a.id}" selected>' in html
    submission = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    data = {"csrf_token": csrf_from(html), "submission": submission, "kind": "leak", "severity": "high",
            "description": "北门岗亭屋顶漏水", "checkpoint_id": str(world.checkpoint_a.id),
            "photos": [(io.BytesIO(jpeg()), "1.jpg"), (io.BytesIO(jpeg(color=(9, 9, 9))), "2.jpg")]}
    answer = client.post("/incidents/new", data=data, content_type="multipart/form-data")
    assert answer.status_code == 302
    incident = db.session.scalar(select(Incident))
    assert incident.description == "北门岗亭屋顶漏水" and incident.kind.value == "leak"
    assert _count(Photo) == 2
    lead = _signed_in(app, "lead")
    app.config["ROUNDS_NOW"] = shift.starts_at + timedelta(hours=1)
    assert "北门岗亭屋顶漏水" in _text(lead.get("/lead"))


def test_an_incomplete_report_says_what_is_missing_and_keeps_the_text(world, app):
    client = _signed_in(app, "guard")
    html = client.get("/incidents/new").get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "submission": re.search(r'name="submission" value="([^"]+)"', html).group(1),
            "description": "<script>alert(1)</script>", "photos": [(io.BytesIO(jpeg()), f"{n}.jpg") for n in range(6)]}
    answer = client.post("/incidents/new", data=data, content_type="multipart/form-data")
    text = _text(answer)
    assert answer.status_code == 400
    assert "请选择问题类型" in text and "请选择严重程度" in text and "请选择点位，或写明具体位置" in text
    assert "此处最多 5 张照片" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.get_data(as_text=True)
    assert _count(Incident) == 0 and _count(Photo) == 0


def test_photos_are_served_as_jpeg_only_to_people_of_their_site(world, app):
    photo = world.photo(world.site_a, world.people["guard"])
    own = _signed_in(app, "cleaner").get(f"/photos/{photo.id}.jpg")
    assert own.status_code == 200 and own.mimetype == "image/jpeg"
    assert own.headers["X-Content-Type-Options"] == "nosniff" and own.data[:3] == b"\xff\xd8\xff"
    assert _signed_in(app, "guard_b").get(f"/photos/{photo.id}.jpg").status_code == 404
    thumb = _signed_in(app, "lead").get(f"/photos/{photo.id}/thumb.jpg")
    assert thumb.status_code == 200 and len(thumb.data) < len(own.data) + 1


def test_a_scan_confirmation_is_private_to_its_author_and_the_site_leads(world, app):
    scan = world.scan(world.checkpoint_a, world.people["guard"])
    assert _signed_in(app, "cleaner").get(f"/scans/{scan.id}").status_code == 404
    assert _signed_in(app, "lead").get(f"/scans/{scan.id}").status_code == 200
    assert _signed_in(app, "lead_b").get(f"/scans/{scan.id}").status_code == 404
