"""A guard who scans on a shift he is not rostered on is warned at once, finds the exception on his own page to
explain it, and once a lead puts him on the shift as cover (顶班, audit-logged) his scans count as the shift's own."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from tests.conftest import csrf_from, sign_in
from webapp.extensions import db
from webapp.models import AuditEntry, Role, ShiftMember

DAY = date(2026, 11, 24)


def _client(app, login):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def _text(answer) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)))


def test_a_guard_off_the_roster_is_warned_sees_his_exception_and_counts_once_put_on_as_cover(world, app):
    world.person("guard2", Role.GUARD, [world.site_a])
    db.session.commit()
    shift = world.night_shift(DAY)  # 20:00–08:00, "guard" rostered, "guard2" not
    app.config["ROUNDS_NOW"] = shift.starts_at + timedelta(minutes=2)
    cover = _client(app, "guard2")
    done = cover.get(f"/s/{world.checkpoint_a.token}", follow_redirects=True)
    assert done.status_code == 200 and "您不在当前班次" in _text(done)
    scan_id = re.search(r'data-confirmed-scan="(\d+)"', done.get_data(as_text=True)).group(1)
    swapped = cover.get(f"/scans/{scan_id}", headers={"HX-Request": "true"})  # what the in-app scanner swaps in
    assert "<html" not in swapped.get_data(as_text=True) and "您不在当前班次" in _text(swapped)

    app.config["ROUNDS_NOW"] = shift.starts_at + timedelta(minutes=10)
    lead = _client(app, "lead")
    board = lead.get(f"/sites/{world.site_a.id}/board?shift={shift.id}").get_data(as_text=True)
    assert "not_on_shift:" in board and "guard2 名字" in board
    mine = cover.get("/exceptions").get_data(as_text=True)
    assert "not_on_shift:" in mine and 'value="explain"' in mine  # on his own page, with the step to explain it

    page = lead.get("/lead").get_data(as_text=True)
    assert "guard2 名字" in page and "data-cover" in page
    answer = lead.post(f"/shifts/{shift.id}/cover", data={"csrf_token": csrf_from(page),
                                                          "person_id": str(world.people["guard2"].id)})
    assert answer.status_code == 302
    assert db.session.scalar(select(ShiftMember).where(ShiftMember.shift_id == shift.id,
                                                       ShiftMember.person_id == world.people["guard2"].id))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "shift_cover_added"))
    assert entry.person_id == world.people["lead"].id and entry.entity_id == str(shift.id)

    board = lead.get(f"/sites/{world.site_a.id}/board?shift={shift.id}").get_data(as_text=True)
    assert "not_on_shift:" not in board
    assert "not_on_shift:" not in cover.get("/exceptions").get_data(as_text=True)
    again = cover.get(f"/s/{world.checkpoint_a.token}", follow_redirects=True)
    assert "您不在当前班次" not in _text(again)


def test_a_lead_cannot_put_on_someone_of_another_site_nor_after_the_shift(world, app):
    shift = world.night_shift(DAY)
    app.config["ROUNDS_NOW"] = shift.starts_at + timedelta(hours=1)
    lead = _client(app, "lead")
    token = csrf_from(lead.get("/lead").get_data(as_text=True))
    lead.post(f"/shifts/{shift.id}/cover", data={"csrf_token": token, "person_id": str(world.people["guard_b"].id)})
    app.config["ROUNDS_NOW"] = shift.ends_at + timedelta(minutes=1)
    world.person("guard3", Role.GUARD, [world.site_a])
    db.session.commit()
    lead.post(f"/shifts/{shift.id}/cover", data={"csrf_token": token, "person_id": str(world.people["guard3"].id)})
    assert {m.person_id for m in db.session.scalars(select(ShiftMember).where(ShiftMember.shift_id == shift.id))} == \
        {world.people["guard"].id}
    other = _client(app, "lead_b")
    other_token = csrf_from(other.get("/lead").get_data(as_text=True))
    assert other.post(f"/shifts/{shift.id}/cover", data={"csrf_token": other_token,
                                                         "person_id": str(world.people["guard_b"].id)}).status_code == 404
