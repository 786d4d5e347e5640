"""An engineer reads a pump room on a phone (390 × 844, Chinese) without signal: the pressure typed out of its band is
flagged at once and wants a note and a photo, a meter below its last reading is questioned, and the readings reach the
server through the offline queue once signal is back, where the abnormal one has opened a work order."""
from __future__ import annotations

import time
from datetime import timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from PIL import Image
from sqlalchemy import select

from tests import clock
from tests.browser.conftest import TIMEOUT_MS, Tab
from webapp.extensions import db
from webapp.models import Checkpoint, Equipment, Person, Reading, ReadingItem, Route, RouteStop, Scan, Site, WorkOrder


def _pump_room(live_server, code: str = "PUMP-BT", nth: int = 0, on_route: bool = False) -> tuple[str, dict[str, int]]:
    """A pump at the demo site's nth checkpoint (of those a patrol route passes, with `on_route`), with a pressure
    and a meter read 12345 kWh before."""
    with live_server.app.app_context():
        site = db.session.scalar(select(Site).where(Site.code == "CHG"))
        query = select(Checkpoint).where(Checkpoint.site_id == site.id)
        if on_route:
            query = query.where(Checkpoint.id.in_(select(RouteStop.checkpoint_id).join(Route).where(Route.active)))
        checkpoint = db.session.scalars(query.order_by(Checkpoint.id.desc() if on_route else Checkpoint.id)
                                        .offset(nth)).first()
        pump = Equipment(site_id=site.id, checkpoint_id=checkpoint.id, code=code, name="浏览器测试水泵", kind="pump")
        db.session.add(pump)
        db.session.flush()
        pressure = ReadingItem(equipment_id=pump.id, position=0, name="出口压力", unit="MPa", low=0.3, high=0.6)
        meter = ReadingItem(equipment_id=pump.id, position=1, name="电表读数", unit="kWh", low=0, meter=True, max_jump=500)
        db.session.add_all([pressure, meter])
        db.session.flush()
        engineer = db.session.scalar(select(Person).where(Person.login == "engineer"))
        before = clock.now() - timedelta(days=1)
        db.session.add(Reading(client_uuid=uuid4(), site_id=site.id, person_id=engineer.id, device_time=before,
                               captured_at=before, item_id=meter.id, equipment_id=pump.id, value_number=12345,
                               value_text="12345"))
        db.session.commit()
        found = checkpoint.token, {"pressure": pressure.id, "meter": meter.id}
        db.session.remove()
    return found


