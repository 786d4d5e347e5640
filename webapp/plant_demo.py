"""The demo's plant rooms at 翠湖花园 (issue 20): pump room, power room, fire pump room and lifts, with a week of readings.

Like the rest of the demo: everything is found by its natural key before it is created, every reading carries a
client id derived from what it is, so running the demo again adds only what happened since. Two days ago the 09:00
reading of 2号生活水泵's outlet pressure was 0.72 MPa (normal 0.3–0.6): it opened a work order; three days ago the
17:00 round of the fire pump room was not walked, so the board of that day shows a missed reading.
"""
from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from sqlalchemy import select

from webapp.domain.timezones import local_to_utc
from webapp.extensions import db
from webapp.field.readings import raise_work
from webapp.models import (
    Checkpoint,
    Company,
    Device,
    Equipment,
    EquipmentRoundPlan,
    MaintenanceRecord,
    MaintenanceTask,
    Person,
    Reading,
    ReadingItem,
    Shift,
    Site,
)

NAMESPACE = uuid.UUID("0c9e3d55-20f1-4f3e-b7b4-6a3f1d2c8e20")
HISTORY_DAYS = 7
ROUND_TIMES = ("09:00", "17:00")
PHONE = "demo-engineer-phone"

# (checkpoint code, equipment code, name, kind, make, installed, contractor, [(item, kind, unit, low, high, meter, jump)])
EQUIPMENT = [
    ("P01", "PUMP-01", "1号生活水泵", "pump", "格兰富 CR32-4", date(2016, 5, 10), "杭州安泽机电工程有限公司",
     [("出口压力", "number", "MPa", 0.3, 0.6, False, None), ("运行状态", "choice", "", None, None, False, None),
      ("电表读数", "number", "kWh", 0, None, True, 800)]),
    ("P01", "PUMP-02", "2号生活水泵", "pump", "格兰富 CR32-4", date(2016, 5, 10), "杭州安泽机电工程有限公司",
     [("出口压力", "number", "MPa", 0.3, 0.6, False, None), ("运行状态", "choice", "", None, None, False, None)]),
    ("P02", "TR-01", "1号变压器", "transformer", "顺特 SCB11-1000", date(2016, 3, 1), "国网杭州供电服务中心",
     [("绕组温度", "number", "°C", None, 85, False, None), ("总电表读数", "number", "kWh", 0, None, True, 9000)]),
    ("P03", "FP-01", "消防喷淋泵", "fire_pump", "上海连成 XBD8/30", date(2016, 6, 1), "浙江安盾消防工程有限公司",
     [("稳压罐压力", "number", "MPa", 0.45, 0.7, False, None), ("控制柜状态", "choice", "", None, None, False, None)]),
    ("B12", "LIFT-01", "1号楼电梯", "lift", "奥的斯 GeN2", date(2016, 7, 15), "奥的斯电梯（中国）杭州分公司",
     [("运行状态", "choice", "", None, None, False, None)]),
    ("B22", "LIFT-02", "2号楼电梯", "lift", "奥的斯 GeN2", date(2016, 7, 15), "奥的斯电梯（中国）杭州分公司",
     [("运行状态", "choice", "", None, None, False, None)]),
]
# (equipment code, task, cycle, anchor, by contractor, last done days ago or None)
TASKS = [
    ("FP-01", "消防泵月度试泵", "monthly", date(2026, 1, 15), False, None),
    ("LIFT-01", "电梯半月保养", "half_month", date(2026, 1, 5), True, 6),
    ("LIFT-02", "电梯半月保养", "half_month", date(2026, 1, 5), True, 6),
    ("PUMP-01", "水泵季度保养", "quarterly", date(2026, 1, 20), False, 40),
    ("TR-01", "变压器年度预防性试验", "yearly", date(2026, 4, 1), True, 230),
]
TYPICAL = {"出口压力": (0.38, 0.52), "稳压罐压力": (0.5, 0.62), "绕组温度": (48, 66)}
METER_START = {"电表读数": 183_400.0, "总电表读数": 2_456_000.0}
METER_PER_ROUND = {"电表读数": (180, 260), "总电表读数": (3800, 5200)}
ABNORMAL = ("PUMP-02", "出口压力", 2, "09:00", "0.72", "出口压力偏高，疑似减压阀故障，已关小出口阀门")
SKIPPED = ("P03", 3, "17:00")  # no one read the fire pump room that evening


def _key(*parts) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts))


def _one(model, **keys):
    return db.session.scalar(select(model).filter_by(**keys))


