"""A site manager opens the demo company's November report: every section, every figure a link to exactly the
records it counts, the PDF and the spreadsheet telling the same numbers; other sites and bad periods are refused."""
from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta

import pypdfium2
import pytest
from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import FIXED_NOW, csrf_from, demo_at, tiny_jpeg
from webapp.alerts import services as alert_services
from webapp.domain import alerts as alert_rules
from webapp.domain.scorecards import month_bounds
from webapp.extensions import db
from webapp.models import Alert, CleaningCheck, Incident, Inspection, Person, Photo, Site, WorkOrder
from webapp.photos import PhotoLimits, photo_store, process

MONTH = "period=month&date=2026-11-01"


@pytest.fixture
def demo(app):
    """The demo company as of FIXED_NOW (25 November 2026, 10:00 in Shanghai), with the clock pinned there."""
    demo_at(FIXED_NOW)
    app.config["ROUNDS_NOW"] = FIXED_NOW
    return {s.code: s.id for s in db.session.scalars(select(Site))}


def _client(app, login: str, password: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"login": login, "password": password, "csrf_token": csrf_from(page)})
    return client


def _figures(html: str) -> dict[str, str]:
    """Every figure link of the page: key → its text."""
    return dict(re.findall(r'data-figure="([^"]+)" href="[^"]+">([^<]*)</a>', html))


def _listed(client, site_id: int, key: str, period: str = MONTH) -> list[str]:
    page = client.get(f"/sites/{site_id}/reports/records?{period}&figure={key}")
    assert page.status_code == 200, key
    return re.findall(r'<tr data-id="([^"]+)">', page.get_data(as_text=True))


