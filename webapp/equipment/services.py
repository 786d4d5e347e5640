"""Writes for plant rooms: the register, reading items, maintenance tasks, and the work an abnormal reading raises."""
from __future__ import annotations

import uuid
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from webapp import audit, changes
from webapp.access import site_ids
from webapp.api.schemas import PhotoUpload
from webapp.changes import Rejected as Rejected
from webapp.changes import set_active as set_active
from webapp.domain.errors import DomainError
from webapp.domain.timezones import to_local, zone
from webapp.extensions import db
from webapp.field import photos
from webapp.imports.equipment import EquipmentRow
from webapp.models import Checkpoint, Equipment, EquipmentRoundPlan, MaintenanceRecord, MaintenanceTask, Person, ReadingItem


def _check_code(site_id: int, code: str, equipment_id: int | None = None) -> None:
    """Refuse a code another piece of equipment of the site has, whatever its case (as the import does)."""
    if changes.taken(Equipment, site_id, Equipment.code, code, equipment_id):
        raise Rejected("code", _("Another piece of equipment of this site has this code."))


def create_equipment(person: Person, site_id: int, **values) -> Equipment:
    """Add a piece of equipment to the site's register; its code is unique in the site."""
    _check_code(site_id, values["code"])
    row = Equipment(site_id=site_id, **values)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Rejected("code", _("Another piece of equipment of this site has this code.")) from None
    audit.record(person, "equipment_created", "equipment", row.id, site_id=site_id, code=row.code)
    db.session.commit()
    return row


def import_equipment(site_id: int, person: Person, rows: list[EquipmentRow], filename: str) -> int:
    """Save every checked row in one commit; raises IntegrityError's Conflict when the site changed meanwhile."""
    db.session.add_all(Equipment(site_id=site_id, name=r.name, code=r.code, kind=r.kind, checkpoint_id=r.checkpoint_id,
                                 make=r.make, installed_on=r.installed_on, contractor=r.contractor) for r in rows)
    audit.record(person, "equipment_imported", "site", site_id, site_id=site_id, file=filename, count=len(rows),
                 codes=[r.code for r in rows])
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Rejected("file", _("The site changed while you were looking at the preview; nothing was saved.")) from None
    return len(rows)


def update_equipment(person: Person, equipment: Equipment, **values) -> None:
    """Correct a piece of equipment's details (a mistyped code, a replaced make, a new contractor)."""
    _check_code(equipment.site_id, values["code"], equipment.id)
    changes.commit(person, "update", equipment, equipment.site_id, **changes.apply(equipment, values))


def _item_values(values: dict) -> dict:
    """What a reading item keeps: only a number has a unit, a normal range and meter checks."""
    if values.get("kind") != "number":
        values.update(low=None, high=None, meter=False, max_jump=None, unit="")
    return values


def add_item(person: Person, equipment: Equipment, **values) -> ReadingItem:
    """Add a reading item at the end of the equipment's list."""
    item = ReadingItem(equipment_id=equipment.id, position=len(equipment.items), **_item_values(values))
    db.session.add(item)
    db.session.flush()
    audit.record(person, "reading_item_added", "reading_item", item.id, site_id=equipment.site_id, name=item.name)
    db.session.commit()
    return item


def update_item(person: Person, item: ReadingItem, **values) -> None:
    """Correct a reading item (a mistyped range, another unit); its past readings keep what they were judged by."""
    changes.commit(person, "update", item, item.equipment.site_id, **changes.apply(item, _item_values(values)))


def add_task(person: Person, equipment: Equipment, **values) -> MaintenanceTask:
    """Add a preventive maintenance task to a piece of equipment."""
    task = MaintenanceTask(site_id=equipment.site_id, equipment_id=equipment.id, **values)
    db.session.add(task)
    db.session.flush()
    audit.record(person, "maintenance_task_added", "maintenance_task", task.id, site_id=equipment.site_id,
                 name=task.name, cycle=task.cycle)
    db.session.commit()
    return task


def update_task(person: Person, task: MaintenanceTask, **values) -> None:
    """Change a maintenance task's name, cycle, first due day or who does it."""
    changes.commit(person, "update", task, task.site_id, **changes.apply(task, values))


def record_maintenance(person: Person, task: MaintenanceTask, form, device: str, now: datetime) -> MaintenanceRecord:
    """A task done today (the site's day), signed, with its photos watermarked and attached; one commit.

    The same form sent twice keeps one record: its photos have the form's ids, and a second send finds them attached."""
    site_zone = zone(task.equipment.site.timezone)
    token = task.equipment.checkpoint.token if task.equipment.checkpoint else None
    keys = [str(uuid.uuid5(uuid.UUID(form.submission), f"maintenance-{n}")) for n in range(len(form.photos))]
    prepared = [photos.prepare(person, site_ids(person),
                               PhotoUpload(client_uuid=key, device_id=device, token=token,
                                           site_id=None if token else task.site_id, device_time=now), data, now=now)
                for key, data in zip(keys, form.photos)]
    kept = [photos.keep(person, p, now=now)[0] for p in prepared]
    earlier = next((p.maintenance_record_id for p in kept if p.maintenance_record_id), None)
    if earlier is not None:
        return db.session.get(MaintenanceRecord, earlier)
    row = MaintenanceRecord(task_id=task.id, person_id=person.id, done_on=to_local(now, site_zone).date(), done_at=now,
                            note=form.note, signature=form.signature)
    db.session.add(row)
    db.session.flush()
    for photo in kept:
        if photo.attached:
            raise DomainError("photo_already_used", id=str(photo.client_uuid))
        photo.maintenance_record_id, photo.stage = row.id, "after"
    audit.record(person, "maintenance_done", "maintenance_task", task.id, site_id=task.site_id,
                 day=row.done_on.isoformat(), photos=len(kept))
    db.session.commit()
    return row


def _site_checkpoints(site_id: int, checkpoint_ids: list[int]) -> list[Checkpoint]:
    """The checkpoints named that belong to the site (others are ignored)."""
    checkpoints = [db.session.get(Checkpoint, cid) for cid in checkpoint_ids]
    return [c for c in checkpoints if c and c.site_id == site_id]


def create_round_plan(person: Person, site_id: int, checkpoint_ids: list[int], **values) -> EquipmentRoundPlan:
    """Add an equipment round over some of the site's checkpoints."""
    plan = EquipmentRoundPlan(site_id=site_id, checkpoints=_site_checkpoints(site_id, checkpoint_ids), **values)
    db.session.add(plan)
    db.session.flush()
    audit.record(person, "equipment_round_created", "equipment_round_plan", plan.id, site_id=site_id, name=plan.name,
                 times=plan.times_local, checkpoints=[c.id for c in plan.checkpoints])
    db.session.commit()
    return plan


def update_round_plan(person: Person, plan: EquipmentRoundPlan, checkpoint_ids: list[int], **values) -> None:
    """Change an equipment round's times, window, grace or plant rooms; gaps already judged keep their plan."""
    changed = changes.apply(plan, values)
    chosen = _site_checkpoints(plan.site_id, checkpoint_ids)
    before = [c.id for c in plan.checkpoints]
    if sorted(before) != sorted(c.id for c in chosen):
        changed["checkpoints"] = [before, [c.id for c in chosen]]
        plan.checkpoints = chosen
    changes.commit(person, "update", plan, plan.site_id, **changed)
