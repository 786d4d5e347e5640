"""Reads for importing: what the site already has, so the file can be checked against it."""
from __future__ import annotations

from sqlalchemy import select

from webapp.extensions import db
from webapp.imports.checkpoints import SiteFacts
from webapp.models import Area, Checkpoint


def site_facts(site_id: int) -> SiteFacts:
    """The site's checkpoint codes (retired ones too: the code stays taken), area names, and names per area."""
    checkpoints = list(db.session.execute(
        select(Checkpoint.code, Checkpoint.name, Checkpoint.active, Area.name)
        .outerjoin(Area, Checkpoint.area_id == Area.id).where(Checkpoint.site_id == site_id)))
    return SiteFacts(
        codes=frozenset(code.casefold() for code, _name, _active, _area in checkpoints),
        areas=frozenset(db.session.scalars(select(Area.name).where(Area.site_id == site_id))),
        names=frozenset((area or "", name.casefold()) for _code, name, active, area in checkpoints if active),
    )
