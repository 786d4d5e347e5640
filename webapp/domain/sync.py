"""Device clocks: how far off a phone's clock is, and the instant a record really happened."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


def clock_offset_s(device_sent_at: datetime, received_at: datetime) -> float:
    """The device's clock minus the server's, measured when a batch arrives (transit time is ignored)."""
    return (device_sent_at - received_at).total_seconds()


def corrected_instant(device_time: datetime, offset_s: float) -> datetime:
    """The instant a record was captured, by the server's clock, given its device's measured offset."""
    if device_time.tzinfo is None:
        raise ValueError("device time without a UTC offset")
    return (device_time - timedelta(seconds=offset_s)).astimezone(timezone.utc)


def is_skewed(offset_s: float, limit_s: float) -> bool:
    """Whether a device's clock is further off than the limit allows."""
    return abs(offset_s) > limit_s
