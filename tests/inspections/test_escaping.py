"""Text typed into sheets and inspections comes back escaped on every inspection page."""
from __future__ import annotations

from sqlalchemy import select

from tests.conftest import csrf_from, sign_in
from tests.field.helpers import Phone
from tests.inspections.things import inspection_event
from tests.security.test_xss import assert_safe, bad
from webapp.extensions import db
from webapp.models import Inspection, InspectionTemplate


def test_sheet_names_items_and_inspection_notes_are_escaped(world, app):
    manager = app.test_client()
    assert sign_in(manager, "manager").status_code == 302
    token = csrf_from(manager.get("/inspection-templates/new").get_data(as_text=True))
    saved = manager.post("/inspection-templates/new", data={
        "csrf_token": token, "name": bad("SHEET"), "area_kind": "stairwell", "department": "environment",
        "method": "deduction", "full_marks": "100", "pass_mark": "80", "item_id": [""], "section": [bad("SECTION")],
        "text": [bad("ITEM")], "weight": ["10"], "critical": ["0"], "severity": ["low"]})
    assert saved.status_code == 303
    template = db.session.scalar(select(InspectionTemplate))
    event = inspection_event(template, world.site_a.id, {template.items[0].id: 0}, note=bad("NOTE"))
    event["answers"][0]["note"] = bad("FINDING")
    created = Phone(app, "supervisor").sync([event]).get_json()["results"][0]
    assert created["status"] == "created"
    inspection = db.session.get(Inspection, created["id"])
    pages = {
        "/inspection-templates": ("SHEET",),
        f"/inspection-templates/{template.id}": ("SHEET", "SECTION", "ITEM"),
        f"/inspections/new?site={world.site_a.id}": ("SHEET",),
        f"/inspections/new?site={world.site_a.id}&template={template.id}": ("SHEET", "SECTION", "ITEM"),
        "/inspections": ("SHEET",),
        f"/inspections/{inspection.id}": ("SHEET", "SECTION", "ITEM", "NOTE", "FINDING"),
    }
    for path, tags in pages.items():
        answer = manager.get(path)
        assert answer.status_code == 200, path
        assert_safe(answer.get_data(as_text=True), path, *tags)
