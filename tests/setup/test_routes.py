"""Routes: checkpoints chosen and put in order, with the least walking minutes between neighbours."""
from __future__ import annotations

from sqlalchemy import select

from tests.setup.conftest import audit, is_fragment, text
from webapp.extensions import db
from webapp.models import Area, AreaKind, Checkpoint, Purpose, Route, RouteStop


def _checkpoints(world, *codes, purpose=Purpose.PATROL) -> list[int]:
    area = Area(site_id=world.site_a.id, name=f"巡更区 {codes[0]}", kind=AreaKind.OUTDOOR)
    db.session.add(area)
    db.session.flush()
    made = [Checkpoint(site_id=world.site_a.id, area_id=area.id, code=c, name=f"点 {c}", purpose=purpose) for c in codes]
    db.session.add_all(made)
    db.session.commit()
    return [c.id for c in made]


def _stops(route_id: int) -> list[tuple[str, int, float]]:
    db.session.expire_all()
    return [(s.checkpoint.code, s.position, s.min_walk_minutes) for s in
            db.session.scalars(select(RouteStop).where(RouteStop.route_id == route_id).order_by(RouteStop.position))]


def _new_route(manager, world, name="夜间巡更") -> int:
    answer = manager.post(f"/sites/{world.site_a.id}/setup/routes", {"name": name, "active": "y"}, hx=True)
    route = db.session.scalar(select(Route).where(Route.name == name))
    assert answer.status_code == 204 and answer.headers["HX-Redirect"] == f"/sites/{world.site_a.id}/setup/routes/{route.id}"
    return route.id


def test_a_route_is_created_then_filled_reordered_and_trimmed(manager, world):
    p1, p2, p3 = _checkpoints(world, "P1", "P2", "P3")
    route = _new_route(manager, world)
    url = f"/sites/{world.site_a.id}/setup/routes/{route}/stops"
    for cp in (p1, p2, p3):
        answer = manager.post(url, {"op": "add", "checkpoint_id": str(cp)}, hx=True)
        assert answer.status_code == 200 and is_fragment(answer) and 'id="stops"' in answer.get_data(as_text=True)
    assert _stops(route) == [("P1", 0, 0.0), ("P2", 1, 0.0), ("P3", 2, 0.0)]

    stops = {code: sid for code, sid in db.session.execute(
        select(Checkpoint.code, RouteStop.id).join(RouteStop).where(RouteStop.route_id == route))}
    walks = {f"walk-{stops['P2']}": "2.5", f"walk-{stops['P3']}": "4"}
    manager.post(url, {"op": "save", **walks}, hx=True)
    assert _stops(route) == [("P1", 0, 0.0), ("P2", 1, 2.5), ("P3", 2, 4.0)]

    manager.post(url, {"op": f"up:{stops['P3']}", **walks}, hx=True)
    assert _stops(route) == [("P1", 0, 0.0), ("P3", 1, 4.0), ("P2", 2, 2.5)]
    manager.post(url, {"op": f"up:{stops['P3']}", **walks}, hx=True)  # to the front: its walk becomes 0
    assert _stops(route) == [("P3", 0, 0.0), ("P1", 1, 0.0), ("P2", 2, 2.5)]
    manager.post(url, {"op": f"down:{stops['P2']}"}, hx=True)  # already last: nothing moves
    manager.post(url, {"op": f"remove:{stops['P1']}"}, hx=True)
    assert _stops(route) == [("P3", 0, 0.0), ("P2", 1, 2.5)]

    actions = [e.action for e, _d in audit("add_stop") + audit("move_stop") + audit("remove_stop") + audit("set_walking_times")]
    assert sorted(actions) == ["add_stop"] * 3 + ["move_stop"] * 3 + ["remove_stop", "set_walking_times"]


