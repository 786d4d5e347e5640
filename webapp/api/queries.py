"""Reads for the API."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.api import schemas
from webapp.extensions import db
from webapp.models import Checkpoint


def site_checkpoints(site_id: int, with_tokens: bool) -> schemas.CheckpointList:
    """A site's active checkpoints and their active checklist items, in code order."""
    rows = db.session.scalars(select(Checkpoint).where(Checkpoint.site_id == site_id, Checkpoint.active)
                              .options(selectinload(Checkpoint.checklist)).order_by(Checkpoint.code))
    return schemas.CheckpointList(checkpoints=[
        schemas.CheckpointOut(
            id=c.id, code=c.code, name=c.name, purpose=c.purpose.value, area_id=c.area_id,
            photo_required=c.photo_required, lat=c.lat, lng=c.lng, radius_m=c.radius_m,
            checklist=[schemas.ChecklistItemOut(id=i.id, text=i.text) for i in c.checklist if i.active],
            token=c.token if with_tokens else None,
        )
        for c in rows
    ])
