"""A hand-built October at site A for the scorecards: night rounds across midnight, cleaning, inspections, notices,
violations; and small helpers that write quality records the way the services do (through the domain's steps)."""
from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import FIXED_NOW, World
from webapp import quality_steps
from webapp.assessments import picture
from webapp.domain import lifecycles as life
from webapp.domain.timezones import local_to_utc, zone
from webapp.extensions import db
from webapp.models import (
    CleaningCheck,
    CleaningResult,
    GapAction,
    Inspection,
    InspectionItem,
    InspectionTemplate,
    PatrolPlan,
    Person,
    RectificationNotice,
    Role,
    Route,
    Scan,
    Shift,
    Site,
    ViolationTicket,
    WorkOrder,
)

SHANGHAI = zone("Asia/Shanghai")


def local(day: date, hh: int, mm: int = 0) -> datetime:
    """A Shanghai wall time as a UTC instant."""
    return local_to_utc(day, time(hh, mm), SHANGHAI)


def figures(html: str, attribute: str, key) -> dict[str, str]:
    """The figures of one row of a scorecard table (data-person / data-team), by figure name."""
    row = re.search(rf'<tr {attribute}="{key}">(.*?)</tr>', html, re.S)
    assert row, f"no row {attribute}={key}"
    return {name: value.strip() for name, value in re.findall(r'data-figure="(\w+)">([^<]*)<', row.group(1))}


def scan(person: Person, checkpoint_id: int, site_id: int, at: datetime, received: datetime | None = None) -> Scan:
    s = Scan(client_uuid=uuid.uuid4(), site_id=site_id, person_id=person.id, checkpoint_id=checkpoint_id,
             device_time=at, captured_at=at, received_at=received or at)
    db.session.add(s)
    return s


def cleaning(person: Person, checkpoint, at: datetime, passed: bool) -> CleaningCheck:
    check = CleaningCheck(client_uuid=uuid.uuid4(), site_id=checkpoint.site_id, person_id=person.id,
                          checkpoint_id=checkpoint.id, device_time=at, captured_at=at, received_at=at,
                          results=[CleaningResult(item_id=checkpoint.checklist[0].id, passed=passed)])
    db.session.add(check)
    return check


def sheet(world: World, department: str, name: str = "楼梯间") -> InspectionTemplate:
    t = InspectionTemplate(company_id=world.company.id, name=name, area_kind="stairwell", department=department,
                           items=[InspectionItem(position=0, text="扶手无灰尘", weight=10)])
    db.session.add(t)
    db.session.flush()
    return t


def inspection(person: Person, site: Site, template: InspectionTemplate, area_id: int | None, at: datetime,
               percent: float, self_check: bool = False) -> Inspection:
    i = Inspection(client_uuid=uuid.uuid4(), site_id=site.id, person_id=person.id, device_time=at, captured_at=at,
                   received_at=at, template_id=template.id, area_id=area_id, self_check=self_check, points=percent,
                   max_points=100, percent=percent, passed=percent >= 80)
    db.session.add(i)
    return i


def notice(site: Site, issuer: Person, assignee: Person, issued: datetime, deadline: datetime,
           steps: list[life.Step] = (), description: str = "扶手积灰") -> RectificationNotice:
    """A notice whose life is taken through the domain, stored as the services store it."""
    state = life.issue_notice(issuer.id, assignee.id, deadline, issued)
    for step in steps:
        state = life.apply_notice(state, step)
    row = RectificationNotice(site_id=site.id, source="manual", description=description, issuer_id=issuer.id,
                              assignee_id=state.assignee_id, state=state.state, issued_at=issued, deadline=state.deadline,
                              submitted_at=state.submitted_at, closed_at=state.closed_at,
                              closed_on_time=state.closed_on_time, recheck_failures=state.recheck_failures)
    db.session.add(row)
    db.session.flush()
    for step in state.history:
        quality_steps.keep("notice", row.id, step)
    return row


def violation(site: Site, issuer: Person, person: Person, points: int, at: datetime, steps: list[life.Step] = (),
              rule: str = "uniform") -> ViolationTicket:
    v = life.issue_violation(issuer.id, person.id, points, at)
    for step in steps:
        v = life.apply_violation(v, step)
    row = ViolationTicket(site_id=site.id, person_id=person.id, issuer_id=issuer.id, rule=rule, description="未佩戴工牌",
                          points=points, state=v.state, issued_at=at)
    db.session.add(row)
    db.session.flush()
    for step in v.history:
        quality_steps.keep("violation", row.id, step)
    return row


def order(site: Site, raised_by: Person, category: str, at: datetime, steps: list[life.Step] = (),
          description: str = "水管漏水") -> WorkOrder:
    o = life.raise_order(raised_by.id, category, at)
    for step in steps:
        o = life.apply_order(o, step)
    row = WorkOrder(site_id=site.id, category=category, description=description, raised_by_id=raised_by.id, raised_at=at,
                    due_at=o.due_at, assignee_id=o.assignee_id, state=o.state, started_at=o.started_at)
    db.session.add(row)
    db.session.flush()
    for step in o.history:
        quality_steps.keep("work_order", row.id, step)
    return row


