"""At 390 × 844, 20:04: the day lead's page offers his own shift's handover first; he signs; the night lead's page,
already open, shows 待接班 at its top without a reload; the board lists the waiting handover."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests import clock
from tests.browser.test_handover import _draw
from webapp.extensions import db
from webapp.models import Shift, ShiftTemplate, Site


def _today_day_shift(live_server) -> tuple[int, object]:
    with live_server.app.app_context():
        today = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
        shift = db.session.scalar(select(Shift).join(ShiftTemplate).join(Site, Shift.site_id == Site.id).where(
            Site.code == "CHG", ShiftTemplate.name == "白班", Shift.local_date == today))
        found = (shift.id, shift.ends_at)
        db.session.remove()
    return found


def test_the_shift_change_on_two_phones(live_server, open_tab, shots):
    shift_id, ends_at = _today_day_shift(live_server)
    live_server.app.config["ROUNDS_NOW"] = ends_at + timedelta(minutes=4)
    try:
        incoming = open_tab()
        incoming.goto("/login")
        incoming.sign_in("lead2", "Rounds-lead-2")
        incoming.goto("/lead")
        night = incoming.page
        assert night.locator("#waiting section").count() == 0

        out = open_tab()
        out.goto("/login")
        out.sign_in("lead", "Rounds-lead-1")
        out.goto("/lead")
        page = out.page
        first = page.locator("#handover-first")
        assert first.is_visible() and first.bounding_box()["y"] < 844 - 100  # above the fold
        out.assert_no_horizontal_scroll()
        page.screenshot(path=str(shots / "shift-change-day-lead.png"), full_page=False)
        with page.expect_navigation():
            first.get_by_role("link").click()
        assert out.path == f"/shifts/{shift_id}/handover" and "白班" in page.locator("main").inner_text()
        with page.expect_navigation():
            page.get_by_role("button", name="打开交接记录").click()
        _draw(page, "form:has(button[value=sign]) canvas")
        page.locator("#password-out").fill("Rounds-lead-1")
        with page.expect_navigation():
            page.get_by_role("button", name="签名并交班").click()
        assert "已签名，等待接班人" in page.locator("main").inner_text()

        waiting = night.locator("#waiting section")
        waiting.wait_for(state="visible")  # the page polls: no reload by the night lead
        assert "待接班" in waiting.inner_text() and waiting.bounding_box()["y"] < 300
        incoming.assert_no_horizontal_scroll()
        night.screenshot(path=str(shots / "shift-change-night-lead-waiting.png"), full_page=False)
        with night.expect_navigation():
            waiting.get_by_role("link", name="去接班").click()
        assert incoming.path == f"/shifts/{shift_id}/handover"

        incoming.goto(f"/sites/{live_server.site_ids['CHG']}/board")
        listed = night.locator("#waiting-handovers")
        assert "白班" in listed.inner_text() and "已超时" not in listed.inner_text()
        night.screenshot(path=str(shots / "shift-change-board.png"), full_page=True)
        assert out.errors == [] and incoming.errors == []
    finally:
        live_server.app.config.pop("ROUNDS_NOW", None)
