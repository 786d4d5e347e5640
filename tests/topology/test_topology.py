"""Guards' phones sync through nginx while one of the two app servers is SIGKILLed and restarted.

Every scan and photo reaches the database exactly once, each photo is readable through either server (they share
the object store, not a disk), sign-in limits are counted in Redis across both, and a report asked for through
one server is built by the worker, a process of its own, and downloaded through nginx.
"""
from __future__ import annotations

import hashlib
import io
import threading
import time
import uuid
from datetime import timedelta

import httpx
from PIL import Image

from tests import clock
from tests.conftest import PASSWORD, csrf_from
from tests.faults.conftest import CST, scan_events
from tests.topology.conftest import LOGIN_LIMIT

PHONES = 4
ROUNDS = 12  # per phone: a batch of scans and a photo each
BATCH = 25
DEADLINE_S = 240


def signed_in(base: str, login: str, password: str = PASSWORD) -> httpx.Client:
    """An httpx client signed in through the sign-in form (cookies kept for 127.0.0.1, whatever the port)."""
    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/login")
    answer = client.post("/login", data={"login": login, "password": password, "csrf_token": csrf_from(page.text)})
    assert answer.status_code == 302, answer.text[:300]
    return client


def photo_bytes(n: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256)).save(out, "JPEG", quality=85)
    return out.getvalue()


class FieldPhone(threading.Thread):
    """A guard's phone: sends its queue and keeps whatever was not answered, sending it again until it is."""

    def __init__(self, base: str, tokens: list[str], site_id: int, n: int):
        super().__init__(daemon=True, name=f"phone-{n}")
        self.base, self.tokens, self.site_id, self.n = base, tokens, site_id, n
        self.device = f"topology-{n}-{uuid.uuid4().hex[:6]}"
        self.scans: list[str] = []
        self.photos: dict[str, str] = {}  # client uuid -> SHA-256 of what was sent (before watermarking)
        self.retries = 0
        self.errors: list[str] = []
        self.rounds_done = 0

    def _until_answered(self, send) -> httpx.Response:
        deadline = time.monotonic() + DEADLINE_S / 2
        while True:
            try:
                answer = send()
                if answer.status_code < 500:
                    return answer
            except httpx.HTTPError:
                pass
            self.retries += 1
            assert time.monotonic() < deadline, "never answered"
            time.sleep(0.2)

    def run(self) -> None:
        try:
            client = signed_in(self.base, "guard")
            token = client.get("/api/v1/me").json()["csrf_token"]
            for r in range(ROUNDS):
                events = scan_events(self.tokens, BATCH)
                self.scans += [e["client_uuid"] for e in events]
                body = {"device_id": self.device, "sent_at": clock.now(CST).isoformat(), "events": events}
                answer = self._until_answered(lambda body=body: client.post("/api/v1/sync", json=body,
                                                                            headers={"X-CSRFToken": token}))
                assert answer.status_code == 200, answer.text[:300]
                bad = [x for x in answer.json()["results"] if x["status"] not in ("created", "duplicate")]
                assert not bad, bad
                key, data = str(uuid.uuid4()), photo_bytes(self.n * 1000 + r)
                self.photos[key] = hashlib.sha256(data).hexdigest()
                form = {"client_uuid": key, "device_id": self.device, "site_id": str(self.site_id),
                        "device_time": (clock.now(CST) - timedelta(seconds=5)).isoformat()}
                answer = self._until_answered(lambda form=form, data=data: client.post(
                    "/api/v1/photos", data=form, files={"file": ("p.jpg", data, "image/jpeg")},
                    headers={"X-CSRFToken": token}))
                assert answer.status_code in (200, 201), answer.text[:300]
                self.rounds_done += 1
        except BaseException as error:  # noqa: BLE001  reported by the test
            self.errors.append(f"{type(error).__name__}: {error}")


def test_sign_in_limits_are_counted_once_across_both_servers(topology):
    login = f"nobody-{uuid.uuid4().hex[:6]}"
    answers = []
    for attempt in range(LOGIN_LIMIT + 1):
        server = topology.apps[attempt % 2]  # straight to each server in turn, not through nginx
        client = httpx.Client(base_url=server.url, timeout=30)
        page = client.get("/login")
        answers.append(client.post("/login", data={"login": login, "password": "wrong",
                                                   "csrf_token": csrf_from(page.text)}).status_code)
    assert 429 not in answers[:LOGIN_LIMIT] and answers[LOGIN_LIMIT] == 429, answers
    import redis

    redis.Redis.from_url(topology.redis_url).flushdb()  # the phones' own sign-ins start from nothing


