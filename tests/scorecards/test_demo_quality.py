"""The demo company's month of quality supervision: every quality screen shows something true, once."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import FIXED_NOW, csrf_from, demo_at
from webapp import quality_steps
from webapp.demo import build
from webapp.domain import lifecycles as life
from webapp.extensions import db
from webapp.models import (
    Base,
    Inspection,
    InspectionTemplate,
    RectificationNotice,
    Site,
    ViolationTicket,
    WorkOrder,
)


def _counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def _signed_in(app, login: str, password: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"login": login, "password": password, "csrf_token": csrf_from(page)})
    return client


def _site(code: str) -> Site:
    return db.session.scalar(select(Site).where(Site.code == code))


def test_building_the_demo_again_adds_no_quality_rows(app):
    build(FIXED_NOW)
    first = _counts()
    build(FIXED_NOW)
    assert _counts() == first
    assert first["inspection"] > 20 and first["rectification_notice"] >= 8 and first["work_order"] >= 7


def test_a_later_build_adds_only_the_inspections_of_windows_since(app):
    build(FIXED_NOW)
    before = _counts()
    build(FIXED_NOW + timedelta(days=1, hours=7))  # past Thursday's 14:00–17:30 visit to 翠湖花园
    after = _counts()
    assert after["inspection"] > before["inspection"]
    for table in ("rectification_notice", "violation_ticket", "work_order", "quality_step", "inspection_template",
                  "inspection_plan"):
        assert after[table] == before[table], table


def test_the_month_holds_on_time_late_and_missed_visits_and_self_inspections_apart(app):
    demo_at(FIXED_NOW)
    assert db.session.scalar(select(func.count()).select_from(Inspection).where(Inspection.self_check)) >= 3
    assert db.session.scalar(select(func.min(Inspection.captured_at))) < FIXED_NOW - timedelta(days=25)
    assert db.session.scalar(select(func.count()).select_from(Inspection).where(Inspection.passed.is_(False))) >= 1
    stairwell = db.session.scalars(select(InspectionTemplate).where(InspectionTemplate.family == "demo-stairwell")
                                   .order_by(InspectionTemplate.version)).all()
    assert [(t.version, t.active) for t in stairwell] == [(1, False), (2, True)]
    used = set(db.session.scalars(select(Inspection.template_id).where(Inspection.template_id.in_([t.id for t in stairwell]))))
    assert used == {t.id for t in stairwell}  # old inspections keep version 1, new ones use version 2
    assert any(i.critical for t in stairwell for i in t.items)


def test_every_notice_ticket_and_order_has_a_history_the_rules_accept(app):
    demo_at(FIXED_NOW)
    for n in db.session.scalars(select(RectificationNotice)):
        steps = quality_steps.history("notice", n.id)
        state = life.issue_notice(steps[0].actor_id, steps[0].assignee_id, steps[0].deadline, steps[0].at, steps[0].note)
        for step in steps[1:]:
            state = life.apply_notice(state, step)
        assert (state.state, state.deadline, state.closed_on_time, state.recheck_failures) == \
            (n.state, n.deadline, n.closed_on_time, n.recheck_failures)
    for o in db.session.scalars(select(WorkOrder)):
        steps = quality_steps.history("work_order", o.id)
        state = life.raise_order(steps[0].actor_id, steps[0].value, steps[0].at)
        for step in steps[1:]:
            state = life.apply_order(state, step)
        assert (state.state, state.due_at, state.assignee_id) == (o.state, o.due_at, o.assignee_id)
    for v in db.session.scalars(select(ViolationTicket)):
        steps = quality_steps.history("violation", v.id)
        state = life.issue_violation(steps[0].actor_id, v.person_id, int(steps[0].value), steps[0].at, steps[0].note)
        for step in steps[1:]:
            state = life.apply_violation(state, step)
        assert state.state == v.state


def test_every_quality_state_the_issue_names_is_in_the_demo(app):
    demo_at(FIXED_NOW)
    notices = db.session.scalars(select(RectificationNotice).where(RectificationNotice.site_id == _site("CHG").id)).all()
    overdue = [n for n in notices if n.state == "open" and n.deadline < FIXED_NOW]
    assert len(overdue) == 2
    assert any(n.state == "submitted" for n in notices)
    assert any(n.state == "open" and n.recheck_failures for n in notices)
    assert any(n.closed_on_time for n in notices) and any(n.closed_on_time is False for n in notices)
    tickets = {v.state for v in db.session.scalars(select(ViolationTicket))}
    assert {"acknowledged", "contested", "overturned"} <= tickets
    orders = db.session.scalars(select(WorkOrder)).all()
    assert any(o.category == "urgent" and o.state in ("received", "assigned", "in_progress") and o.due_at < FIXED_NOW
               for o in orders)
    states = {o.state for o in orders}
    assert {"received", "assigned", "in_progress", "done", "archived"} <= states
    assert "followed_up" in states  # the resident was called back, not yet archived
    reopened = [o for o in orders if any(s.action == "reopen" for s in quality_steps.history("work_order", o.id))]
    assert reopened and any(s.value == "unsatisfied" for s in quality_steps.history("work_order", reopened[0].id))
    assert any(o.incident_id for o in orders) and any(o.reporter for o in orders)


def test_the_supervisors_board_shows_the_missed_visit_and_the_overdue_things(app):
    demo_at(FIXED_NOW)
    client = _signed_in(app, "supervisor", "Rounds-super-1")
    app.config["ROUNDS_NOW"] = FIXED_NOW
    bj = client.get(f"/sites/{_site('BJ').id}/quality").get_data(as_text=True)
    assert 'data-window="missed"' in bj  # last Wednesday's visit to 滨江商务中心 never happened
    chg = client.get(f"/sites/{_site('CHG').id}/quality").get_data(as_text=True)
    assert 'data-window="late"' in chg  # last Thursday's visit was made the next morning
    assert '<section class="card overdue" id="overdue-notices">' in chg
    for section in ("awaiting-recheck", "recheck-failed", "contested"):
        assert 'class="row' in chg.split(f'id="{section}"')[1].split("</section>")[0], section
    assert '<section class="card overdue" id="overdue-orders">' in chg and "漏水" in chg
    assert "当班未穿制服外套" in chg  # contested, waiting for the site manager


def test_the_demo_scorecards_and_a_guards_own_card_have_figures(app):
    demo_at(FIXED_NOW)
    app.config["ROUNDS_NOW"] = FIXED_NOW
    client = _signed_in(app, "manager", "Rounds-manager-1")
    page = client.get(f"/sites/{_site('CHG').id}/scorecards").get_data(as_text=True)
    assert "孙磊" in page and 'data-team="security"' in page and 'data-team="environment"' in page
    assert client.get(f"/sites/{_site('CHG').id}/scorecards.xlsx").status_code == 200
    own = _signed_in(app, "guard2", "Rounds-guard-2").get("/scorecards/mine").get_data(as_text=True)
    assert "凌晨3:40巡查发现北门岗当班睡岗" in own  # his own acknowledged ticket, its 10 points counted
    assert re.search(r'data-figure="violation_points"><dt>[^<]*</dt>\s*<dd>10</dd>', own)


@pytest.mark.parametrize("days", [2, 4, 5])  # Friday, Sunday, Monday
def test_the_demo_tells_the_same_story_whatever_day_it_is_built(app, days):
    now = FIXED_NOW + timedelta(days=days, hours=days * 3)
    build(now)
    notices = db.session.scalars(select(RectificationNotice).where(RectificationNotice.site_id == _site("CHG").id)).all()
    assert len([n for n in notices if n.state == "open" and n.deadline < now]) == 2
    assert [n.state for n in notices].count("submitted") == 1
    assert any(n.state == "open" and n.recheck_failures and n.deadline > now for n in notices)
    app.config["ROUNDS_NOW"] = now
    client = _signed_in(app, "supervisor", "Rounds-super-1")
    windows = client.get(f"/sites/{_site('BJ').id}/quality").get_data(as_text=True) + \
        client.get(f"/sites/{_site('CHG').id}/quality").get_data(as_text=True)
    assert 'data-window="missed"' in windows and 'data-window="late"' in windows
