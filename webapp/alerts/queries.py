"""Reads for alerts: who is on duty at a site, lone workers' answers, a site's alerts with their deliveries."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.domain import alerts as rules
from webapp.extensions import db
from webapp.models import Alert, AlertDelivery, CheckIn, Person, Role, Shift, ShiftMember, Site, person_sites


def running_shift(site_id: int, now: datetime) -> Shift | None:
    """The site's shift under way at `now` (the latest started, if two overlap)."""
    return db.session.scalar(select(Shift).where(Shift.site_id == site_id, Shift.starts_at <= now, Shift.ends_at > now)
                             .order_by(Shift.starts_at.desc()).limit(1))


def roster(site_id: int, now: datetime) -> rules.Roster:
    """Who alerts of a site go to now: the running shift's lead, then the site's supervisors, then its managers."""
    shift = running_shift(site_id, now)
    rows = db.session.execute(select(Person.id, Person.role).join(person_sites, person_sites.c.person_id == Person.id)
                              .where(person_sites.c.site_id == site_id, Person.active.is_(True),
                                     Person.role.in_([Role.SUPERVISOR, Role.MANAGER])).order_by(Person.id)).all()
    return rules.Roster(lead_id=shift.lead_id if shift else None,
                        supervisor_ids=tuple(i for i, r in rows if r == Role.SUPERVISOR),
                        manager_ids=tuple(i for i, r in rows if r == Role.MANAGER))


def check_ins(site_id: int, person_ids: list[int], since: datetime, until: datetime) -> dict[int, list[datetime]]:
    """Lone workers' "I'm OK" answers at a site in [since, until], by person."""
    found: dict[int, list[datetime]] = {}
    for person_id, at in db.session.execute(select(CheckIn.person_id, CheckIn.at).where(
            CheckIn.site_id == site_id, CheckIn.person_id.in_(person_ids), CheckIn.at >= since, CheckIn.at <= until)):
        found.setdefault(person_id, []).append(at)
    return found


def site_alerts(site_id: int, limit: int = 200) -> list[Alert]:
    """A site's latest alerts, newest first, with their deliveries and people (three queries in all)."""
    return list(db.session.scalars(
        select(Alert).where(Alert.site_id == site_id).order_by(Alert.raised_at.desc(), Alert.id.desc()).limit(limit)
        .options(selectinload(Alert.deliveries).selectinload(AlertDelivery.person), selectinload(Alert.person),
                 selectinload(Alert.acknowledged_by))))


def alert_of(site_id: int, alert_id: int) -> Alert | None:
    """One alert of a site (None if it is another site's)."""
    return db.session.scalar(select(Alert).where(Alert.id == alert_id, Alert.site_id == site_id))


def open_sos(site_ids: set[int]) -> list[Alert]:
    """SOS calls at these sites nobody has acknowledged yet (the lead's phone shows them full-screen)."""
    if not site_ids:
        return []
    return list(db.session.scalars(select(Alert).where(Alert.site_id.in_(site_ids), Alert.kind == "sos",
                                                       Alert.acknowledged_at.is_(None))
                                   .options(selectinload(Alert.person)).order_by(Alert.raised_at)))


def counts(site_id: int, start: datetime, end: datetime) -> dict[str, int]:
    """Alerts raised at a site in [start, end) by kind, and how many were acknowledged (for reports)."""
    rows = db.session.execute(select(Alert.kind, Alert.acknowledged_at.is_not(None), func.count()).where(
        Alert.site_id == site_id, Alert.raised_at >= start, Alert.raised_at < end).group_by(
        Alert.kind, Alert.acknowledged_at.is_not(None))).all()
    total: Counter = Counter()
    for kind, acked, n in rows:
        total[kind] += n
        total["all"] += n
        if acked:
            total["acknowledged"] += n
    return dict(total)


def params(alert: Alert) -> dict:
    """An alert's stored params."""
    return json.loads(alert.params_json or "{}")


def site_for_call(person: Person, site_id: int | None, allowed: set[int], now: datetime) -> Site | None:
    """Where an SOS or an answer comes from: the site named, else the site of the person's running shift, else
    their only (or first) site."""
    if site_id is not None:
        return db.session.get(Site, site_id) if site_id in allowed else None
    if not allowed:
        return None
    shift = db.session.scalar(select(Shift).join(ShiftMember, ShiftMember.shift_id == Shift.id).where(
        ShiftMember.person_id == person.id, Shift.site_id.in_(allowed), Shift.starts_at <= now, Shift.ends_at > now)
        .limit(1))
    return db.session.get(Site, shift.site_id if shift else min(allowed))
