"""A client (甲方) signs in and sees only the portal of its own sites: the board read-only, released reports, the chain."""
from __future__ import annotations

import hashlib
import re
import uuid
from datetime import date, timedelta, timezone

from sqlalchemy import select, update

from tests import clock
from tests.conftest import csrf_from, sign_in
from tests.handover.test_lifecycle import _close, _setup
from webapp.extensions import db
from webapp.models import AuditEntry, Company, GeneratedReport, Handover, Incident, IncidentKind, Severity
from webapp.reports.jobs import keep_file

UTC = timezone.utc


def _client(app, login="client"):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def _text(answer) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)))


def test_a_client_lands_on_the_portal_and_sees_only_its_own_sites(world, app):
    client = _client(app)
    assert client.get("/").headers["Location"].endswith("/portal/")
    portal = _text(client.get("/portal/"))
    assert "A 小区" in portal and "B 大厦" not in portal and "C 花园" not in portal
    assert client.get(f"/portal/sites/{world.site_a.id}").status_code == 200
    for site in (world.site_b, world.site_c):  # another site of the company, another company's site
        for page in ("", "/reports", "/chain"):
            assert client.get(f"/portal/sites/{site.id}{page}").status_code == 404, (site.name, page)


def test_a_client_is_refused_every_staff_page_and_the_field_api(world, app):
    client = _client(app)
    for path in ("/sites/", f"/sites/{world.site_a.id}", f"/sites/{world.site_a.id}/board", "/incidents/new",
                 "/exceptions", "/notices/mine", "/scorecards/mine", f"/sites/{world.site_a.id}/reports",
                 f"/sites/{world.site_a.id}/handovers/verify", "/api/v1/me", "/setup/people"):
        assert client.get(path).status_code == 403, path
    token = csrf_from(client.get("/portal/").get_data(as_text=True))
    body = {"device_id": "x", "sent_at": clock.now().isoformat(), "events": []}
    assert client.post("/api/v1/sync", json=body, headers={"X-CSRFToken": token}).status_code == 403
    assert client.post("/incidents/new", data={"csrf_token": token}).status_code == 403


def _live_shift(world, app):
    """A night shift at site A running now: a scan by the guard and an open incident with an evidence photo."""
    shift = world.night_shift(date(2026, 11, 24))
    now = shift.starts_at + timedelta(hours=2)
    app.config["ROUNDS_NOW"] = now
    guard = world.people["guard"]
    world.scan(world.checkpoint_a, guard, now - timedelta(minutes=30))
    incident = Incident(client_uuid=uuid.uuid4(), site_id=world.site_a.id, person_id=guard.id, device_time=now,
                        captured_at=now - timedelta(minutes=10), received_at=now, kind=IncidentKind.LEAK,
                        severity=Severity.HIGH, description="地下车库顶棚漏水", checkpoint_id=world.checkpoint_a.id)
    db.session.add(incident)
    db.session.commit()
    photo = world.photo(world.site_a, guard)
    photo.incident_id = incident.id
    db.session.commit()
    return shift, photo


def test_the_board_shows_the_shift_without_staff_names_unless_the_company_allows(world, app):
    _, photo = _live_shift(world, app)
    client = _client(app)
    page = _text(client.get(f"/portal/sites/{world.site_a.id}"))
    assert "地下车库顶棚漏水" in page and "夜班" in page
    assert "guard 名字" not in page and "lead 名字" not in page
    html = client.get(f"/portal/sites/{world.site_a.id}").get_data(as_text=True)
    assert f"/portal/photos/{photo.id}.jpg" in html and "<form" not in html.split('id="portal-board"')[1].split("</main>")[0]
    photo_answer = client.get(f"/portal/photos/{photo.id}.jpg")
    assert photo_answer.status_code == 200 and photo_answer.mimetype == "image/jpeg"

    db.session.execute(update(Company).where(Company.id == world.company.id).values(clients_see_staff_names=True))
    db.session.commit()
    assert "guard 名字" in _text(client.get(f"/portal/sites/{world.site_a.id}"))


def test_only_evidence_photos_of_incidents_at_the_clients_sites_are_served(world, app):
    _live_shift(world, app)
    client = _client(app)
    scan_photo = world.photo(world.site_a, world.people["guard"])  # not an incident's evidence
    other = world.photo(world.site_b, world.people["guard_b"])
    incident_b = Incident(client_uuid=uuid.uuid4(), site_id=world.site_b.id, person_id=world.people["guard_b"].id,
                          device_time=clock.now(), captured_at=clock.now(), received_at=clock.now(),
                          kind=IncidentKind.LEAK, severity=Severity.HIGH, description="B 漏水")
    db.session.add(incident_b)
    db.session.flush()
    other.incident_id = incident_b.id
    db.session.commit()
    assert client.get(f"/portal/photos/{scan_photo.id}.jpg").status_code == 404
    assert client.get(f"/portal/photos/{other.id}.jpg").status_code == 404