def test_phones_sync_through_nginx_while_a_server_is_killed_and_restarted(topology):
    phones = [FieldPhone(topology.nginx_url, topology.scratch.tokens, topology.scratch.site_id, n) for n in range(PHONES)]
    for phone in phones:
        phone.start()
    deadline = time.monotonic() + DEADLINE_S
    while sum(p.rounds_done for p in phones) < PHONES * ROUNDS // 3:
        assert time.monotonic() < deadline and all(p.is_alive() or p.errors or p.rounds_done == ROUNDS for p in phones)
        time.sleep(0.05)
    victim = topology.apps[0]
    victim.kill()  # SIGKILL master and workers at once, mid-traffic
    time.sleep(1.0)
    victim.start()
    for phone in phones:
        phone.join(max(1.0, deadline - time.monotonic()))
    assert not [e for p in phones for e in p.errors], [e for p in phones for e in p.errors]
    assert all(p.rounds_done == ROUNDS for p in phones)

    scans = [key for p in phones for key in p.scans]
    counts = topology.scratch.scan_counts(scans)
    assert [k for k, n in counts.items() if n == 0] == [], "lost"
    assert [k for k, n in counts.items() if n > 1] == [], "doubled"
    sent = {key for p in phones for key in p.photos}
    rows = topology.scratch.query("SELECT client_uuid::text, id, sha256 FROM photo WHERE client_uuid = ANY(%s::uuid[])",
                                  list(sent))
    assert sorted(r[0] for r in rows) == sorted(sent)  # every photo once: 0 lost, 0 doubled

    keys = {o["Key"] for o in topology.s3().list_objects_v2(Bucket=topology.bucket).get("Contents", [])}
    assert {f"photos/{sha[:2]}/{sha}.jpg" for _k, _id, sha in rows} <= keys  # in the shared store, not on a disk
    lead = [signed_in(server.url, "lead") for server in topology.apps]
    for _key, photo_id, sha in rows:
        for client in lead:  # through either server, straight to it
            seen = client.get(f"/photos/{photo_id}.jpg")
            assert seen.status_code == 200 and hashlib.sha256(seen.content).hexdigest() == sha
    assert topology.apps[1].url not in lead[0].get(f"/photos/{rows[0][1]}").text
    print(f"\n{len(scans)} scans, {len(rows)} photos; {sum(p.retries for p in phones)} requests sent again "
          "after the kill")


def test_a_report_asked_for_through_nginx_is_built_by_the_worker_and_downloaded(topology):
    manager = signed_in(topology.nginx_url, "manager")
    site = topology.scratch.site_id
    day = (clock.now(CST) - timedelta(days=7)).date().isoformat()
    page = manager.get(f"/sites/{site}/generated-reports")
    answer = manager.post(f"/sites/{site}/generated-reports", data={"kind": "weekly_inspection", "date": day,
                                                                     "csrf_token": csrf_from(page.text)})
    assert answer.status_code == 303, answer.text[:300]
    deadline = time.monotonic() + 90
    while True:
        (report_id, state, error), = topology.scratch.query(
            "SELECT id, state, error FROM generated_report WHERE site_id = %s ORDER BY id DESC LIMIT 1", site)
        if state in ("ready", "failed"):
            break
        assert time.monotonic() < deadline, f"the worker never built the report (state {state})\n" + \
            (topology.logs / "worker.log").read_text(errors="replace")[-3000:]
        time.sleep(0.2)
    assert state == "ready", error
    pdf = manager.get(f"/sites/{site}/generated-reports/{report_id}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    keys = {o["Key"] for o in topology.s3().list_objects_v2(Bucket=topology.bucket, Prefix="reports/").get("Contents", [])}
    assert f"reports/{hashlib.sha256(pdf.content).hexdigest()[:2]}/{hashlib.sha256(pdf.content).hexdigest()}.pdf" in keys