def test_a_manager_sees_every_section_with_its_figures_and_charts(app, demo):
    client = _client(app, "manager", "Rounds-manager-1")
    page = client.get(f"/sites/{demo['CHG']}/reports?{MONTH}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "服务报告 · 翠湖花园 · 2026/11/01 – 2026/11/25" in html  # November so far: it ends today
    for section in ("patrol", "cleaning", "repairs", "quality", "alerts", "handovers"):
        assert f'id="{section}"' in html, section
    figures = _figures(html)
    assert int(figures["patrol.rounds_due"]) > 20 and int(figures["cleaning.checks"]) > 20
    assert int(figures["repairs.orders"]) >= 7 and int(figures["quality.inspections"]) >= 5
    assert '<script type="application/json" id="report-charts">' in html and 'data-chart="patrol-heat"' in html
    assert "vendor/echarts.min.js" in html and "<script>" not in html
    assert "已说明或已认可的异常与未说明的异常分开统计" in html
    assert f'/sites/{demo["CHG"]}/handovers/verify' in html


def test_a_figures_drill_down_lists_exactly_the_records_it_counts(app, demo):
    client = _client(app, "manager", "Rounds-manager-1")
    site = demo["CHG"]
    figures = _figures(client.get(f"/sites/{site}/reports?{MONTH}").get_data(as_text=True))
    start, end = month_bounds(2026, 11, "Asia/Shanghai")
    in_month = lambda model, column: {str(i) for i in db.session.scalars(select(model.id).where(  # noqa: E731
        model.site_id == site, column >= start, column < end))}
    assert set(_listed(client, site, "repairs.orders")) == in_month(WorkOrder, WorkOrder.raised_at)
    assert set(_listed(client, site, "cleaning.checks")) == in_month(CleaningCheck, CleaningCheck.captured_at)
    scored = {str(i) for i in db.session.scalars(select(Inspection.id).where(
        Inspection.site_id == site, Inspection.captured_at >= start, Inspection.captured_at < end,
        Inspection.self_check.is_(False)))}
    assert set(_listed(client, site, "quality.inspections")) == scored
    for key in ("patrol.rounds_due", "patrol.rounds_missed", "patrol.gaps.all.unexplained", "cleaning.passed",
                "repairs.overdue", "quality.notices_overdue", "handovers.shifts"):
        listed = _listed(client, site, key)
        assert len(listed) == len(set(listed)) == int(figures[key]), key
    missed = _listed(client, site, "patrol.rounds_missed")
    due = set(_listed(client, site, "patrol.rounds_due"))
    assert missed and set(missed) <= due
    assert client.get(f"/sites/{site}/reports/records?{MONTH}&figure=no.such").status_code == 404


def test_a_week_and_a_custom_period_show_their_own_days(app, demo):
    client = _client(app, "supervisor", "Rounds-super-1")
    week = client.get(f"/sites/{demo['CHG']}/reports?period=week&date=2026-11-18").get_data(as_text=True)
    assert "2026/11/16 – 2026/11/22" in week
    month_due = int(_figures(client.get(f"/sites/{demo['CHG']}/reports?{MONTH}").get_data(as_text=True))["patrol.rounds_due"])
    day = client.get(f"/sites/{demo['CHG']}/reports?period=custom&from=2026-11-20&to=2026-11-20").get_data(as_text=True)
    assert 0 < int(_figures(day)["patrol.rounds_due"]) < month_due


@pytest.mark.parametrize("query,words", [
    ("period=year", "无效的时段类型"), ("period=day&date=2026-13-01", "不是有效日期"),
    ("period=custom&from=2026-11-20", "请同时选择"), ("period=custom&from=2026-11-20&to=2026-11-01", "早于开始日期"),
    ("period=custom&from=2026-01-01&to=2026-11-01", "最多覆盖 92 天"),
])
def test_a_bad_period_is_refused_with_a_clear_message_in_chinese(app, demo, query, words):
    client = _client(app, "manager", "Rounds-manager-1")
    page = client.get(f"/sites/{demo['CHG']}/reports?{query}")
    assert page.status_code == 400 and words in page.get_data(as_text=True)
    assert client.get(f"/sites/{demo['CHG']}/reports.pdf?{query}").status_code == 400


def test_a_lead_of_another_site_and_a_guard_cannot_open_the_report(app, demo):
    other = _client(app, "bj-lead", "Rounds-bjlead-1")
    for path in ("reports", f"reports/records?{MONTH}&figure=patrol.rounds_due", "reports.pdf", "reports.xlsx"):
        assert other.get(f"/sites/{demo['CHG']}/{path}").status_code == 404, path
    assert other.get(f"/sites/{demo['BJ']}/reports?{MONTH}").status_code == 200
    assert _client(app, "guard", "Rounds-guard-1").get(f"/sites/{demo['CHG']}/reports").status_code == 403


def test_the_pdf_is_a4_with_a_cover_contents_and_the_pages_figures(app, demo):
    client = _client(app, "manager", "Rounds-manager-1")
    figures = _figures(client.get(f"/sites/{demo['CHG']}/reports?{MONTH}").get_data(as_text=True))
    answer = client.get(f"/sites/{demo['CHG']}/reports.pdf?{MONTH}&photos=2")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    pdf = pypdfium2.PdfDocument(answer.data)
    width, height = pdf[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    bitmap = pdf[0].render(scale=1).to_pil()  # the cover rasterised: ink on it
    assert bitmap.convert("L").getextrema()[0] < 100
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "示例物业服务有限公司" in text and "服务报告" in text and "目录" in text and "翠湖花园" in text
    for label, key in (("应巡次数|应巡", "patrol.rounds_due"), ("已记录保洁检查", "cleaning.checks"),
                       ("受理工单", "repairs.orders"), ("检查记录|品质检查|检查次数", "quality.inspections")):
        assert re.search(rf"(?:{label})\S*\s+{figures[key]}\b", text), (label, figures[key])
    assert client.get(f"/sites/{demo['CHG']}/reports.pdf?{MONTH}&photos=99").status_code == 400


def test_the_spreadsheet_has_a_sheet_per_section_whose_totals_match_the_page(app, demo):
    client = _client(app, "manager", "Rounds-manager-1")
    figures = _figures(client.get(f"/sites/{demo['CHG']}/reports?{MONTH}").get_data(as_text=True))
    answer = client.get(f"/sites/{demo['CHG']}/reports.xlsx?{MONTH}")
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["报告", "巡更", "保洁", "事件与工单", "设备", "品质", "告警", "交接班"]

    def value(sheet: str, label: str):
        return next(row[1] for row in book[sheet].iter_rows(values_only=True) if row and row[0] == label)

    def raw_rows(sheet: str, title: str) -> int:
        rows = list(book[sheet].iter_rows(values_only=True))
        start = next(i for i, row in enumerate(rows) if row and row[0] == title) + 2
        return next((i for i in range(start, len(rows)) if not any(rows[i])), len(rows)) - start

    patrol_due = next(row for row in book["巡更"].iter_rows(values_only=True) if row and row[1] == int(figures["patrol.rounds_due"]))
    assert patrol_due[0]
    assert value("保洁", "已记录保洁检查") == int(figures["cleaning.checks"]) == raw_rows("保洁", "保洁检查次数")
    assert value("事件与工单", "受理工单") == int(figures["repairs.orders"]) == raw_rows("事件与工单", "工单")
    assert value("交接班", "班次") == int(figures["handovers.shifts"]) == raw_rows("交接班", "每个班次")
    assert raw_rows("巡更", "巡更") == int(figures["patrol.rounds_due"])


def test_the_page_reads_a_month_with_a_bounded_number_of_queries_per_shift(app, demo):
    from sqlalchemy import event

    client = _client(app, "manager", "Rounds-manager-1")
    statements = []
    listen = lambda *args: statements.append(1)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        html = client.get(f"/sites/{demo['CHG']}/reports?{MONTH}").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    shifts = int(_figures(html)["handovers.shifts"])
    assert len(statements) <= 30 + 20 * shifts, (len(statements), shifts)
    assert FIXED_NOW - timedelta(days=30) < FIXED_NOW


def test_the_pdf_carries_the_chosen_number_of_watermarked_evidence_photos(app, demo):
    site = db.session.get(Site, demo["CHG"])
    incident = db.session.scalars(select(Incident).where(Incident.site_id == site.id)
                                  .order_by(Incident.captured_at.desc())).first()
    processed = process(tiny_jpeg((320, 240)), limits=PhotoLimits(max_bytes=10_000_000, max_pixels=10_000_000),
                        watermark=[site.name, "证据"], font_path=current_app.config["PHOTO_FONT"])
    photo_store().put(processed)
    db.session.add(Photo(client_uuid=uuid.uuid4(), site_id=site.id, person_id=incident.person_id,
                         device_time=incident.captured_at, captured_at=incident.captured_at, received_at=incident.captured_at,
                         sha256=processed.sha256, content_type="image/jpeg", width=processed.width, height=processed.height,
                         size_bytes=len(processed.jpeg), incident_id=incident.id))
    db.session.commit()
    client = _client(app, "manager", "Rounds-manager-1")

    def images(photos: int) -> int:
        answer = client.get(f"/sites/{demo['CHG']}/reports.pdf?{MONTH}&photos={photos}")
        assert answer.status_code == 200
        pdf = pypdfium2.PdfDocument(answer.data)
        return sum(len(list(pdf[i].get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]))) for i in range(len(pdf)))

    assert images(1) == images(0) + 1  # the incident's photo, in the incidents and repairs section


