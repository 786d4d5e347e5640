"""Inspections listed by site and period, one inspection's page, score roll-ups, and who may see them."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from tests.conftest import sign_in
from tests.inspections.things import sheet, stored_inspection
from webapp.extensions import db
from webapp.models import Area, AreaKind

DEPARTMENTS = {"environment": "环境（保洁绿化）", "security": "治安"}


@contextmanager
def counted():
    """Every SQL statement run inside the block."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def _client(app, login):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def test_the_list_filters_by_site_and_period_and_keeps_self_inspections_apart(world, app):
    template = sheet(world.company.id)
    supervisor, manager = world.people["supervisor"], world.people["manager"]
    supervisor.sites.append(world.site_b)
    db.session.commit()
    early = stored_inspection(world.site_a, supervisor, template, at=datetime(2026, 11, 2, 2, tzinfo=timezone.utc))
    late = stored_inspection(world.site_a, supervisor, template, at=datetime(2026, 11, 20, 2, tzinfo=timezone.utc))
    at_b = stored_inspection(world.site_b, supervisor, template, at=datetime(2026, 11, 20, 3, tzinfo=timezone.utc))
    own = stored_inspection(world.site_a, manager, template, at=datetime(2026, 11, 21, 2, tzinfo=timezone.utc), self_check=True)
    client = _client(app, "supervisor")
    everything = client.get("/inspections").get_data(as_text=True)
    for i in (early, late, at_b, own):
        assert f"/inspections/{i.id}\"" in everything
    narrowed = client.get(f"/inspections?site={world.site_a.id}&from=2026-11-15&to=2026-11-30").get_data(as_text=True)
    inspections, self_checks = narrowed.split("项目经理自检")
    assert f"/inspections/{late.id}\"" in inspections and f"/inspections/{early.id}\"" not in narrowed
    assert f"/inspections/{at_b.id}\"" not in narrowed and f"/inspections/{own.id}\"" in self_checks


def test_a_lead_reads_their_sites_inspections_and_another_sites_inspection_does_not_exist(world, app):
    template = sheet(world.company.id)
    at_a = stored_inspection(world.site_a, world.people["supervisor"], template, failed=1, percent=70.0)
    lead, lead_b = _client(app, "lead"), _client(app, "lead_b")
    page = lead.get(f"/inspections/{at_a.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "70%" in html and "不合格" in html
    assert "下发整改通知" not in html  # leads read; the quality department issues notices
    assert lead_b.get(f"/inspections/{at_a.id}").status_code == 404
    assert f"/inspections/{at_a.id}\"" not in lead_b.get("/inspections").get_data(as_text=True)
    assert _client(app, "guard").get("/inspections").status_code == 403


def test_scores_roll_up_per_area_department_and_week_with_self_inspections_apart(world, app):
    stairs = Area(site_id=world.site_a.id, name="1 号楼楼梯", kind=AreaKind.BUILDING)
    db.session.add(stairs)
    db.session.commit()
    cleaning = sheet(world.company.id)
    gate = sheet(world.company.id, name="门岗", area_kind="guard_post", department="security")
    supervisor, manager = world.people["supervisor"], world.people["manager"]
    monday = datetime(2026, 11, 23, 2, tzinfo=timezone.utc)  # Monday 10:00 in Shanghai
    for percent in (80.0, 90.0):
        row = stored_inspection(world.site_a, supervisor, cleaning, at=monday, percent=percent)
        row.area_id = stairs.id
    stored_inspection(world.site_a, supervisor, gate, at=datetime(2026, 11, 17, 2, tzinfo=timezone.utc), percent=60.0)
    stored_inspection(world.site_a, manager, cleaning, at=monday, percent=100.0, self_check=True)
    db.session.commit()
    page = _client(app, "lead").get(f"/sites/{world.site_a.id}/inspection-scores?from=2026-11-01&to=2026-11-30")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    quality, own = html.split('data-rollup="self_checks"')
    assert "76.7%" in quality  # (80 + 90 + 60) / 3
    assert "1 号楼楼梯</span><span>85%" in quality and "整个项目</span><span>60%" in quality
    assert f"{DEPARTMENTS['environment']}</span><span>85%" in quality and f"{DEPARTMENTS['security']}</span><span>60%" in quality
    assert "2026-11-23</span><span>85%" in quality and "2026-11-16</span><span>60%" in quality
    assert "100%" in own and "76.7%" not in own
    assert db.session.scalar(select(Area.id).where(Area.name == "1 号楼楼梯")) == stairs.id


def test_the_list_and_an_inspections_page_take_the_same_number_of_queries_for_many_rows(world, app):
    template = sheet(world.company.id)
    client = _client(app, "supervisor")

    def queries_for(n: int) -> tuple[int, int]:
        rows = [stored_inspection(world.site_a, world.people["supervisor"], template, failed=3) for _ in range(n)]
        with counted() as listed:
            assert client.get("/inspections").status_code == 200
        with counted() as shown:
            assert client.get(f"/inspections/{rows[-1].id}").status_code == 200
        return len(listed), len(shown)

    assert queries_for(1) == queries_for(12)
