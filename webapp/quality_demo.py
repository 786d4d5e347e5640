"""The demo company's quality supervision (品质管理): scoring sheets, the supervisor's weekly plan, a month of
inspections and self-inspections, rectification notices, violation tickets and work orders.

Called at the end of webapp.demo.build. Everything is found by a natural key first, and the whole month is written
once: the supervisor's phone (a Device) keeps when it last synced, and a later build adds only the inspections of
windows since then. Notices, tickets and work orders are written once, with every step of their lives taken through
the domain's apply functions and kept in QualityStep, so their histories are valid. Times are relative to `now`,
in the sites' zone; randomness is seeded, so two builds at the same instant write the same rows.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select

from webapp import quality_steps
from webapp.domain import lifecycles as life
from webapp.domain.inspection_plans import InspectionPlanSpec, windows
from webapp.domain.scoring import Answer, ItemSpec, TemplateSpec, score
from webapp.domain.timezones import local_to_utc, to_local, zone
from webapp.extensions import db
from webapp.models import (
    Area,
    AreaKind,
    Company,
    Device,
    Incident,
    Inspection,
    InspectionItem,
    InspectionPlan,
    InspectionResult,
    InspectionTemplate,
    Person,
    RectificationNotice,
    Site,
    ViolationTicket,
    WorkOrder,
)

NAMESPACE = uuid.UUID("0b7d3c1e-54a2-4f7e-9c11-3e6a9d2f8a41")
DAYS = 30  # a month of inspections
PHONE = "qa-demo-supervisor"  # the supervisor's phone: its last sync marks how far the demo's inspections go

# family, version, name, area kind, department, method, [(section, text, weight, critical, severity)]
_STAIR = [("卫生", "扶手、窗台无灰尘", 10, False, "medium"), ("卫生", "台阶无杂物", 10, False, "medium"),
          ("卫生", "地面干净无污渍", 10, False, "low"), ("卫生", "消防栓箱无灰尘", 10, False, "low"),
          ("安全", "消防通道无堵塞", 25, True, "critical"), ("安全", "应急照明完好", 10, False, "high")]
SHEETS = [
    ("demo-stairwell", 1, "楼梯间保洁检查标准", "stairwell", "environment", "deduction", _STAIR),
    ("demo-stairwell", 2, "楼梯间保洁检查标准", "stairwell", "environment", "deduction",
     _STAIR + [("卫生", "墙面无乱张贴", 10, False, "low"), ("安全", "楼梯间防火门闭门器完好", 10, False, "high")]),
    ("demo-lobby", 1, "单元大堂检查标准（5/3/1）", "lobby", "environment", "scale",
     [("卫生", "地面干净无水渍", 20, False, "medium"), ("卫生", "门窗玻璃无手印", 15, False, "low"),
      ("卫生", "信报箱无灰尘", 15, False, "low"), ("设施", "单元门及门禁完好", 20, False, "high"),
      ("卫生", "垃圾桶已清理、无异味", 15, False, "medium"), ("设施", "公告栏整洁、无过期通知", 15, False, "low")]),
    ("demo-lift", 1, "电梯轿厢检查标准", "lift_car", "environment", "deduction",
     [("卫生", "轿厢地面干净", 15, False, "medium"), ("卫生", "轿厢壁无手印", 10, False, "low"),
      ("卫生", "按钮面板无污渍", 10, False, "low"), ("卫生", "轿厢内无杂物、无小广告", 10, False, "low"),
      ("安全", "应急电话畅通", 20, False, "high"), ("安全", "照明及通风正常", 10, False, "medium")]),
    ("demo-plant", 1, "设备房检查标准", "plant_room", "engineering", "deduction",
     [("设备", "设备运行正常、无异响", 20, False, "high"), ("设备", "无渗漏", 15, False, "high"),
      ("记录", "维修保养记录完整", 15, False, "medium"), ("记录", "巡检记录按时填写", 10, False, "medium"),
      ("环境", "设备房地面及设备无积尘", 10, False, "low"), ("安全", "消防器材完好、在有效期内", 10, False, "high"),
      ("人员", "工程人员着装整齐", 5, False, "low")]),
    ("demo-gate", 1, "门岗检查标准", "gate", "security", "deduction",
     [("仪容仪表", "着装整齐、佩戴工牌", 10, False, "low"), ("仪容仪表", "站姿规范、精神饱满", 10, False, "low"),
      ("纪律", "当班无睡岗、无脱岗", 30, True, "critical"), ("记录", "来访登记记录完整", 10, False, "medium"),
      ("记录", "交接班记录完整", 15, False, "medium"), ("岗亭", "岗亭整洁、物品摆放有序", 5, False, "low"),
      ("岗亭", "对讲机电量充足、通话正常", 5, False, "medium")]),
    ("demo-roof", 1, "屋面检查标准", "roof", "environment", "deduction",
     [("卫生", "屋面整洁无杂物", 15, False, "low"), ("排水", "雨水口通畅", 20, False, "high"),
      ("设施", "防水层无破损", 15, False, "medium"), ("安全", "屋面门已上锁", 15, False, "high"),
      ("设施", "避雷设施完好", 10, False, "medium")]),
    ("demo-green", 1, "绿化及公共区域检查标准", "green_space", "environment", "deduction",
     [("绿化", "绿化带无垃圾、落叶", 15, False, "low"), ("道路", "主干道无烟头", 15, False, "low"),
      ("绿化", "草坪修剪整齐", 10, False, "low"), ("绿化", "树木无病虫害", 10, False, "medium"),
      ("设施", "儿童游乐设施完好", 15, False, "high"), ("卫生", "垃圾收集点整洁、无外溢", 15, False, "medium")]),
    ("demo-desk", 1, "客服前台检查标准", "front_desk", "front_desk", "deduction",
     [("仪容仪表", "着装整齐、佩戴工牌", 10, False, "low"), ("服务", "接待礼貌、用语规范", 15, False, "medium"),
      ("记录", "报事报修登记完整", 20, False, "medium"), ("记录", "报修处理结果及时回访", 20, False, "medium"),
      ("档案", "业主档案整理有序", 15, False, "low")]),
]
NOTES = {  # what the supervisor writes beside a failed item
    "扶手、窗台无灰尘": "3层至5层扶手积灰，窗台有烟灰", "台阶无杂物": "6层楼梯平台堆放纸箱",
    "地面干净无污渍": "1层楼梯口有油渍", "消防栓箱无灰尘": "消防栓箱表面积灰", "消防通道无堵塞": "消防通道堆放住户自行车和杂物",
    "应急照明完好": "4层应急照明灯不亮", "墙面无乱张贴": "墙面有小广告", "地面干净无水渍": "大堂地面有水渍，未放警示牌",
    "门窗玻璃无手印": "单元门玻璃手印较多", "轿厢壁无手印": "轿厢不锈钢壁手印明显", "按钮面板无污渍": "按钮面板有污渍",
    "应急电话畅通": "轿厢应急电话无人应答", "无渗漏": "2号泵出水管接头渗水", "维修保养记录完整": "本月保养记录缺两次",
    "巡检记录按时填写": "巡检记录未按时填写", "设备房地面及设备无积尘": "配电柜顶部积尘",
    "着装整齐、佩戴工牌": "未佩戴工牌", "站姿规范、精神饱满": "倚靠岗亭，站姿不规范", "交接班记录完整": "交接班记录缺少夜班签字",
    "来访登记记录完整": "来访登记漏记车牌", "雨水口通畅": "雨水口被落叶堵塞", "屋面门已上锁": "屋面门未上锁",
    "绿化带无垃圾、落叶": "中心花园绿化带落叶未清", "主干道无烟头": "主干道烟头较多", "垃圾收集点整洁、无外溢": "垃圾外溢，地面有污水",
    "报事报修登记完整": "两条报修未登记联系电话", "报修处理结果及时回访": "上周报修有三单未回访",
    "楼梯间防火门闭门器完好": "5层防火门闭门器损坏，门无法自动关闭", "信报箱无灰尘": "信报箱顶部积灰",
    "单元门及门禁完好": "单元门闭门器漏油，门禁读卡失灵", "垃圾桶已清理、无异味": "垃圾桶未及时清理，有异味",
    "公告栏整洁、无过期通知": "公告栏张贴过期通知", "轿厢地面干净": "轿厢地面有泥脚印", "轿厢内无杂物、无小广告": "轿厢内有小广告",
    "照明及通风正常": "轿厢风扇不转", "设备运行正常、无异响": "1号风机运行有异响", "消防器材完好、在有效期内": "灭火器过期未更换",
    "工程人员着装整齐": "维修人员未穿工服", "当班无睡岗、无脱岗": "当班人员离岗未报备", "岗亭整洁、物品摆放有序": "岗亭内杂物堆放，桌面凌乱",
    "对讲机电量充足、通话正常": "对讲机电量不足", "屋面整洁无杂物": "屋面有建筑垃圾", "防水层无破损": "女儿墙根部防水层开裂",
    "避雷设施完好": "避雷带一处脱焊", "草坪修剪整齐": "草坪过高未修剪", "树木无病虫害": "桂花树有虫害",
    "儿童游乐设施完好": "滑梯扶手松动", "接待礼貌、用语规范": "接待业主未使用规范用语", "业主档案整理有序": "业主档案未按楼栋归档",
}
# per site: (area name, sheet family) inspected on the supervisor's visits
ROUNDS = {
    "CHG": [("1号楼", "demo-stairwell"), ("2号楼", "demo-stairwell"), ("3号楼", "demo-stairwell"), ("4号楼", "demo-stairwell"),
            ("1号楼", "demo-lobby"), ("3号楼", "demo-lobby"), ("2号楼", "demo-lift"), ("4号楼", "demo-lift"),
            ("设备房", "demo-plant"), ("北门", "demo-gate"), ("南门", "demo-gate"), ("屋面", "demo-roof"),
            ("中心花园", "demo-green"), ("客服中心", "demo-desk")],
    "BJ": [("主楼", "demo-lobby"), ("主楼", "demo-lift"), ("地下一层", "demo-plant"), ("屋顶", "demo-roof")],
}
# supervisor's weekly plan: site, weekday (0 = Monday), hours
PLANS = [("CHG", 0, time(9), time(11, 30)), ("BJ", 2, time(9), time(11, 30)), ("CHG", 3, time(14), time(17, 30))]
# who is given a notice of each department, per site
ASSIGNEES = {"CHG": {"environment": ["cleaner", "cleaner2"], "security": ["guard", "guard2"], "engineering": ["engineer"],
                     "front_desk": ["desk"]},
             "BJ": {"environment": ["bj-lead"], "security": ["bj-guard"], "engineering": ["engineer"]}}


def _key(*parts) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts))


def _one(model, **keys):
    return db.session.scalar(select(model).filter_by(**keys))


@dataclass
class _Context:
    company: Company
    sites: dict[str, Site]
    people: dict[str, Person]
    now: datetime
    since: datetime | None  # the previous build's instant, None at the first
    device: Device
    sheets: dict[tuple[str, int], InspectionTemplate]


# ---- scoring sheets and plans ------------------------------------------------------------------------------------

def _sheets(ctx: _Context) -> None:
    for family, version, name, kind, department, method, items in SHEETS:
        sheet = _one(InspectionTemplate, family=family, version=version)
        if sheet is None:
            latest = max(v for f, v, *_rest in SHEETS if f == family)
            sheet = InspectionTemplate(
                company_id=ctx.company.id, family=family, version=version, name=name, area_kind=kind,
                department=department, method=method, active=version == latest,
                created_at=ctx.now - timedelta(days=DAYS + 30 if version == 1 else 12), created_by_id=ctx.people["supervisor"].id,
                items=[InspectionItem(position=i, section=s, text=t, weight=w, critical=c, severity=sev)
                       for i, (s, t, w, c, sev) in enumerate(items)])
            db.session.add(sheet)
            db.session.flush()
        ctx.sheets[(family, version)] = sheet


def _sheet_for(ctx: _Context, family: str, at: datetime) -> InspectionTemplate:
    """The version of a sheet in use at that instant (the newest one created before it)."""
    versions = sorted((v, s) for (f, v), s in ctx.sheets.items() if f == family)
    chosen = versions[0][1]
    for _version, sheet in versions:
        if sheet.created_at <= at:
            chosen = sheet
    return chosen


def _plans(ctx: _Context) -> list[InspectionPlan]:
    plans = []
    for code, weekday, starts, ends in PLANS:
        site = ctx.sites[code]
        plan = _one(InspectionPlan, site_id=site.id, inspector_id=ctx.people["supervisor"].id, weekday=weekday, starts=starts)
        if plan is None:
            plan = InspectionPlan(site_id=site.id, inspector_id=ctx.people["supervisor"].id, weekday=weekday, starts=starts,
                                  ends=ends)
            db.session.add(plan)
        plans.append(plan)
    if "客服中心" not in _areas(ctx.sites["CHG"]):
        db.session.add(Area(site_id=ctx.sites["CHG"].id, name="客服中心", kind=AreaKind.BUILDING))
    db.session.flush()
    return plans


# ---- inspections -------------------------------------------------------------------------------------------------

def _inspect(ctx: _Context, person: Person, site: Site, area: Area, sheet: InspectionTemplate, at: datetime,
             rng: random.Random, key: tuple, *, self_check: bool = False, fail: str | None = None) -> Inspection | None:
    """One scored inspection through the domain's scoring, unless it exists (its key) or lies in the future."""
    client_uuid = _key("inspection", *key)
    if at > ctx.now or _one(Inspection, client_uuid=client_uuid) is not None:
        return None
    spec = TemplateSpec(sheet.id, sheet.version, sheet.method,
                        tuple(ItemSpec(i.id, i.section, i.text, i.weight, i.critical) for i in sheet.items),
                        sheet.full_marks, sheet.pass_mark)
    answers = []
    for item in sheet.items:
        failed = item.text == fail or (not item.critical and rng.random() < (0.06 if self_check else 0.1))
        if sheet.method == "scale":
            value = 1 if failed else rng.choice((5, 5, 5, 3))
        else:
            value = 0 if failed else 1
        answers.append(Answer(item.id, value))
    result = score(spec, answers)
    inspection = Inspection(
        client_uuid=client_uuid, site_id=site.id, person_id=person.id, device_id=ctx.device.id if not self_check else None,
        device_time=at, captured_at=at, received_at=min(at + timedelta(minutes=rng.uniform(1, 40)), ctx.now),
        template_id=sheet.id, area_id=area.id, self_check=self_check, points=result.points, max_points=result.max_points,
        percent=result.percent, passed=result.passed, signature=None,
        note="" if result.passed else "本次检查不合格，已下发整改通知",
        results=[InspectionResult(item_id=item.id, value=a.value, failed=item.id in result.failed_items,
                                  note=NOTES.get(item.text, "现场检查不合格") if item.id in result.failed_items else "")
                 for item, a in zip(sheet.items, answers, strict=True)])
    db.session.add(inspection)
    return inspection


