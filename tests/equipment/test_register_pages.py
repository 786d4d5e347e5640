"""A manager keeps the equipment register (设备台账): adds equipment and reading items, imports a spreadsheet."""
from __future__ import annotations

import base64
import io
import re
import uuid
from datetime import date, timedelta

import pypdfium2
import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select

from tests import clock
from tests.conftest import csrf_from, tiny_jpeg
from tests.equipment.plant import PumpRoom, post_form, signed_in
from tests.imports.files import csv_bytes, xlsx_bytes
from webapp.extensions import db
from webapp.models import (
    AuditEntry,
    Equipment,
    GeneratedReport,
    MaintenanceRecord,
    MaintenanceTask,
    Photo,
    Reading,
    ReadingItem,
)
from webapp.reports import jobs

HEADER = ["名称", "编号", "类型", "位置", "品牌型号", "安装日期", "维保单位"]
ROWS = [["1号生活水泵", "PUMP-01", "水泵", "A01", "格兰富 CR32", "2019-6-1", "杭州某某机电"],
        ["1号消防泵", "FP-01", "消防泵", "", "上海连成", "", "某某消防"],
        ["1号电梯", "LIFT-01", "电梯", "", "奥的斯", "2018/05/20", "奥的斯维保"]]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_manager_adds_a_pump_with_its_location_and_a_pressure_with_its_band(app, world):
    manager = signed_in(app, "manager")
    base = f"/sites/{world.site_a.id}/equipment"
    answer = post_form(manager, base, base, name="2号生活水泵", code="PUMP-02", kind="pump",
                   checkpoint_id=str(world.checkpoint_a.id), make="格兰富", installed_on="2020-03-01", contractor="某某机电")
    assert answer.status_code == 303
    pump = db.session.scalar(select(Equipment).where(Equipment.code == "PUMP-02"))
    assert pump.checkpoint_id == world.checkpoint_a.id and pump.installed_on.isoformat() == "2020-03-01"
    page = manager.get(base).get_data(as_text=True)
    assert "2号生活水泵" in page and "A 北门" in page and "水泵" in page
    detail = f"{base}/{pump.id}"
    assert post_form(manager, detail, detail + "/items", name="出口压力", kind="number", unit="MPa", low="0.3",
                 high="0.6").status_code == 303
    assert "正常 0.3–0.6 MPa" in manager.get(detail).get_data(as_text=True)
    refused = post_form(manager, detail, detail + "/items", name="温度", kind="number", unit="°C", low="90", high="85")
    assert refused.status_code == 422 and "正常范围的下限高于上限。" in refused.get_data(as_text=True)
    assert [i.name for i in db.session.scalars(select(ReadingItem))] == ["出口压力"]
    again = post_form(manager, base, base, name="重复", code="pump-02".upper(), kind="pump")
    assert again.status_code == 422 and "本项目已有设备使用此编号。" in again.get_data(as_text=True)


def test_who_may_see_and_change_the_register(app, world):
    room = PumpRoom(world)
    base_a, base_b = f"/sites/{world.site_a.id}/equipment", f"/sites/{world.site_b.id}/equipment"
    assert signed_in(app, "engineer").get(base_a).status_code == 200
    assert signed_in(app, "guard").get(base_a).status_code == 403
    assert signed_in(app, "lead_b").get(base_a).status_code == 404  # another team's site does not exist for them
    assert signed_in(app, "manager").get(f"{base_b}/{room.pump.id}").status_code == 404  # not this site's pump
    engineer = signed_in(app, "engineer")
    answer = post_form(engineer, base_a, base_a, name="x", code="X-1", kind="pump")
    assert answer.status_code == 403 and _count(Equipment) == 1
    no_csrf = signed_in(app, "manager").post(base_a, data={"name": "x", "code": "X-2", "kind": "pump"})
    assert no_csrf.status_code == 400 and _count(Equipment) == 1


def _upload(client, site_id: int, content: bytes, filename: str):
    url = f"/sites/{site_id}/equipment/import"
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("make, filename", [(lambda: csv_bytes(ROWS, "gb18030", header=HEADER), "设备台账.csv"),
                                            (lambda: xlsx_bytes(ROWS, header=HEADER), "设备台账.xlsx")])
