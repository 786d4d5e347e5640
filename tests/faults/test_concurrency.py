"""Two phones (or a page and its service worker) sending the same batch at the same moment store each event once."""
from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.conftest import tiny_jpeg
from tests.faults.conftest import Phone, scan_events, statuses

EVENTS = 200


def test_the_same_batch_sent_twice_at_the_same_moment_is_stored_once(gunicorn, scratch):
    device = "shared-phone-1"  # one phone: its page and its service worker both send, on first sight of the device
    phones = [Phone(gunicorn, device=device), Phone(gunicorn, device=device)]
    events = scan_events(scratch.tokens, EVENTS)
    barrier = threading.Barrier(2, timeout=10)

    def send(phone):
        barrier.wait()
        started = time.monotonic()
        answer = phone.sync(events)
        return started, time.monotonic(), answer

    with ThreadPoolExecutor(2) as pool:
        (start_a, end_a, a), (start_b, end_b, b) = pool.map(send, phones)

    assert start_a < end_b and start_b < end_a, "the two requests did not overlap"
    assert (a.status_code, b.status_code) == (200, 200), (a.text[:300], b.text[:300])
    first, second = statuses(a), statuses(b)
    uuids = [e["client_uuid"] for e in events]
    assert set(first) == set(second) == set(uuids)
    assert all(sorted([first[u], second[u]]) == ["created", "duplicate"] for u in uuids), \
        {u: (first[u], second[u]) for u in uuids if sorted([first[u], second[u]]) != ["created", "duplicate"]}
    assert a.json()["created"] + b.json()["created"] == EVENTS
    assert a.json()["duplicates"] + b.json()["duplicates"] == EVENTS
    assert set(scratch.scan_counts(uuids).values()) == {1}
    assert scratch.query("SELECT count(*) FROM device WHERE client_id = %s", device) == [(1,)]


def test_a_new_phones_photo_sent_while_its_first_batch_is_being_written_is_stored(gunicorn, scratch):
    """The page sends a batch while the service worker uploads a photo: both first sights of the same phone."""
    phone = Phone(gunicorn, device=f"new-phone-{uuid.uuid4().hex[:8]}")
    events = scan_events(scratch.tokens, 500)
    with ThreadPoolExecutor(1) as pool:
        batch = pool.submit(phone.sync, events)
        deadline = time.monotonic() + 15
        while not scratch.open_writers():  # the batch's transaction has written the phone's row, not committed it
            assert not batch.done() and time.monotonic() < deadline, "the batch never held its transaction open"
            time.sleep(0.005)
        photo = phone.http.post(gunicorn.url + "/api/v1/photos", headers={"X-CSRFToken": phone.token}, timeout=30,
                                data={"client_uuid": str(uuid.uuid4()), "device_id": phone.device, "token": scratch.tokens[0]},
                                files={"file": ("p.jpg", tiny_jpeg(), "image/jpeg")})
        answer = batch.result(timeout=30)
    assert answer.status_code == 200 and answer.json()["created"] == len(events)
    assert photo.status_code == 201, photo.text[:300]
    assert scratch.query("SELECT count(*) FROM device WHERE client_id = %s", phone.device) == [(1,)]
