"""The live board shows what is overdue the moment a window closes, and every gap has a life with who and when."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from tests.conftest import csrf_from, sign_in
from webapp.extensions import db
from webapp.models import AuditEntry, Device, GapAction, PatrolPlan, Route, RouteStop

DAY = date(2026, 11, 24)


def _text(answer) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)))


def _client(app, login):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def _night(world):
    """A night shift at site A: a two-stop route due every two hours; the guard walked only the first stop at 20:05."""
    pump = world.checkpoint(world.site_a, "A02", "A 水泵房")
    shift = world.night_shift(DAY)
    route = db.session.scalar(select(Route).where(Route.site_id == world.site_a.id))
    route.stops.append(RouteStop(checkpoint_id=pump.id, position=1, min_walk_minutes=2))
    db.session.add(PatrolPlan(site_id=world.site_a.id, route_id=route.id, shift_template_id=shift.template_id,
                              name="夜巡", interval_minutes=120, window_minutes=30))
    db.session.commit()
    world.scan(world.checkpoint_a, world.people["guard"], shift.starts_at + timedelta(minutes=5))
    return shift, pump


def _board(app, client, world, shift, now, **args):
    app.config["ROUNDS_NOW"] = now
    query = "&".join([f"shift={shift.id}"] + [f"{k}={v}" for k, v in args.items()])
    return client.get(f"/sites/{world.site_a.id}/board?{query}")


def test_a_checkpoint_becomes_overdue_on_the_board_the_moment_its_window_closes(world, app):
    shift, pump = _night(world)
    lead = _client(app, "lead")
    during = _text(_board(app, lead, world, shift, shift.starts_at + timedelta(minutes=20)))
    assert "进行中的巡更" in during and "✓" in during and "没有超时的任务" in during
    after = _board(app, lead, world, shift, shift.starts_at + timedelta(minutes=46))
    text = _text(after)
    assert "当前超时" in text and "A 水泵房" in text and "未巡完" in text
    assert "路线 2026-11-24 20:00 这一轮漏巡 A 水泵房" in text or "这一轮漏巡 A 水泵房" in text
    assert "HX-Request" in after.headers["Vary"]


def test_the_board_refreshes_as_a_fragment_for_htmx(world, app):
    shift, _pump = _night(world)
    lead = _client(app, "lead")
    app.config["ROUNDS_NOW"] = shift.starts_at + timedelta(minutes=50)
    fragment = lead.get(f"/sites/{world.site_a.id}/board?shift={shift.id}", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="board"') and "<html" not in html and 'hx-trigger="every 30s"' in html


def test_a_miss_is_provisional_while_a_phone_on_the_shift_has_not_synced_and_resolves_when_the_scan_arrives(world, app):
    shift, pump = _night(world)
    db.session.add(Device(client_id="guard-phone", person_id=world.people["guard"].id,
                          last_sync_at=shift.starts_at + timedelta(minutes=10)))
    db.session.commit()
    lead = _client(app, "lead")
    later = shift.starts_at + timedelta(minutes=50)
    assert "待同步确认" in _text(_board(app, lead, world, shift, later))
    # the guard comes up from the basement: the pump-room scan of 20:09 arrives now
    world.scan(pump, world.people["guard"], shift.starts_at + timedelta(minutes=9))
    resolved = _text(_board(app, lead, world, shift, later))
    assert "这一轮漏巡 A 水泵房" not in resolved and "没有超时的任务" in resolved


def _post_gap(client, path, **data):
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    return client.post(data.pop("url"), data={"csrf_token": csrf_from(page), "next": path, **data})


def test_a_guard_explains_a_miss_from_the_phone_and_the_lead_accepts_it_with_who_and_when(world, app):
    shift, pump = _night(world)
    now = shift.starts_at + timedelta(minutes=50)
    app.config["ROUNDS_NOW"] = now
    guard = _client(app, "guard")
    mine = _text(guard.get("/exceptions"))
    assert "这一轮漏巡 A 水泵房" in mine and "说明原因" in mine
    key = re.search(r'name="key" value="([^"]+)"', guard.get("/exceptions").get_data(as_text=True)).group(1)
    answer = _post_gap(guard, "/exceptions", url=f"/shifts/{shift.id}/gaps", key=key, action="explain",
                       text="水泵房门被工程部锁了")
    assert answer.status_code == 302
    lead = _client(app, "lead")
    board = _text(_board(app, lead, world, shift, now))
    assert "已说明: 水泵房门被工程部锁了" in board or "已说明：水泵房门被工程部锁了" in board or "水泵房门被工程部锁了" in board
    refused = _post_gap(guard, "/exceptions", url=f"/shifts/{shift.id}/gaps", key=key, action="accept")
    assert refused.status_code == 302
    assert [a.action for a in db.session.scalars(select(GapAction))] == ["explain"]  # a guard cannot accept
    _post_gap(lead, f"/sites/{world.site_a.id}/board?shift={shift.id}", url=f"/shifts/{shift.id}/gaps", key=key,
              action="accept")
    actions = list(db.session.scalars(select(GapAction).order_by(GapAction.id)))
    assert [(a.action, a.person_id) for a in actions] == [("explain", world.people["guard"].id),
                                                           ("accept", world.people["lead"].id)]
    board = _text(_board(app, lead, world, shift, now, state="accepted"))
    assert "已认可" in board and "这一轮漏巡 A 水泵房" in board
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "gap_accept")) is not None


def test_a_lead_acknowledges_a_gap_with_a_reason_that_stays_visible(world, app):
    shift, pump = _night(world)
    now = shift.starts_at + timedelta(minutes=50)
    lead = _client(app, "lead")
    html = _board(app, lead, world, shift, now).get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]*checkpoint_missed[^"]*)"', html).group(1)
    empty = _post_gap(lead, f"/sites/{world.site_a.id}/board?shift={shift.id}", url=f"/shifts/{shift.id}/gaps",
                      key=key, action="acknowledge", text=" ")
    assert empty.status_code == 302 and db.session.scalar(select(GapAction)) is None
    _post_gap(lead, f"/sites/{world.site_a.id}/board?shift={shift.id}", url=f"/shifts/{shift.id}/gaps",
              key=key, action="acknowledge", text="pump room locked by engineering")
    board = _text(_board(app, lead, world, shift, now))
    assert "班长已知悉: pump room locked by engineering" in board


def test_the_handover_counts_accepted_exceptions_apart_from_unexplained_ones(world, app):
    shift, pump = _night(world)
    now = shift.ends_at + timedelta(minutes=5)
    app.config["ROUNDS_NOW"] = now
    lead = _client(app, "lead")
    html = _board(app, lead, world, shift, now).get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]*checkpoint_missed[^"]*)"', html).group(1)
    db.session.add_all([GapAction(shift_id=shift.id, gap_key=key, action="explain", person_id=world.people["guard"].id,
                                  at=now, text="门锁了"),
                        GapAction(shift_id=shift.id, gap_key=key, action="accept", person_id=world.people["lead"].id,
                                  at=now + timedelta(minutes=1))])
    db.session.commit()
    text = _text(lead.get(f"/shifts/{shift.id}/handover"))
    figures = re.search(r"共 (\d+) 条：已认可 (\d+)，已说明待审 (\d+)，未说明 (\d+)", text)
    total, accepted, explained, unexplained = map(int, figures.groups())
    assert accepted == 1 and explained == 0 and unexplained == total - 1 and total > 1