def test_equipment_imports_from_csv_or_xlsx_after_a_preview(app, world, make, filename):
    manager = signed_in(app, "manager")
    preview = _upload(manager, world.site_a.id, make(), filename)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "保存全部 3 行" in html and "LIFT-01" in html
    assert _count(Equipment) == 0  # nothing saved by the preview
    payload = re.search(r'name="payload" value="([^"]+)"', html).group(1)
    url = f"/sites/{world.site_a.id}/equipment/import"
    saved = manager.post(url, data={"csrf_token": csrf_from(manager.get(url).get_data(as_text=True)), "payload": payload})
    assert saved.status_code == 303
    rows = {e.code: e for e in db.session.scalars(select(Equipment))}
    assert set(rows) == {"PUMP-01", "FP-01", "LIFT-01"}
    assert rows["PUMP-01"].checkpoint_id == world.checkpoint_a.id and rows["PUMP-01"].kind == "pump"
    assert rows["FP-01"].kind == "fire_pump" and rows["LIFT-01"].installed_on.isoformat() == "2018-05-20"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "equipment_imported")) is not None


def test_an_import_with_bad_rows_says_which_and_saves_nothing(app, world):
    PumpRoom(world)
    manager = signed_in(app, "manager")
    rows = [["2号水泵", "PUMP-01", "水泵", "", "", "", ""],  # code taken
            ["风机", "FAN-1", "火箭", "ZZ9", "", "2019-02-30", ""]]  # unknown kind, checkpoint and date
    answer = _upload(manager, world.site_a.id, csv_bytes(rows, header=HEADER), "e.csv")
    html = answer.get_data(as_text=True)
    assert "PUMP-01 已是本项目某台设备的编号。" in html
    assert "未知类型 火箭" in html and "本项目没有编号为 ZZ9 的巡检点。" in html and "不是日期：2019-02-30" in html
    assert 'name="payload"' not in html and _count(Equipment) == 1


def test_the_trend_page_draws_an_items_readings_against_its_band(app, world):
    room = PumpRoom(world)
    now = clock.now()
    for hours, value in ((5, 0.42), (3, 0.71), (1, 0.45)):
        at = now - timedelta(hours=hours)
        db.session.add(Reading(client_uuid=uuid.uuid4(), site_id=world.site_a.id,
                               person_id=world.people["engineer"].id, device_time=at, captured_at=at, item_id=room.pressure.id,
                               equipment_id=room.pump.id, value_number=value, value_text=str(value), out_of_range=value > 0.6))
    db.session.commit()
    page = signed_in(app, "engineer").get(f"/sites/{world.site_a.id}/equipment/items/{room.pressure.id}/trend")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="trend-data"' in html and "echarts.min.js" in html
    data = re.search(r'<script type="application/json" id="trend-data">(.*?)</script>', html).group(1)
    assert '"low": 0.3' in data and '"high": 0.6' in data and "0.71" in data
    assert html.count("超出范围") == 1
    assert signed_in(app, "guard").get(f"/sites/{world.site_a.id}/equipment/items/{room.pressure.id}/trend").status_code == 403


def _signature() -> str:
    out = io.BytesIO()
    Image.new("RGB", (60, 20), (0, 0, 0)).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_an_overdue_task_is_on_the_engineers_page_and_done_with_a_photo_and_a_signature(app, world):
    app.config["ROUNDS_NOW"] = clock.FIXED_NOW  # the dates below are of 25 November 2026, whatever day the run starts
    room = PumpRoom(world)  # monthly from 20 November; the run's clock is 25 November: five days late
    engineer = signed_in(app, "engineer")
    page = engineer.get(f"/sites/{world.site_a.id}/equipment/maintenance").get_data(as_text=True)
    assert "水泵月度保养" in page and "逾期" in page and "逾期 5 天" in page
    url = f"/sites/{world.site_a.id}/equipment/maintenance/{room.task.id}"
    form = engineer.get(url).get_data(as_text=True)
    submission = re.search(r'name="submission" value="([^"]+)"', form).group(1)
    missing = engineer.post(url, data={"csrf_token": csrf_from(form), "submission": submission, "note": "ok"},
                            content_type="multipart/form-data")
    assert missing.status_code == 422 and "请至少添加一张完工照片。" in missing.get_data(as_text=True)
    assert "保存前请用手指签名。" in missing.get_data(as_text=True) and _count(MaintenanceRecord) == 0
    done = engineer.post(url, data={"csrf_token": csrf_from(form), "submission": submission, "note": "已保养",
                                    "signature": _signature(), "photos": (io.BytesIO(tiny_jpeg()), "p.jpg")},
                         content_type="multipart/form-data")
    assert done.status_code == 303
    record = db.session.scalar(select(MaintenanceRecord))
    assert record.task_id == room.task.id and record.done_on.isoformat() == "2026-11-25"
    assert db.session.scalar(select(Photo.maintenance_record_id)) == record.id
    after = engineer.get(f"/sites/{world.site_a.id}/equipment/maintenance").get_data(as_text=True)
    assert "逾期" not in after and "下次到期 2026-12-20" in after
    assert signed_in(app, "guard").get(url).status_code == 403


