"""Patrol and cleaning plans, with a preview of the due times they give on a day, across midnight too."""
from __future__ import annotations

import re
from datetime import time

from sqlalchemy import select

from tests.conftest import FIXED_NOW
from tests.setup.conftest import audit, is_fragment, text
from webapp.extensions import db
from webapp.models import CleaningPlan, PatrolPlan, Role, Route, RouteStop, ShiftTemplate


def _site_with_shifts(world) -> dict:
    day = ShiftTemplate(site_id=world.site_a.id, name="白班", start_local=time(8), end_local=time(20))
    night = ShiftTemplate(site_id=world.site_a.id, name="夜班", start_local=time(20), end_local=time(8))
    route = Route(site_id=world.site_a.id, name="外围巡更", stops=[RouteStop(checkpoint_id=world.checkpoint_a.id, position=0)])
    db.session.add_all([day, night, route])
    db.session.commit()
    return {"day": day.id, "night": night.id, "route": route.id}


def _patrol(ids, **changes) -> dict:
    form = {"name": "夜间巡更", "route_id": str(ids["route"]), "shift_template_id": str(ids["night"]),
            "interval_minutes": "120", "times_local": "", "window_minutes": "30", "grace_minutes": "15", "active": "y",
            "preview_date": "2026-11-25"}
    return {**form, **changes}


def _due(html: str) -> list[str]:
    return re.findall(r"<strong>(\d{4}/\d\d/\d\d \d\d:\d\d)</strong>", html)


