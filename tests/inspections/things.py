"""Building blocks for inspection tests: scoring sheets, stored inspections, a drawn signature, events as phones send them."""
from __future__ import annotations

import base64
import io
import uuid
from datetime import datetime, time

from PIL import Image

from tests import clock
from webapp.extensions import db
from webapp.models import (
    Inspection,
    InspectionItem,
    InspectionPlan,
    InspectionResult,
    InspectionTemplate,
    Person,
    Site,
)

STAIRWELL_ITEMS = (("地面", "地面无垃圾", 10.0, False), ("地面", "楼梯扶手无灰尘", 10.0, False),
                   ("消防", "消防栓箱无灰尘、无杂物", 20.0, True))


def signature() -> str:
    """A signature as the pad sends it: a PNG data URL."""
    out = io.BytesIO()
    img = Image.new("RGB", (300, 100), "white")
    img.putpixel((10, 10), (0, 0, 0))
    img.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def sheet(company_id: int, name: str = "楼梯间保洁检查", area_kind: str = "stairwell", method: str = "deduction",
          items=STAIRWELL_ITEMS, department: str = "environment") -> InspectionTemplate:
    """A scoring sheet, version 1, stored directly."""
    template = InspectionTemplate(company_id=company_id, name=name, area_kind=area_kind, department=department, method=method,
                                  items=[InspectionItem(position=n, section=s, text=t, weight=w, critical=c)
                                         for n, (s, t, w, c) in enumerate(items)])
    db.session.add(template)
    db.session.commit()
    return template


def stored_inspection(site: Site, person: Person, template: InspectionTemplate, failed: int = 0,
                      at: datetime | None = None, self_check: bool = False, percent: float = 90.0) -> Inspection:
    """An inspection stored directly, as if synced earlier; the first `failed` items failed."""
    at = at or clock.now()
    inspection = Inspection(client_uuid=uuid.uuid4(), site_id=site.id, person_id=person.id, device_time=at, captured_at=at,
                            received_at=at, template_id=template.id, percent=percent, points=percent, max_points=100,
                            passed=percent >= 80, self_check=self_check,
                            results=[InspectionResult(item_id=i.id, value=0 if n < failed else 1, failed=n < failed,
                                                      note="脏" if n < failed else "")
                                     for n, i in enumerate(template.items)])
    db.session.add(inspection)
    db.session.commit()
    return inspection


def inspection_event(template: InspectionTemplate, site_id: int, marks: dict[int, int | None] | None = None,
                     at: datetime | None = None, **extra) -> dict:
    """An inspection as a phone sends it: every item passed unless `marks` says otherwise."""
    marks = marks or {}
    answers = [{"item_id": i.id, "value": marks.get(i.id, 1 if template.method == "deduction" else 5),
                "note": "不合格" if marks.get(i.id, 1) == 0 else ""} for i in template.items]
    return {"type": "inspection", "client_uuid": str(uuid.uuid4()), "device_time": (at or clock.now()).isoformat(),
            "site_id": site_id, "template_id": template.id, "answers": answers, "signature": signature(), **extra}


def matrix_values(world, site: Site, author: Person) -> dict:
    """The access matrix's {inspection_template}, {inspection_plan} and {inspection}: of the site's own company."""
    template = sheet(site.company_id)
    supervisor = world.people["supervisor"] if site.company_id == world.company.id else author
    plan = InspectionPlan(site_id=site.id, inspector_id=supervisor.id, weekday=0, starts=time(9), ends=time(11, 30))
    db.session.add(plan)
    db.session.commit()
    inspection = stored_inspection(site, author, template)
    return {"inspection_template": template.id, "inspection_plan": plan.id, "inspection": inspection.id}
