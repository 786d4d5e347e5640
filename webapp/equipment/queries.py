"""Reads for plant rooms: a site's equipment, an item's readings, what the site has for an import."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.domain.maintenance import TaskState, state_on
from webapp.domain.timezones import to_local, zone
from webapp.extensions import db
from webapp.imports.equipment import SiteEquipment
from webapp.models import Checkpoint, Equipment, EquipmentRoundPlan, MaintenanceRecord, MaintenanceTask, Reading, ReadingItem


def equipment_of(site_id: int) -> list[Equipment]:
    """A site's equipment by code, with its location, in one query."""
    return list(db.session.scalars(select(Equipment).where(Equipment.site_id == site_id)
                                   .options(selectinload(Equipment.checkpoint)).order_by(Equipment.code)))


def checkpoint_choices(site_id: int) -> list[tuple[int, str]]:
    """The site's active checkpoints as (id, "code name") for a location list."""
    rows = db.session.execute(select(Checkpoint.id, Checkpoint.code, Checkpoint.name)
                              .where(Checkpoint.site_id == site_id, Checkpoint.active).order_by(Checkpoint.code))
    return [(cid, f"{code} {name}") for cid, code, name in rows]


def one(site_id: int, equipment_id: int) -> Equipment | None:
    """A piece of equipment of this site (None when it belongs to another)."""
    return db.session.scalar(select(Equipment).where(Equipment.id == equipment_id, Equipment.site_id == site_id)
                             .options(selectinload(Equipment.items)))


def item_of(site_id: int, item_id: int) -> ReadingItem | None:
    """A reading item of this site's equipment."""
    return db.session.scalar(select(ReadingItem).join(Equipment).where(ReadingItem.id == item_id,
                                                                      Equipment.site_id == site_id))


def tasks_of(equipment_ids: list[int]) -> list[MaintenanceTask]:
    """The active maintenance tasks of these pieces of equipment."""
    if not equipment_ids:
        return []
    return list(db.session.scalars(select(MaintenanceTask).where(MaintenanceTask.equipment_id.in_(equipment_ids),
                                                                 MaintenanceTask.active)
                                   .options(selectinload(MaintenanceTask.equipment)).order_by(MaintenanceTask.id)))


def site_tasks(site_id: int) -> list[MaintenanceTask]:
    """A site's active maintenance tasks, with their equipment."""
    return list(db.session.scalars(select(MaintenanceTask).where(MaintenanceTask.site_id == site_id,
                                                                 MaintenanceTask.active)
                                   .options(selectinload(MaintenanceTask.equipment)).order_by(MaintenanceTask.id)))


def last_done(task_ids: list[int]) -> dict[int, object]:
    """The last day each task was done, in one query."""
    if not task_ids:
        return {}
    rows = db.session.execute(select(MaintenanceRecord.task_id, db.func.max(MaintenanceRecord.done_on))
                              .where(MaintenanceRecord.task_id.in_(task_ids)).group_by(MaintenanceRecord.task_id))
    return dict(rows.all())


def readings_of(item_id: int, since: datetime, until: datetime) -> list[Reading]:
    """An item's readings captured in [since, until), oldest first."""
    return list(db.session.scalars(select(Reading).where(Reading.item_id == item_id, Reading.captured_at >= since,
                                                         Reading.captured_at < until).order_by(Reading.captured_at)))


def site_equipment(site_id: int) -> SiteEquipment:
    """The site's equipment codes and checkpoint ids by code, to check an import against."""
    codes = db.session.scalars(select(Equipment.code).where(Equipment.site_id == site_id))
    checkpoints = db.session.execute(select(Checkpoint.code, Checkpoint.id).where(Checkpoint.site_id == site_id))
    return SiteEquipment(codes=frozenset(c.casefold() for c in codes),
                         checkpoints={code.casefold(): cid for code, cid in checkpoints})


def task_states(tasks: list[MaintenanceTask], now: datetime, timezone: str) -> dict[int, TaskState]:
    """Where each task stands on the site's local day of `now`."""
    today = to_local(now, zone(timezone)).date()
    done = last_done([t.id for t in tasks])
    return {t.id: state_on(t.anchor_on, t.cycle, done.get(t.id), today) for t in tasks}


def task_of(site_id: int, task_id: int) -> MaintenanceTask | None:
    """An active maintenance task of this site."""
    return db.session.scalar(select(MaintenanceTask).where(MaintenanceTask.id == task_id, MaintenanceTask.site_id == site_id,
                                                           MaintenanceTask.active))


def plant_rooms(site_id: int) -> list[tuple[int, str]]:
    """The site's active checkpoints where equipment stands, as (id, "code name")."""
    rows = db.session.execute(select(Checkpoint.id, Checkpoint.code, Checkpoint.name).where(
        Checkpoint.site_id == site_id, Checkpoint.active,
        Checkpoint.id.in_(select(Equipment.checkpoint_id).where(Equipment.site_id == site_id, Equipment.active)))
        .order_by(Checkpoint.code))
    return [(cid, f"{code} {name}") for cid, code, name in rows]


def round_plans(site_id: int) -> list[EquipmentRoundPlan]:
    """A site's active equipment rounds with their checkpoints."""
    return list(db.session.scalars(select(EquipmentRoundPlan).where(EquipmentRoundPlan.site_id == site_id,
                                                                    EquipmentRoundPlan.active)
                                   .options(selectinload(EquipmentRoundPlan.checkpoints)).order_by(EquipmentRoundPlan.id)))


def due_for(site_ids: set[int], now: datetime) -> list[tuple[MaintenanceTask, TaskState]]:
    """Maintenance tasks due or overdue at these sites on each site's local day, overdue first."""
    if not site_ids:
        return []
    tasks = list(db.session.scalars(select(MaintenanceTask).where(MaintenanceTask.site_id.in_(site_ids),
                                                                  MaintenanceTask.active)
                                    .options(selectinload(MaintenanceTask.equipment).selectinload(Equipment.site))))
    done = last_done([t.id for t in tasks])
    found = []
    for task in tasks:
        today = to_local(now, zone(task.equipment.site.timezone)).date()
        state = state_on(task.anchor_on, task.cycle, done.get(task.id), today)
        if state.state != "ok":
            found.append((task, state))
    return sorted(found, key=lambda pair: (pair[1].state != "overdue", pair[1].next_due, pair[0].id))