def test_the_engineers_page_lists_maintenance_due_with_overdue_first(app, world):
    app.config["ROUNDS_NOW"] = clock.FIXED_NOW  # the dates below are of 25 November 2026, whatever day the run starts
    room = PumpRoom(world)  # 水泵月度保养, monthly from 20 November: overdue on the 25th
    db.session.add(MaintenanceTask(site_id=world.site_a.id, equipment_id=room.pump.id, name="电梯半月保养",
                                   cycle="half_month", anchor_on=date(2026, 11, 27)))  # due soon
    db.session.add(MaintenanceTask(site_id=world.site_a.id, equipment_id=room.pump.id, name="年度检测",
                                   cycle="yearly", anchor_on=date(2027, 6, 1)))  # not due
    db.session.commit()
    page = signed_in(app, "engineer").get("/orders/mine").get_data(as_text=True)
    section = page[page.index('id="mine-maintenance"'):]
    assert section.index("水泵月度保养") < section.index("电梯半月保养") and "年度检测" not in page
    assert "逾期 5 天" in section and f"/maintenance/{room.task.id}" in section
    assert 'id="mine-maintenance"' not in signed_in(app, "front_desk").get("/orders/mine").get_data(as_text=True)


def _three_readings_one_high(world, now=None):
    """The pump room read three times in the two days before `now` (the run's clock by default); the 0.72 MPa reading
    opened a work order fixed in 6 hours."""
    room = PumpRoom(world)
    now = now or clock.FIXED_NOW
    raised = now - timedelta(days=2)
    order = world.work_order(world.site_a, world.people["engineer"], at=raised)
    order.state, order.done_at = "done", raised + timedelta(hours=6)
    for minutes, value, out in ((3000, 0.45, False), (2880, 0.72, True), (60, 0.5, False)):
        at = now - timedelta(minutes=minutes)
        db.session.add(Reading(client_uuid=uuid.uuid4(), site_id=world.site_a.id, person_id=world.people["engineer"].id,
                               device_time=at, captured_at=at, item_id=room.pressure.id, equipment_id=room.pump.id,
                               value_number=value, value_text=str(value), out_of_range=out,
                               work_order_id=order.id if out else None))
    db.session.commit()
    return room, order


def test_the_monthly_report_has_an_equipment_section_with_its_abnormal_reading_and_time_to_fix(app, world):
    app.config["ROUNDS_NOW"] = clock.FIXED_NOW  # the dates below are of 25 November 2026, whatever day the run starts
    room, order = _three_readings_one_high(world)
    page = signed_in(app, "manager").get(f"/sites/{world.site_a.id}/reports?period=month&date=2026-11-25")
    html = page.get_data(as_text=True)
    section = html[html.index('id="equipment"'):]
    assert page.status_code == 200 and "抄表次数" in section
    figures = re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)", section)
    assert ("抄表次数", "3") in figures and ("异常读数", "1") in figures and ("仍未处理", "0") in figures
    assert "6小时" in section.replace(" ", "") or "6 小时" in section
    assert f"/orders/{order.id}" in section and f"/equipment/items/{room.pressure.id}/trend" in section


