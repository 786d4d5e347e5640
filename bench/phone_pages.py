"""Phone pages: bytes over the network on a first load and on a repeat visit, and Lighthouse's mobile scores.

Run: `.venv/bin/python bench/phone_pages.py`. The demo company (`flask demo`) in a scratch SQLite database,
served by gunicorn (2 workers) on loopback. Needs Debian's Chromium at /usr/bin/chromium and Lighthouse from
`npm ci` (node_modules/.bin/lighthouse, Node 20).

Page weight: Chromium driven by Playwright at phone size, signed in (the session cookie is set before the first
page, so sign-in's own bytes are not counted). Every response the browser context sees is counted, the service
worker's own fetches included (PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS): bytes as they went over the wire
(compressed body + headers, from Chromium's own sizes). First load: an empty browser, the page opened, until the
network is idle and the service worker has installed its shell. Repeat visit: the same browser opening the page
again: only what does not come from the service worker's cache counts. Beside it, the floor: the page's HTML
alone, compressed (what any visit must fetch, since pages are network-first).

Lighthouse 12 (mobile preset: a mid-range phone, slow 4G simulated) runs against the guard's, the cleaner's and
the lead's home pages with the person's session cookie, Performance and Accessibility categories.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, gunicorn, make_app, scratch_database, sign_in, table, verdict

CHROMIUM = "/usr/bin/chromium"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
FIRST_TARGET_KB = 150
REPEAT_TARGET_KB = 10
SCORE_TARGET = 95
DEMO = {"guard": "Rounds-guard-1", "cleaner": "Rounds-cleaner-1", "lead": "Rounds-lead-1"}


def build_demo(url: str) -> None:
    from webapp.demo import build
    from webapp.extensions import db
    app = make_app(url)
    with app.app_context():
        build()
        db.session.remove()
        db.engine.dispose()


def session_cookie(base: str, login: str) -> dict:
    import httpx
    with httpx.Client(timeout=30) as client:
        sign_in(client, base, login, DEMO[login])
        return dict(client.cookies)


def weigh(base: str, cookies: dict, path: str) -> dict:
    """Bytes over the network for a first load and a repeat visit of `path`."""
    os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, service_workers="allow")
        context.add_cookies([{"name": k, "value": v, "url": base} for k, v in cookies.items()])
        seen: list = []
        context.on("requestfinished", lambda request: seen.append(request))
        page = context.new_page()
        page.goto(base + path, wait_until="networkidle")
        page.evaluate("async () => { const r = await navigator.serviceWorker.ready; return !!r.active; }")
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)
        _settled(page)
        first = _count(seen)
        html = next((_wire(r) for r in seen if r.url.rstrip("/") == (base + path).rstrip("/")), 0)
        seen.clear()
        page.goto(base + path, wait_until="networkidle")
        page.wait_for_timeout(1500)
        repeat = _count(seen)
        browser.close()
    return {"first": first, "repeat": repeat, "html": html}


SETTLED = """async () => {
  const names = await caches.keys();
  let n = 0;
  for (const name of names) { n += (await (await caches.open(name)).keys()).length; }
  return n;
}"""


def _settled(page, timeout_s: float = 60) -> None:
    """Wait until the worker's caches stop growing: the shell installed and the pages kept for offline fetched."""
    last, stable, began = -1, 0, time.monotonic()
    while time.monotonic() - began < timeout_s and stable < 3:
        page.wait_for_timeout(700)
        count = page.evaluate(SETTLED)
        stable = stable + 1 if count == last and count > 0 else 0
        last = count
    page.wait_for_load_state("networkidle")


def _wire(request) -> int:
    """Compressed body and headers as Chromium counted them; for a request whose target is gone (a service worker
    that stopped), the Content-Length and the headers as sent."""
    try:
        sizes = request.sizes()
        return sizes["responseBodySize"] + sizes["responseHeadersSize"]
    except Exception:  # noqa: BLE001
        headers = request.response().headers
        return int(headers.get("content-length", 0)) + sum(len(k) + len(v) + 4 for k, v in headers.items())


