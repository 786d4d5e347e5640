"""A reading item's trend as plain chart data: points in the site's local time, the normal band, abnormal points."""
from __future__ import annotations

from datetime import datetime

from webapp.domain.timezones import to_local, zone
from webapp.models import Reading, ReadingItem


def trend(item: ReadingItem, readings: list[Reading], timezone: str) -> dict:
    """What static/js/trends.js draws: [local time, value] points, the band's low and high, and the unit."""
    points = [[local_text(r.captured_at, timezone), r.value_number] for r in readings if r.value_number is not None]
    abnormal = [[local_text(r.captured_at, timezone), r.value_number] for r in readings
                if r.value_number is not None and r.out_of_range]
    return {"id": f"item-{item.id}", "name": item.name, "unit": item.unit, "low": item.low, "high": item.high,
            "points": points, "abnormal": abnormal}


def local_text(at: datetime, timezone: str) -> str:
    """An instant as the site's local "2026-11-25 10:00"."""
    return to_local(at, zone(timezone)).strftime("%Y-%m-%d %H:%M")
