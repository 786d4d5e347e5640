"""Security headers on every response: a strict Content-Security-Policy (no inline script or style), and friends.

Every script is a static file (htmx, the app's modules, the service worker); data for the scripts travels in
`<script type="application/json">` blocks, which are never executed. Signatures and camera previews use
data: and blob: images; the QR decoder runs in a worker.
"""
from __future__ import annotations

from flask import g, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "media-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# The camera (scanner) and the position (a scan's distance from its checkpoint) for our own pages; nothing else.
PERMISSIONS_POLICY = "camera=(self), geolocation=(self), microphone=(), payment=(), usb=(), fullscreen=(self)"

HSTS = "max-age=31536000; includeSubDomains"


def add_headers(response, production: bool):
    """Set the security headers on a response (without overriding one a view set on purpose)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for browsers that predate it
    if production:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def keep_private(response):
    """An answer made for a signed-in person (a page, JSON, a photo) is never kept by a shared cache.

    `public` becomes `private` (a photo keeps its max-age in the person's own browser); an answer that says nothing
    is `private, no-cache`; `no-store` (label sheets, health) stays as the view set it.
    """
    person = g.get("_login_user")  # only if this request loaded the person: who is signed in shaped the answer
    if person is None or not person.is_authenticated or request.endpoint == "static":
        return response
    cache = response.cache_control
    if not cache.no_store:
        cache.public = False
        cache.private = True
        if cache.max_age is None:
            cache.no_cache = True
    response.vary.add("Cookie")
    return response


def init_app(app) -> None:
    """Add the security headers to every response of the app, and keep signed-in answers out of shared caches."""
    production = app.config["ROUNDS_ENV"] == "production"
    app.after_request(lambda response: add_headers(response, production))
    app.after_request(keep_private)
