"""The object store goes down under a real gunicorn: moto_server (a process of its own) is SIGKILLed and restarted.

While it is down, a photo upload answers 503 with Retry-After (the phone's queue keeps it) and nothing is committed;
once it is back, the same photo sent again is stored once. Scans, which need no store, go on being accepted.
"""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import uuid

import boto3
import pytest
import requests
from PIL import Image

from tests.faults.conftest import HTTP_TIMEOUT_S, ROOT, Gunicorn, Phone, free_port, scan_events, statuses

BUCKET = "rounds-faults"


class MotoServer:
    """moto's S3 server as a process of its own on a fixed port, so it can be killed and come back at the same address."""

    def __init__(self, log):
        self.port, self.log, self.proc = free_port(), log, None
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                         cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(self.endpoint, timeout=1)
                break
            except requests.RequestException:
                assert self.proc.poll() is None and time.monotonic() < deadline, "moto_server did not start"
                time.sleep(0.1)
        # moto keeps objects in memory: a restarted server starts empty, like a new bucket
        boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id="testing",
                     aws_secret_access_key="testing").create_bucket(Bucket=BUCKET)

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def keys(self) -> list[str]:
        client = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id="testing",
                              aws_secret_access_key="testing")
        return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.fixture
def on_s3(scratch, tmp_path):
    """A gunicorn of its own whose photos go to a moto_server process."""
    moto = MotoServer(tmp_path / "moto.log")
    moto.start()
    server = Gunicorn(scratch, tmp_path / "unused", tmp_path / "gunicorn.log")
    server.env.update({"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": moto.endpoint, "S3_BUCKET": BUCKET,
                       "S3_REGION": "us-east-1", "S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing",
                       "S3_ADDRESSING_STYLE": "path", "S3_TIMEOUT_S": "1"})
    server.start()
    try:
        yield server, moto
    finally:
        server.stop()
        if moto.proc.poll() is None:
            moto.kill()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (20, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def _upload(phone: Phone, key: str, site_id: int) -> requests.Response:
    return phone.http.post(phone.server.url + "/api/v1/photos", headers={"X-CSRFToken": phone.token},
                           data={"client_uuid": key, "device_id": phone.device, "site_id": str(site_id)},
                           files={"file": ("p.jpg", _jpeg(), "image/jpeg")}, timeout=HTTP_TIMEOUT_S)


def test_a_photo_sent_while_the_store_is_down_is_refused_with_503_and_stored_once_when_it_is_back(on_s3, scratch):
    server, moto = on_s3
    phone, key = Phone(server), str(uuid.uuid4())
    assert _upload(phone, str(uuid.uuid4()), scratch.site_id).status_code == 201  # the pool holds a live connection

    moto.kill()
    down = _upload(phone, key, scratch.site_id)
    assert down.status_code == 503 and down.json()["error"] == "storage_unavailable", down.text[:300]
    assert int(down.headers["Retry-After"]) > 0
    assert scratch.query("SELECT count(*) FROM photo WHERE client_uuid = %s", key) == [(0,)]
    events = scan_events(scratch.tokens, 3)  # scans need no object store: they are accepted all along
    assert set(statuses(phone.sync(events)).values()) == {"created"}

    moto.start()
    assert moto.keys() == []  # nothing of the refused upload reached the store
    back = _upload(phone, key, scratch.site_id)
    assert back.status_code == 201, back.text[:300]
    assert _upload(phone, key, scratch.site_id).status_code == 200  # sent again: the stored one
    assert scratch.query("SELECT count(*) FROM photo WHERE client_uuid = %s", key) == [(1,)]
    (sha,), = scratch.query("SELECT sha256 FROM photo WHERE client_uuid = %s", key)
    assert moto.keys() == [f"photos/{sha[:2]}/{sha}.jpg", f"photos/{sha[:2]}/{sha}.thumb.jpg"]
