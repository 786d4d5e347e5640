"""Checkpoints created, edited and deactivated in place; checklists; QR tokens re-issued when a label is lost."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone

from sqlalchemy import select

from tests.setup.conftest import audit, count_queries, is_fragment, text
from webapp.extensions import db
from webapp.models import ChecklistItem, Checkpoint, CleaningCheck, CleaningResult, Purpose, RetiredToken

NEW = {"name": "1号楼大堂", "code": "B11", "purpose": "both", "area_id": "", "lat": "", "lng": "", "radius_m": ""}


def _base(world) -> str:
    return f"/sites/{world.site_a.id}/setup/checkpoints"


def _checkpoint(code: str) -> Checkpoint:
    db.session.expire_all()
    return db.session.scalar(select(Checkpoint).where(Checkpoint.code == code))


def test_the_list_is_a_page_and_a_fragment(manager, world):
    page = manager.get(_base(world))
    fragment = manager.get(_base(world), hx=True)
    assert page.status_code == fragment.status_code == 200
    assert "<html" in page.get_data(as_text=True) and is_fragment(fragment)
    assert 'id="checkpoints"' in fragment.get_data(as_text=True) and "A 北门" in text(fragment.get_data(as_text=True))
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]


def test_a_manager_adds_a_checkpoint_inline_with_a_random_token(manager, world):
    area = world.checkpoint_a.area_id
    answer = manager.post(_base(world), {**NEW, "area_id": str(area), "photo_required": "y", "lat": "30.27",
                                          "lng": "120.15", "radius_m": "40"}, hx=True)
    assert answer.status_code == 200 and is_fragment(answer)
    assert "1号楼大堂" in text(answer.get_data(as_text=True))
    cp = _checkpoint("B11")
    assert (cp.site_id, cp.area_id, cp.purpose, cp.photo_required, cp.lat, cp.lng, cp.radius_m) == \
        (world.site_a.id, area, Purpose.BOTH, True, 30.27, 120.15, 40.0)
    assert len(cp.token) >= 20 and cp.token != world.checkpoint_a.token
    (entry, detail), = audit("create", "checkpoint")
    assert entry.site_id == world.site_a.id and detail == {"code": "B11", "name": "1号楼大堂"}


def test_a_code_used_at_the_site_is_refused_whatever_its_case_and_the_form_keeps_what_was_typed(manager, world):
    answer = manager.post(_base(world), {**NEW, "name": "新岗亭", "code": "a01", "lat": "30.1", "lng": "120.2"}, hx=True)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and is_fragment(answer)
    assert "本项目另一个巡检点已使用此编号" in html.split('id="new-cp-code-errors"')[1][:300]
    assert 'value="新岗亭"' in html and 'value="a01"' in html and 'value="30.1"' in html
    assert _checkpoint("a01") is None


def test_the_same_code_is_free_at_another_site(manager, world):
    assert manager.post(_base(world), {**NEW, "code": "B01"}).status_code == 303  # B01 is site B's


def test_positions_are_checked_beside_each_field(manager, world):
    answer = manager.post(_base(world), {**NEW, "lat": "95", "lng": "", "radius_m": "3"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "应在 -90 到 90 之间" in html.split('id="new-cp-lat-errors"')[1][:200]
    assert "纬度和经度需同时填写或都不填" in html.split('id="new-cp-lng-errors"')[1][:200]
    assert "应在 5 到 5000 米之间" in html.split('id="new-cp-radius_m-errors"')[1][:200]


def test_an_area_of_another_site_cannot_be_chosen(manager, world):
    answer = manager.post(_base(world), {**NEW, "area_id": str(world.checkpoint_b.area_id)})
    assert answer.status_code == 422 and _checkpoint("B11") is None


def test_a_checkpoint_opens_for_editing_in_place_and_saves(manager, world):
    cp = world.checkpoint_a
    panel = manager.get(f"{_base(world)}/{cp.id}", hx=True)
    html = panel.get_data(as_text=True)
    assert is_fragment(panel) and f'id="checkpoint-{cp.id}"' in html and f"/s/{cp.token}" in html
    assert re.search(r'<option selected value="both">', html)  # the stored purpose, not the first one
    closed = manager.get(f"{_base(world)}/{cp.id}?view=row", hx=True).get_data(as_text=True)
    assert closed.lstrip().startswith(f'<li class="row checkpoint" id="checkpoint-{cp.id}">') and "编辑" in closed
    answer = manager.post(f"{_base(world)}/{cp.id}", {**NEW, "name": "A 北门岗亭", "code": "A01", "purpose": "patrol"}, hx=True)
    assert answer.status_code == 200 and f'id="checkpoint-form-{cp.id}"' in answer.get_data(as_text=True)
    assert "已保存" in text(answer.get_data(as_text=True))
    changed = _checkpoint("A01")
    assert changed.name == "A 北门岗亭" and changed.purpose == Purpose.PATROL and changed.area_id is None
    (_e, detail), = audit("update", "checkpoint")
    assert detail["name"] == ["A 北门", "A 北门岗亭"] and detail["purpose"] == ["both", "patrol"]


def test_without_htmx_a_change_returns_to_the_checkpoint_page(manager, world):
    cp = world.checkpoint_a
    answer = manager.post(f"{_base(world)}/{cp.id}", {**NEW, "code": "A01"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"{_base(world)}/{cp.id}")
    page = manager.get(answer.headers["Location"])
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)


def test_a_checkpoint_is_deactivated_and_reactivated(manager, world):
    cp = world.checkpoint_a
    answer = manager.post(f"{_base(world)}/{cp.id}/status", {"active": "0"}, hx=True)
    assert answer.status_code == 200 and "重新启用" in text(answer.get_data(as_text=True))
    assert _checkpoint("A01").active is False and len(audit("deactivate", "checkpoint")) == 1
    manager.post(f"{_base(world)}/{cp.id}/status", {"active": "1"}, hx=True)
    assert _checkpoint("A01").active is True and len(audit("reactivate", "checkpoint")) == 1


def test_re_issuing_a_token_retires_the_old_one_and_shows_the_new_scan_url(manager, world, desk):
    cp = world.checkpoint_a
    old = cp.token
    answer = manager.post(f"{_base(world)}/{cp.id}/token", hx=True)
    html = answer.get_data(as_text=True)
    fresh = _checkpoint("A01")
    assert answer.status_code == 200 and is_fragment(answer) and f'id="token-{cp.id}"' in html
    assert fresh.token != old and len(fresh.token) >= 20 and re.fullmatch(r"[A-Za-z0-9_-]+", fresh.token)
    assert f"/s/{fresh.token}" in html and old not in html and "旧标签立即失效" in text(html)
    retired = db.session.get(RetiredToken, old)
    assert retired.checkpoint_id == cp.id and retired.retired_by_id == world.people["manager"].id and retired.retired_at
    (entry, detail), = audit("reissue_token", "checkpoint")
    assert old not in entry.detail and fresh.token not in entry.detail  # tokens stay out of the log

    first_new = fresh.token
    again = manager.post(f"{_base(world)}/{cp.id}/token", hx=True)
    assert again.status_code == 200 and _checkpoint("A01").token not in (old, first_new)

    guard = desk("guard")
    assert guard.get(f"/s/{old}").status_code == 410  # the lost label no longer counts
    assert guard.get(f"/s/{_checkpoint('A01').token}").status_code == 302


def test_the_checklist_is_added_to_reordered_and_trimmed(manager, world):
    cp = world.checkpoint_a
    url = f"{_base(world)}/{cp.id}/checklist"
    for item in ("扶手无灰尘", "台阶无杂物"):
        answer = manager.post(url, {"op": "add", "text": item}, hx=True)
        assert answer.status_code == 200 and is_fragment(answer) and f'id="checklist-{cp.id}"' in answer.get_data(as_text=True)

    def order():
        db.session.expire_all()
        items = db.session.scalars(select(ChecklistItem).where(ChecklistItem.checkpoint_id == cp.id)
                                   .order_by(ChecklistItem.position)).all()
        return [(i.text, i.position, i.active) for i in items]

    assert order() == [("地面干净", 0, True), ("扶手无灰尘", 1, True), ("台阶无杂物", 2, True)]
    last = db.session.scalar(select(ChecklistItem.id).where(ChecklistItem.text == "台阶无杂物"))
    manager.post(url, {"op": f"up:{last}"}, hx=True)
    assert [t for t, _p, _a in order()] == ["地面干净", "台阶无杂物", "扶手无灰尘"]
    manager.post(url, {"op": f"up:{last}"}, hx=True)
    manager.post(url, {"op": f"up:{last}"}, hx=True)  # already first: stays
    assert [t for t, _p, _a in order()] == ["台阶无杂物", "地面干净", "扶手无灰尘"]
    dust = db.session.scalar(select(ChecklistItem.id).where(ChecklistItem.text == "扶手无灰尘"))
    manager.post(url, {"op": f"remove:{dust}"}, hx=True)
    assert order() == [("台阶无杂物", 0, True), ("地面干净", 1, True)]
    assert len(audit("add_checklist_item")) == 2 and len(audit("move_checklist_item")) == 3
    assert len(audit("remove_checklist_item")) == 1


def test_an_item_with_cleaning_results_is_retired_not_deleted(manager, world):
    cp = world.checkpoint_a
    item = cp.checklist[0]
    now = datetime(2026, 11, 25, 2, tzinfo=timezone.utc)
    check = CleaningCheck(client_uuid=uuid.uuid4(), site_id=world.site_a.id, person_id=world.people["cleaner"].id,
                          checkpoint_id=cp.id, device_time=now, captured_at=now, received_at=now,
                          results=[CleaningResult(item_id=item.id, passed=True)])
    db.session.add(check)
    db.session.commit()
    answer = manager.post(f"{_base(world)}/{cp.id}/checklist", {"op": f"remove:{item.id}"}, hx=True)
    assert answer.status_code == 200
    html = text(answer.get_data(as_text=True))
    assert "地面干净" not in html and "1 个已移除的检查项因有历史保洁记录而保留" in html
    db.session.expire_all()
    kept = db.session.get(ChecklistItem, item.id)
    assert kept is not None and kept.active is False
    assert db.session.scalar(select(CleaningResult.item_id)) == item.id
    assert len(audit("retire_checklist_item")) == 1


def test_an_empty_checklist_item_is_refused_beside_the_box(manager, world):
    answer = manager.post(f"{_base(world)}/{world.checkpoint_a.id}/checklist", {"op": "add", "text": "  "}, hx=True)
    assert answer.status_code == 422 and "请填写检查项" in text(answer.get_data(as_text=True))


def test_a_checkpoint_of_another_site_is_not_found_through_this_one(manager, world):
    foreign = world.checkpoint_b.id
    assert manager.get(f"{_base(world)}/{foreign}").status_code == 404
    assert manager.post(f"{_base(world)}/{foreign}/token").status_code == 404
    assert db.session.scalar(select(RetiredToken)) is None


def test_the_list_loads_in_the_same_few_queries_for_3_or_30_checkpoints(manager, world, app):
    def load():
        assert manager.get(_base(world), hx=True).status_code == 200

    for i in range(2):
        manager.post(_base(world), {**NEW, "code": f"X{i}", "name": f"点 {i}"})
    few = count_queries(app, load)
    for i in range(2, 30):
        db.session.add(Checkpoint(site_id=world.site_a.id, code=f"X{i}", name=f"点 {i}", area_id=world.checkpoint_a.area_id,
                                  checklist=[ChecklistItem(position=0, text="干净")]))
    db.session.commit()
    assert count_queries(app, load) == few <= 8
