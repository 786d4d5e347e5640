"""Shift windows in the site's zone: night shifts cross midnight, and daylight-saving nights are not 12 hours."""
from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.domain.errors import DomainError
from webapp.domain.timezones import local_days, local_to_utc, shift_day_of, shift_window, to_local, zone

SHANGHAI = zone("Asia/Shanghai")
BERLIN = zone("Europe/Berlin")
UTC = timezone.utc


def test_a_night_shift_in_shanghai_ends_the_next_morning():
    start, end = shift_window(date(2026, 11, 24), time(20), time(8), SHANGHAI)
    assert start == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 25, 0, 0, tzinfo=UTC)


def test_a_day_shift_stays_on_its_day():
    start, end = shift_window(date(2026, 11, 24), time(8), time(20), SHANGHAI)
    assert (start.hour, end.hour, (end - start)) == (0, 12, timedelta(hours=12))


def test_a_scan_after_midnight_belongs_to_the_shift_that_began_the_evening_before():
    after_midnight = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)  # 02:30 on the 25th in Shanghai
    assert to_local(after_midnight, SHANGHAI).date() == date(2026, 11, 25)
    assert shift_day_of(after_midnight, time(20), time(8), SHANGHAI) == date(2026, 11, 24)
    assert shift_day_of(after_midnight, time(8), time(20), SHANGHAI) is None


def test_the_night_the_clocks_go_forward_is_an_hour_shorter():
    start, end = shift_window(date(2026, 3, 28), time(20), time(8), BERLIN)
    assert end - start == timedelta(hours=11)


def test_the_night_the_clocks_go_back_is_an_hour_longer():
    start, end = shift_window(date(2026, 10, 24), time(20), time(8), BERLIN)
    assert end - start == timedelta(hours=13)


def test_a_wall_time_skipped_by_the_clock_change_reads_as_the_time_after_it():
    assert local_to_utc(date(2026, 3, 29), time(2, 30), BERLIN) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_an_unknown_zone_is_a_domain_error():
    with pytest.raises(DomainError) as caught:
        zone("Mars/Olympus_Mons")
    assert caught.value.code == "unknown_timezone"


def test_a_night_shift_touches_two_local_days():
    start, end = shift_window(date(2026, 11, 24), time(20), time(8), SHANGHAI)
    assert local_days(start, end, SHANGHAI) == [date(2026, 11, 24), date(2026, 11, 25)]


zones = st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"])
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
minutes = st.integers(min_value=0, max_value=24 * 60 - 1).map(lambda m: time(m // 60, m % 60))


@given(day=days, start=minutes, end=minutes, tz_name=zones)
def test_every_shift_starts_before_it_ends_and_contains_its_own_start(day, start, end, tz_name):
    tz = zone(tz_name)
    begin, finish = shift_window(day, start, end, tz)
    assert begin < finish
    assert timedelta(hours=-2) < (finish - begin) - _wall_length(start, end) < timedelta(hours=2)
    assert shift_day_of(begin, start, end, tz) in (day, day - timedelta(days=1))
    assert begin.tzinfo == UTC and finish.tzinfo == UTC


def _wall_length(start: time, end: time) -> timedelta:
    s, e = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    return timedelta(minutes=(e - s) if e > s else (e - s + 24 * 60))
