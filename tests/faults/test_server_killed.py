"""The server killed (master and workers, SIGKILL) while large batches are being written: retried, nothing is lost or doubled."""
from __future__ import annotations

import threading
import time

import requests

from tests.faults.conftest import Phone, scan_events, statuses

PHONES, BATCHES_EACH, PER_BATCH = 3, 2, 500  # 3,000 events; the API takes at most 500 per request
KILL_DEADLINE_S = 20


def _send_until_cut(phone: Phone, batches: list[list[dict]], answers: dict[int, requests.Response], first: int) -> None:
    """Send a phone's batches in order; a batch without an answer stays on the phone with the ones after it."""
    for n, batch in enumerate(batches):
        try:
            answers[first + n] = phone.sync(batch)
        except requests.RequestException:
            return


def test_a_server_killed_during_large_batches_keeps_whole_batches_and_the_retries_store_each_event_once(gunicorn, scratch):
    phones = [Phone(gunicorn) for _ in range(PHONES)]
    batches = [scan_events(scratch.tokens, PER_BATCH) for _ in range(PHONES * BATCHES_EACH)]
    owner = {i: phones[i // BATCHES_EACH] for i in range(len(batches))}
    answers: dict[int, requests.Response] = {}
    threads = [threading.Thread(target=_send_until_cut, daemon=True,
                                args=(phone, batches[p * BATCHES_EACH:(p + 1) * BATCHES_EACH], answers, p * BATCHES_EACH))
               for p, phone in enumerate(phones)]
    for thread in threads:
        thread.start()
    try:
        # kill once a batch has been answered and another is half-way through its transaction
        deadline = time.monotonic() + KILL_DEADLINE_S
        while not (answers and scratch.open_writers()):
            assert time.monotonic() < deadline, "never caught a batch in the middle of its transaction"
            assert any(t.is_alive() for t in threads), "every batch finished before the kill: make them larger"
            time.sleep(0.01)
        gunicorn.kill()
        for thread in threads:
            thread.join(timeout=15)
        assert not any(t.is_alive() for t in threads)

        deadline = time.monotonic() + 10  # PostgreSQL rolls back the transactions whose client died
        while scratch.open_writers():
            assert time.monotonic() < deadline, "a killed worker's transaction stays open"
            time.sleep(0.05)
        stored = [sum(scratch.scan_counts([e["client_uuid"] for e in batch]).values()) for batch in batches]
        assert all(n in (0, PER_BATCH) for n in stored), f"a batch was half-written: {stored}"
        for i, answer in answers.items():
            assert answer.status_code == 200 and answer.json()["created"] == PER_BATCH and stored[i] == PER_BATCH
        cut = [i for i in range(len(batches)) if i not in answers]
        assert cut, "no batch was cut by the kill"
        assert stored.count(0) >= 1

        gunicorn.start()
        for i in cut:  # each phone sends again what it has no answer for, in order
            answer = owner[i].sync(batches[i])
            assert answer.status_code == 200, answer.text[:300]
            expected = "duplicate" if stored[i] == PER_BATCH else "created"  # committed before the kill, answer lost
            assert set(statuses(answer).values()) == {expected}, (i, stored[i])
        for i, batch in enumerate(batches):  # and a second tab sending everything again changes nothing
            assert set(statuses(owner[i].sync(batch)).values()) == {"duplicate"}
    finally:
        if gunicorn.proc.poll() is not None:
            gunicorn.start()

    counts = scratch.scan_counts([e["client_uuid"] for batch in batches for e in batch])
    assert len(counts) == PHONES * BATCHES_EACH * PER_BATCH and set(counts.values()) == {1}
