"""Every page counts a shift's rounds the same way as the board: board, handover, lead and guard pages, client portal,
inspection countersign and service report agree at every instant, and a round whose window is open is never a miss."""
from __future__ import annotations

import re
from datetime import time, timedelta

from tests import clock
from tests.conftest import sign_in
from tests.inspections.things import sheet
from webapp.domain.timezones import shift_window, zone
from webapp.extensions import db
from webapp.models import PatrolPlan, Person, Role, Route, RouteStop, Shift, ShiftMember, ShiftTemplate

TZ = zone("Asia/Shanghai")
DAY = clock.now().astimezone(TZ).date() - timedelta(days=1)
STOPS = ("A 北门", "A 水泵房", "A 车库", "A 屋顶")


def _night(world):
    """A 22:00–06:00 night shift at site A: a four-stop route due at 22:00, 00:30 and 04:00, each with 60 minutes."""
    template = ShiftTemplate(site_id=world.site_a.id, name="夜班", start_local=time(22), end_local=time(6))
    db.session.add(template)
    db.session.flush()
    start, end = shift_window(DAY, template.start_local, template.end_local, TZ)
    shift = Shift(site_id=world.site_a.id, template_id=template.id, local_date=DAY, starts_at=start, ends_at=end,
                  lead_id=world.people["lead"].id, members=[ShiftMember(person_id=world.people["guard"].id)])
    points = [world.checkpoint_a] + [world.checkpoint(world.site_a, f"A0{n + 2}", name) for n, name in enumerate(STOPS[1:])]
    route = Route(site_id=world.site_a.id, name="夜巡路线",
                  stops=[RouteStop(checkpoint_id=p.id, position=n, min_walk_minutes=1) for n, p in enumerate(points)])
    db.session.add_all([shift, route])
    db.session.flush()
    db.session.add(PatrolPlan(site_id=world.site_a.id, route_id=route.id, shift_template_id=template.id, name="夜巡",
                              times_local="22:00,00:30,04:00", window_minutes=60, grace_minutes=15))
    client = Person(company_id=world.company.id, login="client2", name="甲方", role=Role.CLIENT, sites=[world.site_a],
                    password_hash=world.people["guard"].password_hash)
    db.session.add(client)
    db.session.commit()
    return shift, points


def _tally(html: str) -> dict[str, str]:
    match = re.search(r'<p class="tally" data-tally ([^>]*)>', html)
    assert match, "no tally on the page"
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', match.group(1)))


