"""The handover names the misses still provisional when sealed; a late scan that clears one adds an automatic addendum
signed with the sealing key, and the sealed record itself never changes."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from tests.field.helpers import CST, Phone, scan_event
from tests.field.test_queue_state import _sync
from tests.handover.test_lifecycle import _client, _close, _setup, _text
from webapp.extensions import db
from webapp.models import Handover, HandoverAddendum


def test_a_late_scan_clearing_a_provisional_miss_adds_a_signed_addendum(world, app):
    shift = _setup(world, app)
    start = shift.starts_at
    app.config["ROUNDS_NOW"] = start + timedelta(minutes=10)
    phone = Phone(app, "guard")
    _sync(app, phone, start + timedelta(minutes=10), [scan_event(world.checkpoint_a.token, (start + timedelta(minutes=6)).astimezone(CST))],
          {"waiting": 0})
    app.config["ROUNDS_NOW"] = shift.ends_at + timedelta(minutes=5)
    handover, _out, _incoming = _close(world, app, shift)
    sealed = json.loads(handover.content_json)
    assert sealed["provisional_misses"] and world.checkpoint_a.name in sealed["provisional_misses"][0]["missing"]
    page = _text(_client(app, "lead").get(f"/shifts/{shift.id}/handover"))
    assert "待同步确认" in page  # the record names the misses still provisional when sealed

    later = shift.ends_at + timedelta(hours=2)
    app.config["ROUNDS_NOW"] = later
    round_two = start + timedelta(hours=2, minutes=5)
    _sync(app, phone, later, [scan_event(world.checkpoint_a.token, round_two.astimezone(CST))], {"waiting": 0})
    db.session.expire_all()
    addenda = db.session.scalars(select(HandoverAddendum)).all()
    assert len(addenda) == 1 and addenda[0].seal_signature
    assert world.checkpoint_a.name in addenda[0].text and "补传" in addenda[0].text
    assert db.session.scalar(select(Handover.content_json)) == handover.content_json  # the seal stays as it was
    _sync(app, phone, later, [scan_event(world.checkpoint_a.token, round_two.astimezone(CST))], {"waiting": 0})
    assert db.session.scalar(select(db.func.count()).select_from(HandoverAddendum)) == 1  # said once
    verify = _text(_client(app, "manager").get(f"/sites/{world.site_a.id}/handovers/verify"))
    assert "链条完整" in verify and "封存后才到达" in verify
