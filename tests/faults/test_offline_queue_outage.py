"""The phone's offline queue through a database outage: the sync answer 503 is "try later", not "refused".

A guard on the scan page (headless Chromium at phone size, against the real gunicorn) taps a checkpoint's NFC tag;
the database goes away at the very moment the phone sends the scan. The scan stays queued, and the page's own
backoff sends it once the database is back: it reaches the server once.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager

import pytest

from tests.browser.conftest import CHROMIUM, PHONE, TIMEOUT_MS, launch_chromium
from tests.conftest import PASSWORD
from webapp.errors import DATABASE_RETRY_AFTER_S

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason=f"{CHROMIUM} is missing (apt-get install chromium; never `playwright install`)")

# Web NFC as Chrome on Android offers it (no NFC hardware here): the page's own handling of the tag is what runs.
NFC_DOUBLE = """
window.NDEFReader = class {
  async scan() { window.nfcTap = (url) => this.onreading({ message: { records: [
    { recordType: 'url', encoding: 'utf-8', data: new TextEncoder().encode(url) }] } }); }
};
"""


@contextmanager
def phone_page():
    """A phone-sized page in headless Chromium; the page itself sends (no service worker), so each request is seen."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright.chromium)
        try:
            context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai",
                                          service_workers="block")
            context.set_default_timeout(TIMEOUT_MS)
            context.add_init_script(NFC_DOUBLE)
            yield context.new_page()
        finally:
            browser.close()


def in_own_thread(scenario, timeout_s: float = 4 * TIMEOUT_MS / 1000):
    """Run a Playwright scenario in a thread of its own: tests/browser keeps a sync Playwright open in this one."""
    with ThreadPoolExecutor(1, thread_name_prefix="faults-browser") as pool:
        return pool.submit(scenario).result(timeout=timeout_s)


def _until(page, expression: str, timeout_s: float = TIMEOUT_MS / 1000) -> None:
    """Poll an expression (page.wait_for_function would need 'unsafe-eval', which the app's CSP forbids)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"never true: {expression}"
        page.wait_for_timeout(50)


def _pending(page) -> str:
    return page.get_attribute("[data-queue-summary]", "data-pending")


def test_a_scan_sent_while_the_database_is_down_stays_queued_and_reaches_the_server_once_after(gunicorn, scratch):
    in_own_thread(lambda: _scan_through_an_outage(gunicorn, scratch))


def _scan_through_an_outage(gunicorn, scratch) -> None:
    with phone_page() as page:
        _scan_through_an_outage_on(page, gunicorn, scratch)


def _scan_through_an_outage_on(page, gunicorn, scratch) -> None:
    page.goto(gunicorn.url + "/login")
    page.fill("input[name=login]", "guard")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    page.goto(gunicorn.url + "/scan")
    page.wait_for_selector("[data-queue-summary][data-pending='0']", state="attached")

    api = []
    page.on("response", lambda r: "/api/v1/" in r.url and api.append((r.url.split("/api/v1/")[1], r.status,
                                                                        r.headers.get("retry-after"))))
    outage = ExitStack()

    def database_goes_away_as_the_phone_sends(route):
        if not outage_started:
            outage_started.append(True)
            outage.enter_context(scratch.outage())
        route.continue_()

    outage_started: list[bool] = []

    page.route("**/api/v1/sync", database_goes_away_as_the_phone_sends)
    with outage:
        page.click("[data-nfc-read]")
        _until(page, "typeof window.nfcTap === 'function'")
        page.evaluate("(url) => window.nfcTap(url)", f"https://rounds.example.com/s/{scratch.tokens[1]}")
        page.wait_for_selector("[data-queue-summary][data-pending='1']", state="attached")
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while ("sync", 503, str(DATABASE_RETRY_AFTER_S)) not in api:
            assert time.monotonic() < deadline, f"the sync was never answered 503 with Retry-After: {api}"
            page.wait_for_timeout(50)  # lets Playwright deliver the route and response events
        page.wait_for_selector("body[data-last-send=retry]", state="attached")  # the queue has taken the answer in
        records = page.evaluate("async () => (await RoundsQueue.all()).map((r) => [r.client_uuid, r.state, r.reason])")
        assert len(records) == 1 and records[0][1] == "pending", records  # kept, not refused
        assert page.locator(".queue-item.state-rejected").count() == 0 and _pending(page) == "1"
    client_uuid = records[0][0]
    assert scratch.scan_counts([client_uuid]) == {client_uuid: 0}

    # the database is back: the page's retry (5 s after the 503) sends the scan, without anyone touching the phone
    page.wait_for_selector("[data-queue-summary][data-pending='0']", state="attached")
    state = page.evaluate("async () => (await RoundsQueue.all()).map((r) => [r.state, r.server_status])")
    assert state == [["sent", "created"]]
    assert [call[:2] for call in api if call[0] == "sync"] == [("sync", 503), ("sync", 200)]
    assert scratch.scan_counts([client_uuid]) == {client_uuid: 1}