def night_rounds(world: World, day: date, guard: str) -> Shift:
    """A night shift starting `day` with two rounds due (23:30, and 01:00 the next morning) on a one-stop route."""
    shift = world.night_shift(day, staff=(guard,))
    route = db.session.scalar(select(Route).where(Route.site_id == shift.site_id, Route.name == f"路线 {day}"))
    db.session.add(PatrolPlan(site_id=shift.site_id, route_id=route.id, shift_template_id=shift.template_id,
                              name=f"夜巡 {day}", times_local="23:30,01:00", window_minutes=30, grace_minutes=15))
    db.session.commit()
    return shift


class October:
    """October 2026 at site A, seen on 25 November; the figures each person must get are worked out by hand."""

    def __init__(self, world: World):
        self.world = world
        site, cp = world.site_a, world.checkpoint_a
        p = world.people
        self.guard, self.cleaner, self.lead = p["guard"], p["cleaner"], p["lead"]
        self.guard2 = world.person("guard2", Role.GUARD, [site])
        supervisor, manager = p["supervisor"], p["manager"]
        # 29 Oct: guard2 walks both rounds on time
        night_rounds(world, date(2026, 10, 29), "guard2")
        scan(self.guard2, cp.id, site.id, local(date(2026, 10, 29), 23, 35))
        scan(self.guard2, cp.id, site.id, local(date(2026, 10, 30), 1, 5))
        # 30 Oct: the guard walks 23:30 on time; nobody starts the 01:00 round; the lead acknowledges that gap
        oct30 = night_rounds(world, date(2026, 10, 30), "guard")
        scan(self.guard, cp.id, site.id, local(date(2026, 10, 30), 23, 40))
        # 31 Oct into 1 Nov: 23:35 on time but synced five hours later; the 01:00 round (on 1 Nov) started late
        night_rounds(world, date(2026, 10, 31), "guard")
        scan(self.guard, cp.id, site.id, local(date(2026, 10, 31), 23, 35), received=local(date(2026, 11, 1), 4, 40))
        scan(self.guard, cp.id, site.id, local(date(2026, 11, 1), 1, 40))
        db.session.commit()
        missed = next(g for g in picture(oct30, FIXED_NOW).assessment.gaps if g.kind == "round_not_started")
        db.session.add(GapAction(shift_id=oct30.id, gap_key=missed.key, action="acknowledge", person_id=self.lead.id,
                                 at=local(date(2026, 10, 31), 9), text="对讲机故障，已报修"))
        # cleaning: three checks in October (one failed), the last on its last evening, and one on 1 November
        cleaning(self.cleaner, cp, local(date(2026, 10, 3), 10), True)
        cleaning(self.cleaner, cp, local(date(2026, 10, 17), 10), False)
        cleaning(self.cleaner, cp, local(date(2026, 10, 31), 19, 50), True)
        cleaning(self.cleaner, cp, local(date(2026, 11, 1), 8, 30), True)
        # inspections of the checkpoint's area: two of the environment (90, 70), one of security (80), one self-check
        environment, security = sheet(world, "environment"), sheet(world, "security", "门岗")
        inspection(supervisor, site, environment, cp.area_id, local(date(2026, 10, 8), 9, 30), 90)
        inspection(supervisor, site, environment, cp.area_id, local(date(2026, 10, 22), 9, 30), 70)
        inspection(supervisor, site, security, cp.area_id, local(date(2026, 10, 22), 10), 80)
        inspection(manager, site, environment, cp.area_id, local(date(2026, 10, 23), 15), 40, self_check=True)
        # notices to the cleaner: one closed on time; one open past its deadline at the month's end (fixed in November)
        issued = local(date(2026, 10, 10), 10)
        notice(site, supervisor, self.cleaner, issued, issued + timedelta(days=3),
               [life.Step("submit", self.cleaner.id, issued + timedelta(days=1), "已清洁"),
                life.Step("pass", supervisor.id, issued + timedelta(days=2))])
        issued = local(date(2026, 10, 20), 10)
        notice(site, supervisor, self.cleaner, issued, issued + timedelta(days=3),
               [life.Step("submit", self.cleaner.id, local(date(2026, 11, 2), 9), "已清洁")], description="窗台积灰")
        # violations of the guard: one acknowledged (5 points count), one contested (its 3 points do not)
        violation(site, supervisor, self.guard, 5, local(date(2026, 10, 12), 3),
                  [life.Step("acknowledge", self.guard.id, local(date(2026, 10, 12), 9))], rule="asleep_on_duty")
        violation(site, supervisor, self.guard, 3, local(date(2026, 10, 15), 10),
                  [life.Step("contest", self.guard.id, local(date(2026, 10, 15), 12), "制服送洗，已报备")])
        db.session.commit()


@pytest.fixture
def october(world, app) -> October:
    app.config["ROUNDS_NOW"] = FIXED_NOW
    return October(world)
