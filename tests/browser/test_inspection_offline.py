"""A supervisor inspects on a phone (390 × 844) without signal: the inspection waits in the offline queue with its
photo and signature, and reaches the server once signal is back, exactly as scans do."""
from __future__ import annotations

import time
from uuid import UUID

from PIL import Image
from sqlalchemy import select

from tests.browser.conftest import Tab
from tests.browser.test_handover import _draw
from tests.browser.test_pages import MIN_TAP, SMALL_TARGETS_JS
from webapp.extensions import db
from webapp.models import Company, Inspection, InspectionItem, InspectionTemplate, Photo, Site


def _sheet(live_server) -> tuple[int, int, list[int]]:
    """A stairwell sheet of the demo company (made here: the demo may hold none yet) and the site to inspect."""
    with live_server.app.app_context():
        site = db.session.scalar(select(Site).where(Site.code == "CHG"))
        company = db.session.get(Company, site.company_id)
        template = InspectionTemplate(company_id=company.id, name="楼梯间巡检（浏览器测试）", area_kind="stairwell",
                                      department="environment", method="deduction",
                                      items=[InspectionItem(position=0, section="地面", text="地面无烟头、无垃圾", weight=10),
                                             InspectionItem(position=1, section="扶手", text="扶手无灰尘", weight=10)])
        db.session.add(template)
        db.session.commit()
        found = template.id, site.id, [i.id for i in template.items]
        db.session.remove()
    return found


def _queued(tab: Tab) -> list[dict]:
    return tab.page.evaluate("""async () => (await RoundsQueue.all()).map((r) => ({
        client_uuid: r.client_uuid, kind: r.kind, state: r.state, event: r.event, message: r.message,
        photos: r.photos.map((p) => ({client_uuid: p.client_uuid, state: p.state}))}))""")


def test_a_supervisor_fails_an_item_with_a_photo_offline_and_the_server_gets_it_when_signal_returns(tab, live_server,
                                                                                                     tmp_path, shots):
    template_id, site_id, (floor, rail) = _sheet(live_server)
    page = tab.page
    tab.goto("/login")
    tab.sign_in("supervisor", "Rounds-super-1")
    tab.goto(f"/inspections/new?site={site_id}&template={template_id}")
    page.wait_for_selector("form[data-offline-form=inspection]")
    page.wait_for_function("() => window.Rounds && window.SignaturePad")
    tab.assert_no_horizontal_scroll()
    page.locator(f"[data-inspection-item='{floor}']").get_by_text("不合格").click()  # shows the note and the photo too
    assert page.evaluate(SMALL_TARGETS_JS, MIN_TAP) == []  # one thumb, 44 px at least
    page.locator(f"[data-inspection-item='{floor}']").get_by_text("合格", exact=True).click()

    page.context.set_offline(True)  # into the stairwell: no signal
    item = page.locator(f"[data-inspection-item='{floor}']")
    item.get_by_text("不合格").click()
    assert item.locator("input[type=file]").is_visible()  # the note and photo show once the item fails
    item.locator("input[type=text]").fill("三楼楼梯口有烟头")
    photo = tmp_path / "stairs.jpg"
    Image.new("RGB", (2400, 1800), (120, 110, 90)).save(photo, "JPEG", quality=80)
    item.locator("input[type=file]").set_input_files(str(photo))
    _draw(page, "canvas.signature-pad")
    page.wait_for_function("() => document.querySelector('input[name=signature]').value.startsWith('data:image/png')")
    page.screenshot(path=str(shots / "inspection-offline-form.png"), full_page=True)
    page.click("form[data-offline-form] button[type=submit]")
    page.wait_for_selector("[data-saved-offline]")

    record = next(r for r in _queued(tab) if r["kind"] == "inspection")
    assert record["state"] == "pending" and [p["state"] for p in record["photos"]] == ["pending"]
    event = record["event"]
    assert (event["site_id"], event["template_id"]) == (site_id, template_id)
    assert [(a["item_id"], a["value"], a["note"]) for a in event["answers"]] == [(floor, 0, "三楼楼梯口有烟头"), (rail, 1, "")]
    assert event["answers"][0]["photo_ids"] == [record["photos"][0]["client_uuid"]]
    with live_server.app.app_context():
        assert db.session.scalar(select(Inspection).where(Inspection.client_uuid == UUID(record["client_uuid"]))) is None
        db.session.remove()

    page.context.set_offline(False)  # signal again: the 'online' event sends the queue, photo first
    deadline = time.monotonic() + 20
    while not any(r["state"] == "sent" for r in _queued(tab) if r["client_uuid"] == record["client_uuid"]):
        assert time.monotonic() < deadline, _queued(tab)
        time.sleep(0.2)
    with live_server.app.app_context():
        inspection = db.session.scalar(select(Inspection).where(Inspection.client_uuid == UUID(record["client_uuid"])))
        assert inspection is not None and inspection.template_id == template_id and inspection.site_id == site_id
        assert (inspection.percent, inspection.passed) == (90.0, True)
        assert inspection.signature.startswith("data:image/png;base64,")
        failed = [r for r in inspection.results if r.failed]
        assert [(r.item_id, r.note) for r in failed] == [(floor, "三楼楼梯口有烟头")]
        photos = db.session.scalars(select(Photo).where(Photo.inspection_result_id == failed[0].id)).all()
        assert [str(p.client_uuid) for p in photos] == [record["photos"][0]["client_uuid"]]
        assert max(photos[0].width, photos[0].height) <= 1600  # scaled on the phone before it was sent
        inspection_id = inspection.id
        db.session.remove()

    tab.goto(f"/inspections/{inspection_id}")
    assert "三楼楼梯口有烟头" in page.inner_text("main")
    page.screenshot(path=str(shots / "inspection-detail.png"), full_page=True)
    assert [e for e in tab.errors if "net::ERR_INTERNET_DISCONNECTED" not in e] == []
