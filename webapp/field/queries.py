"""Reads for field capture: tokens to checkpoints, existing client ids, shifts around an instant."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import (
    Checkpoint,
    CleaningCheck,
    Incident,
    Inspection,
    Person,
    Photo,
    Reading,
    RetiredToken,
    Route,
    RouteStop,
    Scan,
    Shift,
    Site,
)

RECORD_TYPES = (Scan, CleaningCheck, Incident, Inspection, Reading)


def checkpoints_by_token(tokens: set[str]) -> dict[str, Checkpoint]:
    """Current tokens to their checkpoints, with site and checklist loaded."""
    if not tokens:
        return {}
    rows = db.session.scalars(select(Checkpoint).where(Checkpoint.token.in_(tokens))
                              .options(selectinload(Checkpoint.checklist), selectinload(Checkpoint.site)))
    return {c.token: c for c in rows}


def retired_tokens(tokens: set[str]) -> dict[str, RetiredToken]:
    """Replaced tokens among these, with when they stopped working."""
    if not tokens:
        return {}
    return {r.token: r for r in db.session.scalars(select(RetiredToken).where(RetiredToken.token.in_(tokens)))}


def checkpoint_by_code(site_ids: set[int], code: str) -> Checkpoint | None:
    """An active checkpoint of one of these sites by the short code printed on its label."""
    if not site_ids:
        return None
    return db.session.scalar(select(Checkpoint).where(Checkpoint.site_id.in_(site_ids), Checkpoint.active,
                                                      Checkpoint.code == code.strip().upper()))


def existing_uuids(uuids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these client ids are already stored as a scan, cleaning check, incident or inspection."""
    if not uuids:
        return set()
    found: set[uuid.UUID] = set()
    for model in RECORD_TYPES:
        found |= set(db.session.scalars(select(model.client_uuid).where(model.client_uuid.in_(uuids))))
    return found


def photos_by_uuid(uuids: set[uuid.UUID], person_id: int) -> dict[uuid.UUID, Photo]:
    """This person's uploaded photos among these client ids."""
    if not uuids:
        return {}
    rows = db.session.scalars(select(Photo).where(Photo.client_uuid.in_(uuids), Photo.person_id == person_id))
    return {p.client_uuid: p for p in rows}


def photo_by_uuid(client_uuid: uuid.UUID) -> Photo | None:
    """A photo by the client id it was uploaded under."""
    return db.session.scalar(select(Photo).where(Photo.client_uuid == client_uuid))


def shifts_between(site_ids: set[int], start: datetime, end: datetime) -> list[Shift]:
    """Shifts at these sites overlapping [start, end], with their rosters."""
    if not site_ids:
        return []
    return list(db.session.scalars(
        select(Shift).where(Shift.site_id.in_(site_ids), Shift.starts_at <= end, Shift.ends_at > start)
        .options(selectinload(Shift.members)).order_by(Shift.starts_at)
    ))


def scan_for(scan_id: int) -> Scan | None:
    """A scan with its checkpoint, site and person."""
    return db.session.scalar(select(Scan).where(Scan.id == scan_id)
                             .options(selectinload(Scan.checkpoint).selectinload(Checkpoint.site), selectinload(Scan.person)))


def routes_through(checkpoint_id: int) -> list[Route]:
    """Active routes that include this checkpoint, with their stops."""
    return list(db.session.scalars(
        select(Route).where(Route.active, Route.stops.any(RouteStop.checkpoint_id == checkpoint_id))
        .options(selectinload(Route.stops).selectinload(RouteStop.checkpoint))
    ))


def scans_at(site_id: int, start: datetime, end: datetime) -> list[tuple[int, datetime]]:
    """(checkpoint, instant) of every scan at a site in [start, end]."""
    return list(db.session.execute(select(Scan.checkpoint_id, Scan.captured_at)
                                   .where(Scan.site_id == site_id, Scan.captured_at >= start, Scan.captured_at <= end)))


def site_checkpoints(site_ids: set[int]) -> list[Checkpoint]:
    """Active checkpoints of these sites, for choosing where an incident is."""
    if not site_ids:
        return []
    return list(db.session.scalars(select(Checkpoint).where(Checkpoint.site_id.in_(site_ids), Checkpoint.active)
                                   .options(selectinload(Checkpoint.site)).order_by(Checkpoint.site_id, Checkpoint.code)))


def person_on(shift: Shift, person: Person) -> bool:
    """Whether a person leads or is rostered on a shift."""
    return shift.lead_id == person.id or any(m.person_id == person.id for m in shift.members)



def incident_for(incident_id: int) -> Incident | None:
    """An incident with its site, checkpoint and reporter."""
    return db.session.scalar(select(Incident).where(Incident.id == incident_id)
                             .options(selectinload(Incident.site), selectinload(Incident.checkpoint),
                                      selectinload(Incident.person)))


def incident_photos(incident_ids: list[int]) -> dict[int, list[Photo]]:
    """The photos of these incidents, by incident, in one query."""
    found: dict[int, list[Photo]] = {}
    if incident_ids:
        for photo in db.session.scalars(select(Photo).where(Photo.incident_id.in_(incident_ids))
                                        .order_by(Photo.captured_at, Photo.id)):
            found.setdefault(photo.incident_id, []).append(photo)
    return found
def active_routes(site_ids: set[int]) -> list[Route]:
    """Active routes of these sites, with their stops in order."""
    if not site_ids:
        return []
    return list(db.session.scalars(select(Route).where(Route.site_id.in_(site_ids), Route.active)
                                   .options(selectinload(Route.stops)).order_by(Route.id)))


def sites(site_ids: set[int]) -> list[Site]:
    """These sites, by id."""
    if not site_ids:
        return []
    return list(db.session.scalars(select(Site).where(Site.id.in_(site_ids)).order_by(Site.id)))
