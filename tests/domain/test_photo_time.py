"""When a photo was taken: the phone's time, else the camera's EXIF time when believable, else its arrival."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from webapp.domain.photo_time import EXIF_MAX_AGE, exif_instant, photo_taken_at

UTC = timezone.utc
RECEIVED = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
SHIFT_START = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai


def test_the_time_the_phone_sent_wins_over_the_camera_and_the_arrival():
    device = RECEIVED - timedelta(hours=3)  # queued offline, sent three hours later
    assert photo_taken_at(device, RECEIVED - timedelta(minutes=1), RECEIVED, SHIFT_START) == (device, "device")


def test_without_a_phone_time_a_plausible_exif_time_is_used():
    exif = RECEIVED - timedelta(minutes=40)
    assert photo_taken_at(None, exif, RECEIVED, SHIFT_START) == (exif, "exif")


def test_an_exif_time_in_the_future_or_before_the_shift_or_long_ago_is_not_believed():
    for exif in (RECEIVED + timedelta(hours=2), SHIFT_START - timedelta(minutes=1), RECEIVED - EXIF_MAX_AGE - timedelta(1)):
        assert photo_taken_at(None, exif, RECEIVED, SHIFT_START) == (RECEIVED, "received")
    assert photo_taken_at(None, RECEIVED - timedelta(hours=20), RECEIVED, None) == (RECEIVED - timedelta(hours=20), "exif")
    assert photo_taken_at(None, None, RECEIVED, SHIFT_START) == (RECEIVED, "received")


def test_a_camera_clock_a_little_ahead_is_believed_but_never_after_arrival():
    assert photo_taken_at(None, RECEIVED + timedelta(minutes=2), RECEIVED) == (RECEIVED, "exif")


def test_an_exif_wall_clock_without_offset_is_read_in_the_sites_zone():
    assert exif_instant(None, datetime(2026, 11, 25, 9, 30), "Asia/Shanghai") == datetime(2026, 11, 25, 1, 30, tzinfo=UTC)
    stamped = datetime(2026, 11, 25, 9, 30, tzinfo=timezone(timedelta(hours=9)))
    assert exif_instant(stamped, datetime(2026, 11, 25, 9, 30), "Asia/Shanghai") == datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
    assert exif_instant(None, None, "Asia/Shanghai") is None


@given(st.integers(min_value=-3 * 86400, max_value=3 * 86400))
def test_the_chosen_time_is_never_after_arrival_nor_before_the_shift_unless_the_phone_said_so(seconds):
    exif = RECEIVED + timedelta(seconds=seconds)
    chosen, source = photo_taken_at(None, exif, RECEIVED, SHIFT_START)
    assert SHIFT_START <= chosen <= RECEIVED
    assert chosen == min(exif, RECEIVED) if source == "exif" else (source, chosen) == ("received", RECEIVED)
