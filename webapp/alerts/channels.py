"""The channels an alert goes out by, each a real protocol: email over SMTP, WeCom and DingTalk group robots by
webhook, Web Push (VAPID, aes128gcm). Each `send` raises on failure; the caller keeps the error and retries."""
from __future__ import annotations

import json
import smtplib
import urllib.request
from email.message import EmailMessage

from webapp.alerts import messages
from webapp.extensions import db
from webapp.models import AlertDelivery, PushSubscription

TIMEOUT_S = 10


class DeliveryError(Exception):
    """A channel refused or could not take the message."""


def send(delivery: AlertDelivery, config) -> None:
    """Send one delivery by its channel."""
    alert = delivery.alert
    language = delivery.person.language if delivery.person is not None else "zh"
    subject, body = messages.text(alert, alert.site, language)
    if delivery.channel == "email":
        email(delivery.target, subject, body, config)
    elif delivery.channel == "wecom":
        _post_json(delivery.target, {"msgtype": "markdown", "markdown": {"content": _markdown(subject, body)}})
    elif delivery.channel == "dingtalk":
        _post_json(delivery.target, {"msgtype": "markdown",
                                     "markdown": {"title": subject, "text": _markdown(subject, body)}})
    elif delivery.channel == "push":
        push(delivery, subject, body, config)
    else:
        raise DeliveryError(f"unknown channel {delivery.channel}")


def _markdown(subject: str, body: str) -> str:
    lines = body.split("\n")
    return "\n\n".join([f"**{subject}**", *lines[1:]])


def email(to: str, subject: str, body: str, config) -> None:
    """Send a plain-text email through the configured SMTP server."""
    host = config.get("ALERT_SMTP_HOST")
    if not host:
        raise DeliveryError("no SMTP server configured (ALERT_SMTP_HOST)")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = config["ALERT_MAIL_FROM"], to, subject
    message.set_content(body)
    with smtplib.SMTP(host, int(config.get("ALERT_SMTP_PORT", 25)), timeout=TIMEOUT_S) as smtp:
        if config.get("ALERT_SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("ALERT_SMTP_USER"):
            smtp.login(config["ALERT_SMTP_USER"], config.get("ALERT_SMTP_PASSWORD", ""))
        smtp.send_message(message)


def _post_json(url: str, payload: dict) -> None:
    """POST JSON to a group robot's webhook; both robots answer {"errcode": 0} when they took the message."""
    if not url.startswith(("https://", "http://")):
        raise DeliveryError("a webhook must be an http(s) URL")
    request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode(),  # noqa: S310 (checked above)
                                     headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 (http(s) only, checked above)
        answer = json.loads(response.read() or b"{}")
    if answer.get("errcode", 0) != 0:
        raise DeliveryError(f"robot refused: {answer.get('errcode')} {answer.get('errmsg', '')}")


def push(delivery: AlertDelivery, subject: str, body: str, config) -> None:
    """Web Push to one subscription: encrypted for the phone's keys, signed with the server's VAPID key."""
    from pywebpush import WebPushException, webpush

    sub = db.session.get(PushSubscription, int(delivery.target))
    if sub is None:
        raise DeliveryError("the subscription is gone")
    if not config.get("ALERT_VAPID_PRIVATE_KEY"):
        raise DeliveryError("no VAPID key configured (ALERT_VAPID_PRIVATE_KEY)")
    data = json.dumps({"title": subject, "body": body.split("\n", 1)[-1], "url": messages.link(delivery.alert),
                       "tag": f"alert-{delivery.alert_id}", "urgent": delivery.alert.kind in ("sos", "lone_worker")},
                      ensure_ascii=False)
    try:
        webpush({"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}, data,
                vapid_private_key=config["ALERT_VAPID_PRIVATE_KEY"],
                vapid_claims={"sub": config.get("ALERT_VAPID_SUBJECT", "mailto:alerts@example.invalid")},
                timeout=TIMEOUT_S, ttl=3600)
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in (404, 410):  # the browser dropped the subscription: forget it
            db.session.delete(sub)
        raise DeliveryError(f"push refused: {status}") from None