def _report(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="([^"]+)" href="[^"]+">([^<]*)</a>', html))


def _pages(app, world, shift, at, clients) -> dict[str, dict[str, str]]:
    app.config["ROUNDS_NOW"] = at
    site = world.site_a.id
    lead, guard, client, supervisor, manager = (clients[k] for k in ("lead", "guard", "client2", "supervisor", "manager"))
    seen = {
        "board": _tally(lead.get(f"/sites/{site}/board?shift={shift.id}").get_data(as_text=True)),
        "handover": _tally(lead.get(f"/shifts/{shift.id}/handover").get_data(as_text=True)),
        "portal": _tally(client.get(f"/portal/sites/{site}").get_data(as_text=True)),
    }
    if shift.starts_at <= at < shift.ends_at:  # the lead's and guard's pages and the countersign show the running shift
        seen["lead"] = _tally(lead.get("/lead").get_data(as_text=True))
        seen["guard"] = _tally(guard.get("/guard").get_data(as_text=True))
        page = supervisor.get(f"/inspections/new?site={site}&template={clients['sheet']}").get_data(as_text=True)
        seen["inspection"] = _tally(page)
    figures = _report(manager.get(f"/sites/{site}/reports?period=day&date={DAY.isoformat()}").get_data(as_text=True))
    seen["report"] = {"due": figures["patrol.rounds_due"], "done": figures["patrol.rounds_done"],
                      "missed": figures["patrol.rounds_missed"]}
    return seen


def _agree(seen: dict[str, dict[str, str]]) -> dict[str, str]:
    board = seen["board"]
    for page, figures in seen.items():
        for key, value in figures.items():
            assert value == board[key], (page, key, value, board[key])
    return board


def test_every_page_shows_the_boards_count_before_during_and_after_rounds_of_a_night_across_midnight(world, app):
    shift, points = _night(world)
    guard = world.people["guard"]
    clients = {}
    for login in ("lead", "guard", "client2", "supervisor", "manager"):
        clients[login] = app.test_client()
        assert sign_in(clients[login], login).status_code == 302
    clients["sheet"] = sheet(world.company.id, name="门岗检查", area_kind="guard_post", department="security").id
    start = shift.starts_at  # 22:00 local

    before = _agree(_pages(app, world, shift, start + timedelta(minutes=1), clients))
    assert (before["due"], before["done"], before["in-progress"], before["upcoming"]) == ("0", "0", "1", "2")

    # 22:10 – 22:25: the guard walks two of the four stops; the round is in progress, never a miss
    for n, point in enumerate(points[:2]):
        world.scan(point, guard, start + timedelta(minutes=10 + 15 * n))
    during = _agree(_pages(app, world, shift, start + timedelta(minutes=30), clients))
    assert (during["due"], during["done"], during["in-progress"], during["missed"]) == ("0", "0", "1", "0")
    page = clients["lead"].get(f"/shifts/{shift.id}/handover").get_data(as_text=True)
    assert "进行中 1 轮（已巡 2 / 4 个巡更点）" in page and "漏巡: " not in page and "漏巡：" not in page

    # 23:20: the first round's window closed with two stops missed; 00:30's round opens across midnight and is done
    for n, point in enumerate(points):
        world.scan(point, guard, start + timedelta(hours=2, minutes=35 + 2 * n))
    after_midnight = _agree(_pages(app, world, shift, start + timedelta(hours=3), clients))
    assert (after_midnight["due"], after_midnight["done"], after_midnight["upcoming"]) == ("2", "1", "1")
    assert after_midnight["in-progress"] == "0"

    # 06:30: the shift is over; the 04:00 round was never started
    over = _agree(_pages(app, world, shift, shift.ends_at + timedelta(minutes=30), clients))
    assert (over["due"], over["done"], over["missed"], over["incomplete"], over["upcoming"]) == ("3", "1", "1", "1", "0")

    # the manager's overview sums the same verdict: this week's missed rounds and the exceptions nobody explained
    handover = clients["lead"].get(f"/shifts/{shift.id}/handover").get_data(as_text=True)
    unexplained = re.search(r"未说明 (\d+)", handover).group(1)
    overview = clients["manager"].get("/sites/").get_data(as_text=True)
    today = (shift.ends_at + timedelta(minutes=30)).astimezone(TZ).date()
    this_week = DAY >= today - timedelta(days=today.weekday())
    assert re.search(r'data-missed-week="(\d+)"', overview).group(1) == ("2" if this_week else "0")
    assert re.search(r'data-unexplained-week="(\d+)"', overview).group(1) == (unexplained if this_week else "0")
    assert re.search(r'data-missed-today="(\d+)"', overview).group(1) == "0"  # the night started yesterday


def test_the_overview_counts_todays_missed_rounds_once_their_window_closes(world, app):
    shift, points = _night(world)
    manager = app.test_client()
    assert sign_in(manager, "manager").status_code == 302
    app.config["ROUNDS_NOW"] = shift.starts_at + timedelta(minutes=50)  # 22:50: the 22:00 round is still open
    page = manager.get("/sites/").get_data(as_text=True)
    assert 'data-missed-today="0"' in page
    app.config["ROUNDS_NOW"] = shift.starts_at + timedelta(minutes=80)  # 23:20: its window closed, nobody walked
    page = manager.get("/sites/").get_data(as_text=True)
    assert 'data-missed-today="1"' in page and 'data-missed-week="1"' in page
    assert int(re.search(r'data-unexplained-today="(\d+)"', page).group(1)) >= 1