VISIBLE_TEXT = re.compile(r">([^<]+)<")


def _visible(html: str) -> str:
    """The text a person reads (not attributes, not the charts' JSON)."""
    html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    return " ".join(t.strip() for t in VISIBLE_TEXT.findall(html) if t.strip())


def test_the_report_names_the_zone_humanises_durations_and_shows_what_folded_sections_hold(app, demo):
    client = _client(app, "manager", "Rounds-manager-1")
    html = client.get(f"/sites/{demo['CHG']}/reports?{MONTH}").get_data(as_text=True)
    text = _visible(html)
    assert "Asia/Shanghai" not in text and "北京时间" in text
    respond = re.search(r'data-figure="repairs.respond_minutes" href="[^"]+">([^<]*)</a>', html).group(1)
    close = re.search(r'data-figure="repairs.close_hours" href="[^"]+">([^<]*)</a>', html).group(1)
    for shown in (respond, close):
        assert re.fullmatch(r"\d+(\.\d)? (分钟|小时|天)", shown), shown
    summaries = re.findall(r'<details class="more"><summary>([^<]+)<span class="count">\((\d+)\)</span></summary>', html)
    assert len(summaries) == 3 and all(int(n) > 0 for _name, n in summaries), summaries
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), re.findall(r".{20}\d{4}-\d{2}-\d{2}.{20}", text)
    # asked on Wednesday 25 November, this week runs Monday to today: never into Thursday
    week = _visible(client.get(f"/sites/{demo['CHG']}/reports?period=week").get_data(as_text=True))
    assert "服务报告 · 翠湖花园 · 2026/11/23 – 2026/11/25" in week and "2026/11/26" not in week


def test_in_english_the_report_says_hours_and_the_zones_name(app, demo):
    from webapp.models import Person
    db.session.scalar(select(Person).where(Person.login == "manager")).language = "en"
    db.session.commit()
    client = _client(app, "manager", "Rounds-manager-1")
    html = client.get(f"/sites/{demo['CHG']}/reports?{MONTH}").get_data(as_text=True)
    text = _visible(html)
    assert "Beijing time" in text and "Asia/Shanghai" not in text
    assert re.search(r'data-figure="repairs.respond_minutes" href="[^"]+">\d+(\.\d)? (minutes?|hours?|days?)</a>', html)
    assert "1 Nov 2026 – 25 Nov 2026" in text  # November so far, in the one English date format


