"""Shift templates and the roster: who leads and works which shift on which day; last week copied forward."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

from sqlalchemy import select

from tests.conftest import FIXED_NOW
from tests.setup.conftest import audit, count_queries, is_fragment, text
from webapp.extensions import db
from webapp.models import Shift, ShiftTemplate

MONDAY = date(2026, 11, 23)  # the week of FIXED_NOW (Wednesday 25 November)


def _templates(manager, world) -> tuple[int, int]:
    base = f"/sites/{world.site_a.id}/setup/shifts"
    for name, start, end in (("白班", "08:00", "20:00"), ("夜班", "20:00", "08:00")):
        answer = manager.post(base, {"name": name, "start_local": start, "end_local": end, "patrol": "y", "active": "y"}, hx=True)
        assert answer.status_code == 200 and is_fragment(answer) and 'id="templates"' in answer.get_data(as_text=True)
    day, night = db.session.scalars(select(ShiftTemplate).order_by(ShiftTemplate.start_local)).all()
    return day.id, night.id


def _shifts() -> list[tuple[int, date, int | None, list[str]]]:
    db.session.expire_all()
    return [(s.template_id, s.local_date, s.lead_id, sorted(m.person.login for m in s.members))
            for s in db.session.scalars(select(Shift).order_by(Shift.local_date, Shift.template_id))]


def test_shift_templates_are_added_and_a_night_shift_says_it_ends_next_day(manager, world):
    day, night = _templates(manager, world)
    html = text(manager.get(f"/sites/{world.site_a.id}/setup/shifts").get_data(as_text=True))
    assert "夜班 · 20:00–08:00 (次日结束)" in html and "白班 · 08:00–20:00" in html
    taken = manager.post(f"/sites/{world.site_a.id}/setup/shifts", {"name": "白班", "start_local": "07:00", "end_local": "19:00"})
    assert taken.status_code == 422 and "此项目已有同名班次" in text(taken.get_data(as_text=True))
    bad = manager.post(f"/sites/{world.site_a.id}/setup/shifts", {"name": "中班", "start_local": "25:00", "end_local": ""}, hx=True)
    assert bad.status_code == 422 and 'value="中班"' in bad.get_data(as_text=True)
    assert len(audit("create", "shift_template")) == 2


def test_rostering_a_night_shift_stores_its_instants_across_midnight(manager, world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    _day, night = _templates(manager, world)
    url = f"/sites/{world.site_a.id}/setup/roster/{night}/2026-11-25"
    editor = manager.get(url, hx=True)
    assert is_fragment(editor) and f'id="cell-{night}-2026-11-25"' in editor.get_data(as_text=True)
    answer = manager.post(url, {"lead_id": str(world.people["lead"].id),
                                "staff_ids": [str(world.people["guard"].id), str(world.people["cleaner"].id)]}, hx=True)
    assert answer.status_code == 200 and is_fragment(answer)
    assert "lead 名字" in text(answer.get_data(as_text=True)) and "guard 名字" in text(answer.get_data(as_text=True))
    shift = db.session.scalar(select(Shift))
    assert shift.starts_at == datetime(2026, 11, 25, 12, tzinfo=timezone.utc)  # 20:00 in Shanghai
    assert shift.ends_at == datetime(2026, 11, 26, 0, tzinfo=timezone.utc)  # 08:00 the next morning
    assert _shifts() == [(night, date(2026, 11, 25), world.people["lead"].id, ["cleaner", "guard"])]
    (entry, detail), = audit("create", "shift")
    assert entry.site_id == world.site_a.id and detail["day"] == "2026-11-25"

    week = manager.get(f"/sites/{world.site_a.id}/setup/roster?week=2026-11-25")
    assert week.status_code == 200 and "2026/11/23 起的一周" in text(week.get_data(as_text=True))

    manager.post(url, {"lead_id": str(world.people["lead"].id), "staff_ids": [str(world.people["guard"].id)]}, hx=True)
    assert _shifts()[0][3] == ["guard"]
    manager.post(url, {"lead_id": ""}, hx=True)  # nobody left on it: the shift goes
    assert _shifts() == [] and len(audit("remove", "shift")) == 1


def test_only_people_of_the_site_can_be_rostered(manager, world):
    _day, night = _templates(manager, world)
    url = f"/sites/{world.site_a.id}/setup/roster/{night}/2026-11-25"
    answer = manager.post(url, {"lead_id": str(world.people["lead_b"].id)}, hx=True)
    assert answer.status_code == 422 and _shifts() == []
    answer = manager.post(url, {"staff_ids": [str(world.people["guard_b"].id)]}, hx=True)
    assert answer.status_code == 422 and _shifts() == []
    assert manager.get(f"/sites/{world.site_a.id}/setup/roster/{night}/not-a-day").status_code == 404


def test_copying_last_weeks_roster_fills_only_the_gaps_and_never_twice(manager, world):
    day, night = _templates(manager, world)
    lead, guard = str(world.people["lead"].id), str(world.people["guard"].id)
    for template, when in ((day, "2026-11-16"), (night, "2026-11-16"), (day, "2026-11-17")):
        manager.post(f"/sites/{world.site_a.id}/setup/roster/{template}/{when}", {"lead_id": lead, "staff_ids": [guard]})
    manager.post(f"/sites/{world.site_a.id}/setup/roster/{day}/2026-11-24", {"staff_ids": [guard]})  # already rostered

    answer = manager.post(f"/sites/{world.site_a.id}/setup/roster/copy", {"week": MONDAY.isoformat()}, hx=True)
    assert answer.status_code == 200 and is_fragment(answer)
    assert "已复制 2 个班次；1 个已排班的保持不变" in text(answer.get_data(as_text=True))
    this_week = [s for s in _shifts() if s[1] >= MONDAY]
    assert this_week == [(day, date(2026, 11, 23), world.people["lead"].id, ["guard"]),
                         (night, date(2026, 11, 23), world.people["lead"].id, ["guard"]),
                         (day, date(2026, 11, 24), None, ["guard"])]
    copied = db.session.scalar(select(Shift).where(Shift.template_id == night, Shift.local_date == date(2026, 11, 23)))
    assert copied.ends_at == datetime(2026, 11, 24, 0, tzinfo=timezone.utc)

    again = manager.post(f"/sites/{world.site_a.id}/setup/roster/copy", {"week": MONDAY.isoformat()})
    assert again.status_code == 303 and "copied=0&skipped=3" in again.headers["Location"]
    assert "已复制 0 个班次；3 个已排班的保持不变" in text(manager.get(again.headers["Location"]).get_data(as_text=True))
    assert len(_shifts()) == 6
    assert [d["skipped"] for _e, d in audit("copy_roster")] == [1, 3]


def test_a_copied_roster_leaves_out_people_who_left_the_site(manager, world):
    day, _night = _templates(manager, world)
    manager.post(f"/sites/{world.site_a.id}/setup/roster/{day}/2026-11-16",
                 {"lead_id": str(world.people["lead"].id), "staff_ids": [str(world.people["guard"].id)]})
    world.people["guard"].active = False
    db.session.commit()
    manager.post(f"/sites/{world.site_a.id}/setup/roster/copy", {"week": MONDAY.isoformat()})
    assert [s for s in _shifts() if s[1] == MONDAY] == [(day, MONDAY, world.people["lead"].id, [])]


def test_moving_a_template_moves_the_shifts_not_begun(manager, world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    day, _night = _templates(manager, world)
    for when in ("2026-11-24", "2026-11-26"):
        manager.post(f"/sites/{world.site_a.id}/setup/roster/{day}/{when}", {"staff_ids": [str(world.people["guard"].id)]})
    answer = manager.post(f"/sites/{world.site_a.id}/setup/shifts/{day}",
                          {"name": "白班", "start_local": "07:00", "end_local": "19:00", "patrol": "y", "active": "y"})
    assert answer.status_code == 303
    db.session.expire_all()
    worked, coming = db.session.scalars(select(Shift).order_by(Shift.local_date)).all()
    assert worked.starts_at.hour == 0 and coming.starts_at.hour == 23  # 08:00 kept, 07:00 Shanghai is 23:00 UTC
    (_e, detail), = audit("update", "shift_template")
    assert detail["shifts_moved"] == 1 and detail["start_local"] == ["08:00:00", "07:00:00"]


def test_the_roster_grid_loads_a_week_in_the_same_queries_however_full(manager, world, app):
    day, night = _templates(manager, world)
    url = f"/sites/{world.site_a.id}/setup/roster?week=2026-11-23"

    def roster(*days):
        for when in days:
            for template in (day, night):
                manager.post(f"/sites/{world.site_a.id}/setup/roster/{template}/{when}",
                             {"lead_id": str(world.people["lead"].id), "staff_ids": [str(world.people["guard"].id)]})
        return count_queries(app, lambda: manager.get(url))

    one_day = roster("2026-11-23")
    assert roster("2026-11-24", "2026-11-25", "2026-11-26") == one_day
    assert len(re.findall(r'class="cell rostered"', manager.get(url).get_data(as_text=True))) == 8
