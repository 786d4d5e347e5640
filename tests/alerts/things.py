"""A patrolled day shift at site A for alert tests, and the small servers the channels talk to."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from webapp.extensions import db
from webapp.models import AlertPersonSetting, AlertSiteSetting, PatrolPlan, Route, RouteStop, Shift, ShiftMember

DAY = datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai, within the day shift (08:00–20:00)
CLOSES = datetime(2026, 11, 25, 2, 45, tzinfo=timezone.utc)  # the 10:00 round's window (30 min + 15 grace) is over


def patrolled_shift(world, **settings) -> Shift:
    """Site A's day shift: lead "lead", guard "guard", one round due at 10:00 over checkpoint A01; the lone-worker
    check at 10 hours unless `settings` say otherwise (tests of it set their own)."""
    shift = world.shift_at(world.site_a, at=DAY)
    shift.lead_id = world.people["lead"].id
    shift.members = [ShiftMember(person_id=world.people["guard"].id)]
    shift.template.patrol = True
    route = Route(site_id=world.site_a.id, name="东区巡更",
                  stops=[RouteStop(checkpoint_id=world.checkpoint_a.id, position=0, min_walk_minutes=0)])
    db.session.add(route)
    db.session.flush()
    db.session.add(PatrolPlan(site_id=world.site_a.id, route_id=route.id, shift_template_id=shift.template_id,
                              name="上午巡更", times_local="10:00", window_minutes=30, grace_minutes=15))
    db.session.commit()
    site_setting(world, **{"lone_worker_minutes": 600, **settings})
    return shift


def wants_email(world, *logins: str) -> None:
    """These people get alerts by email at <login>@example.cn."""
    for login in logins:
        db.session.add(AlertPersonSetting(person_id=world.people[login].id, email=f"{login}@example.cn", email_on=True,
                                          push_on=True, quiet_start="", quiet_end=""))
    db.session.commit()


def site_setting(world, **values) -> AlertSiteSetting:
    setting = AlertSiteSetting(site_id=world.site_a.id, **{"alert_provisional": False, "escalate_minutes": 15,
                                                            "lone_worker_minutes": 45, "lone_answer_minutes": 5,
                                                            "handover_accept_minutes": 30, "wecom_webhook": "",
                                                            "dingtalk_webhook": "", "quiet_start": "", "quiet_end": "",
                                                            **values})
    db.session.add(setting)
    db.session.commit()
    return setting


class Receiver:
    """A local HTTP server that keeps every POST (path, headers, body) and answers with `answer(path)`."""

    def __init__(self, answer=lambda path: (200, {"errcode": 0, "errmsg": "ok"})):
        self.posts: list[tuple[str, dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.posts.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status, payload = answer(self.path)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def json(self, path: str) -> list[dict]:
        return [json.loads(body) for p, _h, body in self.posts if p == path]


__all__ = ["CLOSES", "DAY", "Receiver", "patrolled_shift", "site_setting", "wants_email"]
