"""Inspection plans: a manager says which supervisor inspects a site on which weekday and hours; supervisors read them."""
from __future__ import annotations

from datetime import time

from sqlalchemy import select

from tests.conftest import csrf_from, sign_in
from webapp.extensions import db
from webapp.models import AuditEntry, InspectionPlan


def _client(app, login):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def _post(client, path, **data):
    token = csrf_from(client.get("/", follow_redirects=True).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def test_a_manager_plans_a_weekly_visit_and_stops_it_and_the_supervisor_reads_it(world, app):
    manager, supervisor = _client(app, "manager"), _client(app, "supervisor")
    path = f"/sites/{world.site_a.id}/inspection-plans"
    page = manager.get(path).get_data(as_text=True)
    assert "supervisor 名字" in page  # the site's supervisor is offered
    added = _post(manager, path, inspector_id=world.people["supervisor"].id, weekday="2", starts="14:00", ends="17:30")
    assert added.status_code == 303
    plan = db.session.scalar(select(InspectionPlan))
    assert (plan.site_id, plan.weekday, plan.starts, plan.ends, plan.active) == (world.site_a.id, 2, time(14), time(17, 30), True)
    shown = supervisor.get(path).get_data(as_text=True)
    assert "周三 · 14:00–17:30 · supervisor 名字" in shown and "停用" not in shown.split("data-plan")[1][:400]
    assert _post(supervisor, path, inspector_id=world.people["supervisor"].id, weekday="0").status_code == 403

    stopped = _post(manager, f"{path}/{plan.id}/deactivate")
    assert stopped.status_code == 303
    db.session.refresh(plan)
    assert plan.active is False
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"inspection_plan_added", "inspection_plan_deactivated"} <= actions


def test_a_plan_that_ends_before_it_starts_or_names_no_supervisor_is_refused_in_the_persons_language(world, app):
    manager = _client(app, "manager")
    path = f"/sites/{world.site_a.id}/inspection-plans"
    backwards = _post(manager, path, inspector_id=world.people["supervisor"].id, weekday="0", starts="11:30", ends="09:00")
    assert backwards.status_code == 422
    assert "检查时段的结束时间须晚于开始时间（11:30–09:00）" in backwards.get_data(as_text=True)
    no_day = _post(manager, path, inspector_id=world.people["supervisor"].id, weekday="9", starts="09:00", ends="11:30")
    assert no_day.status_code == 422
    guard = _post(manager, path, inspector_id=world.people["guard"].id, weekday="0", starts="09:00", ends="11:30")
    assert guard.status_code == 422 and "请选择本项目的品质督导。" in guard.get_data(as_text=True)
    bad_time = _post(manager, path, inspector_id=world.people["supervisor"].id, weekday="0", starts="9h", ends="11:30")
    assert bad_time.status_code == 422 and "时间请写成 09:00 的格式。" in bad_time.get_data(as_text=True)
    assert db.session.scalar(select(InspectionPlan)) is None


def test_an_htmx_form_gets_the_plans_fragment_back(world, app):
    manager = _client(app, "manager")
    path = f"/sites/{world.site_a.id}/inspection-plans"
    token = csrf_from(manager.get(path).get_data(as_text=True))
    answer = manager.post(path, data={"csrf_token": token, "inspector_id": world.people["supervisor"].id, "weekday": "4",
                                      "starts": "09:00", "ends": "11:30"}, headers={"HX-Request": "true"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and html.startswith('<div id="inspection-plans">') and "周五 · 09:00–11:30" in html


def test_another_sites_plans_do_not_exist_for_a_manager_of_site_a(world, app):
    plan = InspectionPlan(site_id=world.site_b.id, inspector_id=world.people["supervisor"].id, weekday=0, starts=time(9),
                          ends=time(10))
    db.session.add(plan)
    db.session.commit()
    manager = _client(app, "manager")
    assert manager.get(f"/sites/{world.site_b.id}/inspection-plans").status_code == 404
    assert _post(manager, f"/sites/{world.site_a.id}/inspection-plans/{plan.id}/deactivate").status_code == 404
