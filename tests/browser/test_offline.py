"""The offline app on a phone at 390 × 844: installable, a scanner fed by a fake camera, a queue that loses nothing.

The camera is Chromium's fake capture device playing a video made here from real QR images of the demo's
labels (--use-file-for-fake-video-capture), decoded by jsQR in its worker (Linux Chromium has no
BarcodeDetector). "No signal" is the browser context set offline: the service worker's fetches fail too.
"""
from __future__ import annotations

import io
import json
import re
import time
from datetime import datetime
from pathlib import Path
from uuid import UUID

import pytest
import qrcode
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import func, select

from tests.browser.conftest import PHONE, TIMEOUT_MS, Tab, launch_chromium
from webapp.extensions import db
from webapp.models import Checkpoint, CleaningCheck, Incident, Person, Photo, Scan, Site
from webapp.pwa.shell import TOKEN_PATTERN

CAMERA_CODES = ("G01", "G02", "G03")  # the labels in front of the fake camera, one second each, looping
VIDEO = (480, 360)
PASSWORDS = {"guard": "Rounds-guard-1", "manager": "Rounds-manager-1", "cleaner": "Rounds-cleaner-1"}


# ---- the world: labels, a camera that sees them, a browser that has that camera ----------------------------

def _checkpoint(live_server, code: str) -> Checkpoint:
    with live_server.app.app_context():
        cp = db.session.scalar(select(Checkpoint).join(Site).where(Site.code == "CHG", Checkpoint.code == code))
        db.session.expunge(cp)
        db.session.remove()
    return cp


