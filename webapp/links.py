"""Public addresses the app prints or hands out, built from BASE_URL."""
from __future__ import annotations

from flask import current_app


def scan_url(token: str) -> str:
    """The address a checkpoint's QR label encodes: opening it records a scan (or opens the cleaning check)."""
    return current_app.config["BASE_URL"].rstrip("/") + "/s/" + token
