"""The installable app: its manifest, its service worker at the root scope, and the pages it shows offline."""
from __future__ import annotations

from flask import Blueprint, jsonify, make_response, render_template, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _

from webapp.access import public
from webapp.pwa import client, shell

bp = Blueprint("pwa", __name__)
THEME = "#12355b"
BACKGROUND = "X-Rounds-Background"  # sent by the service worker on the requests it makes on its own


class BackgroundAwareSessions(SecureCookieSessionInterface):
    """Cookie sessions, except that the service worker's own requests never write the session cookie.

    Such a request may answer after a sign-out or a change of language that happened meanwhile; its
    Set-Cookie would bring the old session back.
    """

    def should_set_cookie(self, app, session) -> bool:
        return not request.headers.get(BACKGROUND) and super().should_set_cookie(app, session)


@bp.record_once
def _sessions(state) -> None:
    if type(state.app.session_interface) is SecureCookieSessionInterface:
        state.app.session_interface = BackgroundAwareSessions()


def _icon(name: str, size: int, purpose: str) -> dict:
    return {"src": url_for("static", filename=f"icons/{name}-{size}.png"), "sizes": f"{size}x{size}",
            "type": "image/png", "purpose": purpose}


@bp.route("/manifest.webmanifest")
@public
def manifest():
    """The web app manifest, in the person's language."""
    lang = client.html_lang()
    body = {
        "id": "/", "name": _("Rounds: patrol and cleaning"), "short_name": _("Rounds"), "lang": lang, "dir": "ltr",
        "description": _("Patrol rounds, cleaning checks and problem reports, with or without signal."),
        "start_url": "/", "scope": "/", "display": "standalone", "orientation": "portrait",
        "theme_color": THEME, "background_color": "#ffffff",
        "icons": [_icon("icon", 192, "any"), _icon("icon", 512, "any"),
                  _icon("maskable", 192, "maskable"), _icon("maskable", 512, "maskable")],
        "shortcuts": [{"name": _("Scan"), "url": url_for("field.scan_by_code")}],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


@bp.route("/sw.js")
@public
def service_worker():
    """The service worker, served from the root so that it controls every page."""
    response = make_response(shell.service_worker_source())
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    return response


def _offline_page(template: str):
    response = make_response(render_template(template))
    response.headers["Content-Language"] = client.html_lang()
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
@public
def offline():
    """What the phone shows for a page it has not kept, when there is no signal."""
    return _offline_page("pwa/offline.html")


@bp.route("/offline/scan")
@public
def saved_scan():
    """The confirmation the phone shows for a label opened without signal: saved here, sent later."""
    return _offline_page("pwa/saved_scan.html")


@bp.app_context_processor
def pwa_context():
    """Templates get the settings and words the page scripts need."""
    return {"pwa_client": client.settings}
