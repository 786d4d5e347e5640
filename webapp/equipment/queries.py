"""Reads for plant rooms: a site's equipment, an item's readings, what the site has for an import."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.domain.maintenance import TaskState, state_on
from webapp.domain.plant import in_service
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
    """A reading item of this site's equipment, retired or not (its past readings stay readable)."""
    return db.session.scalar(select(ReadingItem).join(Equipment).where(ReadingItem.id == item_id,
                                                                      Equipment.site_id == site_id))


def task_in_service(task: MaintenanceTask) -> bool:
    """Whether a maintenance task is due at all: it and its equipment are in service (webapp.domain.plant)."""
    return in_service(task.equipment.active, task.active)


def tasks_of(equipment_ids: list[int]) -> list[MaintenanceTask]:
    """Every maintenance task of these pieces of equipment, retired ones too, with their equipment."""
    if not equipment_ids:
        return []
    return list(db.session.scalars(select(MaintenanceTask).where(MaintenanceTask.equipment_id.in_(equipment_ids))
                                   .options(selectinload(MaintenanceTask.equipment)).order_by(MaintenanceTask.id)))


def site_tasks(site_id: int) -> list[MaintenanceTask]:
    """A site's maintenance tasks in service, with their equipment."""
    return [t for t in db.session.scalars(select(MaintenanceTask).where(MaintenanceTask.site_id == site_id)
                                          .options(selectinload(MaintenanceTask.equipment)).order_by(MaintenanceTask.id))
            if task_in_service(t)]


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
    """Where each task in service stands on the site's local day of `now` (a retired one is due never)."""
    today = to_local(now, zone(timezone)).date()
    due = [t for t in tasks if task_in_service(t)]
    done = last_done([t.id for t in due])
    return {t.id: state_on(t.anchor_on, t.cycle, done.get(t.id), today) for t in due}


def task_of(site_id: int, task_id: int, retired: bool = False) -> MaintenanceTask | None:
    """A maintenance task of this site: in service, or also `retired` (for its manager)."""
    task = db.session.scalar(select(MaintenanceTask).where(MaintenanceTask.id == task_id,
                                                           MaintenanceTask.site_id == site_id))
    return task if task is not None and (retired or task_in_service(task)) else None


def plant_rooms(site_id: int) -> list[tuple[int, str]]:
    """The site's active checkpoints where equipment in service stands, as (id, "code name")."""
    rows = db.session.execute(select(Checkpoint.id, Checkpoint.code, Checkpoint.name, Equipment.active)
                              .join(Equipment, Equipment.checkpoint_id == Checkpoint.id)
                              .where(Checkpoint.site_id == site_id, Checkpoint.active).order_by(Checkpoint.code))
    found = {cid: f"{code} {name}" for cid, code, name, active in rows if in_service(active)}
    return list(found.items())


def round_plans(site_id: int) -> list[EquipmentRoundPlan]:
    """A site's equipment rounds, retired ones last, with their checkpoints."""
    return list(db.session.scalars(select(EquipmentRoundPlan).where(EquipmentRoundPlan.site_id == site_id)
                                   .options(selectinload(EquipmentRoundPlan.checkpoints))
                                   .order_by(EquipmentRoundPlan.active.desc(), EquipmentRoundPlan.id)))


def round_plan(site_id: int, plan_id: int) -> EquipmentRoundPlan | None:
    """An equipment round of this site (None when it belongs to another)."""
    return db.session.scalar(select(EquipmentRoundPlan).where(EquipmentRoundPlan.id == plan_id,
                                                              EquipmentRoundPlan.site_id == site_id))


def due_for(site_ids: set[int], now: datetime) -> list[tuple[MaintenanceTask, TaskState]]:
    """Maintenance tasks due or overdue at these sites on each site's local day, overdue first."""
    if not site_ids:
        return []
    tasks = [t for t in db.session.scalars(select(MaintenanceTask).where(MaintenanceTask.site_id.in_(site_ids))
                                           .options(selectinload(MaintenanceTask.equipment).selectinload(Equipment.site)))
             if task_in_service(t)]
    done = last_done([t.id for t in tasks])
    found = []
    for task in tasks:
        today = to_local(now, zone(task.equipment.site.timezone)).date()
        state = state_on(task.anchor_on, task.cycle, done.get(task.id), today)
        if state.state != "ok":
            found.append((task, state))
    return sorted(found, key=lambda pair: (pair[1].state != "overdue", pair[1].next_due, pair[0].id))
