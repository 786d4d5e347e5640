"""The database out of reach for a moment: the API answers 503 with Retry-After, nothing is half-written, and the
same batch is accepted once the database is back."""
from __future__ import annotations

import threading
import time

import requests

from tests.faults.conftest import Phone, scan_events, statuses
from webapp.errors import DATABASE_RETRY_AFTER_S

UNAVAILABLE_ZH = "暂时无法连接数据库"
UNAVAILABLE_EN = "The database cannot be reached for a moment"


def _is_unavailable(answer: requests.Response, words: str = UNAVAILABLE_ZH) -> None:
    assert answer.status_code == 503, answer.text[:300]
    assert answer.headers["Retry-After"] == str(DATABASE_RETRY_AFTER_S)
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json()["error"] == "database_unavailable" and words in answer.json()["message"]


def test_a_batch_sent_while_the_database_is_down_is_refused_with_503_and_accepted_once_it_is_back(gunicorn, scratch):
    phone = Phone(gunicorn)
    events = scan_events(scratch.tokens, 100)
    uuids = [e["client_uuid"] for e in events]
    with scratch.outage():
        _is_unavailable(phone.sync(events))
        _is_unavailable(phone.sync(events, language="en"), UNAVAILABLE_EN)
        _is_unavailable(phone.http.get(gunicorn.url + "/api/v1/me", timeout=10))
        _is_unavailable(requests.get(gunicorn.url + "/api/v1/health", timeout=10))
    assert set(scratch.scan_counts(uuids).values()) == {0}

    back = phone.sync(events)  # the same sign-in and CSRF token: the 503 did not sign the guard out
    assert back.status_code == 200 and set(statuses(back).values()) == {"created"}
    assert set(statuses(phone.sync(events)).values()) == {"duplicate"}
    assert set(scratch.scan_counts(uuids).values()) == {1}


def test_the_database_lost_in_the_middle_of_a_batch_leaves_none_of_it_and_the_batch_sent_again_is_whole(gunicorn,
                                                                                                       scratch):
    phone = Phone(gunicorn)
    events = scan_events(scratch.tokens, 500)
    uuids = [e["client_uuid"] for e in events]
    answers: list[requests.Response] = []
    sender = threading.Thread(target=lambda: answers.append(phone.sync(events, language="en")), daemon=True)
    sender.start()
    deadline = time.monotonic() + 15
    while not scratch.open_writers():  # the batch is half-way through its one transaction
        assert sender.is_alive(), "the batch was stored before the database could be taken away: make it larger"
        assert time.monotonic() < deadline, "the batch never started writing"
        time.sleep(0.005)
    with scratch.outage():
        sender.join(timeout=30)
        assert answers, "no answer to the cut batch"
        _is_unavailable(answers[0], UNAVAILABLE_EN)  # in the browser's language: the person's is in the database
    assert set(scratch.scan_counts(uuids).values()) == {0}

    again = phone.sync(events)
    assert again.status_code == 200 and again.json()["created"] == len(events)
    assert set(scratch.scan_counts(uuids).values()) == {1}
