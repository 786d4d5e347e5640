"""Reads for the client portal: only released reports, only incident evidence photos, the sealed chain as dates and hashes."""
from __future__ import annotations

from collections import Counter

from flask import abort
from sqlalchemy import select

from webapp.access import site_ids
from webapp.extensions import db
from webapp.models import GeneratedReport, Person, Photo, Role, Site


def site_of(site_id: int) -> Site:
    """The site (its scope already checked by the route's policy)."""
    return db.session.get(Site, site_id) or abort(404)


def released_reports(site_id: int) -> list[GeneratedReport]:
    """The site's reports a manager has released to the client, newest period first."""
    return list(db.session.scalars(select(GeneratedReport).where(
        GeneratedReport.site_id == site_id, GeneratedReport.released_at.is_not(None))
        .order_by(GeneratedReport.period_start.desc(), GeneratedReport.id.desc())))


def released_report(site_id: int, report_id: int) -> GeneratedReport:
    """One released report of the site, or 404: an unreleased one does not exist for the client."""
    report = db.session.get(GeneratedReport, report_id)
    if report is None or report.site_id != site_id or report.released_at is None:
        abort(404)
    return report


def staff_names(company_id: int) -> list[str]:
    """The names of the company's own people (everyone but client accounts): what a client may be kept from seeing."""
    return list(db.session.scalars(select(Person.name).where(Person.company_id == company_id, Person.role != Role.CLIENT)))


def incident_photos(incident_ids: list[int]) -> dict[int, list[Photo]]:
    """The evidence photos of these incidents, by incident."""
    if not incident_ids:
        return {}
    found: dict[int, list[Photo]] = {}
    for photo in db.session.scalars(select(Photo).where(Photo.incident_id.in_(incident_ids)).order_by(Photo.id)):
        found.setdefault(photo.incident_id, []).append(photo)
    return found


def evidence_photo(person: Person, photo_id: int) -> Photo:
    """An incident's evidence photo at one of the client's sites, or 404 (no other photo is shown to a client)."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.incident_id is None or photo.site_id not in site_ids(person):
        abort(404)
    return photo


def gap_counts(record: dict) -> Counter:
    """How many of the shift's gaps are in each state (open, explained, accepted, rejected)."""
    return Counter(g["state"] for g in record["gaps"])
