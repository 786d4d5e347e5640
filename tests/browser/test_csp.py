"""Under the strict Content-Security-Policy, every page each role can reach works: no violation, no script or htmx error.

Each role signs in and walks its pages: the ones named below, then every page linked from them (one page per
kind of address, so 31 checkpoints cost one visit). A violation is caught twice: by the `securitypolicyviolation`
event, reported to Python as it happens, and by Chromium's console message naming the Content Security Policy.
Under this policy Playwright's `wait_for_function` needs a function ("() => ..."): a bare expression is eval'd.
"""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests import clock
from tests.browser.conftest import PHONE
from webapp.extensions import db
from webapp.models import Checkpoint, Shift, ShiftTemplate, Site

WATCH = """
(() => {
  const report = (kind, text) => { try { window.__roundsReport(kind, location.pathname + ": " + text); } catch (e) {} };
  document.addEventListener("securitypolicyviolation", (e) => {
    report("csp", `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
  }, true);
  for (const name of ["htmx:responseError", "htmx:sendError", "htmx:swapError", "htmx:targetError", "htmx:onLoadError",
                      "htmx:evalDisallowedError", "htmx:syntax:error"]) {
    document.addEventListener(name, (e) => report("htmx", name + " " + ((e.detail && e.detail.pathInfo &&
      e.detail.pathInfo.requestPath) || "")), true);
  }
})();
"""

# Never followed: they sign out, write, download files, or are not pages.
SKIP = re.compile(r"^/(logout|api/|photos/|static/|sw\.js|manifest\.webmanifest)|\.(pdf|csv|xlsx)$|/labels\.pdf")
MAX_PAGES = 45  # per role: enough for every kind of page, bounded in time


