"""A guard's SOS reaches the lead at once (a resend is the same call); the lead's phone lists it until acknowledged;
a silent patrolling guard is asked "are you OK?" and an unanswered question alerts."""
from __future__ import annotations

import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from tests.alerts.things import DAY, patrolled_shift, wants_email
from tests.conftest import csrf_from, sign_in
from webapp.alerts import services
from webapp.extensions import db
from webapp.models import Alert


def _pin(app, instant):
    app.config["ROUNDS_NOW"] = current_app.config["ROUNDS_NOW"] = instant


def _token(client) -> str:
    return client.get("/api/v1/me").get_json()["csrf_token"]


def _call(call_id, device_now, **extra):
    return {"client_uuid": call_id, "device_time": (device_now - timedelta(minutes=2)).isoformat(),
            "sent_at": device_now.isoformat(), "position": {"lat": 31.2304, "lng": 121.4737}, **extra}


def test_an_sos_reaches_the_lead_at_once_and_a_resend_is_the_same_call(app, world, client, smtp):
    patrolled_shift(world)
    wants_email(world, "lead")
    _pin(app, DAY)
    sign_in(client, "guard")
    token = _token(client)
    call_id = str(uuid.uuid4())
    fast = DAY + timedelta(minutes=5)  # the guard's phone runs 5 minutes fast
    first = client.post("/alerts/sos", json=_call(call_id, fast), headers={"X-CSRFToken": token})
    assert first.status_code == 201 and first.get_json()["status"] == "created"
    alert = db.session.get(Alert, first.get_json()["id"])
    assert (alert.kind, alert.severity, alert.person_id) == ("sos", "critical", world.people["guard"].id)
    assert alert.happened_at == DAY - timedelta(minutes=2)  # corrected for the phone's clock
    assert [m["Subject"] for _to, m in smtp.messages] == ["[A 小区] guard 名字 发出 SOS 求救"]
    again = client.post("/alerts/sos", json=_call(call_id, fast), headers={"X-CSRFToken": token})
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    assert db.session.scalar(select(func.count(Alert.id))) == 1 and len(smtp.messages) == 1


def test_an_sos_needs_the_csrf_header_a_real_call_and_a_field_role(app, world, client):
    sign_in(client, "guard")
    call = _call(str(uuid.uuid4()), DAY)
    assert client.post("/alerts/sos", json=call).status_code == 400
    token = _token(client)
    assert client.post("/alerts/sos", json={**call, "client_uuid": "x"}, headers={"X-CSRFToken": token}).status_code == 400
    assert client.post("/alerts/sos", json={**call, "site_id": world.site_b.id},
                       headers={"X-CSRFToken": token}).status_code == 400  # not the guard's site
    lead = app.test_client()
    sign_in(lead, "lead")
    assert lead.post("/alerts/sos", json=call, headers={"X-CSRFToken": _token(lead)}).status_code == 403
    assert db.session.scalar(select(func.count(Alert.id))) == 0


def test_the_leads_phone_lists_an_open_sos_until_acknowledged(app, world, client):
    patrolled_shift(world)
    _pin(app, DAY)
    guard = app.test_client()
    sign_in(guard, "guard")
    guard.post("/alerts/sos", json=_call(str(uuid.uuid4()), DAY), headers={"X-CSRFToken": _token(guard)})
    sign_in(client, "lead")
    [call] = client.get("/alerts/now").get_json()["sos"]
    assert call["person"] == "guard 名字" and call["lat"] == 31.2304
    page = client.get(f"/sites/{world.site_a.id}/alerts").get_data(as_text=True)
    client.post(f"/sites/{world.site_a.id}/alerts/acknowledge", data={"alert": call["id"], "csrf_token": csrf_from(page)})
    assert client.get("/alerts/now").get_json()["sos"] == []
    other = app.test_client()
    sign_in(other, "lead_b")
    guard.post("/alerts/sos", json=_call(str(uuid.uuid4()), DAY), headers={"X-CSRFToken": _token(guard)})
    assert other.get("/alerts/now").get_json()["sos"] == []  # another site's lead sees none of site A's calls


def test_a_silent_guard_is_asked_are_you_ok_and_no_answer_alerts(app, world, client):
    shift = patrolled_shift(world, lone_worker_minutes=45, lone_answer_minutes=5)
    wants_email(world, "lead")
    start = shift.starts_at
    world.scan(world.checkpoint_a, world.people["guard"], at=start + timedelta(minutes=10))
    sign_in(client, "guard")
    _pin(app, start + timedelta(minutes=54))
    assert client.get("/alerts/now").get_json()["prompt"] is False
    _pin(app, start + timedelta(minutes=55))
    assert client.get("/alerts/now").get_json()["prompt"] is True
    assert client.post("/alerts/ok", headers={"X-CSRFToken": _token(client)}).status_code == 200
    assert client.get("/alerts/now").get_json()["prompt"] is False
    assert services.evaluate(start + timedelta(minutes=104)) == []  # answered at 55: asked again at 100
    raised = services.evaluate(start + timedelta(minutes=105))  # ... and nobody answered by 105
    alert = db.session.get(Alert, raised[0])
    assert (alert.kind, alert.person_id, alert.severity) == ("lone_worker", world.people["guard"].id, "critical")
    assert services.evaluate(start + timedelta(minutes=130)) == []
