"""The scan map's rules: labels only as salted hashes; positions and walks in route order; rounds by their opening."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

from webapp.domain.scan_map import MapCheckpoint, MapRound, MapRoute, site_map, token_hash

OPENS = datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc)
POINTS = [MapCheckpoint(1, "tok-north-gate-aaaa", "北门", "G01"), MapCheckpoint(2, "tok-pump-room-bbbb", "水泵房", "P01"),
          MapCheckpoint(3, "tok-roof-door-cccc", "屋面门", "R01")]


def test_a_token_hash_is_sha256_of_salt_and_token():
    assert token_hash("salt", "tok") == hashlib.sha256(b"salttok").hexdigest()
    assert token_hash("salt", "tok") != token_hash("other", "tok")


def test_the_map_places_each_checkpoint_on_its_routes_and_never_holds_a_token():
    # stop 4 is a checkpoint no longer active (not in POINTS): it is left out, and the others close up
    route = MapRoute(7, "外围", [(1, 0.0), (4, 1.0), (2, 2.5), (3, 1.0)])
    later = MapRound(7, OPENS + timedelta(hours=2), OPENS + timedelta(hours=3))
    now = MapRound(7, OPENS, OPENS + timedelta(minutes=45), {1, 4})
    made = site_map(5, "翠湖花园", "Asia/Shanghai", "s" * 32, POINTS, [route], [later, now])
    h = {c.id: token_hash("s" * 32, c.token) for c in POINTS}
    assert made["checkpoints"][h[2]] == {"id": 2, "name": "水泵房", "code": "P01",
                                         "routes": [{"route": 7, "position": 2, "of": 3, "walk_minutes": 2.5}]}
    assert [s["hash"] for s in made["routes"]["7"]["stops"]] == [h[1], h[2], h[3]]
    assert [r["opens_at"] for r in made["rounds"]] == [OPENS.isoformat(), (OPENS + timedelta(hours=2)).isoformat()]
    assert made["rounds"][0]["visited"] == [h[1]]
    text = json.dumps(made, ensure_ascii=False)
    assert not any(c.token in text for c in POINTS)
