"""The map a phone keeps to confirm scans without signal: label tokens only as salted hashes, never the tokens."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class MapCheckpoint:
    """An active checkpoint of the site, with its current token."""

    id: int
    token: str
    name: str
    code: str


@dataclass(frozen=True)
class MapRoute:
    """A route: its checkpoints in order, each with the least walk from the stop before it (minutes)."""

    id: int
    name: str
    stops: list[tuple[int, float]]


@dataclass(frozen=True)
class MapRound:
    """A round of the person's shift still to be walked, with the checkpoints already visited in its window."""

    route_id: int
    opens_at: datetime
    late_after: datetime
    visited_ids: set[int] = field(default_factory=set)


def token_hash(salt: str, token: str) -> str:
    """SHA-256 (hex) of the site's salt followed by the token: what the phone computes from a label it reads."""
    return hashlib.sha256((salt + token).encode()).hexdigest()


def site_map(site_id: int, name: str, timezone: str, salt: str, checkpoints: list[MapCheckpoint],
             routes: list[MapRoute], rounds: list[MapRound]) -> dict:
    """One site's map: hash -> id, name, code and place in each route (position, walk); routes; the rounds due.

    The id names the pages the phone keeps for a checkpoint (a plant room's readings form) without its token."""
    hashes = {c.id: token_hash(salt, c.token) for c in checkpoints}
    places: dict[str, list[dict]] = {hashes[c.id]: [] for c in checkpoints}
    kept_routes = {}
    for route in routes:
        stops = [(cid, walk) for cid, walk in route.stops if cid in hashes]
        kept_routes[str(route.id)] = {"name": route.name, "stops": [{"hash": hashes[cid], "walk_minutes": walk}
                                                                   for cid, walk in stops]}
        for position, (cid, walk) in enumerate(stops, start=1):
            places[hashes[cid]].append({"route": route.id, "position": position, "of": len(stops),
                                                   "walk_minutes": walk})
    entries = {hashes[c.id]: {"id": c.id, "name": c.name, "code": c.code, "routes": places[hashes[c.id]]}
               for c in checkpoints}
    due = [{"route": r.route_id, "opens_at": r.opens_at.isoformat(), "late_after": r.late_after.isoformat(),
            "visited": sorted(hashes[cid] for cid in r.visited_ids if cid in hashes)}
           for r in sorted(rounds, key=lambda r: r.opens_at) if str(r.route_id) in kept_routes]
    return {"site_id": site_id, "name": name, "timezone": timezone, "salt": salt, "checkpoints": entries,
            "routes": kept_routes, "rounds": due}
