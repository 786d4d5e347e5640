"""The equipment section of the report: readings counted in the period, abnormal ones, and how fast they were fixed."""
from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from webapp.domain.plant_report import ReadingFact, summarize

UTC = timezone.utc
START = datetime(2026, 10, 31, 16, tzinfo=UTC)  # 1 November in Shanghai
END = datetime(2026, 11, 30, 16, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 2, tzinfo=UTC)


def test_a_month_with_one_high_pressure_fixed_in_six_hours_and_one_fault_still_open():
    raised = datetime(2026, 11, 23, 1, 10, tzinfo=UTC)
    facts = [ReadingFact(1, datetime(2026, 11, 1, 1, tzinfo=UTC), False),
             ReadingFact(2, raised, True, 70, raised, raised + timedelta(hours=6)),
             ReadingFact(3, datetime(2026, 11, 24, 9, tzinfo=UTC), True, 71, datetime(2026, 11, 24, 9, tzinfo=UTC), None),
             ReadingFact(4, datetime(2026, 10, 30, 1, tzinfo=UTC), True, 69),  # last month
             ReadingFact(5, datetime(2026, 11, 26, 1, tzinfo=UTC), False)]  # after now
    s = summarize(facts, START, END, NOW)
    assert (s.readings, s.abnormal, s.orders, s.fixed, s.still_open, s.mean_fix_hours) == (3, (2, 3), (70, 71), 1, (71,), 6.0)
    assert s.abnormal_rate == 2 / 3


def test_an_order_done_after_now_is_still_open():
    raised = datetime(2026, 11, 24, tzinfo=UTC)
    s = summarize([ReadingFact(1, raised, True, 9, raised, NOW + timedelta(hours=1))], START, END, NOW)
    assert s.fixed == 0 and s.still_open == (9,) and s.mean_fix_hours is None


instants = st.datetimes(min_value=datetime(2026, 10, 1), max_value=datetime(2026, 12, 31)).map(lambda d: d.replace(tzinfo=UTC))


@given(st.lists(st.tuples(instants, st.booleans()), max_size=40))
def test_counts_are_consistent(rows):
    facts = [ReadingFact(i, at, out, i if out else None, at if out else None, at + timedelta(hours=2) if out else None)
             for i, (at, out) in enumerate(rows)]
    s = summarize(facts, START, END, NOW)
    inside = [f for f in facts if START <= f.captured_at < END and f.captured_at <= NOW]
    assert s.readings == len(inside) and len(s.abnormal) == sum(f.out_of_range for f in inside)
    assert s.fixed + len(s.still_open) == len(s.orders) and s.fixed <= len(s.abnormal)