def test_an_admin_lets_clients_see_staff_names_and_it_is_audited(world, app):
    admin = _client(app, "admin")
    page = admin.get("/setup/").get_data(as_text=True)
    assert "甲方可在实时看板上看到员工姓名" in page
    answer = admin.post("/portal/settings", data={"csrf_token": csrf_from(page), "staff_names": "1"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Company, world.company.id).clients_see_staff_names is True
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "company"))
    assert entry is not None and "clients_see_staff_names" in entry.detail
    manager = _client(app, "manager")
    assert manager.post("/portal/settings", data={"csrf_token": csrf_from(page)}).status_code in (400, 403)


def test_only_released_reports_are_listed_and_downloadable(world, app):
    now = clock.now()
    released = GeneratedReport(site_id=world.site_a.id, kind="monthly_summary", period_start=date(2026, 10, 1),
                               period_end=date(2026, 11, 1), state="ready", finished_at=now, released_at=now,
                               released_by_id=world.people["manager"].id)
    draft = GeneratedReport(site_id=world.site_a.id, kind="weekly_inspection", period_start=date(2026, 11, 16),
                            period_end=date(2026, 11, 23), state="ready", finished_at=now)
    elsewhere = GeneratedReport(site_id=world.site_b.id, kind="monthly_summary", period_start=date(2026, 10, 1),
                                period_end=date(2026, 11, 1), state="ready", finished_at=now, released_at=now)
    db.session.add_all([released, draft, elsewhere])
    db.session.commit()
    client = _client(app)
    answer = client.get(f"/portal/sites/{world.site_a.id}/reports")
    page, html = _text(answer), answer.get_data(as_text=True)
    assert "月度服务报告" in page and "2026/10/01 – 2026/10/31" in page
    assert "每周巡检报告" not in page and "2026-11-16" not in page
    assert f"/portal/sites/{world.site_a.id}/reports/{released.id}.pdf" in html
    assert f"/portal/sites/{world.site_a.id}/reports/{released.id}.xlsx" in html
    assert client.get(f"/portal/sites/{world.site_a.id}/reports/{released.id}.pdf").status_code == 404  # no file yet
    pdf = b"%PDF-1.4 the October report"
    released.pdf_sha256 = draft.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    db.session.commit()
    keep_file(pdf, "pdf")
    download = client.get(f"/portal/sites/{world.site_a.id}/reports/{released.id}.pdf")
    assert download.status_code == 200 and download.data == pdf and download.mimetype == "application/pdf"
    assert client.get(f"/portal/sites/{world.site_a.id}/reports/{draft.id}.pdf").status_code == 404
    assert client.get(f"/portal/sites/{world.site_a.id}/reports/{elsewhere.id}.pdf").status_code == 404
    assert client.get(f"/portal/sites/{world.site_b.id}/reports/{elsewhere.id}.pdf").status_code == 404


def test_the_chain_holds_for_sealed_handovers_and_an_altered_one_is_flagged(world, app):
    shifts = [_setup(world, app, date(2026, 11, 24)), world.night_shift(date(2026, 11, 25))]
    records = []
    for n, shift in enumerate(shifts):
        app.config["ROUNDS_NOW"] = shift.ends_at + timedelta(minutes=5)
        if n:
            world.scan(world.checkpoint_a, world.people["guard"], shift.starts_at + timedelta(minutes=5))
        records.append(_close(world, app, shift)[0])
    client = _client(app)
    page = _text(client.get(f"/portal/sites/{world.site_a.id}/chain"))
    assert "链条完整" in page and "已核验 2 份封存的交接记录" in page
    assert records[0].sha256 in page and records[1].sha256 in page
    assert "lead 名字" not in page and "lead2 名字" not in page
    db.session.execute(update(Handover).where(Handover.id == records[1].id)
                       .values(content_json=records[1].content_json.replace("北门道闸已报修", "一切正常")))
    db.session.commit()
    page = _text(client.get(f"/portal/sites/{world.site_a.id}/chain"))
    assert "链条已断开" in page and "#2" in page and "封存后被修改" in page
