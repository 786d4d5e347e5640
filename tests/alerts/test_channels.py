"""Every channel over its real protocol: email to an SMTP server (aiosmtpd) started here, WeCom and DingTalk robots
as a local HTTP server, Web Push decrypted here with the subscription's own keys; one failing channel never stops
the others, and a failure is retried with backoff."""
from __future__ import annotations

import base64
import json
import os
from datetime import datetime, timedelta, timezone

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from sqlalchemy import select

from tests.alerts.conftest import free_port
from tests.alerts.things import CLOSES, Receiver, patrolled_shift, wants_email
from webapp.alerts import jobs, services
from webapp.extensions import db
from webapp.models import Alert, AlertDelivery, AlertSiteSetting, PushSubscription


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _deliveries():
    return list(db.session.scalars(select(AlertDelivery).order_by(AlertDelivery.id)))


def test_the_lead_gets_the_alert_by_email_in_chinese_with_the_link(world, smtp):
    patrolled_shift(world)
    wants_email(world, "lead")
    now = CLOSES + timedelta(minutes=1)
    alert_id = services.evaluate(now)[0]
    assert services.deliver_due(now) == 1
    [(to, message)] = smtp.messages
    assert to == ["lead@example.cn"]
    assert message["Subject"] == "[A 小区] 巡更未开始（时段已结束）"
    body = message.get_content()
    assert f"https://rounds.example.cn/sites/{world.site_a.id}/alerts#alert-{alert_id}" in body and "严重程度：高" in body
    [d] = _deliveries()
    assert (d.state, d.attempts, d.sent_at, d.first_try_at) == ("sent", 1, now, now)


def test_group_robots_get_chinese_markdown_and_a_failing_email_does_not_stop_them(world):
    with Receiver() as robots:
        patrolled_shift(world, wecom_webhook=robots.url("/cgi-bin/webhook/send?key=k1"),
                       dingtalk_webhook=robots.url("/robot/send?access_token=t1"))
        wants_email(world, "lead")
        current_app.config.update(ALERT_SMTP_HOST="127.0.0.1", ALERT_SMTP_PORT=free_port())  # nobody listens
        now = CLOSES + timedelta(minutes=1)
        services.evaluate(now)
        assert services.deliver_due(now) == 3
        [wecom] = robots.json("/cgi-bin/webhook/send?key=k1")
        [ding] = robots.json("/robot/send?access_token=t1")
    assert wecom["msgtype"] == "markdown" and "巡更未开始" in wecom["markdown"]["content"]
    assert "/alerts#alert-" in wecom["markdown"]["content"]
    assert ding["markdown"]["title"].startswith("[A 小区]") and "查看并确认" in ding["markdown"]["text"]
    state = {d.channel: (d.state, d.attempts, d.next_try_at) for d in _deliveries()}
    assert state["wecom"][0] == state["dingtalk"][0] == "sent"
    assert state["email"] == ("queued", 1, now + timedelta(seconds=30))  # tried again in 30 s
    email = next(d for d in _deliveries() if d.channel == "email")
    assert "ConnectionRefused" in email.last_error


def test_a_refusing_robot_is_retried_with_backoff_then_given_up(world):
    with Receiver(answer=lambda path: (200, {"errcode": 93000, "errmsg": "invalid webhook url"})) as robot:
        patrolled_shift(world, wecom_webhook=robot.url("/send"))
        now = CLOSES + timedelta(minutes=1)
        services.evaluate(now)
        tried = [now]
        for _ in range(5):
            services.deliver_due(tried[-1])
            d = _deliveries()[0]
            if d.next_try_at is not None:
                tried.append(d.next_try_at)
        assert len(robot.posts) == 5
    assert [int((b - a).total_seconds()) for a, b in zip(tried, tried[1:])] == [30, 120, 480, 1800]
    assert (d.state, d.attempts) == ("failed", 5) and "93000" in d.last_error
    assert services.deliver_due(tried[-1] + timedelta(days=1)) == 0