def _alerts_of_the_morning(site_id: int) -> dict[str, int]:
    """Three alerts at 翠湖 this morning, through the alert services: an SOS the lead acknowledged in 4 minutes, a
    round not started that went up to the supervisor after 15 minutes and was acknowledged at 26, and a serious
    incident nobody has acknowledged yet."""
    site = db.session.get(Site, site_id)
    person = lambda login: db.session.scalar(select(Person).where(Person.login == login))  # noqa: E731
    made = {}
    for kind, hours in (("sos", 3), ("round_not_started", 2), ("incident", 1)):
        raised = FIXED_NOW - timedelta(hours=hours)
        draft = alert_rules.Draft(kind, f"{site_id}:{kind}:report-test", alert_rules.SEVERITY[kind], raised)
        made[kind] = alert_services.raise_alert(site, draft, raised, alert_rules.Roster(person("lead").id)).id
    db.session.commit()
    alerts = {kind: db.session.get(Alert, i) for kind, i in made.items()}
    alert_services.acknowledge(alerts["sos"], person("lead"), alerts["sos"].raised_at + timedelta(minutes=4))
    rounds = alerts["round_not_started"]
    assert alert_services.escalate({site_id: site}, {}, rounds.raised_at + timedelta(minutes=20)) == [rounds.id]
    db.session.commit()
    alert_services.acknowledge(rounds, person("supervisor"), rounds.raised_at + timedelta(minutes=26))
    return made


def test_the_report_counts_the_periods_alerts_and_each_figure_opens_them(app, demo):
    made = _alerts_of_the_morning(demo["CHG"])
    client = _client(app, "manager", "Rounds-manager-1")
    html = client.get(f"/sites/{demo['CHG']}/reports?{MONTH}").get_data(as_text=True)
    figures = _figures(html)
    assert (figures["alerts.raised"], figures["alerts.acknowledged"], figures["alerts.unacknowledged"],
            figures["alerts.escalated"]) == ("3", "2", "1", "1")
    assert figures["alerts.ack_median"] == "15 分钟" and figures["alerts.ack_longest"] == "26 分钟"
    assert "SOS" in html and "巡更未开始" in html and "升级到班长以上" in html
    assert set(_listed(client, demo["CHG"], "alerts.raised")) == {str(i) for i in made.values()}
    assert _listed(client, demo["CHG"], "alerts.escalated") == [str(made["round_not_started"])]
    assert _listed(client, demo["CHG"], "alerts.ack_longest") == [str(made["round_not_started"])]
    assert _listed(client, demo["CHG"], "alerts.kind.incident.raised") == [str(made["incident"])]
    october = _figures(client.get(f"/sites/{demo['CHG']}/reports?period=month&date=2026-10-01").get_data(as_text=True))
    assert october["alerts.raised"] == "0"


def test_the_pdf_and_the_spreadsheet_carry_the_alerts(app, demo):
    made = _alerts_of_the_morning(demo["CHG"])
    client = _client(app, "manager", "Rounds-manager-1")
    book = load_workbook(io.BytesIO(client.get(f"/sites/{demo['CHG']}/reports.xlsx?{MONTH}").data))
    rows = list(book["告警"].iter_rows(values_only=True))
    value = lambda label: next(row for row in rows if row and row[0] == label)  # noqa: E731
    assert value("已发出告警")[1] == 3 and value("已确认告警")[1] == 2 and value("升级到班长以上")[1] == 1
    assert value("确认用时中位数（分钟）")[2] == 15.0 and value("最长确认用时（分钟）")[2] == 26.0
    assert value("巡更未开始")[1:5] == (1, 1, 26.0, 1)
    assert value("严重事件")[1:5] == (1, 0, None, 0)
    start = next(i for i, row in enumerate(rows) if row and row[0] == "告警") + 2
    assert len([r for r in rows[start:] if any(r)]) == len(made)
    pdf = pypdfium2.PdfDocument(client.get(f"/sites/{demo['CHG']}/reports.pdf?{MONTH}&photos=0").data)
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert re.search(r"已发出告警\s+3\b", text) and re.search(r"确认用时中位数（分钟）\s+2\s+15\.0", text)
    assert re.search(r"巡更未开始\s+1\s+1\s+26\.0\s+1", text)
