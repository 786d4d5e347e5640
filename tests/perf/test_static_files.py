"""Static files carry their content's hash in the URL, are cached for a year under it, and go out compressed;
pages go out compressed too, with their security headers."""
from __future__ import annotations

import gzip
import re

import brotli

from tests.conftest import sign_in


def _address(client, name: str) -> str:
    html = client.get("/login").get_data(as_text=True)
    match = re.search(r'(/static/' + re.escape(name) + r'\?v=[0-9a-f]{12})"', html)
    assert match, f"{name} is not linked with its version"
    return match.group(1)


def test_a_static_file_is_linked_with_its_hash_and_cached_for_a_year_under_it(client):
    url = _address(client, "vendor/htmx.min.js")
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_static_file_asked_for_without_or_with_an_old_hash_is_revalidated(client):
    assert "immutable" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")
    assert "immutable" not in client.get("/static/css/app.css?v=000000000000").headers.get("Cache-Control", "")


def test_static_text_goes_out_in_brotli_or_gzip_as_the_browser_accepts(client, app):
    url = _address(client, "vendor/htmx.min.js")
    plain = client.get(url).data
    assert client.get(url).headers.get("Content-Encoding") is None  # no Accept-Encoding: as it is
    br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br" and "Accept-Encoding" in br.headers["Vary"]
    assert brotli.decompress(br.data) == plain and len(br.data) < len(plain) / 2
    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.data) == plain
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": gz.headers["ETag"]})
    assert again.status_code == 304


def test_images_are_not_compressed_again(client):
    answer = client.get("/static/icons/icon-192.png", headers={"Accept-Encoding": "br, gzip"})
    assert answer.status_code == 200 and "Content-Encoding" not in answer.headers


def test_pages_go_out_compressed_with_their_security_headers(world, client):
    sign_in(client, "guard")
    answer = client.get("/guard", headers={"Accept-Encoding": "br"})
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "br"
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert brotli.decompress(answer.data).startswith(b"<!doctype html>")


def test_the_service_worker_precaches_the_versioned_addresses_the_pages_use(client):
    worker = client.get("/sw.js").get_data(as_text=True)
    assert _address(client, "css/app.css") in worker
