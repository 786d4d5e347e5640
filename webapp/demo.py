"""The demo company: two sites described in full, their people, and a week of realistic history.

Everything is found by its natural key before it is created, and every field record carries a
client UUID derived from what it stands for, so building the demo again adds nothing twice.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from webapp import plant_demo, quality_demo
from webapp.domain.timezones import shift_window, to_local
from webapp.extensions import db
from webapp.models import (
    Area,
    AreaKind,
    ChecklistItem,
    Checkpoint,
    CleaningCheck,
    CleaningPlan,
    CleaningResult,
    Company,
    Device,
    Incident,
    IncidentKind,
    PatrolPlan,
    Person,
    Purpose,
    Role,
    Route,
    RouteStop,
    Scan,
    Severity,
    Shift,
    ShiftMember,
    ShiftTemplate,
    Site,
    utcnow,
)
from webapp.plans import due_in_shift

COMPANY = "示例物业服务有限公司"
NAMESPACE = uuid.UUID("6f1c2a52-8d4e-4b59-9a3e-2f7d0c1b5e90")
HISTORY_DAYS = 7

LOBBY = ["地面干净无水渍", "门窗玻璃无手印", "信报箱无灰尘", "垃圾桶已清理"]
LIFT = ["轿厢地面干净", "轿厢壁无手印", "按钮面板无污渍", "无杂物"]
STAIR = ["扶手无灰尘", "窗台干净", "台阶无杂物", "消防栓箱无灰尘"]
BINS = ["垃圾桶摆放整齐", "地面无散落垃圾", "无异味"]

# login, password, role, name, sites (codes)
ACCOUNTS = [
    ("admin", "Rounds-admin-1", Role.ADMIN, "王建国", []),
    ("manager", "Rounds-manager-1", Role.MANAGER, "李敏", ["CHG", "BJ"]),
    ("supervisor", "Rounds-super-1", Role.SUPERVISOR, "陈静", ["CHG", "BJ"]),
    ("lead", "Rounds-lead-1", Role.LEAD, "张伟", ["CHG"]),
    ("lead2", "Rounds-lead-2", Role.LEAD, "赵强", ["CHG"]),
    ("guard", "Rounds-guard-1", Role.GUARD, "刘洋", ["CHG"]),
    ("guard2", "Rounds-guard-2", Role.GUARD, "孙磊", ["CHG"]),
    ("cleaner", "Rounds-cleaner-1", Role.CLEANER, "黄丽", ["CHG"]),
    ("cleaner2", "Rounds-cleaner-2", Role.CLEANER, "吴芳", ["CHG"]),
    ("bj-lead", "Rounds-bjlead-1", Role.LEAD, "郑浩", ["BJ"]),
    ("bj-guard", "Rounds-bjguard-1", Role.GUARD, "周杰", ["BJ"]),
    ("engineer", "Rounds-engineer-1", Role.ENGINEER, "马超", ["CHG", "BJ"]),
    ("desk", "Rounds-desk-1", Role.FRONT_DESK, "林娜", ["CHG"]),
    ("client", "Rounds-client-1", Role.CLIENT, "翠湖花园业主委员会", ["CHG"]),
]


@dataclass
class SiteSpec:
    """How one demo site is laid out."""

    code: str
    name: str
    address: str
    areas: list[tuple[str, AreaKind]]
    # code, name, area, purpose, photo required, checklist
    checkpoints: list[tuple[str, str, str, Purpose, bool, list[str]]]
    routes: dict[str, list[tuple[str, float]]]  # route name -> [(checkpoint code, min walk from previous)]
    templates: list[tuple[str, time, time]]
    patrol_plans: list[dict]
    cleaning_plans: list[dict]
    crews: dict[str, tuple[str, list[str]]]  # template name -> (lead login, staff logins)
    checkpoint_positions: dict[str, tuple[float, float]] = field(default_factory=dict)


def _cuihu() -> SiteSpec:
    buildings = ["1号楼", "2号楼", "3号楼", "4号楼"]
    areas = [(b, AreaKind.BUILDING) for b in buildings] + [
        ("地下车库", AreaKind.BASEMENT), ("设备房", AreaKind.PLANT_ROOM), ("北门", AreaKind.GATE),
        ("南门", AreaKind.GATE), ("屋面", AreaKind.ROOF), ("中心花园", AreaKind.OUTDOOR),
    ]
    cps = [
        ("G01", "北门岗亭", "北门", Purpose.PATROL, False, []),
        ("G02", "南门岗亭", "南门", Purpose.PATROL, False, []),
        ("G03", "东侧消防通道", "中心花园", Purpose.PATROL, False, []),
        ("G04", "监控室", "北门", Purpose.PATROL, False, []),
    ]
    for i, b in enumerate(buildings, start=1):
        cps += [
            (f"B{i}1", f"{b}大堂", b, Purpose.BOTH, False, LOBBY),
            (f"B{i}2", f"{b}电梯轿厢", b, Purpose.CLEANING, i == 1, LIFT),  # 1号楼: photos before and after
            (f"B{i}3", f"{b}一层消防楼梯", b, Purpose.BOTH, False, STAIR),
            (f"B{i}4", f"{b}顶层楼梯间", b, Purpose.PATROL, False, []),
        ]
    cps += [
        ("D01", "地下车库入口", "地下车库", Purpose.PATROL, False, []),
        ("D02", "车库B1-A区", "地下车库", Purpose.PATROL, False, []),
        ("D03", "车库B1-C区", "地下车库", Purpose.PATROL, False, []),
        ("P01", "生活水泵房", "设备房", Purpose.PATROL, False, []),
        ("P02", "高低压配电房", "设备房", Purpose.PATROL, False, []),
        ("P03", "消防水泵房", "设备房", Purpose.PATROL, False, []),
        ("R01", "1号楼屋面门", "屋面", Purpose.PATROL, False, []),
        ("R02", "3号楼屋面门", "屋面", Purpose.PATROL, False, []),
        ("O01", "中心花园", "中心花园", Purpose.PATROL, False, []),
        ("O02", "儿童游乐区", "中心花园", Purpose.BOTH, False, ["地面无杂物", "设施无损坏", "座椅干净"]),
        ("O03", "垃圾收集点", "中心花园", Purpose.CLEANING, False, BINS),
    ]
    perimeter = [("G01", 0), ("G03", 3), ("D01", 2), ("D02", 2), ("D03", 2), ("P01", 2), ("P02", 1.5), ("P03", 1.5),
                 ("G02", 4), ("O01", 2), ("O02", 1)]
    towers = [("G04", 0)]
    for i in range(1, 5):
        towers += [(f"B{i}1", 2), (f"B{i}3", 0.5), (f"B{i}4", 2)]
    towers.insert(4, ("R01", 0.5))
    towers.insert(11, ("R02", 0.5))
    return SiteSpec(
        code="CHG", name="翠湖花园", address="杭州市西湖区翠湖路88号",
        areas=areas, checkpoints=cps,
        routes={"外围及地下室巡更": perimeter, "楼栋巡更": towers},
        templates=[("白班", time(8), time(20)), ("夜班", time(20), time(8))],
        patrol_plans=[
            dict(name="夜间外围巡更（每2小时）", route="外围及地下室巡更", template="夜班", interval=120, window=30),
            dict(name="日间楼栋巡更", route="楼栋巡更", template="白班", times="09:00,13:00,17:00", window=45),
        ],
        cleaning_plans=[
            dict(name="大堂及电梯轿厢保洁", times="08:00,14:00", window=60,
                 checkpoints=["B11", "B12", "B21", "B22", "B31", "B32", "B41", "B42"]),
            dict(name="楼梯间及游乐区保洁", times="10:00", window=90, checkpoints=["B13", "B23", "B33", "B43", "O02"]),
            dict(name="垃圾收集点清运检查", times="16:00", window=60, checkpoints=["O03"]),
        ],
        crews={"白班": ("lead", ["guard", "cleaner", "cleaner2"]), "夜班": ("lead2", ["guard2"])},
        checkpoint_positions={"G01": (30.2741, 120.1551), "G02": (30.2712, 120.1549), "P01": (30.2728, 120.1560)},
    )


def _binjiang() -> SiteSpec:
    return SiteSpec(
        code="BJ", name="滨江商务中心", address="杭州市滨江区江南大道1200号",
        areas=[("主楼", AreaKind.BUILDING), ("地下一层", AreaKind.BASEMENT), ("屋顶", AreaKind.ROOF)],
        checkpoints=[
            ("A01", "大堂前台", "主楼", Purpose.BOTH, False, LOBBY),
            ("A02", "1号客梯", "主楼", Purpose.CLEANING, False, LIFT),
            ("A03", "消防控制室", "主楼", Purpose.PATROL, False, []),
            ("A04", "地下一层车库", "地下一层", Purpose.PATROL, False, []),
            ("A05", "地下一层水泵房", "地下一层", Purpose.PATROL, False, []),
            ("A06", "屋顶机房", "屋顶", Purpose.PATROL, False, []),
        ],
        routes={"主楼巡更": [("A01", 0), ("A03", 1), ("A04", 2), ("A05", 1.5), ("A06", 4)]},
        templates=[("白班", time(7), time(19)), ("夜班", time(19), time(7))],
        patrol_plans=[dict(name="夜间巡更", route="主楼巡更", template="夜班", interval=180, window=30)],
        cleaning_plans=[dict(name="大堂电梯保洁", times="09:00", window=60, checkpoints=["A01", "A02"])],
        crews={"夜班": ("bj-lead", ["bj-guard"])},
    )


def _one(model, **keys):
    return db.session.scalar(select(model).filter_by(**keys))


def _get_or_create(model, defaults: dict | None = None, **keys):
    found = _one(model, **keys)
    if found is None:
        found = model(**keys, **(defaults or {}))
        db.session.add(found)
        db.session.flush()
    return found


def _site(company: Company, spec: SiteSpec) -> Site:
    site = _get_or_create(Site, dict(name=spec.name, address=spec.address, timezone="Asia/Shanghai"),
                          company_id=company.id, code=spec.code)
    areas = {name: _get_or_create(Area, dict(kind=kind), site_id=site.id, name=name) for name, kind in spec.areas}
    checkpoints = {}
    for code, name, area, purpose, photo, checklist in spec.checkpoints:
        lat, lng = spec.checkpoint_positions.get(code, (None, None))
        cp = _get_or_create(Checkpoint, dict(name=name, area_id=areas[area].id, purpose=purpose, photo_required=photo,
                                             lat=lat, lng=lng, radius_m=50.0 if lat else None),
                            site_id=site.id, code=code)
        if not cp.checklist:
            cp.checklist = [ChecklistItem(position=i, text=t) for i, t in enumerate(checklist)]
        checkpoints[code] = cp
    routes = {}
    for name, stops in spec.routes.items():
        route = _get_or_create(Route, site_id=site.id, name=name)
        if not route.stops:
            route.stops = [RouteStop(checkpoint_id=checkpoints[c].id, position=i, min_walk_minutes=w)
                           for i, (c, w) in enumerate(stops)]
        routes[name] = route
    templates = {name: _get_or_create(ShiftTemplate, dict(start_local=start, end_local=end), site_id=site.id, name=name)
                 for name, start, end in spec.templates}
    for p in spec.patrol_plans:
        _get_or_create(PatrolPlan, dict(route_id=routes[p["route"]].id, shift_template_id=templates[p["template"]].id,
                                        interval_minutes=p.get("interval"), times_local=p.get("times", ""),
                                        window_minutes=p["window"]),
                       site_id=site.id, name=p["name"])
    for p in spec.cleaning_plans:
        plan = _get_or_create(CleaningPlan, dict(times_local=p["times"], window_minutes=p["window"]),
                              site_id=site.id, name=p["name"])
        if not plan.checkpoints:
            plan.checkpoints = [checkpoints[c] for c in p["checkpoints"]]
    db.session.flush()
    return site


def _people(company: Company, sites: dict[str, Site]) -> dict[str, Person]:
    people = {}
    for login, password, role, name, site_codes in ACCOUNTS:
        person = _one(Person, login=login)
        if person is None:
            person = Person(company_id=company.id, login=login, name=name, role=role, language="zh")
            db.session.add(person)
        person.set_password(password)  # the README's passwords work again after a change
        person.active = True
        person.sites = [sites[c] for c in site_codes]
        people[login] = person
    db.session.flush()
    for person in people.values():
        if person.role in (Role.GUARD, Role.CLEANER, Role.LEAD):
            _get_or_create(Device, dict(person_id=person.id, label="演示手机"), client_id=f"demo-{person.login}")
    return people


def _rosters(site: Site, spec: SiteSpec, people: dict[str, Person], today: date) -> list[Shift]:
    tz = ZoneInfo(site.timezone)
    shifts = []
    for template in db.session.scalars(select(ShiftTemplate).where(ShiftTemplate.site_id == site.id)):
        crew = spec.crews.get(template.name)
        if crew is None:
            continue
        lead, staff = crew
        for offset in range(-HISTORY_DAYS, 2):
            day = today + timedelta(days=offset)
            starts, ends = shift_window(day, template.start_local, template.end_local, tz)
            shift = _get_or_create(Shift, dict(site_id=site.id, starts_at=starts, ends_at=ends, lead_id=people[lead].id),
                                   template_id=template.id, local_date=day)
            if not shift.members:
                shift.members = [ShiftMember(person_id=people[s].id) for s in staff]
            shifts.append(shift)
    db.session.flush()
    return shifts


def _key(*parts) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts))


@dataclass
class _History:
    """Collects the field records of the demo, skipping any that exist already."""

    known: set[uuid.UUID]
    devices: dict[int, int]
    now: datetime
    added: int = 0

    def add(self, record, person: Person, shift: Shift, at: datetime, delay_s: float = 30.0, skew_s: float = 0.0):
        if record.client_uuid in self.known or at > self.now:
            return None
        record.site_id, record.person_id, record.shift_id = shift.site_id, person.id, shift.id
        record.device_id = self.devices.get(person.id)
        record.device_time = at + timedelta(seconds=skew_s)
        record.clock_offset_s = skew_s
        record.captured_at = at
        record.received_at = min(at + timedelta(seconds=delay_s), self.now)
        db.session.add(record)
        self.known.add(record.client_uuid)
        self.added += 1
        return record


def _walk_rounds(h: _History, site: Site, shift: Shift, people: dict[str, Person], rng: random.Random, days_ago: int):
    tz = ZoneInfo(site.timezone)
    guard = next((m.person for m in shift.members if m.person.role == Role.GUARD), None)
    if guard is None:
        return
    plans = db.session.scalars(select(PatrolPlan).where(PatrolPlan.site_id == site.id,
                                                         PatrolPlan.shift_template_id == shift.template_id))
    for plan in plans:
        for n, due in enumerate(due_in_shift(plan, shift)):
            local = to_local(due.opens_at, tz)
            tag = (site.code, shift.template.name, days_ago, local.strftime("%H:%M"))
            if tag in _SKIPPED_ROUNDS:
                continue  # round not started at all
            start_delay = 75 if tag in _LATE_ROUNDS else rng.uniform(1, 12)
            at = due.opens_at + timedelta(minutes=start_delay)
            for stop in plan.route.stops:
                code = stop.checkpoint.code
                if (*tag, code) in _MISSED_STOPS:
                    continue
                fast = (*tag, code) in _FAST_STOPS
                at += timedelta(seconds=20) if fast else timedelta(minutes=stop.min_walk_minutes + rng.uniform(0.3, 2.5))
                underground = code.startswith(("D", "P"))
                scan = Scan(client_uuid=_key("scan", shift.id, plan.id, n, stop.position), checkpoint_id=stop.checkpoint_id)
                if stop.checkpoint.lat is not None:
                    scan.lat, scan.lng, scan.accuracy_m = stop.checkpoint.lat, stop.checkpoint.lng, 12.0
                # underground scans wait in the phone's queue until the guard comes up again
                h.add(scan, guard, shift, at, delay_s=rng.uniform(600, 1500) if underground else rng.uniform(2, 20),
                      skew_s=95.0 if guard.login == "guard2" else 0.0)


def _clean(h: _History, site: Site, shift: Shift, rng: random.Random, days_ago: int):
    tz = ZoneInfo(site.timezone)
    cleaners = [m.person for m in shift.members if m.person.role == Role.CLEANER]
    if not cleaners:
        return
    plans = db.session.scalars(select(CleaningPlan).where(CleaningPlan.site_id == site.id))
    for plan in plans:
        for n, due in enumerate(due_in_shift(plan, shift)):
            local = to_local(due.opens_at, tz).strftime("%H:%M")
            for k, cp in enumerate(plan.checkpoints):
                tag = (site.code, days_ago, local, cp.code)
                if tag in _MISSED_CLEANING:
                    continue
                cleaner = cleaners[k % len(cleaners)]
                at = due.opens_at + timedelta(minutes=rng.uniform(3, plan.window_minutes - 5) + (50 if tag in _LATE_CLEANING else 0))
                check = CleaningCheck(client_uuid=_key("clean", shift.id, plan.id, n, cp.id))
                failed_item, note = _FAILED_ITEMS.get(tag, (None, ""))
                check.results = [CleaningResult(item_id=item.id, passed=item.text != failed_item,
                                                note=note if item.text == failed_item else "") for item in cp.checklist]
                check.checkpoint_id = cp.id
                h.add(check, cleaner, shift, at, delay_s=rng.uniform(2, 60))


# The realistic troubles of the demo week, keyed by (site, shift, days ago, local round time[, checkpoint]).
_MISSED_STOPS = {("CHG", "夜班", 2, "02:00", "P01"), ("CHG", "夜班", 4, "22:00", "D03")}
_FAST_STOPS = {("CHG", "夜班", 5, "00:00", "D02")}
_LATE_ROUNDS = {("CHG", "白班", 3, "13:00")}
_SKIPPED_ROUNDS = {("CHG", "夜班", 4, "04:00"), ("BJ", "夜班", 2, "01:00")}
_FAILED_ITEMS = {
    ("CHG", 1, "14:00", "B21"): ("地面干净无水渍", "雨天地面有水渍，已放置警示牌"),
    ("CHG", 3, "08:00", "B32"): ("轿厢壁无手印", "轿厢壁手印较多，待二次清洁"),
    ("CHG", 2, "16:00", "O03"): ("地面无散落垃圾", "清运车未到，垃圾外溢"),
}
_MISSED_CLEANING = {("CHG", 2, "10:00", "B43")}
_LATE_CLEANING = {("CHG", 4, "14:00", "B12")}


def _incidents(h: _History, site: Site, shifts: list[Shift], people: dict[str, Person]):
    if site.code != "CHG":
        return
    by_day = {(s.template.name, s.local_date): s for s in shifts}
    pump = _one(Checkpoint, site_id=site.id, code="P01")
    items = [
        ("漏水", 1, "夜班", IncidentKind.LEAK, Severity.HIGH, "生活水泵房2号泵密封处漏水，地面积水约2平方米，已通知工程部", pump, "", "guard2", None),
        ("门禁", 3, "白班", IncidentKind.SECURITY, Severity.MEDIUM, "北门车辆道闸抬杆后不落，已手动放下并报修", None, "北门车辆道闸", "guard", 5),
        ("灭火器", 5, "白班", IncidentKind.FIRE_SAFETY, Severity.LOW, "3号楼5层灭火器压力不足", None, "3号楼5层楼梯口", "guard", 20),
    ]
    for key, days_ago, template, kind, severity, text, checkpoint, place, login, closed_after_h in items:
        shift = by_day.get((template, h.now.astimezone(ZoneInfo(site.timezone)).date() - timedelta(days=days_ago)))
        if shift is None:
            continue
        at = shift.starts_at + timedelta(hours=3, minutes=17)
        incident = Incident(client_uuid=_key("incident", site.code, key), kind=kind, severity=severity, description=text,
                            checkpoint_id=checkpoint.id if checkpoint else None, location_text=place,
                            closed_at=at + timedelta(hours=closed_after_h) if closed_after_h else None)
        h.add(incident, people[login], shift, at)


def build(now: datetime | None = None) -> list[tuple[str, str, str]]:
    """Create or complete the demo company; return the demo accounts as (login, password, role)."""
    now = now or utcnow()
    company = _get_or_create(Company, name=COMPANY)
    specs = [_cuihu(), _binjiang()]
    sites = {spec.code: _site(company, spec) for spec in specs}
    people = _people(company, sites)
    devices = {d.person_id: d.id for d in db.session.scalars(select(Device).where(Device.client_id.like("demo-%")))}
    known = set(db.session.scalars(select(Scan.client_uuid))) | set(db.session.scalars(select(CleaningCheck.client_uuid))) \
        | set(db.session.scalars(select(Incident.client_uuid)))
    history = _History(known=known, devices=devices, now=now)
    for spec in specs:
        site = sites[spec.code]
        today = now.astimezone(ZoneInfo(site.timezone)).date()
        shifts = _rosters(site, spec, people, today)
        recorded = set(db.session.scalars(select(Scan.shift_id).where(Scan.site_id == site.id).distinct())) \
            | set(db.session.scalars(select(CleaningCheck.shift_id).where(CleaningCheck.site_id == site.id).distinct()))
        for shift in shifts:
            if shift.starts_at > now or (shift.ends_at <= now and shift.id in recorded):
                continue  # not begun, or finished and already written: history is left as it is
            days_ago = (today - shift.local_date).days
            rng = random.Random(f"{site.code}/{shift.template.name}/{shift.local_date.isoformat()}")  # noqa: S311 (repeatable demo data)
            _walk_rounds(history, site, shift, people, rng, days_ago)
            _clean(history, site, shift, rng, days_ago)
        _incidents(history, site, shifts, people)
    for device in db.session.scalars(select(Device).where(Device.client_id.like("demo-%"))):
        device.last_sync_at = now  # the demo phones have sent everything they hold
    quality_demo.seed(company, sites, people, now)  # inspections, notices, violations, work orders (issue 10)
    plant_demo.seed(company, sites, people, now)  # plant rooms: equipment, readings, maintenance (issue 20)
    db.session.commit()
    return [(login, password, role.value) for login, password, role, _name, _sites in ACCOUNTS]
