
"""The scan map a phone keeps to confirm scans without signal: names, routes, rounds, and never a label's token."""
from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from tests.conftest import sign_in
from tests.field.test_pages import _round_now
from webapp.extensions import db
from webapp.field.scan_map import salt_for
from webapp.models import Checkpoint, Person, RetiredToken
from webapp.setup.services import reissue_token


def _client(app, login: str):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def _map(client) -> tuple[dict, str]:
    answer = client.get("/scan/map")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "private, no-store"
    return answer.get_json(), answer.get_data(as_text=True)


def _hash(site_id: int, token: str) -> str:
    return hashlib.sha256((salt_for(site_id) + token).encode()).hexdigest()


def _every_token() -> set[str]:
    return set(db.session.scalars(select(Checkpoint.token))) | set(db.session.scalars(select(RetiredToken.token)))


def test_a_guards_map_names_the_checkpoints_of_his_site_by_hash_and_holds_no_token(world, app):
    second = _round_now(world)  # a route A 北门 -> A 水泵房 (2 min walk), a round of his shift open now
    guard = _client(app, "guard")
    world.scan(world.checkpoint_a, world.people["guard"])  # the first stop, already on the server
    body, text = _map(guard)
    assert [s["site_id"] for s in body["sites"]] == [world.site_a.id]  # his own site only
    site = body["sites"][0]
    assert site["name"] == "A 小区" and site["timezone"] == "Asia/Shanghai"
    first_hash, second_hash = _hash(world.site_a.id, world.checkpoint_a.token), _hash(world.site_a.id, second.token)
    assert site["checkpoints"][first_hash]["name"] == "A 北门" and site["checkpoints"][second_hash]["code"] == "A02"
    place = site["checkpoints"][second_hash]["routes"][0]  # second of two stops, two minutes' walk from the first
    assert (place["position"], place["of"], place["walk_minutes"]) == (2, 2, 2.0)
    due = [r for r in site["rounds"] if first_hash in [s["hash"] for s in site["routes"][str(r["route"])]["stops"]]]
    assert due and due[0]["visited"] == [first_hash] and due[0]["opens_at"] <= due[0]["late_after"]
    for token in _every_token():
        assert token not in text
    assert not re.search(r'"token"', text)


def test_replacing_a_label_changes_its_hash_on_the_map(world, app):
    guard = _client(app, "guard")
    before, _ = _map(guard)
    old = world.checkpoint_a.token
    reissue_token(db.session.get(Person, world.people["manager"].id), db.session.get(Checkpoint, world.checkpoint_a.id))
    db.session.commit()
    after, text = _map(guard)
    old_hash, new_hash = _hash(world.site_a.id, old), _hash(world.site_a.id, world.checkpoint_a.token)
    assert old_hash in before["sites"][0]["checkpoints"] and old_hash not in after["sites"][0]["checkpoints"]
    assert after["sites"][0]["checkpoints"][new_hash]["name"] == "A 北门"
    assert old not in text and world.checkpoint_a.token not in text


def test_the_salt_differs_between_sites_so_one_sites_hashes_say_nothing_about_anothers(world, app):
    assert salt_for(world.site_a.id) != salt_for(world.site_b.id) and len(salt_for(world.site_a.id)) == 32


def test_the_label_pages_confirmation_is_also_served_alone_to_the_in_app_scanner(world, app):
    second = _round_now(world)
    guard = _client(app, "guard")
    done = guard.get(f"/s/{world.checkpoint_a.token}")
    page = guard.get(done.headers["Location"])
    fragment = guard.get(done.headers["Location"], headers={"HX-Request": "true"})
    assert "HX-Request" in fragment.headers["Vary"] and "<html" not in fragment.get_data(as_text=True)
    html = fragment.get_data(as_text=True)
    assert "✓ A 北门" in html and "已巡 1 / 2 个点" in html and second.name in html and "步行 2.0 分钟" in html
    assert html.strip() in page.get_data(as_text=True)  # the very cards the label page shows


def test_the_map_is_read_with_as_many_queries_for_thirty_checkpoints_as_for_two(world, app):
    from tests.perf.test_query_counts import counted
    from webapp.models import Route, RouteStop

    second = _round_now(world)
    world.scan(second, world.people["guard"])  # scans in both cases: their photos are counted in one query, or none
    guard = _client(app, "guard")
    guard.get("/scan/map")  # warm: the first request of a client loads what every later one finds cached
    with counted() as few:
        assert guard.get("/scan/map").status_code == 200
    route = db.session.scalar(select(Route).where(Route.site_id == world.site_a.id))
    for n in range(28):
        extra = world.checkpoint(world.site_a, f"X{n:02d}", f"X 点 {n}")
        route.stops.append(RouteStop(checkpoint_id=extra.id, position=10 + n, min_walk_minutes=1))
        world.scan(extra, world.people["guard"])
    db.session.commit()
    with counted() as many:
        body = guard.get("/scan/map").get_json()
    assert len(body["sites"][0]["checkpoints"]) == 30 and len(many) == len(few), many
