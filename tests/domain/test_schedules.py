"""Plans turned into due rounds and cleaning checks, across midnight and in the site's zone."""
from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.domain.errors import DomainError
from webapp.domain.schedules import Due, PlanSpec, due_times, parse_times
from webapp.domain.timezones import shift_window, to_local, zone

SHANGHAI = zone("Asia/Shanghai")
UTC = timezone.utc
NIGHT = shift_window(date(2026, 11, 24), time(20), time(8), SHANGHAI)


def test_a_round_every_two_hours_of_the_night_shift():
    dues = due_times(PlanSpec(1, 120, (), window_minutes=30), *NIGHT, SHANGHAI)
    assert [to_local(d.opens_at, SHANGHAI).strftime("%H:%M") for d in dues] == ["20:00", "22:00", "00:00", "02:00", "04:00", "06:00"]
    assert dues[2].opens_at == datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    assert dues[0].closes_at - dues[0].opens_at == timedelta(minutes=30)
    assert dues[0].late_after - dues[0].closes_at == timedelta(minutes=15)


def test_fixed_times_on_both_sides_of_midnight_are_both_due_in_order():
    dues = due_times(PlanSpec(2, None, parse_times("00:30, 23:30, 09:00"), window_minutes=20), *NIGHT, SHANGHAI)
    local = [to_local(d.opens_at, SHANGHAI) for d in dues]
    assert [(t.day, t.strftime("%H:%M")) for t in local] == [(24, "23:30"), (25, "00:30")]


def test_times_written_with_chinese_punctuation_are_read():
    assert parse_times("08:00，14:00、08:00") == (time(8), time(14))


@pytest.mark.parametrize("text", ["8点", "25:00", "08:61", "08-00"])
def test_a_time_that_is_not_a_time_is_refused_with_its_value(text):
    with pytest.raises(DomainError) as caught:
        parse_times(text)
    assert caught.value.code == "bad_time_of_day" and caught.value.params["value"] == text


def test_a_plan_needs_an_interval_or_times():
    with pytest.raises(DomainError):
        PlanSpec(3, None, (), window_minutes=10)
    with pytest.raises(DomainError):
        PlanSpec(3, 0, (), window_minutes=10)


def test_the_state_of_due_work_follows_its_window():
    opens = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    due = Due(1, opens, opens + timedelta(minutes=30), opens + timedelta(minutes=45))
    assert due.state(None, opens - timedelta(minutes=1)) == "upcoming"
    assert due.state(None, opens + timedelta(minutes=40)) == "open"
    assert due.state(None, opens + timedelta(minutes=46)) == "missed"
    assert due.state(opens + timedelta(minutes=10), opens + timedelta(hours=5)) == "done"
    assert due.state(opens + timedelta(minutes=35), opens + timedelta(hours=5)) == "late"
    assert due.state(opens - timedelta(minutes=5), opens + timedelta(hours=5)) == "early"


@given(interval=st.integers(min_value=10, max_value=300), window=st.integers(min_value=0, max_value=120))
def test_interval_rounds_lie_inside_the_shift_and_never_overlap_their_start(interval, window):
    dues = due_times(PlanSpec(1, interval, (), window_minutes=window), *NIGHT, SHANGHAI)
    assert dues and dues[0].opens_at == NIGHT[0]
    assert all(NIGHT[0] <= d.opens_at < NIGHT[1] for d in dues)
    assert all(b.opens_at - a.opens_at == timedelta(minutes=interval) for a, b in zip(dues, dues[1:]))
    assert len(dues) == -(-12 * 60 // interval)