def _areas(site: Site) -> dict[str, Area]:
    return {a.name: a for a in db.session.scalars(select(Area).where(Area.site_id == site.id))}


def _visits(ctx: _Context, plans: list[InspectionPlan]) -> None:
    """The supervisor's visits in the month (or since the last build): most on time, one late and one missed."""
    start = ctx.since or ctx.now - timedelta(days=DAYS)
    specs = [InspectionPlanSpec(p.id, p.site_id, p.inspector_id, p.weekday, p.starts, p.ends, p.site.timezone) for p in plans]
    wins = windows(specs, start - timedelta(days=1), ctx.now)
    by_site = {s.id: s for s in ctx.sites.values()}
    gone = [w for w in wins if w.ends_at + timedelta(hours=24) < ctx.now]
    # the first build leaves last week's 滨江 visit undone, and makes the last Thursday visit a day late
    missed = max((w for w in gone if by_site[w.site_id].code == "BJ"), key=lambda w: w.starts_at, default=None)
    late = max((w for w in gone if by_site[w.site_id].code == "CHG"
                and to_local(w.starts_at, zone(by_site[w.site_id].timezone)).weekday() == 3),
               key=lambda w: w.starts_at, default=None)
    critical_done = False
    supervisor = ctx.people["supervisor"]
    for w in wins:
        site = by_site[w.site_id]
        tz = zone(site.timezone)
        day = to_local(w.starts_at, tz).date()
        if ctx.since is None and w == missed:
            continue
        rng = random.Random(f"quality/{site.code}/{day.isoformat()}")  # noqa: S311 (repeatable demo data)
        at = local_to_utc(day + timedelta(days=1), time(9, 20), tz) if ctx.since is None and w == late \
            else w.starts_at + timedelta(minutes=rng.uniform(5, 30))
        if at <= start:
            continue
        areas = _areas(site)
        for n, (area_name, family) in enumerate(rng.sample(ROUNDS[site.code], k=min(4, len(ROUNDS[site.code])))):
            sheet = _sheet_for(ctx, family, at)
            fail = None
            if ctx.since is None and not critical_done and family == "demo-stairwell" and at < ctx.now - timedelta(days=8):
                fail, critical_done = "消防通道无堵塞", True
            _inspect(ctx, supervisor, site, areas[area_name], sheet, at, rng, (site.code, day.isoformat(), n), fail=fail)
            at += timedelta(minutes=rng.uniform(15, 30))