def test_a_night_shift_preview_runs_past_midnight_in_the_sites_time(manager, world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    ids = _site_with_shifts(world)
    answer = manager.get(f"/sites/{world.site_a.id}/setup/plans/patrol/preview", query_string=_patrol(ids), hx=True)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and is_fragment(answer) and 'id="preview"' in html
    assert "夜班 · 2026/11/25 20:00 – 2026/11/26 08:00" in text(html)
    assert _due(html) == ["2026/11/25 20:00", "2026/11/25 22:00", "2026/11/26 00:00", "2026/11/26 02:00",
                          "2026/11/26 04:00", "2026/11/26 06:00"]
    assert "00:30 前开始，00:45 后记为漏检" in text(html)


def test_a_plan_for_every_shift_is_previewed_in_each_of_them(manager, world):
    ids = _site_with_shifts(world)
    query = _patrol(ids, shift_template_id="", interval_minutes="", times_local="13:00, 1:00")
    html = manager.get(f"/sites/{world.site_a.id}/setup/plans/patrol/preview", query_string=query, hx=True).get_data(as_text=True)
    day, night = html.split("<h4>")[1:3]
    assert _due(day) == ["2026/11/25 13:00"] and _due(night) == ["2026/11/26 01:00"]


def test_a_cleaning_plan_preview_counts_the_morning_after_in_the_night_shift(manager, world):
    _site_with_shifts(world)
    query = {"name": "大堂保洁", "times_local": "07:00,21:00", "window_minutes": "60", "grace_minutes": "15",
             "preview_date": "2026-11-25"}
    html = manager.get(f"/sites/{world.site_a.id}/setup/plans/cleaning/preview", query_string=query, hx=True).get_data(as_text=True)
    day, night = html.split("<h4>")[1:3]
    assert _due(day) == [] and "此班次无应执行项" in text(day)
    assert _due(night) == ["2026/11/25 21:00", "2026/11/26 07:00"]


def test_a_site_without_shifts_previews_the_whole_local_day(manager, world):
    route = Route(site_id=world.site_a.id, name="R")
    db.session.add(route)
    db.session.commit()
    query = {"name": "x", "route_id": str(route.id), "interval_minutes": "360", "window_minutes": "30", "grace_minutes": "0",
             "preview_date": "2026-11-25"}
    html = manager.get(f"/sites/{world.site_a.id}/setup/plans/patrol/preview", query_string=query, hx=True).get_data(as_text=True)
    assert _due(html) == ["2026/11/25 00:00", "2026/11/25 06:00", "2026/11/25 12:00", "2026/11/25 18:00"]


def test_a_time_that_is_not_a_time_shows_beside_the_field_while_previewing(manager, world):
    ids = _site_with_shifts(world)
    query = _patrol(ids, interval_minutes="", times_local="09:00, 25:00")
    answer = manager.get(f"/sites/{world.site_a.id}/setup/plans/patrol/preview", query_string=query, hx=True)
    html = answer.get_data(as_text=True)
    oob = re.search(r'<div hx-swap-oob="true" id="times_local-errors"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "不是有效的时间：25:00（请写成 08:00）" in oob and _due(html) == []


def test_a_plan_with_a_broken_rule_is_refused_beside_the_field_and_keeps_what_was_typed(manager, world):
    ids = _site_with_shifts(world)
    url = f"/sites/{world.site_a.id}/setup/plans/patrol/new"
    cases = [
        (dict(interval_minutes="", times_local="09:00,25:00"), "times_local", "不是有效的时间：25:00"),
        (dict(interval_minutes="0"), "interval_minutes", "间隔必须是正的分钟数，不能是 0"),
        (dict(window_minutes="-5"), "window_minutes", "时间窗口和宽限时间不能为负数"),
        (dict(grace_minutes="-1"), "grace_minutes", "时间窗口和宽限时间不能为负数"),
        (dict(interval_minutes="", times_local=""), "times_local", "计划需要设置间隔时间或至少一个时间点"),
        (dict(times_local="09:00"), "interval_minutes", "间隔和时间点只能填写其一"),
        (dict(route_id=""), "route_id", "请选择路线"),
    ]
    for changes, field, message in cases:
        answer = manager.post(url, _patrol(ids, name="我输入的名字", **changes), hx=True)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 422 and is_fragment(answer), changes
        assert message in html.split(f'id="{field}-errors"')[1][:300], (changes, field)
        assert 'value="我输入的名字"' in html
        for typed in changes.values():
            assert typed == "" or f'value="{typed}"' in html, typed
    assert db.session.scalar(select(PatrolPlan)) is None and audit("create", "patrol_plan") == []


def test_an_english_speaking_manager_reads_the_rule_in_english(desk, world):
    world.person("manager_en", Role.MANAGER, [world.site_a], language="en")
    db.session.commit()
    ids = _site_with_shifts(world)
    answer = desk("manager_en").post(f"/sites/{world.site_a.id}/setup/plans/patrol/new",
                                     _patrol(ids, interval_minutes="", times_local="7.30"))
    assert answer.status_code == 422
    assert "Not a time of day: 7.30 (write it as 08:00)" in answer.get_data(as_text=True)


def test_a_patrol_plan_is_saved_with_its_times_in_order_and_then_edited(manager, world):
    ids = _site_with_shifts(world)
    base = f"/sites/{world.site_a.id}/setup/plans"
    answer = manager.post(f"{base}/patrol/new", _patrol(ids, name="日间巡更", shift_template_id=str(ids["day"]),
                                                       interval_minutes="", times_local="13:00，9:00"), hx=True)
    assert answer.status_code == 204 and answer.headers["HX-Redirect"] == base
    plan = db.session.scalar(select(PatrolPlan))
    assert (plan.name, plan.times_local, plan.interval_minutes, plan.shift_template_id, plan.window_minutes) == \
        ("日间巡更", "09:00,13:00", None, ids["day"], 30)
    (entry, detail), = audit("create", "patrol_plan")
    assert entry.site_id == world.site_a.id and detail["times_local"] == "09:00,13:00"
    assert "日间巡更" in text(manager.get(base).get_data(as_text=True))

    edited = manager.post(f"{base}/patrol/{plan.id}", _patrol(ids, name="日间巡更", shift_template_id=str(ids["day"]),
                                                               interval_minutes="", times_local="09:00,13:00,17:00",
                                                               window_minutes="45", preview_date="2026-11-25"), hx=True)
    html = edited.get_data(as_text=True)
    assert edited.status_code == 200 and 'id="plan-form"' in html and "已保存" in text(html)
    assert _due(html) == ["2026/11/25 09:00", "2026/11/25 13:00", "2026/11/25 17:00"]
    (_e, detail), = audit("update", "patrol_plan")
    assert detail == {"times_local": ["09:00,13:00", "09:00,13:00,17:00"], "window_minutes": [30, 45]}


def test_a_cleaning_plan_covers_ticked_checkpoints_of_its_site(manager, world):
    _site_with_shifts(world)
    url = f"/sites/{world.site_a.id}/setup/plans/cleaning/new"
    form = {"name": "大堂保洁", "times_local": "08:00,14:00", "window_minutes": "60", "grace_minutes": "15", "active": "y"}
    none = manager.post(url, form, hx=True)
    assert none.status_code == 422 and "请至少勾选一个巡检点" in none.get_data(as_text=True).split('id="checkpoint_ids-errors"')[1][:200]
    foreign = manager.post(url, {**form, "checkpoint_ids": str(world.checkpoint_b.id)}, hx=True)
    assert foreign.status_code == 422
    answer = manager.post(url, {**form, "checkpoint_ids": str(world.checkpoint_a.id)})
    assert answer.status_code == 303
    plan = db.session.scalar(select(CleaningPlan))
    assert [c.code for c in plan.checkpoints] == ["A01"] and plan.times_local == "08:00,14:00"
    page = manager.get(f"/sites/{world.site_a.id}/setup/plans/cleaning/{plan.id}").get_data(as_text=True)
    assert re.search(rf'value="{world.checkpoint_a.id}"[^>]*checked', page)
    (_e, detail), = audit("create", "cleaning_plan")
    assert detail["checkpoints"] == ["A01"]


def test_the_new_plan_page_opens_with_todays_preview_day(manager, world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW  # 10:00 on 25 November in Shanghai
    page = manager.get(f"/sites/{world.site_a.id}/setup/plans/patrol/new")
    assert page.status_code == 200 and 'value="2026-11-25"' in page.get_data(as_text=True)
