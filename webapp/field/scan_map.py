"""The scan map a phone keeps for its person's sites, so that it can confirm and count scans without signal."""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app

from webapp.access import site_ids
from webapp.domain.scan_map import MapCheckpoint, MapRound, MapRoute, site_map
from webapp.field import queries
from webapp.home.queries import rounds_of
from webapp.models import Person

AHEAD = timedelta(hours=12)  # rounds of the person's shifts starting this soon are on the map: a night without signal


def salt_for(site_id: int) -> str:
    """The site's salt for token hashes: derived from the app's secret, so it needs no column and never repeats."""
    secret = current_app.config["SECRET_KEY"]
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(key, f"rounds-scan-map/{site_id}".encode(), hashlib.sha256).hexdigest()[:32]


def scan_maps(person: Person, now: datetime) -> list[dict]:
    """One map per site of the person: hashed labels, routes, and the rounds of their shifts not yet closed."""
    ids = site_ids(person)
    checkpoints = queries.site_checkpoints(ids)
    routes = queries.active_routes(ids)
    shifts = [s for s in queries.shifts_between(ids, now, now + AHEAD) if queries.person_on(s, person)]
    rounds = [(shift.site_id, status) for shift in shifts for status in rounds_of(shift, now) if status.due.late_after >= now]
    return [site_map(site.id, site.name, site.timezone, salt_for(site.id),
                     [MapCheckpoint(c.id, c.token, c.name, c.code) for c in checkpoints if c.site_id == site.id],
                     [MapRoute(r.id, r.name, [(s.checkpoint_id, s.min_walk_minutes) for s in r.stops])
                      for r in routes if r.site_id == site.id],
                     [MapRound(status.plan.route_id, status.due.opens_at, status.due.late_after, set(status.visited_ids))
                      for site_id, status in rounds if site_id == site.id])
            for site in queries.sites(ids)]