def _self_checks(ctx: _Context) -> None:
    """The site manager's own inspections (自检) on Friday afternoons, counted apart."""
    manager = ctx.people["manager"]
    start = ctx.since or ctx.now - timedelta(days=DAYS)
    for code in ("CHG", "BJ"):
        site = ctx.sites[code]
        tz = zone(site.timezone)
        areas = _areas(site)
        today = to_local(ctx.now, tz).date()
        for back in range(DAYS + 1):
            day = today - timedelta(days=back)
            if day.weekday() != (4 if code == "CHG" else 1):
                continue
            at = local_to_utc(day, time(15, 10), tz)
            if at <= start:
                continue
            rng = random.Random(f"quality/self/{code}/{day.isoformat()}")  # noqa: S311 (repeatable demo data)
            area_name, family = rng.choice(ROUNDS[code])
            _inspect(ctx, manager, site, areas[area_name], _sheet_for(ctx, family, at), at, rng, ("self", code, day.isoformat()),
                     self_check=True)


# ---- rectification notices (整改通知单) ------------------------------------------------------------------------------

def _keep_notice(ctx: _Context, site: Site, result: InspectionResult, inspection: Inspection, assignee: Person,
                 script: list[tuple[str, timedelta, str, datetime | None]]) -> None:
    """A notice from a failed item, its life taken step by step through the domain, and every step kept."""
    item = result.item
    issued = inspection.captured_at + timedelta(minutes=20)
    deadline = life.default_deadline(item.severity, issued)
    state = life.issue_notice(ctx.people["supervisor"].id, assignee.id, deadline, issued, note=result.note)
    for action, after, note, new_deadline in script:
        at = min(state.deadline + after if action == "submit_late" else state.history[-1].at + after, ctx.now)
        action = "submit" if action == "submit_late" else action
        actor = assignee.id if action == "submit" else ctx.people["supervisor"].id
        state = life.apply_notice(state, life.Step(action, actor, at, note, deadline=new_deadline))
    row = RectificationNotice(
        site_id=site.id, source="inspection", inspection_result_id=result.id, area_id=inspection.area_id,
        location_text=inspection.area.name if inspection.area else "", description=f"{item.text}：{result.note}",
        severity=item.severity if item.severity in life.DEFAULT_DEADLINES else "medium",
        department=inspection.template.department, issuer_id=state.issuer_id, assignee_id=state.assignee_id,
        state=state.state, issued_at=state.issued_at, deadline=state.deadline, submitted_at=state.submitted_at,
        closed_at=state.closed_at, closed_on_time=state.closed_on_time, recheck_failures=state.recheck_failures)
    db.session.add(row)
    db.session.flush()
    for step in state.history:
        quality_steps.keep("notice", row.id, step)


