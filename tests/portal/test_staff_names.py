"""With "clients see staff names" off, nothing a client downloads names a member of staff: every released file (PDF
and XLSX of each kind of report) is fetched from the portal as the client and searched for every staff name."""
from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta

import pypdfium2
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import FIXED_NOW, csrf_from, sign_in
from webapp.extensions import db
from webapp.models import Company, GeneratedReport, Incident, IncidentKind, Person, Role, Severity


def _released_everything(app, world) -> None:
    """A month with a violation, a notice, an incident and a scan by the guard; every kind of report built and released."""
    app.config["ROUNDS_NOW"] = FIXED_NOW
    guard, at = world.people["guard"], FIXED_NOW - timedelta(days=1)
    world.quality_records(guard, world.site_a, at=at)
    world.scan(world.checkpoint_a, guard, at)
    db.session.add(Incident(client_uuid=uuid.uuid4(), site_id=world.site_a.id, person_id=guard.id, device_time=at,
                            captured_at=at, received_at=at, kind=IncidentKind.LEAK, severity=Severity.LOW,
                            description=f"{guard.name} 发现水管漏水"))  # a name typed inside a description, too
    db.session.commit()
    manager = app.test_client()
    sign_in(manager, "manager")
    token = csrf_from(manager.get(f"/sites/{world.site_a.id}/generated-reports").get_data(as_text=True))
    for kind, day in (("monthly_summary", "2026-11-01"), ("weekly_inspection", "2026-11-18"), ("meeting_pack", "2026-11-01"),
                      ("custom", "2026-11-01")):
        form = {"csrf_token": token, "kind": kind, "date": day, "from": "2026-11-01", "to": "2026-11-30"}
        assert manager.post(f"/sites/{world.site_a.id}/generated-reports", data=form).status_code == 303, kind
    for report in db.session.scalars(select(GeneratedReport)):
        assert report.state == "ready", (report.kind, report.error)
        assert manager.post(f"/sites/{world.site_a.id}/generated-reports/{report.id}/release",
                            data={"csrf_token": token}).status_code == 303


def _downloads(app, world) -> dict[str, str]:
    """The text of every file the client's portal offers: link → text (cells of every sheet, text of every page)."""
    client = app.test_client()
    sign_in(client, "client")
    page = client.get(f"/portal/sites/{world.site_a.id}/reports").get_data(as_text=True)
    links = sorted(set(re.findall(r'href="([^"]+\.(?:pdf|xlsx))"', page)))
    texts = {}
    for link in links:
        answer = client.get(link)
        assert answer.status_code == 200, link
        if link.endswith(".xlsx"):
            book = load_workbook(io.BytesIO(answer.data))
            texts[link] = "\n".join(str(v) for s in book.worksheets for row in s.iter_rows(values_only=True) for v in row
                                    if v is not None)
        else:
            doc = pypdfium2.PdfDocument(answer.data)
            texts[link] = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    return texts


def _staff_names(world) -> list[str]:
    return list(db.session.scalars(select(Person.name).where(Person.company_id == world.company.id,
                                                             Person.role != Role.CLIENT)))


def test_no_released_file_names_staff_when_clients_may_not_see_names(world, app):
    _released_everything(app, world)
    texts = _downloads(app, world)
    assert len(texts) == 8  # four reports, a PDF and an XLSX each
    assert any("发现水管漏水" in text for text in texts.values())  # the incident reached the files, its author's name did not
    found = [(link, name) for link, text in texts.items() for name in _staff_names(world) if name in text]
    assert found == []


def test_with_names_allowed_the_client_gets_the_sheets_as_built(world, app):
    _released_everything(app, world)
    company = db.session.get(Company, world.company.id)
    company.clients_see_staff_names = True
    db.session.commit()
    texts = _downloads(app, world)
    assert any("guard 名字" in text for link, text in texts.items() if link.endswith(".xlsx"))
