"""Preventive maintenance cycles: due days across month ends, and tasks done early, on time or late."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.domain.errors import DomainError
from webapp.domain.maintenance import CYCLES, due_day, next_due, state_on

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))
cycles = st.sampled_from(sorted(CYCLES))


def test_a_monthly_fire_pump_test_anchored_on_the_31st_is_due_at_each_month_end():
    anchor = date(2026, 1, 31)
    assert [due_day(anchor, "monthly", k) for k in range(4)] == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


def test_a_lift_is_serviced_every_half_month():
    assert due_day(date(2026, 11, 1), "half_month", 2) == date(2026, 12, 1)


def test_a_task_never_done_is_due_on_its_anchor_and_overdue_after_it():
    anchor = date(2026, 11, 20)
    assert state_on(anchor, "monthly", None, date(2026, 11, 10)).state == "ok"
    assert state_on(anchor, "monthly", None, date(2026, 11, 15)).state == "due"
    late = state_on(anchor, "monthly", None, date(2026, 11, 25))
    assert late.state == "overdue" and late.days_late == 5


def test_a_task_done_a_few_days_early_is_not_due_again_until_next_cycle():
    anchor = date(2026, 10, 20)
    assert next_due(anchor, "monthly", date(2026, 11, 17)) == date(2026, 12, 20)
    assert state_on(anchor, "monthly", date(2026, 11, 17), date(2026, 11, 25)).state == "ok"


def test_a_quarterly_task_done_late_is_next_due_on_its_own_calendar():
    assert next_due(date(2026, 1, 10), "quarterly", date(2026, 5, 1)) == date(2026, 7, 10)


def test_an_unknown_cycle_is_refused():
    with pytest.raises(DomainError):
        next_due(date(2026, 1, 1), "weekly-ish", None)


@given(anchor=days, cycle=cycles, done=days)
def test_the_next_due_day_is_a_due_day_after_the_work_and_the_one_right_after_what_it_covers(anchor, cycle, done):
    due = next_due(anchor, cycle, done)
    lead = CYCLES[cycle][2]
    assert due > done + timedelta(days=lead)
    k = next(k for k in range(10_000) if due_day(anchor, cycle, k) == due)  # it is one of the task's due days
    assert k == 0 or due_day(anchor, cycle, k - 1) <= done + timedelta(days=lead)  # and none was skipped


@given(anchor=days, cycle=cycles, done=st.none() | days, today=days)
def test_overdue_exactly_after_the_next_due_day(anchor, cycle, done, today):
    state = state_on(anchor, cycle, done, today)
    assert (state.state == "overdue") == (today > state.next_due)
    assert state.days_late == max(0, (today - state.next_due).days)