def test_a_bad_walking_time_is_refused_beside_its_stop_and_nothing_moves(manager, world):
    p1, p2 = _checkpoints(world, "P1", "P2")
    route = _new_route(manager, world)
    url = f"/sites/{world.site_a.id}/setup/routes/{route}/stops"
    manager.post(url, {"op": "add", "checkpoint_id": str(p1)})
    manager.post(url, {"op": "add", "checkpoint_id": str(p2)})
    second = db.session.scalar(select(RouteStop.id).where(RouteStop.checkpoint_id == p2))
    answer = manager.post(url, {"op": f"up:{second}", f"walk-{second}": "-3"}, hx=True)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and is_fragment(answer)
    assert 'value="-3"' in html and "分钟数应在 0 到 240 之间" in html.split(f'id="walk-{second}-error"')[1][:100]
    assert _stops(route) == [("P1", 0, 0.0), ("P2", 1, 0.0)]


def test_only_active_patrol_checkpoints_of_the_site_join_a_route_and_only_once(manager, world):
    p1, = _checkpoints(world, "P1")
    cleaning_only, = _checkpoints(world, "C1", purpose=Purpose.CLEANING)
    route = _new_route(manager, world)
    url = f"/sites/{world.site_a.id}/setup/routes/{route}/stops"
    assert manager.post(url, {"op": "add", "checkpoint_id": str(p1)}).status_code == 303
    again = manager.post(url, {"op": "add", "checkpoint_id": str(p1)}, hx=True)
    assert again.status_code == 422 and "此巡检点已在路线中" in text(again.get_data(as_text=True))
    for refused in (cleaning_only, world.checkpoint_b.id):
        answer = manager.post(url, {"op": "add", "checkpoint_id": str(refused)}, hx=True)
        assert answer.status_code == 422 and "请选择本项目在用的巡更点" in text(answer.get_data(as_text=True))
    assert _stops(route) == [("P1", 0, 0.0)]


def test_a_route_name_is_unique_at_the_site_and_the_route_can_be_retired(manager, world):
    route = _new_route(manager, world, "外围巡更")
    taken = manager.post(f"/sites/{world.site_a.id}/setup/routes", {"name": "外围巡更", "active": "y"})
    assert taken.status_code == 422 and "此项目已有同名路线" in text(taken.get_data(as_text=True))
    answer = manager.post(f"/sites/{world.site_a.id}/setup/routes/{route}", {"name": "外围巡更（旧）"}, hx=True)
    assert answer.status_code == 200 and 'id="route-form"' in answer.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Route, route)
    assert stored.name == "外围巡更（旧）" and stored.active is False  # the box was not ticked
    page = manager.get(f"/sites/{world.site_a.id}/setup/routes")
    assert "已停用" in text(page.get_data(as_text=True))


def test_a_route_of_another_site_is_not_found(manager, world):
    foreign = Route(site_id=world.site_b.id, name="B 路线")
    db.session.add(foreign)
    db.session.commit()
    assert manager.get(f"/sites/{world.site_a.id}/setup/routes/{foreign.id}").status_code == 404
    assert manager.post(f"/sites/{world.site_a.id}/setup/routes/{foreign.id}/stops", {"op": "save"}).status_code == 404


def test_a_nul_character_in_a_form_or_query_is_refused_with_a_reason_and_nothing_is_saved(manager, world):
    """PostgreSQL text cannot hold NUL: found by the hostile-input walk as a 500 there; now a 400 on every database."""
    answer = manager.post(f"/sites/{world.site_a.id}/setup/routes", {"name": "夜间\x00巡更", "active": "y"})
    assert answer.status_code == 400 and "无法保存的字符" in answer.get_data(as_text=True)
    assert db.session.scalars(select(Route).where(Route.site_id == world.site_a.id)).all() == []
    listing = manager.get("/notices?state=%00")
    assert listing.status_code == 400 and "NUL" in listing.get_data(as_text=True)
    api = manager.get("/api/v1/me?x=%00")
    assert api.status_code == 400 and api.get_json()["error"] == "nul_character"
