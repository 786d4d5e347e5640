"""Headless-browser tests: the app served on a real port with the demo company, driven by Debian's Chromium.

One server and one demo company per test module (building the demo takes a couple of seconds); the tables
are wiped before the demo is built and again when the module is done, so the rest of the suite, whose `app`
fixture expects an empty database, never sees the demo. One Chromium per run, a fresh context (cookies,
viewport) per test.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests import clock
from tests.conftest import _wipe, make_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/rounds-shots")
TIMEOUT_MS = 90_000  # a deadline for a state to arrive, for a 2-core machine loaded several times over; never a wait in itself

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Without Debian's Chromium there is nothing to drive: skip this folder, and say why."""
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (apt-get install chromium; never `playwright install`)")
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)


@dataclass
class LiveServer:
    """The app on a real port, with the ids the demo gave its sites."""

    url: str
    app: object
    site_ids: dict[str, int] = field(default_factory=dict)

    def path(self, page) -> str:
        """The path of the page's current address (no query)."""
        return urlsplit(page.url).path

    def save_language(self, login: str, lang: str) -> None:
        """Set the language saved for a person, straight in the database."""
        from webapp.extensions import db
        from webapp.models import Person

        with self.app.app_context():
            person = db.session.scalar(select(Person).where(Person.login == login))
            person.language = lang
            db.session.commit()
            db.session.remove()


@pytest.fixture(scope="module")
def live_server(database_url):
    """The app on 127.0.0.1:<free port>, threaded, over the test database filled with the demo company."""
    from webapp.demo import build
    from webapp.extensions import db, limiter
    from webapp.models import Site

    app = make_app(database_url)
    with app.app_context():
        _wipe()
        limiter.reset()
        build()  # the run's clock (tests/clock.py): the demo's shifts surround that instant
        site_ids = {s.code: s.id for s in db.session.scalars(select(Site))}
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)  # port 0: the OS picks a free one
    thread = threading.Thread(target=server.serve_forever, name="rounds-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, site_ids=site_ids)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            _wipe()
            limiter.reset()
            db.engine.dispose()


def launch_chromium(browser_type, extra_args: tuple[str, ...] = ()):
    """Debian's Chromium, headless, on the test run's clock (libfaketime), so pages and server agree on the time."""
    return browser_type.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS + list(extra_args),
                               env=clock.faketime_env())


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = launch_chromium(playwright.chromium)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


class Tab:
    """A page in its own browser context, with every console error and uncaught exception it produced."""

    def __init__(self, page, server: LiveServer):
        self.page = page
        self.server = server
        self.errors: list[str] = []
        self.favicon_errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _console(self, msg) -> None:
        if msg.type != "error":
            return
        text = f"console: {msg.text} @ {msg.location.get('url')}"
        # Chromium asks for /favicon.ico on its own; the app serves none (see test_pages.py::test_the_browser_finds_an_icon),
        # kept apart so that one known gap does not hide every other console error.
        if urlsplit(msg.location.get("url") or "").path == "/favicon.ico":
            self.favicon_errors.append(text)
        else:
            self.errors.append(text)

    def goto(self, path: str):
        return self.page.goto(self.server.url + path)

    @property
    def path(self) -> str:
        return self.server.path(self.page)

    def horizontal_overflow(self) -> tuple[int, int]:
        """(scrollWidth of the document, window.innerWidth): a page scrolls sideways when the first is larger."""
        return tuple(self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))

    def assert_no_horizontal_scroll(self, where: str = ""):
        scroll, inner = self.horizontal_overflow()
        assert scroll <= inner, f"{where or self.path} scrolls sideways: scrollWidth {scroll} > innerWidth {inner}"

    def sign_in(self, login: str, password: str):
        """Fill and submit the sign-in form (the page must show it), then wait for the page that answers."""
        page = self.page
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("form.form button[type=submit]")


@pytest.fixture
def open_tab(browser, live_server):
    """Open a fresh context + page: open_tab(viewport=PHONE, locale="zh-CN") -> Tab. Closed after the test."""
    contexts = []

    def _open(viewport: dict | None = None, locale: str = "zh-CN") -> Tab:
        context = browser.new_context(viewport=viewport or PHONE, locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return Tab(context.new_page(), live_server)

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def tab(open_tab) -> Tab:
    """A phone-sized (390x844) page in a fresh context."""
    return open_tab()


@pytest.fixture(scope="session")
def shots() -> Path:
    """Where screenshots go: outside the repository."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
