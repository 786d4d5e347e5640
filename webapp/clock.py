"""The one place the web layer reads the time; tests may pin it with ROUNDS_NOW (only when TESTING)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from webapp.models import utcnow


def now() -> datetime:
    """The current instant in UTC, or the pinned instant of a test."""
    pinned = current_app.config.get("ROUNDS_NOW")
    if pinned is not None and current_app.config.get("TESTING"):
        return pinned
    return utcnow()
