"""Lengths of time are written as people say them: 45 minutes, 5 hours, 19 hours, 3 days; never 297.6 min."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.domain.durations import Duration, humanize_minutes


@pytest.mark.parametrize("minutes,expected", [
    (45, Duration(45, "minute")),
    (0.4, Duration(0, "minute")),
    (59.4, Duration(59, "minute")),
    (59.6, Duration(1, "hour")),  # rounds to 60 minutes: an hour, not "60 minutes"
    (297.6, Duration(5, "hour")),  # the service report's mean time to respond
    (1140.0, Duration(19, "hour")),
    (90, Duration(1.5, "hour")),
    (47 * 60, Duration(47, "hour")),
    (72 * 60, Duration(3, "day")),
    (3.5 * 1440, Duration(3.5, "day")),
    (-5, Duration(0, "minute")),
])
def test_a_length_of_time_takes_the_unit_a_person_would_use(minutes, expected):
    assert humanize_minutes(minutes) == expected


def test_no_figure_gives_no_duration():
    assert humanize_minutes(None) is None and humanize_minutes(float("nan")) is None


@given(st.floats(min_value=0, max_value=10 * 365 * 1440, allow_nan=False))
def test_the_rounded_amount_stays_within_a_twentieth_of_the_true_length_past_ten_minutes(minutes):
    d = humanize_minutes(minutes)
    assert d is not None and d.unit in ("minute", "hour", "day")
    back = d.amount * {"minute": 1, "hour": 60, "day": 1440}[d.unit]
    assert abs(back - minutes) <= max(0.5, minutes * 0.05)
    assert float(d.amount).is_integer() or d.amount < 10  # decimals only below 10 units