def _poll(tab: Tab, script: str, arg=None) -> None:
    """Evaluate an (async) function until it answers true, within the browser tests' one deadline."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not tab.page.evaluate(script, arg):
        assert time.monotonic() < deadline, f"never true: {script}"
        time.sleep(0.2)


def _queued(tab: Tab) -> list[dict]:
    return tab.page.evaluate("""async () => (await RoundsQueue.all()).filter((r) => r.kind === 'reading').map((r) => ({
        client_uuid: r.client_uuid, state: r.state, event: r.event, photos: r.photos.length}))""")


def test_an_engineer_reads_a_pump_room_offline_and_the_abnormal_pressure_opens_a_work_order(tab, live_server, tmp_path,
                                                                                             shots):
    token, items = _pump_room(live_server)
    page = tab.page
    tab.goto("/login")
    tab.sign_in("engineer", "Rounds-engineer-1")
    tab.goto(f"/s/{token}")  # the label opened by the camera: an engineer is taken to the readings
    page.wait_for_selector("form[data-readings]")
    page.wait_for_function("() => window.Rounds && window.RoundsQueue")
    tab.assert_no_horizontal_scroll()
    assert page.get_attribute(f"input[name='value-{items['pressure']}']", "inputmode") == "decimal"  # numeric keypad
    assert page.locator("form[data-readings] [data-question]:visible").count() == 0  # nothing questioned yet

    page.context.set_offline(True)  # in the basement: no signal
    pressure = page.locator(f"[data-reading='{items['pressure']}']")
    pressure.locator("input[inputmode=decimal]").fill("0.72")
    page.wait_for_selector(f"[data-reading='{items['pressure']}'][data-state=abnormal]")
    assert pressure.locator("[data-abnormal]").is_visible()
    page.click("form[data-readings] button[type=submit]")
    page.wait_for_selector("[data-readings-error]")
    assert "异常读数需要备注和照片" in page.inner_text("[data-readings-error]")
    pressure.locator("input[name^=note]").fill("出口阀门异响")
    photo = tmp_path / "gauge.jpg"
    Image.new("RGB", (1200, 900), (90, 100, 120)).save(photo, "JPEG", quality=80)
    pressure.locator("input[type=file]").set_input_files(str(photo))
    page.locator(f"input[name='value-{items['meter']}']").fill("12000")
    page.click("form[data-readings] button[type=submit]")
    page.wait_for_selector(f"[data-reading='{items['meter']}'][data-state=questioned]")
    assert "确认" in page.inner_text("[data-readings-error]")
    page.locator(f"[data-reading='{items['meter']}'] [data-question] input[type=checkbox]").check()
    page.screenshot(path=str(shots / "plant-readings-form.png"), full_page=True)
    page.click("form[data-readings] button[type=submit]")
    page.wait_for_selector("[data-readings-saved='2']")

    queued = _queued(tab)
    assert sorted((r["event"]["item_id"], r["event"]["value"], r["photos"]) for r in queued) == [
        (items["pressure"], "0.72", 1), (items["meter"], "12000", 0)]
    assert all(r["state"] == "pending" for r in queued)

    page.context.set_offline(False)  # signal again: the queue sends the photo, then the events
    _poll(tab, "async () => (await RoundsQueue.all()).every((r) => r.state === 'sent')")  # the queue's own state
    pressure_uuid = next(r["client_uuid"] for r in queued if r["event"]["item_id"] == items["pressure"])
    with live_server.app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.client_uuid == UUID(pressure_uuid)))
        assert reading.out_of_range and reading.note == "出口阀门异响"
        order = db.session.get(WorkOrder, reading.work_order_id)
        assert order is not None and "浏览器测试水泵" in order.description
        meter = db.session.scalar(select(Reading).where(Reading.item_id == items["meter"], Reading.value_number == 12000))
        assert meter.confirmed and not meter.out_of_range
        db.session.remove()
    assert [e for e in tab.errors if "net::ERR_INTERNET_DISCONNECTED" not in e] == []


def _keeps_forms(tab: Tab, live_server, token: str) -> None:
    """Open a page and wait until the service worker has kept the plant room's readings form and the scan map knows
    the label."""
    with live_server.app.app_context():
        room = db.session.scalar(select(Checkpoint.id).where(Checkpoint.token == token))
        db.session.remove()
    page = tab.page
    tab.goto("/scan")  # any page of his: the service worker keeps the plant rooms' forms and the scan map
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        tab.goto("/scan")  # loaded while the worker was installing: controlled from the next load
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    _poll(tab, """async (path) => {
        for (const name of (await caches.keys()).filter((n) => n.startsWith('rounds-pages-'))) {
            if (await (await caches.open(name)).match(path)) { return true; }
        }
        return false;
    }""", f"/plant-rooms/{room}/readings")
    _poll(tab, "async (t) => ((await RoundsQueue.placeOf(t)) || {}).id === " + str(room), token)
    assert token not in page.content()  # the phone holds the form and the map's hashes, never the label's token


def test_an_engineer_who_never_opened_the_pump_room_online_reads_it_when_its_label_is_scanned_without_signal(
        tab, live_server, shots):
    token, items = _pump_room(live_server, "PUMP-OFF", nth=1)
    page = tab.page
    tab.goto("/login")
    tab.sign_in("engineer", "Rounds-engineer-1")
    _keeps_forms(tab, live_server, token)

    page.context.set_offline(True)  # in the basement, the camera app opens the label
    tab.goto(f"/s/{token}")
    page.wait_for_selector("form[data-readings]")
    page.wait_for_function("() => window.Rounds && window.RoundsQueue")
    assert page.get_attribute("form[data-readings]", "data-token") == ""  # the kept form: the token is the address's
    page.locator(f"input[name='value-{items['pressure']}']").fill("0.45")
    page.locator(f"input[name='value-{items['meter']}']").fill("12400")
    page.click("form[data-readings] button[type=submit]")
    page.wait_for_selector("[data-readings-saved='2']")
    page.screenshot(path=str(shots / "plant-readings-offline-first-time.png"), full_page=True)
    assert sorted((r["event"]["token"], r["event"]["value"]) for r in _queued(tab)) == [(token, "0.45"), (token, "12400")]

    page.context.set_offline(False)
    _poll(tab, "async () => (await RoundsQueue.all()).every((r) => r.state === 'sent')")
    with live_server.app.app_context():
        engineer = db.session.scalar(select(Person.id).where(Person.login == "engineer"))
        read = db.session.execute(select(Reading.item_id, Reading.value_number, Reading.out_of_range, Reading.person_id)
                                  .where(Reading.item_id.in_(items.values()), Reading.value_number.in_([0.45, 12400])))
        assert sorted(tuple(r) for r in read) == sorted([(items["pressure"], 0.45, False, engineer),
                                                         (items["meter"], 12400, False, engineer)])
        db.session.remove()
    assert [e for e in tab.errors if "net::ERR_INTERNET_DISCONNECTED" not in e] == []


def test_a_guard_on_a_combined_round_scans_a_plant_room_without_signal_and_reads_it_from_the_saved_page(
        tab, live_server, shots):
    token, items = _pump_room(live_server, "PUMP-GRD", on_route=True)
    page = tab.page
    tab.goto("/login")
    tab.sign_in("guard", "Rounds-guard-1")
    _keeps_forms(tab, live_server, token)  # the plant room stands on his patrol route: his phone keeps its form

    page.context.set_offline(True)
    tab.goto(f"/s/{token}")  # a guard's scan is kept first, as on any label
    page.wait_for_selector("[data-saved-scan]")
    read = page.locator("[data-saved-readings]")
    read.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert read.inner_text().strip() == "在此抄表"
    box = read.bounding_box()
    assert box["height"] >= 44 and box["y"] + box["height"] <= 844  # a thumb's target, above the fold
    page.screenshot(path=str(shots / "plant-readings-guard-saved.png"), full_page=True)
    saved_at = page.inner_text("[data-saved-time]")  # read in the site's zone whatever the phone's (here UTC)
    read.click()
    page.wait_for_selector("form[data-readings]")
    page.wait_for_function("() => window.Rounds && window.RoundsQueue")
    page.locator(f"input[name='value-{items['pressure']}']").fill("0.5")
    page.locator(f"input[name='value-{items['meter']}']").fill("12380")
    page.click("form[data-readings] button[type=submit]")
    page.wait_for_selector("[data-readings-saved='2']")
    assert page.evaluate("async () => (await RoundsQueue.all()).filter((r) => r.kind === 'scan').length") == 1

    page.context.set_offline(False)
    _poll(tab, "async () => (await RoundsQueue.all()).every((r) => r.state === 'sent')")
    with live_server.app.app_context():
        guard = db.session.scalar(select(Person.id).where(Person.login == "guard"))
        room = db.session.scalar(select(Checkpoint.id).where(Checkpoint.token == token))
        read = db.session.execute(select(Reading.item_id, Reading.value_number, Reading.person_id)
                                  .where(Reading.item_id.in_(items.values()), Reading.value_number.in_([0.5, 12380])))
        assert sorted(tuple(r) for r in read) == sorted([(items["pressure"], 0.5, guard), (items["meter"], 12380, guard)])
        scanned = db.session.scalar(select(Scan.captured_at).where(Scan.checkpoint_id == room, Scan.person_id == guard))
        assert scanned.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M") in saved_at
        db.session.remove()
    assert [e for e in tab.errors if "net::ERR_INTERNET_DISCONNECTED" not in e] == []
