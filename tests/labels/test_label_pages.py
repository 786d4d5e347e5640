"""A site manager prints the QR labels of a site, an area or chosen checkpoints, and only of their own site."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.labels.scanning import decode, page_texts, rasterise
from webapp.extensions import db
from webapp.models import Area, AreaKind, AuditEntry, Checkpoint


def scan_url(app, checkpoint: Checkpoint) -> str:
    return app.config["BASE_URL"].rstrip("/") + "/s/" + checkpoint.token


@pytest.fixture
def estate(world):
    """Site A gets building 1 (with its basement inside it) and a gate, 13 active checkpoints and a retired one."""
    site = world.site_a.id
    building = Area(site_id=site, name="1号楼", kind=AreaKind.BUILDING)
    db.session.add(building)
    db.session.flush()
    basement = Area(site_id=site, name="1号楼地下室", kind=AreaKind.BASEMENT, parent_id=building.id)
    gate = Area(site_id=site, name="南门", kind=AreaKind.GATE)
    db.session.add_all([basement, gate])
    db.session.flush()
    points = [Checkpoint(site_id=site, area_id=building.id, code=f"L{i}", name=f"1号楼{i}层楼梯间") for i in range(1, 9)]
    points += [Checkpoint(site_id=site, area_id=basement.id, code="B1", name="消防泵房"),
               Checkpoint(site_id=site, area_id=gate.id, code="S1", name="南门岗亭"),
               Checkpoint(site_id=site, area_id=gate.id, code="S2", name="南门道闸"),
               Checkpoint(site_id=site, area_id=gate.id, code="S3", name="南门人行通道"),
               Checkpoint(site_id=site, area_id=gate.id, code="OLD", name="旧岗亭", active=False)]
    db.session.add_all(points)
    db.session.commit()
    return {"building": building, "basement": basement, "gate": gate,
            "points": {c.code: c for c in db.session.scalars(select(Checkpoint).where(Checkpoint.site_id == site))}}


@pytest.fixture
def manager(app, world):
    client = app.test_client()
    assert sign_in(client, "manager").status_code == 302
    return client


def sheet_urls(answer) -> list[str]:
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    return [url for page in rasterise(answer.get_data(), dpi=150) for url in decode(page)]


def test_the_whole_site_prints_every_active_checkpoint_of_that_site_and_nothing_else(app, manager, world, estate):
    answer = manager.get(f"/sites/{world.site_a.id}/labels.pdf")
    assert answer.headers["Cache-Control"] == "no-store" and "labels-A.pdf" in answer.headers["Content-Disposition"]
    active = [c for c in estate["points"].values() if c.active]
    assert len(active) == 13
    urls = sheet_urls(answer)
    assert sorted(urls) == sorted(scan_url(app, c) for c in active)  # two pages; no retired, no site B
    assert scan_url(app, world.checkpoint_b) not in urls
    text = "".join(page_texts(answer.get_data()))
    assert "A 小区" in text and "1号楼" in text and "南门岗亭" in text and "OLD" not in text
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "labels_printed")).one()
    assert entry.person_id == world.people["manager"].id and entry.site_id == world.site_a.id
    assert json.loads(entry.detail)["count"] == 13


def test_an_area_prints_its_checkpoints_and_those_of_the_areas_inside_it(app, manager, world, estate):
    building = manager.get(f"/sites/{world.site_a.id}/labels.pdf?area={estate['building'].id}")
    points = estate["points"]
    assert sorted(sheet_urls(building)) == sorted(scan_url(app, points[c]) for c in [f"L{i}" for i in range(1, 9)] + ["B1"])
    gate = manager.get(f"/sites/{world.site_a.id}/labels.pdf?area={estate['gate'].id}")
    assert sorted(sheet_urls(gate)) == sorted(scan_url(app, points[c]) for c in ("S1", "S2", "S3"))


def test_chosen_checkpoints_print_alone(app, manager, world, estate):
    points = estate["points"]
    answer = manager.get(f"/sites/{world.site_a.id}/labels.pdf?checkpoint={points['S2'].id}&checkpoint={points['B1'].id}")
    assert sorted(sheet_urls(answer)) == sorted([scan_url(app, points["S2"]), scan_url(app, points["B1"])])


def test_another_sites_area_or_checkpoint_is_not_found_and_nothing_is_printed(manager, world, estate):
    site = world.site_a.id
    foreign_area = world.checkpoint_b.area_id
    assert manager.get(f"/sites/{site}/labels.pdf?area={foreign_area}").status_code == 404
    mixed = f"/sites/{site}/labels.pdf?checkpoint={estate['points']['S1'].id}&checkpoint={world.checkpoint_b.id}"
    assert manager.get(mixed).status_code == 404
    assert manager.get(f"/sites/{world.site_b.id}/labels.pdf").status_code == 404
    assert manager.get(f"/sites/{site}/labels.pdf?checkpoint=abc").status_code == 400
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "labels_printed")).first() is None


def test_a_choice_with_nothing_active_says_so(manager, world, estate):
    retired = estate["points"]["OLD"].id
    answer = manager.get(f"/sites/{world.site_a.id}/labels.pdf?checkpoint={retired}")
    assert answer.status_code == 404 and "没有可打印的标签" in answer.get_data(as_text=True)


def test_guards_and_leads_may_not_print_labels(app, world):
    for login in ("guard", "cleaner", "lead", "supervisor"):
        client = app.test_client()
        sign_in(client, login)
        assert client.get(f"/sites/{world.site_a.id}/labels.pdf").status_code == 403, login
        assert client.get(f"/sites/{world.site_a.id}/labels").status_code == 403, login


def test_the_choice_page_offers_the_site_its_areas_and_its_active_checkpoints(manager, world, estate):
    html = manager.get(f"/sites/{world.site_a.id}/labels").get_data(as_text=True)
    assert f'action="/sites/{world.site_a.id}/labels.pdf"' in html
    assert f'<option value="{estate["gate"].id}">南门' in html
    assert f'name="checkpoint" value="{estate["points"]["S1"].id}"' in html
    assert "旧岗亭" not in html and "B 大堂" not in html


def test_a_missing_font_is_explained_not_a_crash(app, manager, world, tmp_path):
    app.config["LABEL_FONT"] = str(tmp_path / "gone.ttc")
    answer = manager.get(f"/sites/{world.site_a.id}/labels.pdf")
    assert answer.status_code == 503 and "缺少中文字体" in answer.get_data(as_text=True)
