"""A plant room for tests: a pump at site A's checkpoint with a pressure, a meter and a running state."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from tests.conftest import csrf_from, sign_in
from webapp.extensions import db
from webapp.models import Equipment, MaintenanceTask, ReadingItem


class PumpRoom:
    """Site A's pump room: 1号生活水泵 at checkpoint A01, with three reading items and a monthly task."""

    def __init__(self, world):
        self.pump = Equipment(site_id=world.site_a.id, checkpoint_id=world.checkpoint_a.id, code="PUMP-01",
                              name="1号生活水泵", kind="pump", make="格兰富", contractor="某某机电")
        db.session.add(self.pump)
        db.session.flush()
        self.pressure = ReadingItem(equipment_id=self.pump.id, position=0, name="出口压力", kind="number", unit="MPa",
                                    low=0.3, high=0.6)
        self.meter = ReadingItem(equipment_id=self.pump.id, position=1, name="电表读数", kind="number", unit="kWh",
                                 low=0, meter=True, max_jump=500)
        self.state = ReadingItem(equipment_id=self.pump.id, position=2, name="运行状态", kind="choice")
        self.task = MaintenanceTask(site_id=world.site_a.id, equipment_id=self.pump.id, name="水泵月度保养",
                                    cycle="monthly", anchor_on=date(2026, 11, 20))
        db.session.add_all([self.pressure, self.meter, self.state, self.task])
        db.session.commit()
        self.token = world.checkpoint_a.token


def reading_event(token: str, item: ReadingItem, value: str, at: datetime, **extra) -> dict:
    return {"type": "reading", "client_uuid": str(uuid.uuid4()), "token": token, "item_id": item.id, "value": value,
            "device_time": at.isoformat(), **extra}


def signed_in(app, login: str):
    """A test client signed in as `login`."""
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def post_form(client, page: str, url: str, **data):
    """Post `data` to `url` with the CSRF token of `page`, as the browser would from that page."""
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})
