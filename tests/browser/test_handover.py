"""At 390 × 844: a lead opens the board, sees an overdue checkpoint, acknowledges it, signs the handover on the pad;
the incoming lead accepts; the PDF is produced and its text holds the gaps."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pypdfium2
from sqlalchemy import select

from tests import clock
from webapp.extensions import db
from webapp.models import Handover, Shift, ShiftTemplate, Site


def _night_two_days_ago(live_server) -> int:
    with live_server.app.app_context():
        today = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
        shift_id = db.session.scalar(select(Shift.id).join(ShiftTemplate).join(Site, Shift.site_id == Site.id).where(
            Site.code == "CHG", ShiftTemplate.name == "夜班", Shift.local_date == today - timedelta(days=2)))
        db.session.remove()
    return shift_id


def _draw(page, canvas_selector: str) -> None:
    canvas = page.locator(canvas_selector)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + step * min(18, box["width"] / 14), y + (12 if step % 2 else -12))
    page.mouse.up()


def test_board_acknowledge_sign_accept_and_pdf(live_server, open_tab, shots):
    shift_id = _night_two_days_ago(live_server)
    site_id = live_server.site_ids["CHG"]
    out = open_tab()
    out.goto("/login")
    out.sign_in("lead2", "Rounds-lead-2")
    page = out.page
    out.goto(f"/sites/{site_id}/board?shift={shift_id}")
    overdue = page.locator("section.card.overdue").filter(has_text="当前超时")
    assert overdue.count() == 1 and "生活水泵房" in overdue.inner_text()
    gap = page.locator("ul.gaps li.row").filter(has_text="漏巡 生活水泵房").first
    assert gap.is_visible()
    form = page.locator("form.gap-step").filter(has=page.locator("input[value='acknowledge']")).filter(
        has=page.locator("input[name=key][value*='checkpoint_missed']")).first
    form.locator("input[name=text]").fill("水泵房当晚由工程部锁门")
    with page.expect_navigation():
        form.get_by_role("button").click()
    assert "班长已知悉: 水泵房当晚由工程部锁门" in page.locator("#board").inner_text()
    out.assert_no_horizontal_scroll()
    page.screenshot(path=str(shots / "board-lead.png"), full_page=True)

    out.goto(f"/shifts/{shift_id}/handover")
    with page.expect_navigation():
        page.get_by_role("button", name="打开交接记录").click()
    _draw(page, "form:has(button[value=sign]) canvas")
    page.locator("#password-out").fill("Rounds-lead-2")
    with page.expect_navigation():
        page.get_by_role("button", name="签名并交班").click()
    assert "已签名，等待接班人" in page.locator("main").inner_text()
    page.screenshot(path=str(shots / "handover-signed.png"), full_page=True)
    assert out.errors == []

    incoming = open_tab()
    incoming.goto("/login")
    incoming.sign_in("lead", "Rounds-lead-1")
    other = incoming.page
    incoming.goto(f"/shifts/{shift_id}/handover")
    assert "水泵房当晚由工程部锁门" in other.locator("main").inner_text()
    fields = other.locator("form:has(button[value=accept]) input[name^=count-]").all()
    assert fields
    for n, field in enumerate(fields):
        assert field.input_value() == ""  # the incoming lead counts: nothing is pre-filled
        handed = int(field.locator("xpath=..").locator("label").inner_text().rsplit(" ", 1)[-1].rstrip(")"))
        field.fill(str(handed + 1 if n == 0 else handed))  # one item miscounted: one more than handed over
    _draw(other, "form:has(button[value=accept]) canvas")
    other.locator("#remarks_in").fill("钥匙、对讲机已清点")
    other.locator("#password-in").fill("Rounds-lead-1")
    with other.expect_navigation():
        other.get_by_role("button", name="接班并关闭").click()
    # the difference is shown beside its item and must be confirmed; what was counted and typed is kept
    assert other.locator(".item-row.alarm .note").count() == 1 and "实点" in other.locator(".item-row.alarm .note").inner_text()
    assert other.locator("#remarks_in").input_value() == "钥匙、对讲机已清点"
    other.screenshot(path=str(shots / "handover-count-differs.png"), full_page=True)
    other.get_by_label("差异属实：接班并将差异记入记录").check()
    _draw(other, "form:has(button[value=accept]) canvas")  # kept from the first try (test_form_keeps_input); one more stroke
    other.locator("#password-in").fill("Rounds-lead-1")
    with other.expect_navigation():
        other.get_by_role("button", name="接班并关闭").click()
    text = other.locator("main").inner_text()
    assert "已关闭并封存" in text and "SHA-256" in text
    incoming.assert_no_horizontal_scroll()
    other.screenshot(path=str(shots / "handover-closed.png"), full_page=True)
    assert [e for e in incoming.errors if "status of 400" not in e] == []  # the post with a difference answers 400

    with live_server.app.app_context():
        handover = db.session.scalar(select(Handover).where(Handover.shift_id == shift_id))
        handover_id, sha = handover.id, handover.sha256
        assert handover.out_signature.startswith("data:image/png;base64,") and handover.in_signature
        db.session.remove()
    response = other.request.get(f"{live_server.url}/handovers/{handover_id}.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    doc = pypdfium2.PdfDocument(response.body())
    pdf_text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))).replace("\r", "").replace("\n", "")
    assert "交接班记录" in pdf_text and "漏巡 生活水泵房" in pdf_text and sha in pdf_text
