"""Fixtures of the alert tests: a real SMTP server (aiosmtpd) started for the test."""
from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from flask import current_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp(app):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    for config in (current_app.config, app.config):  # the worker's context and the app under test
        config.update(ALERT_SMTP_HOST="127.0.0.1", ALERT_SMTP_PORT=controller.port,
                      ALERT_MAIL_FROM="alerts@rounds.test", BASE_URL="https://rounds.example.cn")
    yield box
    controller.stop()


