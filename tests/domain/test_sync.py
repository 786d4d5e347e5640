"""A phone's clock offset, measured per batch, turns its device times into true instants."""
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.domain.sync import clock_offset_s, corrected_instant, is_skewed

CST = timezone(timedelta(hours=8))
UTC = timezone.utc


def test_a_clock_five_minutes_slow_has_a_negative_offset_and_its_times_are_moved_forward():
    received = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    sent_by_phone = datetime(2026, 11, 25, 9, 55, tzinfo=CST)  # 01:55 UTC: five minutes slow
    offset = clock_offset_s(sent_by_phone, received)
    assert offset == -300
    captured = corrected_instant(datetime(2026, 11, 25, 7, 30, tzinfo=CST), offset)
    assert captured == datetime(2026, 11, 24, 23, 35, tzinfo=UTC) and captured.tzinfo == UTC


def test_a_device_time_without_its_offset_is_refused():
    with pytest.raises(ValueError):
        corrected_instant(datetime(2026, 11, 25, 7, 30), 0)


def test_skew_is_judged_either_way():
    assert is_skewed(121, 120) and is_skewed(-121, 120) and not is_skewed(119.9, 120)


@given(skew=st.integers(min_value=-86_400, max_value=86_400), delay=st.integers(min_value=0, max_value=3 * 86_400),
       zone_hours=st.integers(min_value=-12, max_value=14))
def test_correcting_recovers_the_true_instant_whatever_the_skew_delay_and_zone(skew, delay, zone_hours):
    tz = timezone(timedelta(hours=zone_hours))
    truth = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    received = truth + timedelta(seconds=delay)
    device = lambda instant: (instant + timedelta(seconds=skew)).astimezone(tz)  # noqa: E731
    offset = clock_offset_s(device(received), received)
    assert corrected_instant(device(truth), offset) == truth
