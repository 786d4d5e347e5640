"""Sessions live in the database: sign-out, a password change (by the person or a manager) and "End all sessions"
make a copied cookie useless at once, on pages, on /api/v1/me and on sync."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from tests import clock
from tests.conftest import PASSWORD, csrf_from, sign_in
from tests.setup.conftest import Desk
from webapp.extensions import db
from webapp.models import AuditEntry, PersonSession

NEW_PASSWORD = "river-lantern-42"


def signed_in(app, login: str = "guard"):
    """A phone signed in as `login`, and a thief's copy of its session cookie (another client with the same cookie)."""
    phone = app.test_client()
    assert sign_in(phone, login).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", phone.get_cookie("session").value)
    return phone, thief


def works(client) -> bool:
    """Whether a client's cookie still signs someone in: /api/v1/me, then a sync with the token it gave."""
    me = client.get("/api/v1/me")
    if me.status_code != 200:
        assert me.status_code == 401
        assert client.post("/api/v1/sync", json=batch(), headers={"X-CSRFToken": "x"}).status_code in (400, 401)
        return False
    answer = client.post("/api/v1/sync", json=batch(), headers={"X-CSRFToken": me.get_json()["csrf_token"]})
    assert answer.status_code == 200
    return True


def batch() -> dict:
    """A batch of one event the server answers for (it is refused on its own: the batch itself is accepted)."""
    return {"device_id": "phone-1", "sent_at": clock.now().isoformat(), "events": [{"client_uuid": str(uuid.uuid4())}]}


def test_a_copied_cookie_works_while_the_session_is_open_and_not_after_sign_out(world, app):
    phone, thief = signed_in(app)
    assert works(thief)
    token = csrf_from(phone.get("/guard").get_data(as_text=True))
    assert phone.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not works(thief)
    assert thief.get("/guard").status_code == 302
    ended = db.session.scalar(select(PersonSession))
    assert ended.ended_at is not None and ended.ended_why == "sign_out"
    assert len(ended.key_sha256) == 64 and ended.key_sha256 not in thief.get_cookie("session").value  # only its hash kept


def test_signing_in_again_opens_a_new_session_the_old_cookie_stays_dead(world, app):
    phone, thief = signed_in(app)
    phone.post("/logout", data={"csrf_token": csrf_from(phone.get("/guard").get_data(as_text=True))})
    assert sign_in(phone, "guard").status_code == 302 and works(phone)
    assert not works(thief)


def test_a_manager_ending_all_sessions_ends_every_copy(world, app):
    phone, thief = signed_in(app)
    laptop, _copy = signed_in(app)
    manager = Desk(app.test_client(), "manager")
    assert manager.post(f"/setup/people/{world.people['guard'].id}/sessions", hx=True).status_code == 200
    assert not works(thief) and not works(phone) and not works(laptop)
    assert manager.get("/setup/people").status_code == 200


def test_a_password_set_by_a_manager_ends_every_session_of_that_person(world, app):
    phone, thief = signed_in(app)
    manager = Desk(app.test_client(), "manager")
    assert manager.post(f"/setup/people/{world.people['guard'].id}/password", {"password": NEW_PASSWORD},
                        hx=True).status_code == 200
    assert not works(thief) and not works(phone)
    assert manager.get("/setup/people").status_code == 200  # the manager's own session stays


def test_a_person_changing_their_own_password_ends_every_other_session_and_keeps_this_one(world, app):
    phone, thief = signed_in(app)
    laptop = app.test_client()
    assert sign_in(laptop, "guard").status_code == 302
    page = laptop.get("/account/password")
    assert page.status_code == 200 and "修改密码" in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    wrong = laptop.post("/account/password", data={"csrf_token": token, "current": "not it at all", "password": NEW_PASSWORD})
    assert wrong.status_code == 422 and "当前密码不正确。" in wrong.get_data(as_text=True)
    weak = laptop.post("/account/password", data={"csrf_token": token, "current": PASSWORD, "password": "12345678901"})
    assert weak.status_code == 422 and works(thief)  # nothing changed yet
    done = laptop.post("/account/password", data={"csrf_token": token, "current": PASSWORD, "password": NEW_PASSWORD})
    assert done.status_code == 302
    assert works(laptop)  # the session that changed it goes on
    assert not works(thief) and not works(phone)
    assert sign_in(app.test_client(), "guard", PASSWORD).status_code == 401
    assert sign_in(app.test_client(), "guard", NEW_PASSWORD).status_code == 302
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("change_password%"))).all()
    assert sorted(actions) == ["change_password", "change_password_failed"]


def test_a_forged_or_unknown_session_key_signs_nobody_in(world, app):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = f"{world.people['guard'].id}:made-up-key", True
    assert client.get("/api/v1/me").status_code == 401
    with client.session_transaction() as session:
        session["_user_id"] = "99999999999999999999999:x"  # a person id past any integer column
    assert client.get("/api/v1/me").status_code == 401


def test_a_session_ends_after_a_working_shift_even_if_its_cookie_is_kept(world, app):
    phone, thief = signed_in(app)
    assert works(thief)
    row = db.session.scalar(select(PersonSession))
    row.started_at = row.started_at - app.config["PERMANENT_SESSION_LIFETIME"] - timedelta(minutes=1)
    db.session.commit()
    assert not works(thief) and not works(phone)
