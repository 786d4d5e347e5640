"""Scheduled reports: what falls due when, a real build through the queue (huey in immediate mode), failures kept,
review and release by the site's manager, and nobody reaching another site's reports."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pypdfium2
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import FIXED_NOW, csrf_from, sign_in
from tests.reports.things import ready_report
from webapp.domain.report_schedule import Due, due_reports
from webapp.domain.scorecards import last_working_day
from webapp.extensions import db
from webapp.models import AuditEntry, GeneratedReport
from webapp.reports import jobs

UTC = timezone.utc


def site(id_=1, tz="Asia/Shanghai", active=True):
    return SimpleNamespace(id=id_, timezone=tz, active=active)


# ---- what falls due ---------------------------------------------------------------------------------------------------

def test_the_weekly_report_falls_due_on_monday_from_six_in_the_sites_zone():
    monday_0559 = datetime(2026, 11, 22, 21, 59, tzinfo=UTC)  # Monday 23 November, 05:59 in Shanghai
    monday_0600 = datetime(2026, 11, 22, 22, 0, tzinfo=UTC)
    assert due_reports([site()], monday_0559) == []
    assert due_reports([site()], monday_0600) == [Due(1, "weekly_inspection", date(2026, 11, 16), date(2026, 11, 23))]
    # at that instant it is still Sunday in London; a Tuesday is never due; an inactive site never is
    assert due_reports([site(2, "Europe/London")], monday_0600) == []
    assert due_reports([site()], datetime(2026, 11, 24, 3, tzinfo=UTC)) == []
    assert due_reports([site(active=False)], monday_0600) == []


def test_the_monthly_summary_falls_due_on_the_last_working_day_even_when_the_month_ends_on_a_weekend():
    assert last_working_day(2027, 1) == date(2027, 1, 29)  # 31 January 2027 is a Sunday
    friday_1800 = datetime(2027, 1, 29, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai
    assert due_reports([site()], friday_1800) == [Due(1, "monthly_summary", date(2027, 1, 1), date(2027, 2, 1))]
    assert due_reports([site()], datetime(2027, 1, 29, 9, 59, tzinfo=UTC)) == []
    assert due_reports([site()], datetime(2027, 1, 31, 10, 0, tzinfo=UTC)) == []  # the Sunday itself: not a working day
    # 30 November 2026 is a Monday and the month's last working day: both reports at 18:00
    both = due_reports([site()], datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    assert both == [Due(1, "weekly_inspection", date(2026, 11, 23), date(2026, 11, 30)),
                    Due(1, "monthly_summary", date(2026, 11, 1), date(2026, 12, 1))]


def test_the_schedule_makes_each_report_once_and_builds_it(app, world):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    monday = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Monday in Shanghai
    made = jobs.queue_due(monday)
    assert len(made) == 3  # sites A, B and C: the schedule serves every company's active sites
    assert jobs.queue_due(monday) == []
    reports = db.session.scalars(select(GeneratedReport).order_by(GeneratedReport.site_id)).all()
    assert {(r.kind, r.period_start, r.period_end, r.requested_by_id) for r in reports} == \
        {("weekly_inspection", date(2026, 11, 16), date(2026, 11, 23), None)}
    assert all(r.state == "ready" and jobs.file_bytes(r, "pdf").startswith(b"%PDF") for r in reports)


# ---- a build, end to end ---------------------------------------------------------------------------------------------

def _post(client, path: str, data: dict):
    token = csrf_from(client.get("/", follow_redirects=True).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def test_a_manager_generates_a_report_and_gets_its_pdf_and_spreadsheet(app, world):
    assert jobs.huey.immediate  # tests run the queue's tasks in-process: a real run, not a mock
    app.config["ROUNDS_NOW"] = FIXED_NOW
    client = app.test_client()
    sign_in(client, "manager")
    answer = _post(client, f"/sites/{world.site_a.id}/generated-reports", {"kind": "weekly_inspection", "date": "2026-11-18"})
    assert answer.status_code == 303
    report = db.session.scalar(select(GeneratedReport))
    assert (report.kind, report.period_start, report.period_end) == ("weekly_inspection", date(2026, 11, 16), date(2026, 11, 23))
    assert (report.state, report.progress, report.error, report.requested_by_id) == ("ready", 100, "", world.people["manager"].id)
    assert report.finished_at is not None and jobs.file_bytes(report, "pdf").startswith(b"%PDF")
    assert jobs.file_bytes(report, "xlsx").startswith(b"PK")
    page = client.get(f"/sites/{world.site_a.id}/generated-reports").get_data(as_text=True)
    assert "每周巡检报告" in page and "2026/11/16 – 2026/11/22" in page and "manager 名字" in page and "发布给客户" in page
    assert "hx-trigger" not in page  # nothing is being built: no polling

    pdf = client.get(f"/sites/{world.site_a.id}/generated-reports/{report.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    doc = pypdfium2.PdfDocument(pdf.data)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert "A 小区" in text and "测试物业" in text
    sheet = client.get(f"/sites/{world.site_a.id}/generated-reports/{report.id}.xlsx")
    book = load_workbook(io.BytesIO(sheet.data))
    assert "A 小区" in [row[1] for row in book.worksheets[0].iter_rows(values_only=True)]


def test_the_meeting_pack_is_built_through_the_same_job(app, world):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    world.quality_records(world.people["guard"], world.site_a, at=FIXED_NOW)  # a notice and a 5-point ticket for the guard
    client = app.test_client()
    sign_in(client, "manager")
    page = client.get(f"/sites/{world.site_a.id}/meeting-pack?month=2026-11")
    assert page.status_code == 200 and "品质例会资料" in page.get_data(as_text=True)
    assert client.get(f"/sites/{world.site_a.id}/meeting-pack?month=11-2026").status_code == 400
    assert _post(client, f"/sites/{world.site_a.id}/generated-reports",
                 {"kind": "meeting_pack", "date": "2026-11-01"}).status_code == 303
    report = db.session.scalar(select(GeneratedReport))
    assert (report.state, report.period_start, report.period_end) == ("ready", date(2026, 11, 1), date(2026, 12, 1))
    doc = pypdfium2.PdfDocument(jobs.file_bytes(report, "pdf"))
    assert "A 小区" in doc[0].get_textpage().get_text_range()
    rows = list(load_workbook(io.BytesIO(jobs.file_bytes(report, "xlsx"))).active.iter_rows(values_only=True))
    total = next(r for r in rows if r[0] == "全部部门")
    assert total[5:7] == (1, 5)  # one ticket, five points (the security guard's)
    security = next(r for r in rows if r[0] == "治安")
    assert security[5:7] == (1, 5)


def test_a_failing_build_ends_failed_with_its_error(app, world, monkeypatch):
    from webapp.reports import pdf

    def broken(*args, **kwargs):
        raise RuntimeError("字体文件缺失")

    monkeypatch.setattr(pdf, "render", broken)
    app.config["ROUNDS_NOW"] = FIXED_NOW
    client = app.test_client()
    sign_in(client, "manager")
    _post(client, f"/sites/{world.site_a.id}/generated-reports", {"kind": "monthly_summary", "date": "2026-11-05"})
    report = db.session.scalar(select(GeneratedReport))
    assert report.state == "failed" and "RuntimeError: 字体文件缺失" in report.error and report.pdf_sha256 is None
    assert "字体文件缺失" in client.get(f"/sites/{world.site_a.id}/generated-reports").get_data(as_text=True)
    # it cannot be released nor downloaded; generating it again (mended) builds it
    assert _post(client, f"/sites/{world.site_a.id}/generated-reports/{report.id}/release", {}).status_code == 409
    assert client.get(f"/sites/{world.site_a.id}/generated-reports/{report.id}.pdf").status_code == 404
    monkeypatch.undo()
    _post(client, f"/sites/{world.site_a.id}/generated-reports", {"kind": "monthly_summary", "date": "2026-11-05"})
    db.session.refresh(report)
    assert report.state == "ready" and report.error == ""


# ---- review and release ----------------------------------------------------------------------------------------------

def test_release_is_recorded_audited_and_final(app, world):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    report = ready_report(world.site_a, kind="monthly_summary")
    queued = GeneratedReport(site_id=world.site_a.id, kind="custom", period_start=date(2026, 1, 1),
                             period_end=date(2026, 1, 8), state="running", progress=40, error="")
    db.session.add(queued)
    db.session.commit()
    supervisor = app.test_client()
    sign_in(supervisor, "supervisor")
    listing = supervisor.get(f"/sites/{world.site_a.id}/generated-reports").get_data(as_text=True)
    assert "发布给客户" not in listing and 'hx-trigger="every 3s"' in listing and 'value="40"' in listing
    assert _post(supervisor, f"/sites/{world.site_a.id}/generated-reports/{report.id}/release", {}).status_code == 403

    manager = app.test_client()
    sign_in(manager, "manager")
    assert _post(manager, f"/sites/{world.site_a.id}/generated-reports/{queued.id}/release", {}).status_code == 409
    assert _post(manager, f"/sites/{world.site_a.id}/generated-reports/{report.id}/release", {}).status_code == 303
    db.session.refresh(report)
    assert report.released_at == FIXED_NOW and report.released_by_id == world.people["manager"].id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "generated_report", AuditEntry.action == "release"))
    assert entry.entity_id == str(report.id) and entry.person_id == world.people["manager"].id
    again = _post(manager, f"/sites/{world.site_a.id}/generated-reports/{report.id}/release", {})
    assert again.status_code == 409 and "已发布给客户" in again.get_data(as_text=True)


def test_a_released_report_cannot_be_generated_again(app, world):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    manager = app.test_client()
    sign_in(manager, "manager")
    _post(manager, f"/sites/{world.site_a.id}/generated-reports", {"kind": "custom", "from": "2026-11-02", "to": "2026-11-03"})
    report = db.session.scalar(select(GeneratedReport))
    _post(manager, f"/sites/{world.site_a.id}/generated-reports/{report.id}/release", {})
    again = _post(manager, f"/sites/{world.site_a.id}/generated-reports", {"kind": "custom", "from": "2026-11-02", "to": "2026-11-03"})
    assert again.status_code == 400 and "已发布给客户" in again.get_data(as_text=True)
    db.session.refresh(report)
    assert report.state == "ready" and report.released_at is not None
    assert db.session.scalar(select(func.count(GeneratedReport.id))) == 1


# ---- scoping ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("login", ["manager", "supervisor"])
def test_another_sites_report_does_not_exist_and_a_guard_is_refused(app, world, login):
    theirs = ready_report(world.site_b)
    client = app.test_client()
    sign_in(client, login)
    assert client.get(f"/sites/{world.site_a.id}/generated-reports/{theirs.id}.pdf").status_code == 404
    assert client.get(f"/sites/{world.site_b.id}/generated-reports/{theirs.id}.pdf").status_code == 404
    assert client.get(f"/sites/{world.site_b.id}/generated-reports").status_code == 404
    guard = app.test_client()
    sign_in(guard, "guard")
    assert guard.get(f"/sites/{world.site_a.id}/generated-reports").status_code == 403
    assert guard.get(f"/sites/{world.site_a.id}/meeting-pack").status_code == 403
