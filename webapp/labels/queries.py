"""Reads for label printing: which checkpoints of a site go on a sheet."""
from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import Area, Checkpoint


class NotOfThisSite(LookupError):
    """An area or checkpoint asked for does not belong to the site."""


def areas(site_id: int) -> list[Area]:
    """The site's areas, by name."""
    return list(db.session.scalars(select(Area).where(Area.site_id == site_id).order_by(Area.name)))


def active_checkpoints(site_id: int) -> list[Checkpoint]:
    """The site's active checkpoints with their areas, ordered as labels are printed."""
    return printable(site_id)


def printable(site_id: int, area_id: int | None = None, checkpoint_ids: Collection[int] = ()) -> list[Checkpoint]:
    """Active checkpoints of a site, within an area (and the areas inside it) and/or among chosen ids.

    Raises NotOfThisSite when the area or one of the ids is not the site's: nobody prints another site's labels.
    """
    stmt = (select(Checkpoint).where(Checkpoint.site_id == site_id)
            .options(selectinload(Checkpoint.area)).order_by(Checkpoint.code))
    if area_id is not None:
        site_areas = areas(site_id)
        if area_id not in {a.id for a in site_areas}:
            raise NotOfThisSite(area_id)
        stmt = stmt.where(Checkpoint.area_id.in_(_within(area_id, site_areas)))
    if checkpoint_ids:
        wanted = set(checkpoint_ids)
        found = {cid for cid in db.session.scalars(select(Checkpoint.id).where(Checkpoint.site_id == site_id,
                                                                               Checkpoint.id.in_(wanted)))}
        if found != wanted:
            raise NotOfThisSite(sorted(wanted - found))
        stmt = stmt.where(Checkpoint.id.in_(wanted))
    rows = [c for c in db.session.scalars(stmt) if c.active]
    return sorted(rows, key=lambda c: (c.area.name if c.area else "", c.code))


def _within(area_id: int, site_areas: list[Area]) -> set[int]:
    """An area's id and the ids of every area inside it (a building's floors)."""
    children: dict[int, list[int]] = {}
    for area in site_areas:
        if area.parent_id is not None:
            children.setdefault(area.parent_id, []).append(area.id)
    found, todo = set(), [area_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found
