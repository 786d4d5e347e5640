"""At 390 × 844: a lead who signs the handover with a wrong password gets the page back with the remarks typed and the
signature still drawn on the pad, and signs with the right password without drawing again."""
from __future__ import annotations

from sqlalchemy import select

from tests.browser.test_handover import _draw, _night_two_days_ago
from webapp.extensions import db
from webapp.models import Handover


def test_a_wrong_password_keeps_the_remarks_and_the_drawn_signature(live_server, tab, shots):
    shift_id = _night_two_days_ago(live_server)
    tab.goto("/login")
    tab.sign_in("lead2", "Rounds-lead-2")
    page = tab.page
    tab.goto(f"/shifts/{shift_id}/handover")
    with page.expect_navigation():
        page.get_by_role("button", name="打开交接记录").click()
    page.locator("#remarks_out").fill("北门道闸已报修，明早工程部来")
    _draw(page, "form:has(button[value=sign]) canvas")
    page.locator("#password-out").fill("not-my-password")
    with page.expect_navigation():
        page.get_by_role("button", name="签名并交班").click()
    assert "密码" in page.locator("main").inner_text()
    assert page.locator("#remarks_out").input_value() == "北门道闸已报修，明早工程部来"
    kept = page.locator("form:has(button[value=sign]) input[name=signature]")
    assert kept.input_value().startswith("data:image/png;base64,")
    page.screenshot(path=str(shots / "handover-wrong-password-kept.png"), full_page=True)

    page.locator("#password-out").fill("Rounds-lead-2")
    with page.expect_navigation():
        page.get_by_role("button", name="签名并交班").click()
    assert "已签名，等待接班人" in page.locator("main").inner_text()
    assert [e for e in tab.errors if "status of 400" not in e] == []  # the refused post itself answers 400
    with live_server.app.app_context():
        handover = db.session.scalar(select(Handover).where(Handover.shift_id == shift_id))
        assert handover.remarks_out == "北门道闸已报修，明早工程部来" and handover.out_signature.startswith("data:image/png")
        db.session.remove()