def _notices(ctx: _Context) -> None:
    """From the month's failed items: closed on time, closed late, two overdue, one re-check failed, one awaiting it."""
    found = db.session.execute(
        select(InspectionResult, Inspection).join(Inspection, Inspection.id == InspectionResult.inspection_id)
        .where(InspectionResult.failed.is_(True), Inspection.self_check.is_(False),
               Inspection.person_id == ctx.people["supervisor"].id)
        .order_by(Inspection.captured_at, InspectionResult.id)).all()
    by_site = {s.id: s for s in ctx.sites.values()}
    taken: set[int] = set()
    turns: dict[tuple[str, str], int] = {}

    def pick(code: str, newest: bool, fits) -> tuple | None:
        for result, inspection in (reversed(found) if newest else found):
            site = by_site[inspection.site_id]
            logins = ASSIGNEES[site.code].get(inspection.template.department)
            if site.code != code or result.id in taken or not logins or not fits(result, inspection):
                continue
            taken.add(result.id)
            turn = turns.get((site.code, inspection.template.department), 0)
            turns[(site.code, inspection.template.department)] = turn + 1
            return site, result, inspection, ctx.people[logins[turn % len(logins)]]
        return None

    now, day = ctx.now, timedelta(days=1)

    def older(days: float):
        return lambda r, i: i.captured_at < now - timedelta(days=days) and r.item.severity in ("medium", "low", "high")

    def overdue(r, i) -> bool:
        return life.default_deadline(r.item.severity, i.captured_at + timedelta(minutes=20)) < now - timedelta(hours=6)

    scripts = [  # site, newest first?, which failure fits, the steps after the issue
        ("CHG", True, lambda r, i: i.captured_at < now - timedelta(hours=6),
         [("submit", timedelta(hours=3), "已清理完毕，附整改后照片", None)]),  # waiting for the re-check
        ("CHG", True, overdue, []),  # overdue, untouched
        ("CHG", True, overdue, []),  # overdue, untouched
        ("CHG", True, older(3), [("submit", timedelta(hours=20), "已整改", None),
                                 ("fail", timedelta(hours=4), "复查仍不合格，请彻底整改", now + 2 * day)]),
        ("CHG", False, older(10), [("submit", timedelta(hours=10), "已整改完毕", None), ("pass", timedelta(hours=5), "复查合格", None)]),
        ("CHG", False, older(10), [("submit", timedelta(hours=6), "已整改完毕", None), ("pass", timedelta(hours=3), "复查合格", None)]),
        ("BJ", False, older(10), [("submit", timedelta(hours=8), "已整改", None), ("pass", timedelta(hours=20), "复查合格", None)]),
        ("CHG", False, older(10), [("submit_late", timedelta(hours=14), "人手不足，延迟整改", None),
                                   ("pass", timedelta(hours=4), "复查合格", None)]),
        ("CHG", False, older(10), [("submit_late", timedelta(days=1), "已整改", None), ("pass", timedelta(hours=6), "复查合格", None)]),
    ]
    for code, newest, fits, script in scripts:
        chosen = pick(code, newest, fits)
        if chosen is not None:
            site, result, inspection, assignee = chosen
            _keep_notice(ctx, site, result, inspection, assignee, script)