class Watched:
    """A signed-in tab whose CSP violations, htmx errors, console errors and uncaught exceptions are collected."""

    def __init__(self, open_tab, login: str | None = None, password: str | None = None):
        self.tab = open_tab(viewport=PHONE)
        self.page = self.tab.page
        self.problems: list[str] = []
        self.page.expose_function("__roundsReport", lambda kind, text: self.problems.append(f"{kind}: {text}"))
        self.page.add_init_script(WATCH)
        self.page.on("console", self._console)
        self.visited: list[str] = []
        if login:
            self.tab.goto("/login")
            self.tab.sign_in(login, password)
            assert self.tab.path != "/login", f"{login} could not sign in"

    def _console(self, msg) -> None:
        if "Content Security Policy" in msg.text:
            self.problems.append(f"console: {msg.text}")

    def visit(self, path: str) -> None:
        response = self.tab.goto(path)
        assert response is not None and response.status < 400, f"{path}: HTTP {response and response.status}"
        self.page.wait_for_load_state("load")
        self.visited.append(path)

    def links(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        out = []
        for href in hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
                continue
            out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        return out

    def walk(self, seeds: list[str]) -> None:
        """Visit the seeds, then the pages they link to, one per kind of address (ids and queries ignored)."""
        kinds: set[str] = set()
        queue = list(seeds)
        while queue and len(self.visited) < MAX_PAGES:
            path = queue.pop(0)
            kind = re.sub(r"\d+", "N", urlsplit(path).path)
            if kind in kinds:
                continue
            kinds.add(kind)
            self.visit(path)
            queue.extend(self.links())

    def assert_clean(self, who: str) -> None:
        self.page.wait_for_timeout(300)  # late reports of the last page (e.g. the service worker's start)
        errors = self.problems + self.tab.errors
        assert errors == [], f"{who} after {self.visited}: " + "\n".join(errors)


def _demo(live_server) -> dict:
    """Ids and tokens the walk starts from: a cleaning label, a patrol label, the night shift of two days ago."""
    with live_server.app.app_context():
        def token(code):
            return db.session.scalar(select(Checkpoint.token).join(Site).where(Site.code == "CHG", Checkpoint.code == code))
        today = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
        night = db.session.scalar(select(Shift.id).join(ShiftTemplate).join(Site, Shift.site_id == Site.id).where(
            Site.code == "CHG", ShiftTemplate.name == "夜班", Shift.local_date == today - timedelta(days=2)))
        found = {"cleaning": token("B12"), "patrol": token("G01"), "night": night, "CHG": live_server.site_ids["CHG"],
                 "BJ": live_server.site_ids["BJ"]}
        db.session.remove()
    return found


ROLES = {
    "guard": ("Rounds-guard-1", ["/guard", "/s/{patrol}", "/scan", "/incidents/new", "/exceptions"]),
    "cleaner": ("Rounds-cleaner-1", ["/cleaner", "/s/{cleaning}", "/scan", "/incidents/new", "/exceptions"]),
    "lead": ("Rounds-lead-1", ["/lead", "/sites/{CHG}/board", "/shifts/{night}/handover", "/sites/{CHG}/handovers",
                               "/sites/{CHG}/handovers/verify", "/sites/", "/scan", "/incidents/new", "/exceptions"]),
    "supervisor": ("Rounds-super-1", ["/sites/", "/sites/{BJ}", "/sites/{CHG}/board", "/shifts/{night}/handover"]),
    "manager": ("Rounds-manager-1", ["/sites/", "/sites/{CHG}/board", "/setup/", "/setup/people",
                                     "/sites/{CHG}/setup", "/sites/{CHG}/labels", "/sites/{CHG}/checkpoints/import"]),
    "admin": ("Rounds-admin-1", ["/sites/", "/admin/audit", "/setup/", "/setup/people", "/sites/{BJ}/setup",
                                 "/exceptions"]),
}


@pytest.mark.parametrize("login", list(ROLES))
def test_every_page_of_the_role_runs_under_the_policy(live_server, open_tab, login):
    password, seeds = ROLES[login]
    demo = _demo(live_server)
    watched = Watched(open_tab, login, password)
    watched.walk([seed.format_map(demo) for seed in seeds])
    assert len(watched.visited) >= len(seeds)
    watched.assert_clean(login)


def test_pages_open_to_anyone_run_under_the_policy(live_server, open_tab):
    watched = Watched(open_tab)
    for path in ("/login", "/offline", "/offline/scan"):
        watched.visit(path)
    watched.assert_clean("anonymous")


def test_htmx_swaps_and_the_signature_pad_work_under_the_policy(live_server, open_tab):
    demo = _demo(live_server)
    lead = Watched(open_tab, "lead2", "Rounds-lead-2")
    page = lead.page
    lead.visit(f"/sites/{demo['CHG']}/board")
    select_shift = page.locator("#board form select[name=shift]").first
    other = select_shift.locator("option:not([selected])").first.get_attribute("value")
    with page.expect_response(lambda r: "/board" in r.url and r.request.headers.get("hx-request") == "true"):
        select_shift.select_option(other)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    assert f"shift={other}" in page.url  # swapped by htmx, address pushed

    lead.visit(f"/shifts/{demo['night']}/handover")
    with page.expect_navigation():
        page.get_by_role("button", name="打开交接记录").click()
    canvas = page.locator("form:has(button[value=sign]) canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 10):
        page.mouse.move(box["x"] + 20 + step * 15, box["y"] + box["height"] / 2 + (10 if step % 2 else -10))
    page.mouse.up()
    page.locator("#password-out").fill("Rounds-lead-2")
    with page.expect_navigation():
        page.get_by_role("button", name="签名并交班").click()
    assert "已签名，等待接班人" in page.locator("main").inner_text()  # the pad's drawing reached the server
    lead.assert_clean("lead2")

    admin = Watched(open_tab, "admin", "Rounds-admin-1")
    admin.visit("/setup/people")
    row = admin.page.locator("ul.rows li.row.person").first
    with admin.page.expect_response(lambda r: "/setup/people/" in r.url):
        row.get_by_role("link").first.click()
    admin.page.locator("li.row.editing").first.wait_for()
    admin.assert_clean("admin")


def test_the_watch_sees_an_inline_script_and_an_inline_style(live_server, open_tab):
    """The detector itself: markup the policy forbids, slipped into a real page, is reported."""
    watched = Watched(open_tab)

    def tamper(route):
        response = route.fetch()
        body = response.text().replace("</main>", '<script>document.title="x"</script><p style="color:red">x</p></main>')
        route.fulfill(response=response, body=body)

    watched.page.route("**/login", tamper)
    watched.visit("/login")
    watched.page.wait_for_timeout(300)
    kinds = " ".join(watched.problems)
    assert "script-src" in kinds and "style-src" in kinds, watched.problems
