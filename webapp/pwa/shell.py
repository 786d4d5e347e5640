"""The app shell the service worker keeps on the phone, and the version that names its cache."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import current_app, url_for

# a label's address, whatever origin printed it: /s/<token> (the same rule the scanner and the service worker apply)
TOKEN_PATTERN = r"^/s/([A-Za-z0-9_-]{8,64})/?$"  # noqa: S105 (a URL shape, not a secret)

SHELL_STATIC = ("css/app.css", "js/app.js", "js/queue.js", "js/scanner.js", "js/forms.js", "js/saved.js",
                "js/confirmation.js", "js/qr-worker.js", "js/sos.js", "js/readings.js", "vendor/htmx.min.js", "vendor/idb.umd.js", "vendor/jsQR.js", "icon.svg",
                "icons/icon-192.png", "icons/icon-512.png", "icons/maskable-192.png", "icons/maskable-512.png")
WORKER_IMPORTS = ("vendor/idb.umd.js", "js/queue.js")  # the queue code the pages use, shared with the worker
SW_MARKER = 'const BUILD = {"version": "dev", "shell": [], "pages": [], "imports": [], "api": {}, "token_pattern": "^$"};'


def _digest(root: Path, patterns: tuple[str, ...]) -> hashlib._Hash:
    digest = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest


def version() -> str:
    """PWA_VERSION if set, else a hash of the static files, templates and translations, computed once per app."""
    configured = current_app.config.get("PWA_VERSION")
    if configured:
        return str(configured)
    cached = current_app.extensions.get("rounds_pwa_version")
    if cached is None:
        root = Path(current_app.root_path).parent
        digest = _digest(root, ("static/**/*", "templates/**/*.html", "webapp/translations/**/*.mo"))
        cached = current_app.extensions["rounds_pwa_version"] = digest.hexdigest()[:12]
    return cached


def _present(names: tuple[str, ...]) -> list[str]:
    static = Path(current_app.static_folder)
    return [url_for("static", filename=n) for n in names if (static / n).is_file()]


def build() -> dict:
    """What the service worker is told: its version, the shell to precache, the pages to keep, its imports."""
    return {"version": version(), "shell": _present(SHELL_STATIC) + [url_for("pwa.offline"), url_for("pwa.saved_scan")],
            "pages": [url_for("field.scan_by_code")], "imports": _present(WORKER_IMPORTS), "token_pattern": TOKEN_PATTERN,
            "api": {"me": url_for("api.me"), "sync": url_for("api.sync"), "photos": url_for("api.upload_photo"),
                    "sos": url_for("alerts.sos"), "scan_map": url_for("field.scan_map")}}


def service_worker_source() -> str:
    """static/js/sw.js with its BUILD line filled in (so that a new version is a new script to the browser)."""
    source = (Path(current_app.static_folder) / "js" / "sw.js").read_text(encoding="utf-8")
    if SW_MARKER not in source:
        raise RuntimeError("static/js/sw.js lost its BUILD line")
    return source.replace(SW_MARKER, "const BUILD = " + json.dumps(build()) + ";", 1)
