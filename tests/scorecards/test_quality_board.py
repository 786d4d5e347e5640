"""The quality board: a supervisor or site manager sees at a glance what the quality loop has left open."""
from __future__ import annotations

import re
from datetime import date, time, timedelta

from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.conftest import FIXED_NOW, sign_in
from tests.scorecards.conftest import inspection, local, notice, order, sheet, violation
from webapp.domain import lifecycles as life
from webapp.extensions import db
from webapp.models import InspectionPlan

# FIXED_NOW is Wednesday 25 November 2026, 10:00 in Shanghai
MONDAY = date(2026, 11, 23)


def _records(world, n: int = 1) -> None:
    """n of each thing the board lists: overdue notices, notices awaiting re-check, failed re-checks, contested
    tickets, overdue orders, inspected areas."""
    site, p = world.site_a, world.people
    supervisor, cleaner, guard, desk, engineer = p["supervisor"], p["cleaner"], p["guard"], p["front_desk"], p["engineer"]
    environment = sheet(world, "environment")
    for k in range(n):
        issued = FIXED_NOW - timedelta(days=5, minutes=k)
        notice(site, supervisor, cleaner, issued, issued + timedelta(days=3), description=f"楼梯扶手积灰 {k}")
        notice(site, supervisor, cleaner, issued, issued + timedelta(days=7),
               [life.Step("submit", cleaner.id, issued + timedelta(days=1), "已清洁")], description=f"窗台有杂物 {k}")
        notice(site, supervisor, cleaner, issued, issued + timedelta(days=3),
               [life.Step("submit", cleaner.id, issued + timedelta(days=1), "已清洁"),
                life.Step("fail", supervisor.id, issued + timedelta(days=2), "仍有积灰", deadline=FIXED_NOW + timedelta(days=1))],
               description=f"消防栓箱积灰 {k}")
        violation(site, supervisor, guard, 3, FIXED_NOW - timedelta(days=2),
                  [life.Step("contest", guard.id, FIXED_NOW - timedelta(days=1), "已报备")])
        order(site, desk, "urgent", FIXED_NOW - timedelta(hours=2),
              [life.Step("assign", desk.id, FIXED_NOW - timedelta(hours=1), assignee_id=engineer.id)],
              description=f"楼上漏水 {k}")
        inspection(supervisor, site, environment, world.checkpoint_a.area_id, FIXED_NOW - timedelta(days=1, minutes=k),
                   70 + k)
    db.session.commit()


def _plans(world) -> None:
    """The supervisor inspects site A on Mondays 09:00–11:30 and on Thursdays 14:00–17:30."""
    for weekday, starts, ends in ((0, time(9), time(11, 30)), (3, time(14), time(17, 30))):
        db.session.add(InspectionPlan(site_id=world.site_a.id, inspector_id=world.people["supervisor"].id, weekday=weekday,
                                      starts=starts, ends=ends))
    db.session.commit()


def _board(app, login: str, site_id: int, **headers):
    client = app.test_client()
    sign_in(client, login)
    return client.get(f"/sites/{site_id}/quality", headers=headers)


