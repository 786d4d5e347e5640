"""Countersigning at a post shows the patrol record as a summary (counts, exceptions) with the rounds folded away."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import sign_in
from tests.inspections.things import sheet
from webapp.extensions import db
from webapp.models import PatrolPlan, Route, RouteStop


def test_the_night_patrol_record_is_summed_up_and_its_missed_points_folded(world, app):
    shift = world.night_shift(world.shift_at(world.site_a).local_date - timedelta(days=1))
    pump = world.checkpoint(world.site_a, "A02", "A 水泵房")
    route = db.session.scalar(select(Route).where(Route.site_id == world.site_a.id))
    route.stops.append(RouteStop(checkpoint_id=pump.id, position=1, min_walk_minutes=1))
    db.session.add(PatrolPlan(site_id=world.site_a.id, route_id=route.id, shift_template_id=shift.template_id,
                              name="夜巡", interval_minutes=60, window_minutes=30))
    db.session.commit()
    app.config["ROUNDS_NOW"] = shift.ends_at - timedelta(minutes=30)  # eleven rounds missed, one still open
    template = sheet(world.company.id, name="门岗检查", area_kind="guard_post", department="security")
    client = app.test_client()
    assert sign_in(client, "supervisor").status_code == 302
    page = client.get(f"/inspections/new?site={world.site_a.id}&template={template.id}").get_data(as_text=True)
    evidence = page.split("data-evidence", 1)[1]
    summary, folded = evidence.split("<details", 1)
    assert 'data-due="11"' in summary and 'data-in-progress="1"' in summary and "未说明" in summary
    assert "A 水泵房" not in summary and "A 水泵房" in folded.split("</details>")[0]
    assert len(re.findall(r"<details", evidence)) == 1
