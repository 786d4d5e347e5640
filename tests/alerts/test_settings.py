"""A manager sets a site's alerts; everyone sets how they get them; a phone hands over its push subscription."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.alerts.things import CLOSES, patrolled_shift
from tests.conftest import csrf_from, sign_in
from webapp.alerts import services
from webapp.extensions import db
from webapp.models import AlertDelivery, AlertPersonSetting, AlertSiteSetting, PushSubscription


def test_a_manager_sets_the_sites_robots_and_thresholds(world, client):
    sign_in(client, "manager")
    url = f"/sites/{world.site_a.id}/alerts/settings"
    page = client.get(url).get_data(as_text=True)
    assert "企业微信群机器人 Webhook" in page
    form = {"csrf_token": csrf_from(page), "alert_provisional": "y", "escalate_minutes": "10",
            "lone_worker_minutes": "30", "lone_answer_minutes": "3", "handover_accept_minutes": "20",
            "wecom_webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "dingtalk_webhook": "",
            "quiet_start": "22:00", "quiet_end": "07:00"}
    assert client.post(url, data={**form, "quiet_start": "25:00"}).status_code == 422
    assert client.post(url, data={**form, "wecom_webhook": "javascript:alert(1)"}).status_code == 422
    assert client.post(url, data=form).status_code == 302
    saved = db.session.get(AlertSiteSetting, world.site_a.id)
    assert (saved.alert_provisional, saved.escalate_minutes, saved.quiet_start) == (True, 10, "22:00")
    assert services.rules_of(saved).lone_worker_minutes == 30


def test_a_lead_may_not_change_the_sites_alerts(world, client):
    sign_in(client, "lead")
    assert client.get(f"/sites/{world.site_a.id}/alerts/settings").status_code == 403


def test_a_person_chooses_email_and_gets_it(world, client):
    patrolled_shift(world)
    sign_in(client, "lead")
    page = client.get("/account/alerts").get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "email": "lead@example.cn", "email_on": "y", "push_on": "y",
            "quiet_start": "", "quiet_end": ""}
    assert client.post("/account/alerts", data={**form, "email": "not an address"}).status_code == 422
    assert client.post("/account/alerts", data=form).status_code == 302
    assert db.session.get(AlertPersonSetting, world.people["lead"].id).email == "lead@example.cn"
    services.evaluate(CLOSES + timedelta(minutes=1))
    assert [(d.channel, d.target) for d in db.session.scalars(select(AlertDelivery))] == [("email", "lead@example.cn")]


def test_a_phone_hands_over_its_push_subscription_with_the_csrf_header(world, client):
    sign_in(client, "lead")
    page = client.get("/account/alerts").get_data(as_text=True)
    token = csrf_from(page)
    sub = {"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": {"p256dh": "BNc", "auth": "tBH"}}
    assert client.post("/account/alerts/push", json=sub).status_code == 400  # no CSRF header
    assert client.post("/account/alerts/push", json={"endpoint": "x"}, headers={"X-CSRFToken": token}).status_code == 400
    assert client.post("/account/alerts/push", json=sub, headers={"X-CSRFToken": token}).status_code == 201
    assert client.post("/account/alerts/push", json=sub, headers={"X-CSRFToken": token}).status_code == 201
    [kept] = db.session.scalars(select(PushSubscription)).all()
    assert (kept.person_id, kept.p256dh) == (world.people["lead"].id, "BNc")
