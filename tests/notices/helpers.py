"""Shared steps of the notice and violation stories: signed-in clients, forms, a failed inspection item."""
from __future__ import annotations

import io
import re
import uuid
from datetime import datetime

from tests.conftest import FIXED_NOW, csrf_from, sign_in, tiny_jpeg
from webapp.extensions import db
from webapp.models import Inspection, InspectionItem, InspectionResult, InspectionTemplate


def text_of(answer) -> str:
    """A page's visible text, with spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)))


def signed_in(app, login: str):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def post_form(client, page_url: str, url: str, data: dict):
    """Open the page that holds the form, then post it with that page's CSRF token."""
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={"csrf_token": csrf_from(page.get_data(as_text=True)), **data},
                       content_type="multipart/form-data")


def photo(color=(40, 120, 200), name: str = "p.jpg"):
    return (io.BytesIO(tiny_jpeg(color=color)), name)


def failed_item(world, now: datetime = FIXED_NOW) -> InspectionResult:
    """A supervisor's stairwell inspection at site A in which "handrails free of dust" failed, with a photo."""
    template = InspectionTemplate(company_id=world.company.id, name="楼道检查", area_kind="stairwell",
                                  department="environment",
                                  items=[InspectionItem(position=0, section="楼道", text="扶手无灰尘", weight=5,
                                                        severity="high")])
    db.session.add(template)
    db.session.flush()
    supervisor = world.people["supervisor"]
    inspection = Inspection(client_uuid=uuid.uuid4(), site_id=world.site_a.id, person_id=supervisor.id,
                            device_time=now, captured_at=now, received_at=now, template_id=template.id,
                            area_id=world.checkpoint_a.area_id, checkpoint_id=world.checkpoint_a.id,
                            points=95, max_points=100, percent=95, passed=True)
    db.session.add(inspection)
    db.session.flush()
    result = InspectionResult(inspection_id=inspection.id, item_id=template.items[0].id, value=0, failed=True,
                              note="三楼扶手积灰")
    db.session.add(result)
    db.session.commit()
    evidence = world.photo(world.site_a, supervisor)
    evidence.inspection_result_id = result.id
    db.session.commit()
    return result