# ---- violation tickets (违纪处罚单) -----------------------------------------------------------------------------------

VIOLATIONS = [  # site, person, rule, points, days ago, description, [(action, actor, hours after, note)]
    ("CHG", "guard2", "asleep_on_duty", 10, 12, "凌晨3:40巡查发现北门岗当班睡岗",
     [("acknowledge", "guard2", 20, "")]),
    ("CHG", "guard", "uniform", 3, 3, "当班未穿制服外套、未佩戴工牌",
     [("contest", "guard", 6, "当天制服送洗，已提前向班长报备，工牌在岗亭内")]),
    ("BJ", "bj-guard", "missed_round", 5, 9, "夜班01:00巡更未执行",
     [("contest", "bj-guard", 8, "手机在地下室没有信号，巡更记录晚上传，实际已巡"),
      ("overturn", "manager", 30, "核实巡更记录后补传，按时完成，撤销处罚")]),
    ("CHG", "cleaner2", "records", 2, 1, "保洁检查记录漏填两次", []),
]


def _violations(ctx: _Context) -> None:
    for code, login, rule, points, days_ago, text, steps in VIOLATIONS:
        site, person = ctx.sites[code], ctx.people[login]
        if _one(ViolationTicket, site_id=site.id, person_id=person.id, description=text) is not None:
            continue
        at = ctx.now - timedelta(days=days_ago)
        v = life.issue_violation(ctx.people["supervisor"].id, person.id, points, at, note=text)
        for action, actor, hours, note in steps:
            v = life.apply_violation(v, life.Step(action, ctx.people[actor].id, min(at + timedelta(hours=hours), ctx.now), note))
        decided = v.history[-1].at if v.state in ("upheld", "overturned") else None
        row = ViolationTicket(site_id=site.id, person_id=person.id, issuer_id=v.issuer_id, rule=rule, description=text,
                              points=v.points, state=v.state, issued_at=at, decided_at=decided)
        db.session.add(row)
        db.session.flush()
        for step in v.history:
            quality_steps.keep("violation", row.id, step)


