"""Building blocks for field tests: a signed-in API client and events as phones send them."""
from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta, timezone

from PIL import Image

from tests import clock
from tests.conftest import csrf_from, sign_in

UTC = timezone.utc
CST = timezone(timedelta(hours=8))


class Phone:
    """A signed-in phone talking to the API, with its own device id and clock offset."""

    def __init__(self, app, login: str, device: str = "phone-1", skew: timedelta = timedelta(0)):
        self.client = app.test_client()
        assert sign_in(self.client, login).status_code == 302
        self.token = self.client.get("/api/v1/me").get_json()["csrf_token"]
        self.device, self.skew = device, skew

    def clock(self) -> datetime:
        """What the phone's clock shows now."""
        return clock.now(CST) + self.skew

    def sync(self, events: list, sent_at: datetime | None = None):
        body = {"device_id": self.device, "sent_at": (sent_at or self.clock()).isoformat(), "events": events}
        return self.client.post("/api/v1/sync", json=body, headers={"X-CSRFToken": self.token})

    def upload(self, data: bytes, client_uuid: str | None = None, filename: str = "p.jpg", **fields):
        form = {"client_uuid": client_uuid or str(uuid.uuid4()), "device_id": self.device,
                "file": (io.BytesIO(data), filename), **{k: str(v) for k, v in fields.items()}}
        return self.client.post("/api/v1/photos", data=form, headers={"X-CSRFToken": self.token},
                                content_type="multipart/form-data")


def scan_event(token: str, at: datetime, **extra) -> dict:
    return {"type": "scan", "client_uuid": str(uuid.uuid4()), "token": token, "device_time": at.isoformat(), **extra}


def jpeg(size=(800, 600), color=(90, 140, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=90)
    return out.getvalue()


def page_token(client, path: str = "/") -> str:
    return csrf_from(client.get(path, follow_redirects=True).get_data(as_text=True))
