"""No form loses what a person typed when it is refused: every form, sent with one mistake, comes back (4xx) with the
text typed into it, and the handover's signature comes back to be drawn again."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, csrf_from, sign_in
from tests.inspections.things import sheet, signature
from webapp.extensions import db
from webapp.models import Handover, PatrolPlan, Role, Route, ShiftTemplate

TYPED = "手写的备注-KEEP-ME"


def _client(app, login):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def _submission(html: str) -> dict:
    found = re.search(r'name="submission" value="([^"]+)"', html)
    return {"submission": found.group(1)} if found else {}


def _night(world, app):
    world.person("lead2", Role.LEAD, [world.site_a])
    shift = world.night_shift(world.shift_at(world.site_a).local_date - timedelta(days=1))
    route = db.session.scalar(select(Route).where(Route.site_id == world.site_a.id))
    db.session.add(PatrolPlan(site_id=world.site_a.id, route_id=route.id, shift_template_id=shift.template_id,
                              name="夜巡", interval_minutes=120, window_minutes=30))
    db.session.commit()
    app.config["ROUNDS_NOW"] = shift.ends_at - timedelta(minutes=5)
    return shift


def _handover(world, app, state: str):
    shift = _night(world, app)
    handover = Handover(site_id=world.site_a.id, shift_id=shift.id, outgoing_lead_id=world.people["lead"].id)
    db.session.add(handover)
    db.session.commit()
    if state == "signed":
        out = _client(app, "lead")
        page = out.get(f"/shifts/{shift.id}/handover").get_data(as_text=True)
        assert out.post(f"/shifts/{shift.id}/handover", data={
            "csrf_token": csrf_from(page), "step": "sign", "password": PASSWORD, "signature": signature(),
            "item_name": ["钥匙"], "item_count": ["2"]}).status_code == 302
    return f"/shifts/{shift.id}/handover"


def _setup_path(world, app, tail: str):
    return f"/sites/{world.site_a.id}/setup{tail}"


# (name, who, how to reach the form -> (page to read, where to post), the form with one mistake, what must come back)
CASES = {
    "handover sign, no signature": ("lead", lambda w, a: _handover(w, a, "open"),
                                    {"step": "sign", "password": PASSWORD, "remarks_out": TYPED,
                                     "item_name": ["对讲机", "备用钥匙"], "item_count": ["2", "7"]},
                                    [TYPED, "备用钥匙"]),
    "handover sign, wrong password": ("lead", lambda w, a: _handover(w, a, "open"),
                                      {"step": "sign", "password": "wrong", "remarks_out": TYPED, "signature": signature(),
                                       "item_name": ["对讲机"], "item_count": ["2"]},
                                      [TYPED, signature()]),
    "handover accept, wrong password": ("lead2", lambda w, a: _handover(w, a, "signed"),
                                        {"step": "accept", "password": "wrong", "remarks_in": TYPED, "signature": signature()},
                                        [TYPED, signature()]),
    "handover refuse, wrong password": ("lead2", lambda w, a: _handover(w, a, "signed"),
                                        {"step": "refuse", "password": "wrong", "reason": TYPED}, [TYPED]),
    "incident without a kind": ("guard", lambda w, a: "/incidents/new",
                                {"kind": "", "severity": "high", "description": TYPED, "location_text": "3 号楼",
                                 "site_id": "{site}"}, [TYPED, "3 号楼"]),
    "notice without a deadline": ("supervisor", lambda w, a: "/notices/new?site={site}",
                                  {"description": TYPED, "location_text": "3 号楼", "deadline": "",
                                   "assignee_id": "{guard}", "department": "security", "severity": "high"},
                                  [TYPED, "3 号楼"]),
    "violation without a rule": ("supervisor", lambda w, a: "/violations/new?site={site}",
                                 {"description": TYPED, "rule": "", "points": "5", "person_id": "{guard}"}, [TYPED]),
    "work order without a category": ("manager", lambda w, a: "/orders/new",
                                      {"description": TYPED, "category": "", "location_text": "1 栋 101",
                                       "reporter": "王先生", "site_id": "{site}"}, [TYPED, "1 栋 101", "王先生"]),
    "inspection without a signature": ("supervisor", lambda w, a: "/inspections/new?site={site}&template={sheet}",
                                       {"note": TYPED, "template_id": "{sheet}"}, [TYPED]),
    "set-up area without a kind": ("manager", lambda w, a: _setup_path(w, a, "/areas"),
                                   {"name": TYPED, "kind": "nowhere"}, [TYPED]),
    "set-up checkpoint without a code": ("manager", lambda w, a: _setup_path(w, a, "/checkpoints"),
                                         {"name": TYPED, "code": "", "purpose": "both"}, [TYPED]),
    "set-up shift with a bad time": ("manager", lambda w, a: _setup_path(w, a, "/shifts"),
                                     {"name": TYPED, "start_local": "25:99", "end_local": "20:00", "patrol": "y"}, [TYPED]),
    "set-up route without a name": ("manager", lambda w, a: _setup_path(w, a, "/routes"),
                                    {"name": "", "note": TYPED}, []),
    "set-up person with a short password": ("manager", lambda w, a: "/setup/people",
                                            {"name": TYPED, "login": "new-guard", "role": "guard", "language": "zh",
                                             "site_ids": ["{site}"], "password": "short"}, [TYPED, "new-guard"]),
    "sign-in with a wrong password": (None, lambda w, a: "/login", {"login": "guard-typed", "password": "wrong"},
                                      ["guard-typed"]),
}


def _fill(value, names: dict):
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    return value.format(**names) if isinstance(value, str) and "{" in value and "data:" not in value else value


@pytest.mark.parametrize("case", CASES)
def test_a_refused_form_comes_back_with_what_was_typed(world, app, case):
    who, reach, data, kept = CASES[case]
    names = {"site": world.site_a.id, "guard": world.people["guard"].id,
             "sheet": sheet(world.company.id, name="门岗检查", area_kind="guard_post", department="security").id}
    path = reach(world, app).format(**names)
    client = _client(app, who) if who else app.test_client()
    page = client.get(path)  # set-up forms post to paths of their own: any page of the session carries its token
    html = (page if page.status_code == 200 else client.get(f"/sites/{world.site_a.id}/setup")).get_data(as_text=True)
    form = {"csrf_token": csrf_from(html), **_submission(html), **{k: _fill(v, names) for k, v in data.items()}}
    answer = client.post(path, data=form, content_type="multipart/form-data")
    body = answer.get_data(as_text=True)
    assert 400 <= answer.status_code < 500, (case, answer.status_code)
    for text in kept:
        assert text in body, (case, text[:40])


def test_the_handover_record_shows_the_remarks_saved_by_a_refused_signature(world, app):
    path = _handover(world, app, "open")
    lead = _client(app, "lead")
    page = lead.get(path).get_data(as_text=True)
    lead.post(path, data={"csrf_token": csrf_from(page), "step": "sign", "password": "wrong", "remarks_out": TYPED,
                          "item_name": ["对讲机"], "item_count": ["3"]})
    handover = db.session.scalar(select(Handover))
    db.session.refresh(handover)
    assert handover.remarks_out == TYPED and [(i.name, i.count_out) for i in handover.items] == [("对讲机", 3)]
    assert db.session.scalar(select(ShiftTemplate)) is not None
