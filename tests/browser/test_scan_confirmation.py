"""The in-app scanner at 390 × 844 in Chinese: each scan confirmed like a label opened by the camera app, online and
without signal (from the phone's scan map of hashed labels), scanning on until paused; the queue names the checkpoint.

The camera is the fake one of test_offline.py, filming the labels G01, G02 and G03 of the demo's perimeter route;
a round of that route is made due for the day shift now, so that the guard's scans count.
"""
from __future__ import annotations

import re
from datetime import timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests import clock
from tests.browser.test_offline import (  # noqa: F401 (fixtures: a phone whose camera films three labels)
    CAMERA_CODES,
    _checkpoint,
    _queued,
    _real_errors,
    _signed_in,
    _wait_pending,
    _wait_until,
    camera_browser,
    camera_video,
    phone,
)
from webapp.extensions import db
from webapp.models import Checkpoint, PatrolPlan, Person, Route, Scan, ShiftTemplate, Site
from webapp.setup.services import reissue_token

ROUTE = "外围及地下室巡更"  # G01, G03, D01, D02, D03, P01, P02, P03, G02, O01, O02


@pytest.fixture(scope="module")
def round_due_now(live_server) -> dict:
    """A round of the perimeter route for the day shift, opened a minute ago; its route's names in order."""
    with live_server.app.app_context():
        site = db.session.scalar(select(Site).where(Site.code == "CHG"))
        route = db.session.scalar(select(Route).where(Route.site_id == site.id, Route.name == ROUTE))
        day = db.session.scalar(select(ShiftTemplate).where(ShiftTemplate.site_id == site.id, ShiftTemplate.name == "白班"))
        opens = clock.now().astimezone(ZoneInfo(site.timezone)) - timedelta(minutes=1)
        db.session.add(PatrolPlan(site_id=site.id, route_id=route.id, shift_template_id=day.id, name="白班外围抽查",
                                  times_local=opens.strftime("%H:%M"), window_minutes=120))
        db.session.commit()
        names = [stop.checkpoint.name for stop in route.stops]
        walks = [stop.min_walk_minutes for stop in route.stops]
        db.session.remove()
    return {"names": names, "walks": walks}


def _confirmation(tab) -> str:
    return tab.page.inner_text("[data-scan-confirmation]")


def test_the_in_app_scanner_confirms_every_scan_online_and_offline_and_keeps_scanning_until_paused(
        phone, live_server, round_due_now, shots):  # noqa: F811
    names, walks = round_due_now["names"], round_due_now["walks"]
    seen = {_checkpoint(live_server, code).name for code in CAMERA_CODES}
    nxt = names[next(i for i, n in enumerate(names) if n not in seen)]  # the first stop the camera never films
    nxt_walk = walks[names.index(nxt)]
    tab = phone()
    page = tab.page
    _signed_in(tab, "guard")
    assert "打开显示的链接" not in page.inner_text("main")  # no more "use the phone's camera app" beside the in-app scanner
    _wait_until(tab, "async () => !!(await RoundsQueue.meta('scan_map'))")  # the map came with the page
    stored_map = page.evaluate("async () => JSON.stringify(await RoundsQueue.meta('scan_map'))")
    assert _checkpoint(live_server, "G01").token not in stored_map

    # online: the camera stays open and each scan is confirmed by the server with the label page's own cards
    page.click("[data-camera-start]")
    page.wait_for_function("() => document.querySelectorAll('.queue-item.state-sent').length === 3")
    assert page.locator("[data-camera-stop]").is_visible()  # still scanning after three labels
    page.click("[data-camera-stop]")  # one tap pauses
    assert page.locator("[data-camera-start]").inner_text() == "继续扫码"
    page.wait_for_function("() => /已巡 3 \\/ 11/.test(document.querySelector('[data-scan-confirmation]').innerText)")
    page.wait_for_selector("[data-scan-confirmation] [data-confirmed-scan]")  # the server's confirmation
    online = _confirmation(tab)
    assert re.search(r"✓ (" + "|".join(map(re.escape, seen)) + ")", online)
    assert f"下一个: {nxt}" in online and f"步行 {nxt_walk:.1f} 分钟" in online and "前完成本轮" in online
    deadline = re.search(r"请在 (\d\d:\d\d) 前完成本轮", online).group(1)
    tab.assert_no_horizontal_scroll()
    page.screenshot(path=str(shots / "scan-inapp-online.png"), full_page=True)

    # a label replaced meanwhile: the server refuses the scan and the page says why in place of the confirmation
    replaced = _checkpoint(live_server, "G04")
    with live_server.app.app_context():
        reissue_token(db.session.scalar(select(Person).where(Person.login == "manager")), db.session.get(Checkpoint, replaced.id))
        db.session.remove()
    page.evaluate("(url) => RoundsScanner.found(url, 'qr')", f"https://rounds.example.com/s/{replaced.token}")
    page.wait_for_selector("[data-scan-confirmation] .refused")
    assert "该标签已于" in _confirmation(tab)

    # no signal: the phone confirms and counts from its map; the queue rows name the checkpoints
    page.context.set_offline(True)
    tab.goto("/scan")  # the page from the phone's cache; the scanner starts afresh
    page.click("[data-camera-start]")
    _wait_pending(tab, 3)
    page.click("[data-camera-stop]")
    page.wait_for_selector("[data-scan-confirmation] [data-local-scan]")
    offline = _confirmation(tab)
    assert re.search(r"✓ (" + "|".join(map(re.escape, seen)) + ")", offline)
    assert "已巡 3 / 11 个点" in offline and f"下一个: {nxt}" in offline and f"步行 {nxt_walk:.1f} 分钟" in offline
    assert f"请在 {deadline} 前完成本轮" in offline and "已保存在本机" in offline
    rows = page.locator(".queue-item.state-pending")
    assert rows.count() == 3 and {name for name in seen if rows.filter(has_text=name).count() == 1} == seen
    tab.assert_no_horizontal_scroll()
    page.screenshot(path=str(shots / "scan-inapp-offline.png"), full_page=True)

    # the camera app opens the next label without signal: the saved page names it and counts it too
    tab.goto(f"/s/{_checkpoint(live_server, 'D01').token}")
    page.wait_for_selector("[data-saved-place]:not([hidden])")
    assert page.inner_text("[data-saved-place]") == f"✓ {_checkpoint(live_server, 'D01').name}"
    assert "已巡 4 / 11 个点" in page.inner_text("[data-saved-progress]")
    page.screenshot(path=str(shots / "scan-label-offline.png"), full_page=True)

    # signal again: everything reaches the server once, each row still naming its checkpoint
    tab.goto("/scan")
    _wait_pending(tab, 4)
    page.context.set_offline(False)
    _wait_pending(tab, 0)
    page.wait_for_function("() => document.querySelectorAll('.queue-item.state-sent').length === 7")
    queued = [r for r in _queued(tab) if r["kind"] == "scan"]
    with live_server.app.app_context():
        stored = db.session.scalar(select(func.count()).select_from(Scan).where(
            Scan.client_uuid.in_([UUID(r["client_uuid"]) for r in queued])))
        db.session.remove()
    assert stored == 7
    assert page.locator(".queue-item").filter(has_text=_checkpoint(live_server, "D01").name).count() == 1
    page.screenshot(path=str(shots / "scan-inapp-synced.png"), full_page=True)
    assert _real_errors(tab) == []
