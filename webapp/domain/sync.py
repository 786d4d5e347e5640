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


def holds_nothing_before(received_at: datetime, offset_s: float, waiting: int | None, oldest_waiting: datetime | None,
                         previous: datetime | None) -> datetime | None:
    """Up to which instant a device is known to hold no unsent record, after a batch.

    `waiting` None: the client did not say (older clients), and the batch is taken as proof, as a last sync was.
    Nothing waiting: nothing older than now. Something waiting: nothing older than the oldest waiting capture
    (device clock corrected by the batch's offset); without its time, nothing new is learnt.
    """
    if waiting is None or waiting == 0:
        return received_at
    if oldest_waiting is None:
        return previous
    return corrected_instant(oldest_waiting, offset_s)
