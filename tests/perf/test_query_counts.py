"""A page lists N things with a fixed number of queries: the board and the handover pages ask the database as often
with three times the records as with one (no N+1), counted on the engine for the whole request."""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from tests.conftest import sign_in
from webapp.domain.timezones import shift_window, zone
from webapp.extensions import db
from webapp.models import (
    ChecklistItem,
    Checkpoint,
    CleaningCheck,
    CleaningPlan,
    CleaningResult,
    Device,
    GapAction,
    Handover,
    HandoverAddendum,
    HandoverItem,
    HandoverState,
    Incident,
    IncidentKind,
    PatrolPlan,
    Person,
    Photo,
    Purpose,
    Role,
    Route,
    RouteStop,
    Scan,
    Severity,
    Shift,
    ShiftMember,
    ShiftTemplate,
)

DAY = date(2026, 11, 24)


@contextmanager
def counted():
    """Count every SQL statement any engine runs inside the block."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def _field(site_id: int, person_id: int, at: datetime, shift_id: int | None, device_id: int | None = None) -> dict:
    return {"client_uuid": uuid.uuid4(), "site_id": site_id, "person_id": person_id, "device_id": device_id,
            "shift_id": shift_id, "device_time": at, "captured_at": at, "received_at": at}


def _grow(world, shift: Shift, route: Route, n: int) -> None:
    """Add n of everything the board and the handover show: checkpoints on the route, people, phones, scans with
    photos, cleaning checks with results, incidents, gap steps, handed-over items, addenda, and past shifts."""
    site = world.site_a
    plan = db.session.scalar(select(CleaningPlan).where(CleaningPlan.site_id == site.id))
    for i in range(n):
        tag = uuid.uuid4().hex[:6]
        cp = Checkpoint(site_id=site.id, code=f"G{tag}", name=f"点 {tag}", purpose=Purpose.BOTH,
                        checklist=[ChecklistItem(position=0, text="地面"), ChecklistItem(position=1, text="扶手")])
        guard = Person(company_id=world.company.id, login=f"g{tag}", name=f"保安 {tag}", role=Role.GUARD,
                       password_hash="x", sites=[site])
        db.session.add_all([cp, guard])
        db.session.flush()
        route.stops.append(RouteStop(checkpoint_id=cp.id, position=len(route.stops), min_walk_minutes=1))
        plan.checkpoints.append(cp)
        shift.members.append(ShiftMember(person_id=guard.id))
        phone = Device(client_id=f"phone-{tag}", person_id=guard.id)
        db.session.add(phone)
        db.session.flush()
        at = shift.starts_at + timedelta(minutes=10 + i)
        scan = Scan(checkpoint_id=cp.id, **_field(site.id, guard.id, at, shift.id, phone.id))
        check = CleaningCheck(checkpoint_id=cp.id, **_field(site.id, world.people["cleaner"].id, at, shift.id),
                              results=[CleaningResult(item_id=item.id, passed=k == 0) for k, item in enumerate(cp.checklist)])
        incident = Incident(kind=IncidentKind.DAMAGE, severity=Severity.HIGH, description=f"坏了 {tag}", checkpoint_id=cp.id,
                            **_field(site.id, guard.id, at, shift.id))
        db.session.add_all([scan, check, incident])
        db.session.flush()
        for owner in ({"scan_id": scan.id}, {"cleaning_check_id": check.id}, {"incident_id": incident.id}):
            db.session.add(Photo(sha256=uuid.uuid4().hex * 2, content_type="image/jpeg", width=10, height=10, **owner,
                                 **_field(site.id, guard.id, at, shift.id)))
        db.session.add(GapAction(shift_id=shift.id, gap_key=f"key-{tag}", action="explain", person_id=guard.id, text="路堵"))
        # a past shift of the site, with its sealed-looking handover, for the history and the shift picker
        template = ShiftTemplate(site_id=site.id, name=f"班 {tag}", start_local=time(8), end_local=time(20))
        db.session.add(template)
        db.session.flush()
        day = DAY - timedelta(days=1 + i % 2)
        start, end = shift_window(day, template.start_local, template.end_local, zone(site.timezone))
        # led by someone else: a person's own recent shifts are bounded by the calendar, not by the data
        past = Shift(site_id=site.id, template_id=template.id, local_date=day, starts_at=start, ends_at=end,
                     lead_id=guard.id)
        db.session.add(past)
        db.session.flush()
        db.session.add(Handover(site_id=site.id, shift_id=past.id, state=HandoverState.SIGNED, signed_out_at=end,
                                outgoing_lead_id=guard.id, incoming_lead_id=world.people["lead"].id))
    handover = db.session.scalar(select(Handover).where(Handover.shift_id == shift.id))
    for i in range(n):
        handover.items.append(HandoverItem(position=len(handover.items), name=f"钥匙 {i}", count_out=1))
        db.session.add(HandoverAddendum(handover_id=handover.id, person_id=world.people["lead"].id, text=f"补 {i}",
                                        sha256=uuid.uuid4().hex * 2))
    db.session.commit()


@pytest.fixture
def scene(world, app):
    """A night shift at site A with a route, plans, a handover, and a way to add n of everything."""
    shift = world.night_shift(DAY)
    route = db.session.scalar(select(Route).where(Route.site_id == world.site_a.id))
    db.session.add_all([PatrolPlan(site_id=world.site_a.id, route_id=route.id, shift_template_id=shift.template_id,
                                   name="夜巡", interval_minutes=120, window_minutes=30),
                        CleaningPlan(site_id=world.site_a.id, name="大堂", times_local="21:00,01:00"),
                        Handover(site_id=world.site_a.id, shift_id=shift.id, outgoing_lead_id=world.people["lead"].id)])
    db.session.commit()
    app.config["ROUNDS_NOW"] = shift.ends_at + timedelta(minutes=30)
    client = app.test_client()
    assert sign_in(client, "lead").status_code == 302
    return shift, route, client


def _queries(client, path: str, **headers) -> int:
    client.get(path, headers=headers)  # warm: the session's person, the translations
    with counted() as seen:
        answer = client.get(path, headers=headers)
    assert answer.status_code == 200, path
    return len(seen)


PAGES = {
    "the lead's board": lambda w, s: f"/sites/{w.site_a.id}/board?shift={s.id}",
    "the board's current shift": lambda w, s: f"/sites/{w.site_a.id}/board",
    "the handover history": lambda w, s: f"/sites/{w.site_a.id}/handovers",
    "the handover of the shift": lambda w, s: f"/shifts/{s.id}/handover",
    "my exceptions": lambda w, s: "/exceptions",
}


@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_asks_the_database_as_often_with_three_times_the_records(world, scene, page):
    """(My exceptions assesses each of the person's own shifts of the last two days: few, whatever the data.)"""
    shift, route, client = scene
    path = PAGES[page](world, shift)
    _grow(world, shift, route, 2)
    few = _queries(client, path)
    _grow(world, shift, route, 4)  # now three times as many of everything
    many = _queries(client, path)
    assert many == few, f"{page}: {few} queries with N records, {many} with 3N"


def test_the_board_fragment_for_htmx_asks_as_often_with_three_times_the_records(world, scene):
    shift, route, client = scene
    path = PAGES["the lead's board"](world, shift)
    _grow(world, shift, route, 2)
    few = _queries(client, path, **{"HX-Request": "true"})
    _grow(world, shift, route, 4)
    assert _queries(client, path, **{"HX-Request": "true"}) == few


def test_the_board_of_a_shift_stays_within_a_handful_of_queries(world, scene):
    shift, route, client = scene
    _grow(world, shift, route, 3)
    # 41: the page also names the plant rooms a lead's phone keeps for a combined round (pwa.client._field_pages)
    assert _queries(client, PAGES["the lead's board"](world, shift)) <= 41