def _count(requests) -> dict:
    """Bytes that came over the network (not out of the service worker's cache), and how many files."""
    total, files = 0, 0
    for request in requests:
        response = request.response()
        if response is None or response.from_service_worker:
            continue
        total += _wire(request)
        files += 1
    return {"bytes": total, "files": files}


def lighthouse(base: str, cookies: dict, path: str, out: Path) -> dict:
    """Lighthouse's mobile Performance and Accessibility scores for the page."""
    header = json.dumps({"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    cmd = [str(LIGHTHOUSE), base + path, "--quiet", "--output=json", f"--output-path={out}",
           "--only-categories=performance,accessibility", f"--extra-headers={header}",
           "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
    subprocess.run(cmd, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=240,  # noqa: S603
                   capture_output=True)
    report = json.loads(out.read_text())
    cats = report["categories"]
    audits = report["audits"]
    failing = [a["id"] for a in audits.values() if a.get("score") is not None and a["score"] < 0.9
               and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")]
    return {"performance": round(cats["performance"]["score"] * 100), "accessibility": round(cats["accessibility"]["score"] * 100),
            "lcp": audits["largest-contentful-paint"]["displayValue"], "failing": failing[:6]}


def main() -> None:
    with scratch_database("sqlite") as url:
        build_demo(url)
        with gunicorn(url, workers=2) as base:
            cookies = {login: session_cookie(base, login) for login in DEMO}
            weights = {path: weigh(base, cookies["guard"], path) for path in ("/guard", "/scan")}
            scores = {}
            if LIGHTHOUSE.exists():
                with tempfile.TemporaryDirectory(prefix="rounds-bench-lh-") as folder:
                    for login in DEMO:
                        scores[login] = lighthouse(base, cookies[login], f"/{login}", Path(folder) / f"{login}.json")
    rows = []
    for path, w in weights.items():
        rows.append([f"{path} first load", f"{w['first']['bytes'] / 1024:.1f} KB ({w['first']['files']} files)",
                     f"< {FIRST_TARGET_KB} KB", f"HTML alone {w['html'] / 1024:.1f} KB", f"{w['first']['bytes'] / w['html']:.1f}",
                     verdict(w["first"]["bytes"] < FIRST_TARGET_KB * 1024)])
        rows.append([f"{path} repeat visit", f"{w['repeat']['bytes'] / 1024:.1f} KB ({w['repeat']['files']} files)",
                     f"< {REPEAT_TARGET_KB} KB", f"HTML alone {w['html'] / 1024:.1f} KB",
                     f"{w['repeat']['bytes'] / w['html']:.1f}", verdict(w["repeat"]["bytes"] < REPEAT_TARGET_KB * 1024)])
    print("Bytes over the network as Chromium (Playwright, phone size) saw them, signed in as the demo guard: compressed "
          "bodies and headers, the service worker's own fetches included.\n")
    print(table(["page", "measured", "target", "floor, same run", "ratio", "verdict"], rows))
    if not scores:
        print(f"\nLighthouse: {LIGHTHOUSE} is missing (run `npm ci`); not measured.")
        return
    print("\nLighthouse 12 mobile (simulated slow 4G, mid-range phone) on each person's home page, demo company.\n")
    print(table(["page", "Performance", "Accessibility", "target", "LCP", "audits under 0.9", "verdict"],
                [[f"/{login}", s["performance"], s["accessibility"], f"≥ {SCORE_TARGET} each", s["lcp"],
                  ", ".join(s["failing"]) or "—", verdict(min(s["performance"], s["accessibility"]) >= SCORE_TARGET)]
                 for login, s in scores.items()]))


if __name__ == "__main__":
    sys.exit(main())