def _label_frame(url: str) -> bytes:
    """One grey video frame (Y plane) with the label's QR code in the middle, as a phone would hold it."""
    code = qrcode.make(url, box_size=6, border=4).convert("L").resize((260, 260), Image.NEAREST)
    frame = Image.new("L", VIDEO, 205)
    frame.paste(code, ((VIDEO[0] - 260) // 2, (VIDEO[1] - 260) // 2))
    return frame.tobytes()


@pytest.fixture(scope="module")
def camera_video(live_server, tmp_path_factory) -> Path:
    """A Y4M video (what Chromium's fake camera plays) showing each camera label for one second, looping."""
    width, height = VIDEO
    path = tmp_path_factory.mktemp("camera") / "labels.y4m"
    chroma = bytes([128]) * (width * height // 2)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F4:1 Ip A1:1 C420jpeg\n".encode())
        for code in CAMERA_CODES:
            frame = _label_frame("https://rounds.example.com/s/" + _checkpoint(live_server, code).token)
            for _ in range(4):
                out.write(b"FRAME\n" + frame + chroma)
    return path


@pytest.fixture(scope="module")
def camera_browser(browser, camera_video):
    """A second headless Chromium, started by the same Playwright as the others, whose camera films the labels."""
    chromium = launch_chromium(browser.browser_type, ("--use-fake-device-for-media-stream",
                                                      f"--use-file-for-fake-video-capture={camera_video}"))
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def phone(camera_browser, live_server):
    """A fresh phone (browser context) in Shanghai, camera allowed: phone() -> Tab."""
    contexts = []

    def _open() -> Tab:
        context = camera_browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai",
                                             permissions=["camera"])
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return Tab(context.new_page(), live_server)

    yield _open
    for context in contexts:
        context.close()


# ---- helpers -----------------------------------------------------------------------------------------------

def _signed_in(tab: Tab, login: str, landing: str = "/scan") -> None:
    """Sign in, open `landing`, and wait until the service worker controls it and has kept the field pages."""
    tab.goto("/login")
    tab.sign_in(login, PASSWORDS[login])
    tab.goto(landing)
    tab.page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # installed and active
    if not tab.page.evaluate("navigator.serviceWorker.controller !== null"):
        # loaded while the worker was still installing (it precaches the shell first): controlled from the next load
        tab.goto(landing)
    tab.page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    _wait_cached(tab, ["/scan", "/incidents/new"])


def _wait_until(tab: Tab, script: str, arg=None, timeout_s: float = TIMEOUT_MS / 1000) -> None:
    """Evaluate an (async) function until it answers true."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if tab.page.evaluate(script, arg):
                return
        except PlaywrightError as error:  # the page reloaded itself meanwhile: ask the new one
            if "context was destroyed" not in str(error):
                raise
        assert time.monotonic() < deadline, f"never true: {script}"
        time.sleep(0.1)


def _wait_cached(tab: Tab, paths: list[str], timeout_s: float = TIMEOUT_MS / 1000) -> None:
    script = """async (paths) => {
        const names = (await caches.keys()).filter((n) => n.startsWith('rounds-pages-'));
        for (const path of paths) {
            let found = false;
            for (const name of names) { if (await (await caches.open(name)).match(path)) { found = true; } }
            if (!found) { return false; }
        }
        return true;
    }"""
    deadline = time.monotonic() + timeout_s
    while not tab.page.evaluate(script, paths):
        assert time.monotonic() < deadline, f"the service worker never kept {paths}"
        time.sleep(0.1)


def _pending(tab: Tab) -> int:
    return int(tab.page.get_attribute("[data-queue-summary]", "data-pending") or -1)


def _wait_pending(tab: Tab, count: int) -> None:
    tab.page.wait_for_function(
        f"() => document.querySelector('[data-queue-summary]')?.dataset.pending === '{count}'")


def _queued(tab: Tab) -> list[dict]:
    """The records kept in the phone's IndexedDB (photos without their bytes)."""
    return tab.page.evaluate("""async () => (await RoundsQueue.all()).map((r) => ({
        client_uuid: r.client_uuid, kind: r.kind, state: r.state, event: r.event, message: r.message,
        photos: r.photos.map((p) => ({client_uuid: p.client_uuid, state: p.state}))}))""")


def _real_errors(tab: Tab) -> list[str]:
    """Console errors, less Chromium's own line for each request that failed because the phone had no signal."""
    return [e for e in tab.errors if "net::ERR_INTERNET_DISCONNECTED" not in e]


def _count(live_server, model, *where) -> int:
    with live_server.app.app_context():
        n = db.session.scalar(select(func.count()).select_from(model).where(*where))
        db.session.remove()
    return n


def _big_photo(tmp_path) -> Path:
    path = tmp_path / "leak.jpg"
    Image.new("RGB", (3200, 2400), (90, 120, 160)).save(path, "JPEG", quality=80)
    return path


# ---- tests -------------------------------------------------------------------------------------------------

def test_the_app_is_installable_and_its_service_worker_controls_the_page(phone, live_server, shots):
    tab = phone()
    _signed_in(tab, "guard")
    page = tab.page
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == live_server.url + "/sw.js"
    cdp = page.context.new_cdp_session(page)
    parsed = cdp.send("Page.getAppManifest")
    assert parsed["errors"] == [], parsed["errors"]
    manifest = json.loads(parsed["data"])
    assert manifest["lang"] == "zh-Hans" and manifest["short_name"] == "Rounds 物业巡检"
    assert (manifest["start_url"], manifest["scope"], manifest["display"], manifest["theme_color"]) == \
        ("/", "/", "standalone", "#12355b")
    blockers = [e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]]
    assert blockers in ([], ["in-incognito"])  # Playwright's contexts are incognito; nothing else stands in the way
    purposes = set()
    for icon in manifest["icons"]:
        answer = page.request.get(live_server.url + icon["src"])
        image = Image.open(io.BytesIO(answer.body()))
        assert answer.ok and image.format == "PNG" and "{}x{}".format(*image.size) == icon["sizes"], icon
        purposes.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    english = page.request.get(live_server.url + "/manifest.webmanifest", headers={"Accept-Language": "en"})
    assert english.headers["content-type"].startswith("application/manifest+json")
    worker = page.request.get(live_server.url + "/sw.js")
    assert worker.headers["cache-control"] == "no-cache" and "javascript" in worker.headers["content-type"]
    tab.assert_no_horizontal_scroll()
    page.screenshot(path=str(shots / "offline-scan-page.png"), full_page=True)
    assert _real_errors(tab) == []


def test_the_label_rule_is_the_same_in_the_page_and_in_python_and_tokens_reach_only_managers(phone, live_server):
    tab = phone()
    _signed_in(tab, "guard")
    config = json.loads(tab.page.inner_text("#rounds-client"))
    assert config["token_pattern"] == TOKEN_PATTERN
    token = _checkpoint(live_server, "G01").token
    examples = {
        f"https://rounds.example.com/s/{token}": token, f"http://127.0.0.1:5000/s/{token}/": token,
        f"https://other.example.org/s/{token}?utm=x": token, "https://rounds.example.com/s/short": None,
        f"https://rounds.example.com/s/{token}/check": None, "https://rounds.example.com/scan": None,
        f"ftp://rounds.example.com/s/{token}": None, "not a url": None, f"WIFI:S:s/{token};": None,
    }
    in_page = tab.page.evaluate("([texts, pattern]) => texts.map((t) => RoundsQueue.tokenOf(t, pattern))",
                                [list(examples), config["token_pattern"]])
    assert dict(zip(examples, in_page)) == examples
    from urllib.parse import urlsplit

    def python_rule(text: str) -> str | None:
        parts = urlsplit(text)
        found = re.match(config["token_pattern"], parts.path) if parts.scheme in ("http", "https") else None
        return found.group(1) if found else None

    assert {text: python_rule(text) for text in examples} == examples
    assert token not in tab.page.content()  # a guard's scan page carries no label's token
    assert tab.page.locator("[data-nfc-writer]").count() == 0
    manager = phone()
    manager.goto("/login")
    manager.sign_in("manager", PASSWORDS["manager"])
    manager.goto("/scan")
    urls = manager.page.eval_on_selector_all("[data-nfc-target] option", "options => options.map((o) => o.value)")
    assert f"{live_server.app.config['BASE_URL']}/s/{token}" in urls
    assert manager.page.locator("[data-nfc-writer]").is_hidden()  # no Web NFC in desktop Chromium: not offered
    assert tab.errors == [] and manager.errors == []


def test_offline_scans_and_a_report_with_a_photo_reach_the_server_once_with_their_own_times(phone, live_server,
                                                                                             shots, tmp_path):
    tab = phone()
    page = tab.page
    _signed_in(tab, "guard")
    _wait_cached(tab, ["/guard"])
    scans_before, incidents_before = _count(live_server, Scan), _count(live_server, Incident)
    page.context.set_offline(True)

    page.click("[data-camera-start]")  # the in-app scanner reads the three labels the camera films
    _wait_pending(tab, len(CAMERA_CODES))
    page.wait_for_selector("[data-scan-status][data-kind=ok]")
    page.screenshot(path=str(shots / "offline-scanner.png"), full_page=True)
    page.click("[data-camera-stop]")

    tab.goto("/incidents/new")  # kept on the phone; its form goes to the queue without signal
    page.check("input[name=kind][value=leak]")
    page.check("input[name=severity][value=high]")
    page.fill("#description", "地下车库水管漏水")
    page.select_option("#checkpoint_id", page.locator("#checkpoint_id option", has_text="P01").get_attribute("value"))
    page.set_input_files("#photos", str(_big_photo(tmp_path)))
    page.click("form[data-offline-form] button[type=submit]")
    page.wait_for_selector("[data-saved-offline]")

    g04 = _checkpoint(live_server, "G04")
    tab.goto(f"/s/{g04.token}")  # the phone's own camera app opens a label: the service worker keeps the scan
    page.wait_for_selector("[data-saved-scan][data-client-uuid]")
    assert "已保存在手机上" in page.inner_text("h1")
    page.screenshot(path=str(shots / "offline-saved-label.png"), full_page=True)

    tab.goto("/guard")  # the guard's own page, kept on the phone, says what waits
    page.locator("[data-pending-box]", has_text="5 条待发送").wait_for()
    tab.goto("/scan")  # reloaded, still without signal
    _wait_pending(tab, 5)
    page.wait_for_selector("[data-offline-note]", state="visible")
    assert page.locator(".queue-item.state-pending").count() == 5
    queued = _queued(tab)
    incident = next(r for r in queued if r.get("kind") == "incident")
    scanned = [r for r in queued if r["kind"] == "scan"]
    assert len(scanned) == 4 and {r["event"]["method"] for r in scanned} == {"qr"}
    assert all(r["event"]["device_time"].endswith("+08:00") for r in queued)
    width = page.evaluate("""async () => {
        const record = (await RoundsQueue.all()).find((r) => r.kind === 'incident');
        return (await createImageBitmap(record.photos[0].blob)).width;
    }""")
    assert width == 1600  # scaled down on the phone before it was kept
    tab.assert_no_horizontal_scroll()
    page.screenshot(path=str(shots / "offline-pending.png"), full_page=True)
    assert _count(live_server, Scan) == scans_before

    page.context.set_offline(False)  # signal again: the 'online' event sends the queue
    _wait_pending(tab, 0)
    page.wait_for_function("() => document.querySelectorAll('.queue-item.state-sent').length === 5")
    page.screenshot(path=str(shots / "offline-sent.png"), full_page=True)
    with live_server.app.app_context():
        for record in scanned:
            rows = db.session.scalars(select(Scan).where(Scan.client_uuid == UUID(record["client_uuid"]))).all()
            assert len(rows) == 1
            assert rows[0].device_time == datetime.fromisoformat(record["event"]["device_time"])
            assert rows[0].device_utc_offset_min == 480 and rows[0].method == "qr"
        report = db.session.scalar(select(Incident).where(Incident.client_uuid == UUID(incident["client_uuid"])))
        assert report.device_time == datetime.fromisoformat(incident["event"]["device_time"])
        assert "P01" in report.location_text and report.description == "地下车库水管漏水"
        photos = db.session.scalars(select(Photo).where(Photo.incident_id == report.id)).all()
        assert [str(p.client_uuid) for p in photos] == [incident["photos"][0]["client_uuid"]]
        assert photos[0].width == 1600
        db.session.remove()
    assert _count(live_server, Scan) == scans_before + 4
    assert _count(live_server, Incident) == incidents_before + 1

    # the same records sent again (a lost answer, a second tab): the server knows them, nothing is doubled
    page.evaluate("""async () => {
        const db = await idb.openDB('rounds');
        for (const r of await db.getAll('records')) { r.state = 'pending'; await db.put('records', r); }
        return Rounds.send();
    }""")
    _wait_pending(tab, 0)
    assert _count(live_server, Scan) == scans_before + 4 and _count(live_server, Incident) == incidents_before + 1
    assert _real_errors(tab) == []


def test_a_cleaner_fills_a_checklist_without_signal_and_it_is_sent_with_its_photos(phone, live_server, tmp_path):
    tab = phone()
    page = tab.page
    _signed_in(tab, "cleaner")
    lift = _checkpoint(live_server, "B12")  # photos required before and after
    tab.goto(f"/s/{lift.token}")  # opened once with signal: the checklist is kept on the phone
    _wait_cached(tab, [f"/s/{lift.token}"])
    page.context.set_offline(True)
    tab.goto(f"/s/{lift.token}")
    items = page.locator("fieldset.check-item")
    items.nth(0).get_by_text("不合格").click()
    items.nth(0).locator("input[type=text]").fill("轿厢地面有污渍")
    photo = _big_photo(tmp_path)
    page.set_input_files("#before", str(photo))
    page.set_input_files("#after", str(photo))
    page.click("form[data-offline-form] button[type=submit]")
    page.wait_for_selector("[data-saved-offline]")
    record = next(r for r in _queued(tab) if r["kind"] == "cleaning_check")
    assert [p["state"] for p in record["photos"]] == ["pending", "pending"]
    page.context.set_offline(False)
    tab.goto("/scan")
    _wait_pending(tab, 0)
    with live_server.app.app_context():
        check = db.session.scalar(select(CleaningCheck).where(CleaningCheck.client_uuid == UUID(record["client_uuid"])))
        assert check.device_time == datetime.fromisoformat(record["event"]["device_time"])
        assert [r.note for r in check.results if not r.passed] == ["轿厢地面有污渍"]
        stages = sorted(db.session.scalars(select(Photo.stage).where(Photo.cleaning_check_id == check.id)))
        assert stages == ["after", "before"]
        db.session.remove()
    assert _real_errors(tab) == []


def test_a_refused_record_stays_on_the_phone_with_its_reason_and_the_others_are_sent(phone, live_server, shots):
    from webapp.setup.services import reissue_token

    tab = phone()
    page = tab.page
    _signed_in(tab, "guard")
    kept, replaced = _checkpoint(live_server, "D01"), _checkpoint(live_server, "D02")
    page.context.set_offline(True)
    for checkpoint in (kept, replaced):
        tab.goto(f"/s/{checkpoint.token}")
        page.wait_for_selector("[data-saved-scan][data-client-uuid]")
    with live_server.app.app_context():  # meanwhile the manager replaces D02's label
        manager = db.session.scalar(select(Person).where(Person.login == "manager"))
        reissue_token(manager, db.session.get(Checkpoint, replaced.id))
        db.session.remove()
    tab.goto("/scan")
    _wait_pending(tab, 2)
    page.context.set_offline(False)
    page.wait_for_selector(".queue-item.state-rejected")
    _wait_pending(tab, 0)
    refused = page.locator(".queue-item.state-rejected")
    assert refused.count() == 1 and "该标签已于" in refused.inner_text()
    assert page.locator(".queue-item.state-sent").count() == 1
    page.screenshot(path=str(shots / "offline-refused.png"), full_page=True)
    queued = {r["event"]["token"]: r for r in _queued(tab)}
    assert _count(live_server, Scan, Scan.client_uuid == UUID(queued[kept.token]["client_uuid"])) == 1
    assert _count(live_server, Scan, Scan.client_uuid == UUID(queued[replaced.token]["client_uuid"])) == 0
    refused.get_by_role("button").click()  # dismissed by the guard, after reading it
    page.wait_for_function("() => document.querySelectorAll('.queue-item.state-rejected').length === 0")
    assert _real_errors(tab) == []


def test_a_sign_in_that_expired_offline_holds_the_queue_until_the_guard_signs_in_again(phone, live_server):
    tab = phone()
    page = tab.page
    _signed_in(tab, "guard")
    checkpoint = _checkpoint(live_server, "D03")
    page.context.set_offline(True)
    tab.goto(f"/s/{checkpoint.token}")
    page.wait_for_selector("[data-saved-scan][data-client-uuid]")
    tab.goto("/scan")
    page.context.clear_cookies()  # the session ended while the phone had no signal
    page.context.set_offline(False)
    page.wait_for_selector("[data-signin]:not([hidden])")
    assert _pending(tab) == 1
    with page.expect_navigation():
        page.click("[data-signin-link]")
    assert tab.path == "/login"
    tab.sign_in("guard", PASSWORDS["guard"])
    assert tab.path == "/scan"
    _wait_pending(tab, 0)
    uuid = next(r["client_uuid"] for r in _queued(tab) if r["event"]["token"] == checkpoint.token)
    assert _count(live_server, Scan, Scan.client_uuid == UUID(uuid)) == 1
    page.wait_for_selector("[data-signin]", state="hidden")
    assert [e for e in _real_errors(tab) if "status of 401" not in e] == []  # the API's 401 is what it waited on


def test_the_shell_loads_offline_after_the_first_visit_and_a_new_version_replaces_its_cache(phone, live_server, shots):
    tab = phone()
    page = tab.page
    _signed_in(tab, "guard", landing="/guard")
    _wait_cached(tab, ["/guard"])
    page.context.set_offline(True)
    for path in ("/scan", "/guard", "/"):
        tab.goto(path)
        assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor") == "rgb(18, 53, 91)"
    tab.goto("/scan")
    assert page.locator("[data-camera-start]").is_visible()  # its scripts came from the cache too
    tab.goto("/sites/")  # never kept: the offline page, in the person's language
    assert page.inner_text("h1") == "没有信号"
    page.screenshot(path=str(shots / "offline-fallback.png"), full_page=True)
    page.context.set_offline(False)

    shells = "async () => (await caches.keys()).filter((n) => n.startsWith('rounds-')).sort()"
    before = page.evaluate(shells)
    assert len([n for n in before if n.startswith("rounds-shell-")]) == 1
    live_server.app.config["PWA_VERSION"] = "next-release"  # a deploy
    try:
        tab.goto("/scan")  # the page carries the new version: its worker is replaced, and the page reloads once
        try:
            page.evaluate("window.servedBeforeTheUpdate = true")
        except PlaywrightError:  # it reloaded already
            pass
        _wait_until(tab, "async () => !window.servedBeforeTheUpdate && (await caches.keys()).includes('rounds-pages-next-release')")
        tab.goto("/scan")  # the next page sees to leftovers the old worker was still writing
        _wait_until(tab, "async () => (await caches.keys()).filter((n) => n.startsWith('rounds-')).length === 2")
        assert page.evaluate(shells) == ["rounds-pages-next-release", "rounds-shell-next-release"]
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        assert "next-release" in page.request.get(live_server.url + "/sw.js").text()
    finally:
        live_server.app.config.pop("PWA_VERSION")
    assert _real_errors(tab) == []


# Test doubles of Web NFC and BarcodeDetector (no NFC hardware here; Linux Chromium has no BarcodeDetector):
# they stand for the browser's APIs only, so that the page's own handling of what they read is what runs.
BROWSER_DOUBLES = """
window.NDEFReader = class {
  async scan() { window.nfcTap = (url) => this.onreading({ message: { records: [
    { recordType: 'url', encoding: 'utf-8', data: new TextEncoder().encode(url) }] } }); }
  async write(message) { window.nfcWritten = message; }
};
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ['qr_code']; }
  async detect() { return window.detectorSees ? [{ rawValue: window.detectorSees }] : []; }
};
"""


def test_an_nfc_tap_and_the_browsers_own_qr_detector_record_scans_and_a_manager_writes_a_tag(phone, live_server, shots):
    tab = phone()
    page = tab.page
    page.context.add_init_script(BROWSER_DOUBLES)
    _signed_in(tab, "manager")
    tapped, detected, written = (_checkpoint(live_server, code) for code in ("G04", "P01", "G01"))
    page.click("[data-nfc-read]")
    page.wait_for_function("() => typeof window.nfcTap === 'function'")
    page.evaluate("(url) => window.nfcTap(url)", f"https://rounds.example.com/s/{tapped.token}")
    page.evaluate("(url) => { window.detectorSees = url; }", f"https://rounds.example.com/s/{detected.token}")
    page.click("[data-camera-start]")
    _wait_until(tab, "async () => (await RoundsQueue.all()).length === 2")
    page.click("[data-camera-stop]")
    _wait_pending(tab, 0)
    methods = {r["event"]["token"]: r["event"]["method"] for r in _queued(tab)}
    assert methods == {tapped.token: "nfc", detected.token: "qr"}
    with live_server.app.app_context():
        stored = dict(db.session.execute(select(Scan.checkpoint_id, Scan.method).where(
            Scan.client_uuid.in_([UUID(r["client_uuid"]) for r in _queued(tab)]))).all())
        db.session.remove()
    assert stored == {tapped.id: "nfc", detected.id: "qr"}

    url = f"{live_server.app.config['BASE_URL']}/s/{written.token}"
    page.select_option("[data-nfc-target]", url)
    page.click("[data-nfc-write]")
    page.wait_for_function("() => window.nfcWritten !== undefined")
    assert page.evaluate("window.nfcWritten") == {"records": [{"recordType": "url", "data": url}]}
    assert "标签已写入" in page.inner_text("[data-nfc-write-status]")
    tab.assert_no_horizontal_scroll()
    page.screenshot(path=str(shots / "offline-nfc-manager.png"), full_page=True)
    assert _real_errors(tab) == []


def test_the_service_workers_own_requests_never_write_the_session_cookie(live_server):
    """A page the worker keeps in the background may answer after a sign-out: it must not bring the session back."""
    plain, background = live_server.app.test_client(), live_server.app.test_client()
    assert "session=" in plain.get("/offline").headers.get("Set-Cookie", "")  # the page's CSRF token opens a session
    answer = background.get("/offline", headers={"X-Rounds-Background": "1"})
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers
    worker = plain.get("/sw.js").get_data(as_text=True)
    assert '"/offline"' in worker and "/static/vendor/jsQR.js" in worker and '"version": "dev"' not in worker