def _register(site: Site) -> dict[str, Equipment]:
    found = {}
    for cp_code, code, name, kind, make, installed, contractor, items in EQUIPMENT:
        equipment = _one(Equipment, site_id=site.id, code=code)
        if equipment is None:
            checkpoint = _one(Checkpoint, site_id=site.id, code=cp_code)
            equipment = Equipment(site_id=site.id, checkpoint_id=checkpoint.id if checkpoint else None, code=code,
                                  name=name, kind=kind, make=make, installed_on=installed, contractor=contractor,
                                  items=[ReadingItem(position=i, name=n, kind=k, unit=u, low=lo, high=hi, meter=m,
                                                     max_jump=j) for i, (n, k, u, lo, hi, m, j) in enumerate(items)])
            db.session.add(equipment)
            db.session.flush()
        found[code] = equipment
    if _one(EquipmentRoundPlan, site_id=site.id, name="设备房巡检") is None:
        rooms = list(db.session.scalars(select(Checkpoint).where(Checkpoint.site_id == site.id,
                                                                 Checkpoint.code.in_(("P01", "P02", "P03")))))
        db.session.add(EquipmentRoundPlan(site_id=site.id, name="设备房巡检", times_local=",".join(ROUND_TIMES),
                                          window_minutes=60, grace_minutes=15, checkpoints=rooms))
    return found


def _tasks(site: Site, equipment: dict[str, Equipment], engineer: Person, today: date, now: datetime) -> None:
    for code, name, cycle, anchor, by_contractor, done_days_ago in TASKS:
        task = _one(MaintenanceTask, equipment_id=equipment[code].id, name=name)
        if task is None:
            task = MaintenanceTask(site_id=site.id, equipment_id=equipment[code].id, name=name, cycle=cycle,
                                   anchor_on=anchor, by_contractor=by_contractor)
            db.session.add(task)
            db.session.flush()
            if done_days_ago is not None:
                done = today - timedelta(days=done_days_ago)
                db.session.add(MaintenanceRecord(task_id=task.id, person_id=engineer.id, done_on=done,
                                                 done_at=min(now, local_to_utc(done, time(10), ZoneInfo(site.timezone))),
                                                 note="按计划完成", signature=""))


def _value(item: ReadingItem, rng: random.Random, meters: dict[int, float]) -> str:
    if item.kind == "choice":
        return "running" if item.name != "运行状态" or rng.random() > 0.15 else "stopped"
    if item.meter:
        low, high = METER_PER_ROUND[item.name]
        meters[item.id] = meters.get(item.id, METER_START[item.name]) + rng.randint(low, high)
        return str(int(meters[item.id]))
    low, high = TYPICAL[item.name]
    return f"{rng.uniform(low, high):.{2 if high < 10 else 0}f}"


def seed(company: Company, sites: dict[str, Site], people: dict[str, Person], now: datetime) -> None:
    """Write what is missing of 翠湖花园's plant rooms, up to `now`."""
    site = sites["CHG"]
    tz = ZoneInfo(site.timezone)
    engineer = people["engineer"]
    today = now.astimezone(tz).date()
    equipment = _register(site)
    _tasks(site, equipment, engineer, today, now)
    device = _one(Device, client_id=PHONE)
    if device is None:
        device = Device(client_id=PHONE, person_id=engineer.id, label="工程部手机")
        db.session.add(device)
        db.session.flush()
    device.last_sync_at = now
    known = set(db.session.scalars(select(Reading.client_uuid).where(Reading.site_id == site.id)))
    shifts = list(db.session.scalars(select(Shift).where(Shift.site_id == site.id)))
    meters: dict[int, float] = {}
    for days_ago in range(HISTORY_DAYS, -1, -1):
        day = today - timedelta(days=days_ago)
        for hhmm in ROUND_TIMES:
            rng = random.Random(f"plant/{day.isoformat()}/{hhmm}")  # noqa: S311 (repeatable demo data)
            start = local_to_utc(day, time.fromisoformat(hhmm), tz) + timedelta(minutes=rng.randint(5, 25))
            for offset, (cp_code, code, *_rest) in enumerate(EQUIPMENT):
                for item in equipment[code].items:
                    value = _value(item, rng, meters)  # drawn even when skipped: the meters stay continuous
                    at = start + timedelta(minutes=2 * offset)
                    key = _key("reading", code, item.name, day.isoformat(), hhmm)
                    if at > now or key in known or (cp_code, days_ago, hhmm) == SKIPPED:
                        continue
                    abnormal = (code, item.name, days_ago, hhmm) == ABNORMAL[:4]
                    _read(site, equipment[code], item, engineer, device, shifts, key, at, now,
                          ABNORMAL[4] if abnormal else value, ABNORMAL[5] if abnormal else "")


def _read(site, equipment, item, engineer, device, shifts, key, at, now, value, note) -> None:
    number = float(value) if item.kind == "number" else None
    out = number is not None and ((item.low is not None and number < item.low) or
                                  (item.high is not None and number > item.high))
    shift = next((s for s in shifts if s.starts_at <= at < s.ends_at), None)
    reading = Reading(client_uuid=key, site_id=site.id, person_id=engineer.id, device_id=device.id,
                      shift_id=shift.id if shift else None, device_time=at, clock_offset_s=0.0, captured_at=at,
                      received_at=min(at + timedelta(seconds=40), now), item_id=item.id, equipment_id=equipment.id,
                      checkpoint_id=equipment.checkpoint_id, value_number=number, value_text=value,
                      out_of_range=out, note=note)
    db.session.add(reading)
    if out:
        with force_locale("zh"):  # the demo runs from the command line: its work order is written in Chinese
            raise_work(reading, item, engineer, at)
