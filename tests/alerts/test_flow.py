"""A missed round alerts the lead once, escalates to the supervisor when nobody acknowledges, and stops when
someone does; the site's alert page lists every alert and delivery and takes the acknowledgement."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import func, select

from tests.alerts.things import CLOSES, DAY, patrolled_shift, wants_email
from tests.conftest import csrf_from, sign_in
from tests.equipment.plant import PumpRoom, reading_event
from tests.field.helpers import Phone, jpeg
from webapp.alerts import services
from webapp.alerts.messages import title
from webapp.alerts.queries import params
from webapp.extensions import db
from webapp.models import Alert, AlertDelivery, AuditEntry, Reading


def _deliveries():
    return [(d.person.login if d.person else None, d.channel, d.level)
            for d in db.session.scalars(select(AlertDelivery).order_by(AlertDelivery.id))]


def test_a_round_nobody_started_alerts_the_lead_once(world):
    patrolled_shift(world)
    wants_email(world, "lead", "supervisor")
    assert services.evaluate(CLOSES - timedelta(minutes=1)) == []  # window still open: no alert
    raised = services.evaluate(CLOSES + timedelta(minutes=1))
    assert len(raised) == 1
    alert = db.session.get(Alert, raised[0])
    assert (alert.kind, alert.severity, alert.level, alert.provisional) == ("round_not_started", "high", 0, False)
    assert _deliveries() == [("lead", "email", 0)]
    for minute in range(2, 10):  # the worker's next minutes: the same gap never alerts twice
        assert services.evaluate(CLOSES + timedelta(minutes=minute)) == []
    assert db.session.scalar(select(func.count(Alert.id))) == 1


def test_a_scanned_round_raises_nothing(world):
    patrolled_shift(world)
    world.scan(world.checkpoint_a, world.people["guard"], at=CLOSES - timedelta(minutes=30))
    assert services.evaluate(CLOSES + timedelta(minutes=5)) == []


def test_unacknowledged_alerts_escalate_to_supervisor_then_manager(world):
    patrolled_shift(world)
    wants_email(world, "lead", "supervisor", "manager")
    raised_at = CLOSES + timedelta(minutes=1)
    alert_id = services.evaluate(raised_at)[0]
    services.evaluate(raised_at + timedelta(minutes=14))
    assert db.session.get(Alert, alert_id).level == 0
    services.evaluate(raised_at + timedelta(minutes=15))
    assert db.session.get(Alert, alert_id).level == 1
    services.evaluate(raised_at + timedelta(minutes=30))
    assert _deliveries() == [("lead", "email", 0), ("supervisor", "email", 1), ("manager", "email", 2)]
    services.evaluate(raised_at + timedelta(hours=3))
    assert len(_deliveries()) == 3  # the top stays the top


def test_acknowledging_stops_escalation_and_records_who_and_when(app, world, client):
    patrolled_shift(world)
    wants_email(world, "lead", "supervisor")
    raised_at = CLOSES + timedelta(minutes=1)
    alert_id = services.evaluate(raised_at)[0]
    sign_in(client, "lead")
    page = client.get(f"/sites/{world.site_a.id}/alerts")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f'id="alert-{alert_id}"' in html and "巡更未开始（时段已结束）" in html
    answer = client.post(f"/sites/{world.site_a.id}/alerts/acknowledge",
                         data={"alert": alert_id, "csrf_token": csrf_from(html)})
    assert answer.status_code == 302
    db.session.expire_all()
    alert = db.session.get(Alert, alert_id)
    assert alert.acknowledged_by_id == world.people["lead"].id and alert.acknowledged_at is not None
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "alert")).action == "acknowledge"
    services.evaluate(raised_at + timedelta(minutes=40))
    assert db.session.get(Alert, alert_id).level == 0 and len(_deliveries()) == 1
    app.config["ROUNDS_NOW"] = raised_at + timedelta(minutes=40)  # the page counts the last 7 days up to now
    after = client.get(f"/sites/{world.site_a.id}/alerts").get_data(as_text=True)
    assert "lead 名字" in after
    assert "近 7 天：告警 1 条，已确认 1 条，SOS 0 次，漏巡 1 次。" in after


def test_acknowledging_needs_the_csrf_token_and_the_sites_own_alert(app, world, client):
    patrolled_shift(world)
    alert_id = services.evaluate(CLOSES + timedelta(minutes=1))[0]
    sign_in(client, "lead_b")  # a lead of site B
    assert client.get(f"/sites/{world.site_a.id}/alerts").status_code == 404
    assert client.get(f"/sites/{world.site_b.id}/alerts").status_code == 200
    html = client.get("/account/password").get_data(as_text=True)
    refused = client.post(f"/sites/{world.site_b.id}/alerts/acknowledge", data={"alert": alert_id,
                                                                                "csrf_token": csrf_from(html)})
    assert refused.status_code == 400  # site A's alert is no alert of site B
    lead = app.test_client()
    sign_in(lead, "lead")
    assert lead.post(f"/sites/{world.site_a.id}/alerts/acknowledge", data={"alert": alert_id}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Alert, alert_id).acknowledged_at is None


def test_a_guard_may_not_see_alerts(world, client):
    sign_in(client, "guard")
    assert client.get(f"/sites/{world.site_a.id}/alerts").status_code == 403


def test_a_serious_incident_alerts_and_a_shift_without_lead_starts_with_the_supervisor(world):
    wants_email(world, "supervisor")
    world.incident(world.site_a, world.people["guard"], at=DAY)  # severity high, no shift running
    raised = services.evaluate(DAY + timedelta(minutes=1))
    alert = db.session.get(Alert, raised[0])
    assert (alert.kind, alert.level, alert.start_level) == ("incident", 1, 1)
    assert _deliveries() == [("supervisor", "email", 1)]


def test_an_abnormal_plant_room_reading_alerts_once_with_its_value(world, app):
    room = PumpRoom(world)
    wants_email(world, "supervisor")
    phone = Phone(app, "engineer")
    photo = phone.upload(jpeg(), token=room.token, device_time=phone.clock().isoformat()).get_json()["client_uuid"]
    normal = reading_event(room.token, room.pressure, "0.45", phone.clock() - timedelta(minutes=5))
    high = reading_event(room.token, room.pressure, "0.72", phone.clock(), note="出口阀门异响", photo_ids=[photo])
    assert [r["status"] for r in phone.sync([normal, high]).get_json()["results"]] == ["created", "created"]
    raised = services.evaluate(phone.clock() + timedelta(minutes=1))
    alerts = [db.session.get(Alert, a) for a in raised]
    assert [(a.kind, a.severity) for a in alerts] == [("reading_abnormal", "high")]  # the normal one raises nothing
    reading = db.session.scalar(select(Reading).where(Reading.out_of_range.is_(True)))
    assert params(alerts[0])["work_order_id"] == reading.work_order_id is not None
    assert _deliveries() == [("supervisor", "email", 1)]  # no shift running: the supervisor first
    with app.test_request_context(), force_locale("zh"):
        assert title(alerts[0]) == "读数异常：1号生活水泵，出口压力 0.72 MPa"
    assert services.evaluate(phone.clock() + timedelta(minutes=2)) == []  # the same reading never alerts twice
