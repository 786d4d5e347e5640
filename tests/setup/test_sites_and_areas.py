"""Administrators add sites; managers and administrators describe them: details, time zone, areas."""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from tests.conftest import FIXED_NOW
from tests.setup.conftest import audit, is_fragment, text
from webapp.domain.timezones import shift_window, zone
from webapp.extensions import db
from webapp.models import Area, AreaKind, Shift, ShiftTemplate, Site


def test_an_administrator_adds_a_site_and_lands_on_its_set_up_page(admin, world):
    answer = admin.post("/setup/sites", {"name": "C 公寓", "code": "APT-1", "address": "滨江路 1 号", "timezone": "Asia/Shanghai"})
    site = db.session.scalar(select(Site).where(Site.code == "APT-1"))
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/sites/{site.id}/setup")
    assert site.company_id == world.company.id and site.timezone == "Asia/Shanghai"
    (entry, detail), = audit("create", "site")
    assert entry.person_id == world.people["admin"].id and entry.site_id == site.id and detail["code"] == "APT-1"


def test_with_htmx_the_new_site_opens_by_a_redirect_header(admin, world):
    answer = admin.post("/setup/sites", {"name": "D 园区", "code": "D", "timezone": "Europe/London"}, hx=True)
    site = db.session.scalar(select(Site).where(Site.code == "D"))
    assert answer.status_code == 204 and answer.headers["HX-Redirect"] == f"/sites/{site.id}/setup"


def test_an_unknown_time_zone_is_refused_beside_the_field_and_nothing_typed_is_lost(admin, world):
    answer = admin.post("/setup/sites", {"name": "E 广场", "code": "E", "address": "人民路 5 号", "timezone": "Asia/Beijing"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "未知时区：Asia/Beijing" in html.split('id="new-site-timezone-errors"')[1][:200]
    assert 'value="E 广场"' in html and 'value="人民路 5 号"' in html and 'value="Asia/Beijing"' in html
    assert db.session.scalar(select(Site).where(Site.code == "E")) is None
    assert audit("create", "site") == []


def test_a_site_code_is_unique_in_the_company_whatever_its_case(admin, world):
    answer = admin.post("/setup/sites", {"name": "另一个", "code": "a", "timezone": "Asia/Shanghai"}, hx=True)
    assert answer.status_code == 422 and is_fragment(answer)
    assert "另一个项目已使用此编号" in text(answer.get_data(as_text=True))


def test_a_manager_edits_their_site_inline(manager, world):
    page = manager.get(f"/sites/{world.site_a.id}/setup")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True) and "HX-Request" in page.headers["Vary"]
    answer = manager.post(f"/sites/{world.site_a.id}/setup",
                          {"name": "A 小区（一期）", "code": "A", "address": "湖滨路 3 号", "timezone": "Asia/Shanghai"}, hx=True)
    assert answer.status_code == 200 and is_fragment(answer)
    assert 'id="site-form"' in answer.get_data(as_text=True) and "已保存" in text(answer.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Site, world.site_a.id).name == "A 小区（一期）"
    (entry, detail), = audit("update", "site")
    assert detail == {"name": ["A 小区", "A 小区（一期）"], "address": ["", "湖滨路 3 号"]}


def test_a_new_time_zone_moves_the_shifts_that_have_not_begun(manager, world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    template = ShiftTemplate(site_id=world.site_a.id, name="白班", start_local=time(8), end_local=time(20))
    db.session.add(template)
    db.session.flush()
    days = [date(2026, 11, 20), date(2026, 11, 30)]  # one worked already, one to come
    for day in days:
        starts, ends = shift_window(day, time(8), time(20), zone("Asia/Shanghai"))
        db.session.add(Shift(site_id=world.site_a.id, template_id=template.id, local_date=day, starts_at=starts, ends_at=ends))
    db.session.commit()
    answer = manager.post(f"/sites/{world.site_a.id}/setup", {"name": "A 小区", "code": "A", "timezone": "Asia/Tokyo"})
    assert answer.status_code == 303
    db.session.expire_all()
    past, future = db.session.scalars(select(Shift).order_by(Shift.local_date)).all()
    assert past.starts_at == shift_window(days[0], time(8), time(20), zone("Asia/Shanghai"))[0]
    assert future.starts_at == shift_window(days[1], time(8), time(20), zone("Asia/Tokyo"))[0]
    assert future.starts_at - past.starts_at == timedelta(days=10, hours=-1)
    (_e, detail), = audit("update", "site")
    assert detail["shifts_moved"] == 1


def test_areas_are_added_renamed_and_deactivated_in_place(manager, world):
    base = f"/sites/{world.site_a.id}/setup"
    answer = manager.post(base + "/areas", {"name": "地下车库", "kind": "basement"}, hx=True)
    assert answer.status_code == 200 and is_fragment(answer) and 'id="areas"' in answer.get_data(as_text=True)
    area = db.session.scalar(select(Area).where(Area.name == "地下车库"))
    assert area.kind == AreaKind.BASEMENT and "地下车库" in text(answer.get_data(as_text=True))

    editing = manager.get(f"{base}/areas/{area.id}", hx=True)
    assert is_fragment(editing) and f'action="{base}/areas/{area.id}"' in editing.get_data(as_text=True)
    assert manager.post(f"{base}/areas/{area.id}", {"name": "地下一层车库", "kind": "basement"}, hx=True).status_code == 200
    assert manager.post(f"{base}/areas/{area.id}/status", {"active": "0"}, hx=True).status_code == 200
    db.session.expire_all()
    area = db.session.get(Area, area.id)
    assert area.name == "地下一层车库" and area.active is False
    assert [a for a, _d in audit("create", "area")] and audit("update", "area")[0][1] == {"name": ["地下车库", "地下一层车库"]}
    assert len(audit("deactivate", "area")) == 1
    manager.post(f"{base}/areas/{area.id}/status", {"active": "1"})
    db.session.expire_all()
    assert db.session.get(Area, area.id).active is True


def test_two_areas_of_a_site_cannot_share_a_name(manager, world):
    taken = world.checkpoint_a.area.name
    answer = manager.post(f"/sites/{world.site_a.id}/setup/areas", {"name": taken, "kind": "gate"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "<html" in html
    assert "此项目已有同名区域" in html.split('id="new-area-name-errors"')[1][:200]


def test_a_manager_cannot_reach_an_area_of_another_site_through_their_own(manager, world):
    foreign = world.checkpoint_b.area_id
    assert manager.get(f"/sites/{world.site_a.id}/setup/areas/{foreign}").status_code == 404
    assert manager.post(f"/sites/{world.site_a.id}/setup/areas/{foreign}", {"name": "x", "kind": "gate"}).status_code == 404
    assert manager.get(f"/sites/{world.site_b.id}/setup").status_code == 404


def test_the_set_up_pages_are_linked_from_the_menu_and_the_site_page(manager, desk, world):
    page = manager.get(f"/sites/{world.site_a.id}").get_data(as_text=True)
    assert f'href="/sites/{world.site_a.id}/setup"' in page and 'href="/setup/"' in page
    supervisor = desk("supervisor").get(f"/sites/{world.site_a.id}").get_data(as_text=True)
    assert "/setup" not in supervisor


def test_an_htmx_request_without_the_csrf_token_is_refused(manager, world):
    answer = manager.client.post(f"/sites/{world.site_a.id}/setup/areas", data={"name": "无令牌", "kind": "gate"},
                                 headers={"HX-Request": "true"})
    assert answer.status_code == 400
    assert db.session.scalar(select(Area).where(Area.name == "无令牌")) is None