def test_a_missed_inspection_and_a_late_one_show_as_gaps(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    _plans(world)
    env = sheet(world, "environment")
    # last Monday inspected in its window; last Thursday the next morning (late); this Monday not at all (missed)
    inspection(world.people["supervisor"], world.site_a, env, None, local(MONDAY - timedelta(days=7), 9, 40), 90)
    inspection(world.people["supervisor"], world.site_a, env, None, local(MONDAY - timedelta(days=3), 9, 10), 90)
    db.session.commit()
    html = _board(app, "supervisor", world.site_a.id).get_data(as_text=True)
    states = re.findall(r'data-window="(\w+)"', html)
    assert states == ["missed", "upcoming", "done", "late"]  # this week, then last week
    assert "未检查" in html and "逾期检查" in html


def test_the_board_lists_what_the_loop_left_open_with_overdue_ones_in_red(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    _records(world)
    html = _board(app, "manager", world.site_a.id).get_data(as_text=True)
    overdue = html.split('id="overdue-notices"')[1].split("</section>")[0]
    assert "楼梯扶手积灰 0" in overdue and 'class="row alarm"' in overdue
    assert '<section class="card overdue" id="overdue-notices">' in html
    assert "窗台有杂物 0" in html.split('id="awaiting-recheck"')[1].split("</section>")[0]
    assert "消防栓箱积灰 0" in html.split('id="recheck-failed"')[1].split("</section>")[0]
    assert "已报备" not in html and world.people["guard"].name in html.split('id="contested"')[1].split("</section>")[0]
    assert "楼上漏水 0" in html.split('id="overdue-orders"')[1].split("</section>")[0]
    assert 'id="contested"' not in _board(app, "lead", world.site_a.id).get_data(as_text=True)  # tickets: quality roles only
    scores = html.split('id="area-scores"')[1].split("</section>")[0]
    assert "70.0" in scores and world.checkpoint_a.area.name in scores


def test_the_board_refreshes_itself_as_a_fragment(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    _records(world)
    page = _board(app, "lead", world.site_a.id)
    assert page.status_code == 200 and 'hx-trigger="every 60s"' in page.get_data(as_text=True)
    assert "Vary" in page.headers and "HX-Request" in page.headers["Vary"]
    fragment = _board(app, "lead", world.site_a.id, **{"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith("<div id=\"quality-board\"") and "<html" not in fragment


def test_links_to_other_areas_appear_only_where_their_pages_exist(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    _records(world)
    html = _board(app, "supervisor", world.site_a.id).get_data(as_text=True)
    for area, endpoints in (("notices", ("notices.detail", "notices.page")), ("orders", ("orders.detail", "orders.page")),
                            ("violations", ("violations.detail", "violations.page"))):
        linked = re.search(rf'href="/{area}/\d+"', html) is not None
        assert linked == any(e in app.view_functions for e in endpoints), area


def test_the_board_never_fails_when_another_areas_page_is_missing(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    _records(world)
    for endpoint in ("notices.page", "notices.detail", "orders.detail", "violations.page", "inspections.detail"):
        app.view_functions.pop(endpoint, None)
    html = _board(app, "supervisor", world.site_a.id).get_data(as_text=True)
    assert "楼梯扶手积灰 0" in html and 'href="/notices/' not in html and 'href="/orders/' not in html


def _statements(app, site_id: int) -> int:
    client = app.test_client()
    sign_in(client, "supervisor")
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        assert client.get(f"/sites/{site_id}/quality").status_code == 200
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    return len(seen)


def test_the_board_asks_the_database_as_often_with_three_times_the_records(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    _plans(world)
    _records(world, 1)
    once = _statements(app, world.site_a.id)
    _records(world, 2)
    assert _statements(app, world.site_a.id) == once
    assert once < 25


def test_another_sites_board_does_not_exist_for_this_person(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    assert _board(app, "lead_b", world.site_a.id).status_code == 404
    assert _board(app, "supervisor", world.site_c.id).status_code == 404
    assert _board(app, "guard", world.site_a.id).status_code == 403


def test_the_navigation_leads_overseers_to_the_board_and_everyone_to_their_own_card(world, app):
    for login, board in (("supervisor", True), ("manager", True), ("admin", True), ("lead", False), ("guard", False),
                         ("engineer", False)):
        client = app.test_client()
        sign_in(client, login)
        nav = client.get("/scorecards/mine").get_data(as_text=True).split("<nav")[1].split("</nav>")[0]
        assert ("/quality" in nav) == board, login
        staff = login in ("lead", "guard", "engineer")  # overseers have no scorecard of their own
        assert ('href="/scorecards/mine"' in nav) == staff and ("我的考核" in nav) == staff, login
    client = app.test_client()
    sign_in(client, "supervisor")
    assert client.get(re.search(r'href="(/sites/\d+/quality)"', client.get("/scorecards/mine").get_data(as_text=True))
                      .group(1)).status_code == 200