# ---- work orders (报修工单) ----------------------------------------------------------------------------------------

ORDERS = [  # site, description, category, raised by, hours ago (or the incident), place, resident, incident key, steps
    ("CHG", "2号楼1单元1502业主来电：卫生间顶部漏水，楼上疑似水管爆裂", "urgent", "desk", 2.0, "2号楼1单元1502", "王女士（1502）", None,
     [("assign", "desk", 0.1)]),
    ("CHG", "3号楼地下车库B1-C区照明灯不亮三盏", "electrical", "desk", 1.0, "地下车库B1-C区", "", None, []),
    ("CHG", "1号楼2单元楼道声控灯不亮", "electrical", "desk", 4.0, "1号楼2单元5层", "陈先生（1-2-502）", None,
     [("assign", "desk", 0.3)]),
    ("CHG", "中心花园喷灌管破裂", "plumbing", "manager", 6.0, "中心花园东侧", "", None,
     [("assign", "manager", 0.2), ("start", "engineer", 1.0)]),
    ("CHG", "生活水泵房2号泵密封处漏水", "urgent", "lead2", None, "生活水泵房", "", "漏水",
     [("assign", "lead2", 0.1), ("start", "engineer", 0.4), ("finish", "engineer", 3.0, "更换2号泵机械密封，试运行正常")]),
    ("CHG", "4号楼3单元801业主来电：厨房水龙头滴水", "plumbing", "desk", 5 * 24.0, "4号楼3单元801", "刘先生（4-3-801）", None,
     [("assign", "desk", 0.5), ("start", "engineer", 3.0), ("finish", "engineer", 1.0, "更换水龙头阀芯"),
      ("follow_up", "desk", 20.0, "业主反映仍有滴水", "unsatisfied"), ("reopen", "desk", 0.2, "业主不满意，重新派单维修")]),
    ("CHG", "北门车辆道闸抬杆后不落", "electrical", "guard", None, "北门车辆道闸", "", "门禁",
     [("assign", "lead", 0.1), ("start", "engineer", 0.5), ("finish", "engineer", 2.0, "更换道闸地感线圈"),
      ("follow_up", "desk", 20.0, "", "satisfied")]),
    ("CHG", "3号楼5层灭火器压力不足", "facility", "guard", None, "3号楼5层楼梯口", "", "灭火器",
     [("assign", "manager", 1.0), ("start", "engineer", 18.0), ("finish", "engineer", 1.0, "更换灭火器两具"),
      ("follow_up", "desk", 24.0, "", "satisfied"), ("archive", "desk", 2.0)]),
    ("BJ", "12层会议室空调不制冷", "facility", "bj-lead", 20.0, "主楼12层会议室", "前台转租户来电", None,
     [("assign", "bj-lead", 0.5), ("start", "engineer", 2.0)]),
]