def test_the_reports_pdf_and_spreadsheet_carry_the_equipment_section(app, world):
    app.config["ROUNDS_NOW"] = clock.FIXED_NOW  # the dates below are of 25 November 2026, whatever day the run starts
    room, order = _three_readings_one_high(world)
    client = signed_in(app, "manager")
    query = f"/sites/{world.site_a.id}/reports.{{}}?period=month&date=2026-11-25"
    book = load_workbook(io.BytesIO(client.get(query.format("xlsx")).data))
    assert "设备" in book.sheetnames and book.sheetnames.index("设备") == book.sheetnames.index("事件与工单") + 1
    rows = list(book["设备"].iter_rows(values_only=True))
    value = lambda name: next(row[1] for row in rows if row and row[0] == name)  # noqa: E731
    assert (value("抄表次数"), value("异常读数"), value("读数异常生成的工单"), value("仍未处理")) == (3, 1, 1, 0)
    assert value("平均修复时长（小时）") == 6.0 and value("设备漏抄") == 0
    abnormal = [row for row in rows if row and row[1] == "1号生活水泵"]
    assert [row[2:5] for row in abnormal] == [("出口压力", "0.72 MPa", f"#{order.id}")]
    pdf = pypdfium2.PdfDocument(client.get(query.format("pdf")).data)
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert re.search(r"抄表次数\s+3\b", text) and re.search(r"异常读数\s+1\b", text)
    assert re.search(r"平均修复时长（小时）\s+6\.0", text)
    assert "1号生活水泵" in text and "出口压力" in text and "0.72 MPa" in text and f"#{order.id}" in text


def test_a_site_without_readings_has_no_equipment_section_in_the_exports(app, world):
    PumpRoom(world)
    client = signed_in(app, "manager")
    book = load_workbook(io.BytesIO(client.get(f"/sites/{world.site_a.id}/reports.xlsx?period=month&date=2026-11-25").data))
    assert "设备" not in book.sheetnames


def test_the_meeting_pack_lists_overdue_maintenance_and_the_months_equipment(app, world):
    app.config["ROUNDS_NOW"] = clock.FIXED_NOW  # 25 November: the pump's monthly task, due on the 20th, is 5 days late
    _three_readings_one_high(world, clock.FIXED_NOW)
    client = signed_in(app, "manager")
    html = client.get(f"/sites/{world.site_a.id}/meeting-pack?month=2026-11").get_data(as_text=True)
    section = html[html.index('id="overdue-maintenance"'):html.index('id="meeting-equipment"')]
    assert "逾期维保 (1)" in section and "上月：0" in section
    assert re.search(r"<td>1号生活水泵</td><td>水泵月度保养</td><td>2026/11/20</td><td>5</td><td>本项目工程人员</td>", section)
    equipment = re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)", html[html.index('id="meeting-equipment"'):])
    assert ("抄表次数", "3") in equipment and ("异常读数", "1") in equipment and ("平均修复时长（小时）", "6.0") in equipment
    october = client.get(f"/sites/{world.site_a.id}/meeting-pack?month=2026-10").get_data(as_text=True)
    assert "逾期维保 (0)" in october and "没有逾期的维保任务" in october

    assert post_form(client, f"/sites/{world.site_a.id}/meeting-pack?month=2026-11", f"/sites/{world.site_a.id}/generated-reports",
                 kind="meeting_pack", date="2026-11-01").status_code == 303
    report = db.session.scalar(select(GeneratedReport))
    assert report.state == "ready"
    doc = pypdfium2.PdfDocument(jobs.file_bytes(report, "pdf"))
    text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert "逾期维保：1（较上月 +1）" in text and "水泵月度保养" in text and re.search(r"抄表次数\s+3\b", text)
    rows = list(load_workbook(io.BytesIO(jobs.file_bytes(report, "xlsx"))).active.iter_rows(values_only=True))
    assert next(r for r in rows if r[0] == "逾期维保")[1] == 1
    assert next(r for r in rows if r[0] == "1号生活水泵")[1:4] == ("水泵月度保养", "2026/11/20", 5)
    assert next(r for r in rows if r[0] == "异常读数")[1] == 1 and next(r for r in rows if r[0] == "抄表次数")[1] == 3


def test_overdue_maintenance_is_on_the_quality_board(app, world):
    app.config["ROUNDS_NOW"] = clock.FIXED_NOW  # the dates below are of 25 November 2026, whatever day the run starts
    room = PumpRoom(world)
    html = signed_in(app, "supervisor").get(f"/sites/{world.site_a.id}/quality").get_data(as_text=True)
    section = html[html.index('id="overdue-maintenance"'):]
    assert "逾期维保 (1)" in section and "水泵月度保养" in section and "逾期 5 天" in section
    db.session.add(MaintenanceRecord(task_id=room.task.id, person_id=world.people["engineer"].id,
                                     done_on=date(2026, 11, 24), signature=""))
    db.session.commit()
    html = signed_in(app, "supervisor").get(f"/sites/{world.site_a.id}/quality").get_data(as_text=True)
    assert "逾期维保 (0)" in html
