"""At 20:04 the day lead is offered the day shift's handover first; once signed, the night lead sees 待接班 at the top
of their page and the board lists it at once, overdue after HANDOVER_OVERDUE_MINUTES."""
from __future__ import annotations

from datetime import date, time, timedelta

from tests.conftest import PASSWORD
from tests.handover.test_lifecycle import _client, _post, _text, signature
from webapp.domain.timezones import shift_window, zone
from webapp.extensions import db
from webapp.models import Role, Shift, ShiftMember, ShiftTemplate

DAY = date(2026, 11, 24)


def _day_and_night(world, app):
    world.person("lead2", Role.LEAD, [world.site_a])
    template = ShiftTemplate(site_id=world.site_a.id, name="白班", start_local=time(8), end_local=time(20))
    db.session.add(template)
    db.session.flush()
    start, end = shift_window(DAY, template.start_local, template.end_local, zone(world.site_a.timezone))
    day = Shift(site_id=world.site_a.id, template_id=template.id, local_date=DAY, starts_at=start, ends_at=end,
                lead_id=world.people["lead"].id, members=[ShiftMember(person_id=world.people["guard"].id)])
    db.session.add(day)
    db.session.commit()
    night = world.night_shift(DAY, lead="lead2")
    app.config["ROUNDS_NOW"] = day.ends_at + timedelta(minutes=4)
    return day, night


def test_the_day_lead_at_shift_change_is_offered_his_own_handover_first(world, app):
    day, night = _day_and_night(world, app)
    page = _client(app, "lead").get("/lead").get_data(as_text=True)
    first = page.index('id="handover-first"')
    assert f"/shifts/{day.id}/handover" in page[first:first + 800]
    assert f"/shifts/{night.id}/handover" not in page  # the night shift's handover is not his
    assert "本班交接" in _text(_client(app, "lead").get("/lead"))


def test_once_signed_the_incoming_lead_sees_it_waiting_and_the_board_lists_it_then_overdue(world, app):
    day, _night = _day_and_night(world, app)
    out = _client(app, "lead")
    incoming = _client(app, "lead2")
    assert "去接班" not in _text(incoming.get("/lead"))
    _post(out, day, step="open")
    assert _post(out, day, step="sign", password=PASSWORD, signature=signature()).status_code == 302
    page = incoming.get("/lead").get_data(as_text=True)
    assert "去接班" in page and page.index("<h2>待接班</h2>") < page.index('class="card shift')  # at the top
    fragment = incoming.get("/lead/waiting", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "待接班" in fragment and f"/shifts/{day.id}/handover" in fragment and "<html" not in fragment
    assert "去接班" not in _text(out.get("/lead"))  # the outgoing lead is not asked to take over his own
    manager = _client(app, "manager")
    board = manager.get(f"/sites/{world.site_a.id}/board").get_data(as_text=True)
    listed = board[board.index('id="waiting-handovers"'):]
    assert "待接班的交接" in board and f"/shifts/{day.id}/handover" in listed[:1500] and "已超时" not in listed[:1500]
    app.config["ROUNDS_NOW"] = day.ends_at + timedelta(minutes=4 + app.config["HANDOVER_OVERDUE_MINUTES"] + 1)
    board = manager.get(f"/sites/{world.site_a.id}/board").get_data(as_text=True)
    listed = board[board.index('id="waiting-handovers"'):]
    assert "已超时" in listed[:1500]
