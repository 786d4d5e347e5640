"""Static files with versioned URLs cached for a year, and compressed answers (static files and pages alike).

`url_for('static', filename=...)` adds `?v=<hash of the file>`: a changed file is a new URL, so a URL that
carries the file's current hash may be cached for good. The service worker matches static files ignoring the
query, and its own cache is renamed on every deploy (webapp/pwa/shell.py), so it never serves a stale file.
Static text files are compressed once per version and encoding and kept in memory; pages and JSON are
compressed on the way out by Flask-Compress.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import threading
from pathlib import Path

import brotli
from flask import Flask, current_app, request
from flask_compress import Compress

compress = Compress()

TEXT_TYPES = ("text/html", "text/css", "text/javascript", "application/javascript", "application/json",
              "application/manifest+json", "image/svg+xml", "text/plain", "text/csv")
FOREVER = "public, max-age=31536000, immutable"
ENCODINGS = ("br", "gzip")  # in order of preference
MIN_SIZE = 500  # bytes: smaller answers are not worth a Content-Encoding


class _StaticCache:
    """The hash and the compressed forms of each static file, computed once per version of the file."""

    def __init__(self, root: str):
        self.root = Path(root)
        self.lock = threading.Lock()
        self.hashes: dict[str, tuple[tuple[int, int], str]] = {}
        self.packed: dict[tuple[str, str, str], bytes] = {}

    def version(self, filename: str) -> str | None:
        """A short hash of the file's content, or None for a file that does not exist."""
        path = self.root / filename
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        known = self.hashes.get(filename)
        if known and known[0] == key:
            return known[1]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        with self.lock:
            self.hashes[filename] = (key, digest)
        return digest

    def packed_body(self, filename: str, version: str, encoding: str) -> bytes:
        """The file compressed with `encoding`, made once per version."""
        key = (filename, version, encoding)
        body = self.packed.get(key)
        if body is None:
            data = (self.root / filename).read_bytes()
            body = brotli.compress(data, quality=11) if encoding == "br" else gzip.compress(data, 9, mtime=0)
            with self.lock:
                self.packed[key] = body
        return body


def _cache() -> _StaticCache:
    return current_app.extensions["rounds_static"]


def _versioned(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = _cache().version(values["filename"])
        if version:
            values["v"] = version


def _encoding() -> str | None:
    accepted = {part.split(";")[0].strip().lower() for part in request.headers.get("Accept-Encoding", "").split(",")}
    return next((e for e in ENCODINGS if e in accepted), None)


def _static_answer(response):
    """Versioned static URLs are cached for a year; text files go out compressed from memory."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    version = _cache().version(filename)
    if version and request.args.get("v") == version:
        response.headers["Cache-Control"] = FOREVER
    if response.status_code != 200 or response.mimetype not in TEXT_TYPES or not version:
        return response
    response.vary.add("Accept-Encoding")
    encoding = _encoding()
    if encoding is None or (response.content_length or 0) < MIN_SIZE:
        return response
    body = _cache().packed_body(filename, version, encoding)
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    etag = response.get_etag()[0]
    if etag:
        response.set_etag(etag, weak=True)  # the same file, another encoding: equal in meaning, not in bytes
    return response


def init_app(app: Flask) -> None:
    """Version static URLs, cache and compress static files, compress pages and JSON."""
    app.config.setdefault("COMPRESS_MIMETYPES", list(TEXT_TYPES))
    app.config.setdefault("COMPRESS_ALGORITHM", list(ENCODINGS))
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)
    app.config.setdefault("COMPRESS_MIN_SIZE", MIN_SIZE)
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)
    app.extensions["rounds_static"] = _StaticCache(app.static_folder or os.path.join(app.root_path, "static"))
    app.url_defaults(_versioned)
    app.after_request(_static_answer)  # after_request runs in reverse: before Flask-Compress, which then leaves it be