def test_web_push_is_encrypted_for_the_subscription_and_signed_with_vapid(world):
    phone_key = ec.generate_private_key(ec.SECP256R1())
    phone_public = phone_key.public_key().public_bytes(serialization.Encoding.X962,
                                                       serialization.PublicFormat.UncompressedPoint)
    auth = os.urandom(16)
    server_key = ec.generate_private_key(ec.SECP256R1())
    current_app.config.update(ALERT_VAPID_PRIVATE_KEY=_b64(server_key.private_numbers().private_value.to_bytes(32, "big")),
                              ALERT_VAPID_SUBJECT="mailto:ops@rounds.test", BASE_URL="https://rounds.example.cn")
    with Receiver(answer=lambda path: (201, {})) as push_service:
        patrolled_shift(world)
        db.session.add(PushSubscription(person_id=world.people["lead"].id, endpoint=push_service.url("/push/lead-phone"),
                                        p256dh=_b64(phone_public), auth=_b64(auth)))
        db.session.commit()
        now = CLOSES + timedelta(minutes=1)
        alert_id = services.evaluate(now)[0]
        services.deliver_due(now)
        [(path, headers, body)] = push_service.posts
    assert headers["content-encoding"] == "aes128gcm"
    assert b"round" not in body and "巡更".encode() not in body
    payload = json.loads(http_ece.decrypt(body, private_key=phone_key, auth_secret=auth, version="aes128gcm"))
    assert payload["title"] == "[A 小区] 巡更未开始（时段已结束）"
    assert payload["url"] == f"https://rounds.example.cn/sites/{world.site_a.id}/alerts#alert-{alert_id}"
    scheme, _, rest = headers["authorization"].partition(" ")
    token = dict(p.strip().split("=", 1) for p in rest.split(","))
    claims = json.loads(base64.urlsafe_b64decode(token["t"].split(".")[1] + "=="))
    assert scheme == "vapid" and claims["sub"] == "mailto:ops@rounds.test"
    assert claims["aud"] == push_service.url("").rstrip("/")
    server_public = server_key.public_key().public_bytes(serialization.Encoding.X962,
                                                         serialization.PublicFormat.UncompressedPoint)
    assert base64.urlsafe_b64decode(token["k"] + "==") == server_public
    assert _deliveries()[0].state == "sent"


def test_a_push_subscription_the_browser_dropped_is_forgotten(world):
    phone = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    current_app.config.update(ALERT_VAPID_PRIVATE_KEY=_b64(os.urandom(31) + b"\x01"))
    with Receiver(answer=lambda path: (410, {})) as push_service:
        patrolled_shift(world)
        db.session.add(PushSubscription(person_id=world.people["lead"].id, endpoint=push_service.url("/push/gone"),
                                        p256dh=_b64(phone), auth=_b64(os.urandom(16))))
        db.session.commit()
        now = CLOSES + timedelta(minutes=1)
        services.evaluate(now)
        services.deliver_due(now)
    assert db.session.scalar(select(PushSubscription)) is None
    assert "410" in _deliveries()[0].last_error


def test_quiet_hours_hold_a_missed_round_but_never_an_sos(world, smtp):
    patrolled_shift(world)
    wants_email(world, "lead")
    setting = db.session.get(AlertSiteSetting, world.site_a.id)
    setting.quiet_start, setting.quiet_end = "10:30", "12:00"  # site-local: the missed round closes at 10:45
    db.session.commit()
    now = CLOSES + timedelta(minutes=1)
    services.evaluate(now)
    assert services.deliver_due(now) == 0 and smtp.messages == []
    services.raise_sos(world.people["guard"], world.site_a, "call-1", now, 31.23, 121.47, now)
    assert services.deliver_due(now) == 1
    assert smtp.messages[0][1]["Subject"] == "[A 小区] guard 名字 发出 SOS 求救"
    noon = datetime(2026, 11, 25, 4, 0, tzinfo=timezone.utc)  # 12:00 in Shanghai: quiet hours are over
    assert services.deliver_due(noon) == 1 and len(smtp.messages) == 2


def test_the_worker_tick_raises_and_delivers_without_a_request(world, smtp):
    patrolled_shift(world)
    wants_email(world, "lead")
    current_app.config["ROUNDS_NOW"] = CLOSES + timedelta(minutes=1)
    jobs.evaluate_alerts()  # the periodic task, run in-process (huey's immediate mode in tests)
    assert db.session.scalar(select(Alert)).kind == "round_not_started"
    assert len(smtp.messages) == 1
    jobs.evaluate_alerts()
    assert len(smtp.messages) == 1
