"""When a photo was taken: the phone's word for it, else the camera's own (EXIF) when it is believable."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

EXIF_LEEWAY = timedelta(minutes=5)  # a camera clock a little ahead of the server's is still believed
EXIF_MAX_AGE = timedelta(hours=24)  # older than this (or than the shift) is a picture from the gallery, not the round


def exif_instant(taken_at: datetime | None, taken_at_local: datetime | None, zone: str) -> datetime | None:
    """The camera's capture instant in UTC: its own offset when it wrote one, else its wall clock read in the site's zone."""
    if taken_at is not None:
        return taken_at.astimezone(timezone.utc)
    if taken_at_local is None:
        return None
    return taken_at_local.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def photo_taken_at(device_instant: datetime | None, exif: datetime | None, received_at: datetime,
                   earliest: datetime | None = None) -> tuple[datetime, str]:
    """The instant a photo was taken and where it came from: "device", "exif" or "received".

    The device's (clock-corrected) time sent with the photo wins. Without it the camera's EXIF time is
    used when plausible: not after the photo arrived (give or take EXIF_LEEWAY), and not before `earliest`
    (the start of the person's shift) nor more than EXIF_MAX_AGE before arrival. Otherwise: when it arrived.
    """
    if device_instant is not None:
        return device_instant, "device"
    floor = received_at - EXIF_MAX_AGE
    if earliest is not None:
        floor = max(floor, earliest)
    if exif is not None and floor <= exif <= received_at + EXIF_LEEWAY:
        return min(exif, received_at), "exif"
    return received_at, "received"
