"""Writes for importing: every checked row saved in one transaction, with its audit entry, or nothing."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp import audit
from webapp.extensions import db
from webapp.imports.checkpoints import CheckpointRow
from webapp.models import Area, AreaKind, ChecklistItem, Checkpoint, Person, Purpose


class Conflict(RuntimeError):
    """Someone saved a clashing checkpoint between the check and the commit; nothing was saved."""


def import_checkpoints(site_id: int, person: Person, rows: list[CheckpointRow], filename: str) -> int:
    """Create the new areas and every checkpoint with its checklist; one commit; returns how many were saved."""
    areas = {}
    for area in db.session.scalars(select(Area).where(Area.site_id == site_id).order_by(Area.active.desc(), Area.id)):
        areas.setdefault(area.name, area)
    created_areas = []
    for row in rows:
        if row.area and row.area not in areas:
            areas[row.area] = Area(site_id=site_id, name=row.area, kind=AreaKind(row.area_kind or AreaKind.BUILDING))
            created_areas.append(areas[row.area])
    db.session.add_all(created_areas)
    checkpoints = [
        Checkpoint(site_id=site_id, area=areas.get(row.area), code=row.code, name=row.name, purpose=Purpose(row.purpose),
                   photo_required=row.photo_required, lat=row.lat, lng=row.lng, radius_m=row.radius_m,
                   checklist=[ChecklistItem(position=i, text=text) for i, text in enumerate(row.checklist)])
        for row in rows
    ]
    db.session.add_all(checkpoints)
    audit.record(person, "checkpoints_imported", "site", site_id, site_id=site_id, file=filename, count=len(rows),
                 codes=[row.code for row in rows], new_areas=[a.name for a in created_areas])
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict() from None
    return len(checkpoints)
