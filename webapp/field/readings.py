"""Readings as field records: what the sync needs to judge them (items at a label, last meter numbers) and the work
order an abnormal reading opens (报修), written in the sync's own unit of work."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import audit, quality_steps
from webapp.domain import lifecycles
from webapp.domain.plant import ItemAt, in_service, rooms_to_read
from webapp.domain.readings import CHOICES, ReadingRule, band_text
from webapp.extensions import db
from webapp.models import Checkpoint, Equipment, Person, Reading, ReadingItem, Route, RouteStop, WorkOrder

ORDER_CATEGORY = {"transformer": "electrical", "switchgear": "electrical", "generator": "electrical",
                  "pump": "plumbing", "water_tank": "plumbing", "fire_pump": "urgent", "hydrant": "urgent"}


def items_at(checkpoint_ids: set[int]) -> dict[int, list[ReadingItem]]:
    """The reading items in service (webapp.domain.plant) of the equipment standing at these checkpoints, by checkpoint."""
    if not checkpoint_ids:
        return {}
    rows = db.session.scalars(select(ReadingItem).join(Equipment).where(Equipment.checkpoint_id.in_(checkpoint_ids))
                              .options(selectinload(ReadingItem.equipment))
                              .order_by(Equipment.code, ReadingItem.position, ReadingItem.id))
    found: dict[int, list[ReadingItem]] = {}
    for item in rows:
        if in_service(item.equipment.active, item.active):
            found.setdefault(item.equipment.checkpoint_id, []).append(item)
    return found


def plant_rooms(site_ids: set[int], on_routes: bool = False) -> list[int]:
    """The active checkpoints of these sites where something in service is read, in id order; with `on_routes`,
    only those an active patrol route passes (where a guard on a combined round reads them)."""
    if not site_ids:
        return []
    query = (select(Checkpoint.id, Equipment.active, ReadingItem.active)
             .join(Equipment, Equipment.checkpoint_id == Checkpoint.id)
             .join(ReadingItem, ReadingItem.equipment_id == Equipment.id)
             .where(Checkpoint.site_id.in_(site_ids), Checkpoint.active))
    if on_routes:
        query = query.where(Checkpoint.id.in_(select(RouteStop.checkpoint_id).join(Route).where(Route.active)))
    return sorted(rooms_to_read(ItemAt(*row) for row in db.session.execute(query.distinct())))


def last_numbers(item_ids: set[int]) -> dict[int, float]:
    """The latest number read off each of these items (by capture time), for meter checks."""
    if not item_ids:
        return {}
    latest = (select(Reading.item_id, db.func.max(Reading.captured_at).label("at"))
              .where(Reading.item_id.in_(item_ids), Reading.value_number.is_not(None)).group_by(Reading.item_id)
              .subquery())
    rows = db.session.execute(select(Reading.item_id, Reading.value_number)
                              .join(latest, (Reading.item_id == latest.c.item_id) & (Reading.captured_at == latest.c.at)))
    return {item_id: value for item_id, value in rows}


def raise_work(reading: Reading, item: ReadingItem, person: Person, now: datetime) -> WorkOrder:
    """Open a work order (报修) for an abnormal reading, linked to it; the caller flushes and commits."""
    equipment = item.equipment
    category = ORDER_CATEGORY.get(equipment.kind, "facility")
    order = lifecycles.raise_order(person.id, category, now)
    shown = _choice_label(reading.value_text) if item.kind == "choice" else f"{reading.value_text} {item.unit}".strip()
    description = _("Abnormal reading: %(equipment)s · %(item)s = %(value)s (normal %(band)s). %(note)s",
                    equipment=equipment.name, item=item.name, value=shown, band=band(item) or "—", note=reading.note)
    row = WorkOrder(site_id=reading.site_id, category=order.category, description=description.strip(),
                    location_text=equipment.checkpoint.name if equipment.checkpoint else equipment.name,
                    checkpoint_id=equipment.checkpoint_id, raised_by_id=person.id, raised_at=order.raised_at,
                    due_at=order.due_at, state=order.state)
    db.session.add(row)
    db.session.flush()
    quality_steps.keep("work_order", row.id, order.history[0])
    reading.work_order_id = row.id
    audit.record(person, "work_order_raised", "work_order", row.id, site_id=reading.site_id, category=row.category,
                 reading=str(reading.client_uuid), automatic=True)
    return row


def band(item: ReadingItem) -> str:
    """The item's normal band with its unit, e.g. "0.3–0.6 MPa"."""
    text = band_text(ReadingRule(item.kind, item.low, item.high))
    return f"{text} {item.unit}".strip() if text else ""


def _choice_label(value: str) -> str:
    return {"running": _("Running"), "stopped": _("Stopped"), "fault": _("Fault")}.get(value, value) if value in CHOICES \
        else value
