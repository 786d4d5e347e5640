"""Repeated wrong passwords lock the account for a while, longer each time; the lock is said and audited."""
from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests import clock
from tests.conftest import PASSWORD, sign_in
from webapp.extensions import db
from webapp.models import AuditEntry, Person


def _person(login: str) -> Person:
    db.session.expire_all()
    return db.session.scalar(select(Person).where(Person.login == login))


def _audit(action: str) -> list[dict]:
    db.session.expire_all()
    return [json.loads(e.detail) for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                                            .order_by(AuditEntry.id))]


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(world, app):
    now = clock.now()
    app.config["ROUNDS_NOW"] = now
    client = app.test_client()
    for _ in range(4):
        assert sign_in(client, "guard", "guess-again").status_code == 401
    fifth = sign_in(client, "guard", "guess-again")
    assert fifth.status_code == 429 and "账号已锁定" in fifth.get_data(as_text=True)
    right = sign_in(client, "guard", PASSWORD)
    page = right.get_data(as_text=True)
    assert right.status_code == 429 and "账号已锁定" in page and int(right.headers["Retry-After"]) <= 60
    assert (now + timedelta(minutes=1)).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y/%m/%d %H:%M") in page
    assert client.get("/guard").status_code == 302  # not signed in
    (lock,) = _audit("sign_in_locked")
    assert lock["failures"] == 5 and lock["minutes"] == 1
    assert _person("guard").failed_logins == 5
    assert [d.get("reason") for d in _audit("sign_in_failed")][-1] == "locked"


def test_the_lock_ends_then_doubles_and_a_success_resets_it(world, app):
    start = clock.now()
    app.config["ROUNDS_NOW"] = start
    client = app.test_client()
    for _ in range(5):
        sign_in(client, "cleaner", "nope-nope")
    app.config["ROUNDS_NOW"] = start + timedelta(minutes=1, seconds=1)  # the first lock is over
    assert sign_in(client, "cleaner", "nope-nope").status_code == 429  # the sixth failure: two minutes now
    assert _person("cleaner").locked_until - (start + timedelta(minutes=1, seconds=1)) == timedelta(minutes=2)
    app.config["ROUNDS_NOW"] = start + timedelta(minutes=3, seconds=2)
    assert sign_in(client, "cleaner", PASSWORD).status_code == 302
    person = _person("cleaner")
    assert person.failed_logins == 0 and person.locked_until is None
    assert [d["minutes"] for d in _audit("sign_in_locked")] == [1, 2]


def test_the_lock_is_said_in_the_persons_own_language_with_the_time(world, app):
    world.people["supervisor"].language = "en"
    db.session.commit()
    app.config["ROUNDS_NOW"] = clock.now()
    client = app.test_client()  # the sign-in page itself is in Chinese (the default)
    for _ in range(5):
        answer = sign_in(client, "supervisor", "wrong-one")
    text = answer.get_data(as_text=True)
    assert "this account is locked until" in text and "Try again then" in text
    other = sign_in(app.test_client(), "manager")  # someone else is not locked out
    assert other.status_code == 302


def test_an_unknown_login_locks_nobody_and_the_rate_limit_still_holds(world, app):
    client = app.test_client()
    for _ in range(6):
        assert sign_in(client, "nobody-here", "x").status_code == 401
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sign_in_locked")) is None
