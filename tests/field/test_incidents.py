"""Leads see incidents with their severity and photos on the board and their page, and open each one's page; the page
is for overseers of its site and the person who reported it."""
from __future__ import annotations

import re
from datetime import timedelta

from tests.conftest import sign_in


def _client(app, login):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def test_a_lead_sees_an_incidents_severity_and_photos_and_opens_its_page(world, app):
    shift = world.shift_at(world.site_a)
    shift.lead_id = world.people["lead"].id
    incident = world.incident(world.site_a, world.people["guard"], shift.starts_at + timedelta(hours=1), photos=2)
    app.config["ROUNDS_NOW"] = shift.starts_at + timedelta(hours=2)
    lead = _client(app, "lead")
    for page in (lead.get(f"/sites/{world.site_a.id}/board?shift={shift.id}"), lead.get("/lead")):
        html = page.get_data(as_text=True)
        assert 'class="badge severity-high"' in html and "高" in html
        assert f'href="/incidents/{incident.id}"' in html
        assert len(re.findall(r'<span class="incident-thumbs">.*?</span>', html, re.S)) == 1
        assert html.count("/thumb.jpg") >= 2
    detail = lead.get(f"/incidents/{incident.id}")
    text = detail.get_data(as_text=True)
    assert detail.status_code == 200 and "地下室漏水" in text and "2 号楼地下室" in text and "guard 名字" in text
    thumbs = re.findall(r'src="(/photos/\d+/thumb\.jpg)"', text)
    assert len(thumbs) == 2 and all(lead.get(t).status_code == 200 for t in thumbs)
    assert f"/orders/new?incident={incident.id}" in text


def test_an_incident_page_is_refused_to_people_of_other_sites_and_to_other_guards(world, app):
    incident = world.incident(world.site_a, world.people["guard"])
    assert _client(app, "guard").get(f"/incidents/{incident.id}").status_code == 200  # who reported it
    assert _client(app, "cleaner").get(f"/incidents/{incident.id}").status_code == 404
    assert _client(app, "lead_b").get(f"/incidents/{incident.id}").status_code == 404
    assert _client(app, "lead").get("/incidents/999999").status_code == 404
