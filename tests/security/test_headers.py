"""Every answer carries the security headers; HSTS and secure cookies only in production."""
from __future__ import annotations

import pytest

from tests.conftest import make_app, sign_in
from webapp.security import CONTENT_SECURITY_POLICY


def _directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: part.partition(" ")[2] for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("path", ["/login", "/static/css/app.css", "/sw.js", "/manifest.webmanifest",
                                  "/api/v1/openapi.json", "/no-such-page", "/offline"])
def test_every_answer_carries_a_strict_policy_and_its_companions(client, path):
    answer = client.get(path)
    policy = _directives(answer.headers["Content-Security-Policy"])
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe" not in answer.headers["Content-Security-Policy"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'" and policy["img-src"] == "'self' data: blob:"
    assert policy["worker-src"] == "'self' blob:" and policy["media-src"] == "'self' blob:"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin")
    permissions = answer.headers["Permissions-Policy"]
    assert "camera=(self)" in permissions and "microphone=()" in permissions
    assert "Strict-Transport-Security" not in answer.headers  # not outside production: it would pin a laptop to HTTPS


def test_signed_in_pages_and_api_answers_carry_it_too(world, client):
    sign_in(client, "guard")
    for path in ("/guard", "/api/v1/me", "/scan"):
        assert client.get(path).headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path


def test_production_adds_hsts_and_secure_cookies(world, database_url, monkeypatch):
    monkeypatch.setenv("ROUNDS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test-only")
    app = make_app(database_url)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"  # behind the HTTPS proxy
    login = client.get("/login")
    assert login.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    answer = sign_in(client, "guard")
    cookie = answer.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    device = client.get(f"/s/{world.checkpoint_a.token}")  # a scan: the field pages' device cookie is set
    cookie = next(c for c in device.headers.getlist("Set-Cookie") if c.startswith("rounds_device="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_to_start_with_the_default_secret_key(database_url, monkeypatch):
    monkeypatch.setenv("ROUNDS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        make_app(database_url)


def test_photos_and_every_signed_in_answer_stay_out_of_shared_caches(world, app):
    """A site photo is `private` (kept only by the person's own browser); pages and JSON are `private, no-cache`."""
    photo = world.photo(world.site_a, world.people["guard"])
    lead = app.test_client()
    sign_in(lead, "lead")
    for path in (f"/photos/{photo.id}.jpg", f"/photos/{photo.id}/thumb.jpg"):
        answer = lead.get(path)
        assert answer.status_code == 200, path
        cache = answer.cache_control
        assert cache.private and not cache.public and cache.max_age == 86400, (path, answer.headers["Cache-Control"])
        assert "Cookie" in answer.vary
    for path in ("/lead", "/api/v1/me", f"/sites/{world.site_a.id}/board"):
        answer = lead.get(path)
        assert answer.status_code == 200, path
        cache = answer.cache_control
        assert cache.private and cache.no_cache and not cache.public, (path, answer.headers.get("Cache-Control"))


def test_static_files_are_the_same_for_everyone_and_stay_cacheable(world, app):
    static = app.test_client().get("/static/css/app.css")
    assert not static.cache_control.private
    manager = app.test_client()
    sign_in(manager, "manager")
    assert manager.get("/static/css/app.css").cache_control.private is not True  # the same file for everyone