def _orders(ctx: _Context) -> None:
    from webapp.demo import NAMESPACE as DEMO_NAMESPACE  # the demo's incidents are keyed in its own namespace

    for code, text, category, by, hours_ago, place, resident, incident_key, steps in ORDERS:
        site = ctx.sites[code]
        if _one(WorkOrder, site_id=site.id, description=text) is not None:
            continue
        incident = None
        if incident_key is not None:
            incident = _one(Incident, client_uuid=uuid.uuid5(DEMO_NAMESPACE, f"incident/{code}/{incident_key}"))
            if incident is None:
                continue  # the demo week does not hold that incident
            at = incident.captured_at + timedelta(minutes=10)
        else:
            at = ctx.now - timedelta(hours=hours_ago or 0)
        order = life.raise_order(ctx.people[by].id, category, at)
        for action, actor, hours, *rest in steps:
            note, value = (rest[0] if rest else ""), (rest[1] if len(rest) > 1 else None)
            step_at = min(order.history[-1].at + timedelta(hours=hours), ctx.now)
            assignee = ctx.people["engineer"].id if action in ("assign", "reassign") else None
            order = life.apply_order(order, life.Step(action, ctx.people[actor].id, step_at, note, assignee_id=assignee,
                                                      value=value))
        row = WorkOrder(site_id=site.id, incident_id=incident.id if incident else None, category=category, description=text,
                        location_text=place, checkpoint_id=incident.checkpoint_id if incident else None, reporter=resident,
                        raised_by_id=order.raised_by, raised_at=order.raised_at, due_at=order.due_at,
                        assignee_id=order.assignee_id, state=order.state, started_at=order.started_at, done_at=order.done_at,
                        satisfied=order.satisfied, archived_at=order.archived_at)
        db.session.add(row)
        db.session.flush()
        for step in order.history:
            quality_steps.keep("work_order", row.id, step)


def seed(company: Company, sites: dict[str, Site], people: dict[str, Person], now: datetime) -> None:
    """Write what is missing of the demo's quality supervision, up to `now`."""
    device = _one(Device, client_id=PHONE)
    if device is None:
        device = Device(client_id=PHONE, person_id=people["supervisor"].id, label="品质督导手机")
        db.session.add(device)
        db.session.flush()
    since = device.last_sync_at
    if since is not None and since >= now:
        return  # everything up to now is written already
    ctx = _Context(company, sites, people, now, since, device, {})
    _sheets(ctx)
    plans = _plans(ctx)
    _visits(ctx, plans)
    _self_checks(ctx)
    db.session.flush()
    if since is None:
        _notices(ctx)
    _violations(ctx)
    _orders(ctx)
    device.last_sync_at = now
    db.session.flush()
