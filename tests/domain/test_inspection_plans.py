"""Supervisors' weekly inspection plans: their windows in UTC across a week and DST, and which were done, late or missed."""
from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.domain.errors import DomainError
from webapp.domain.inspection_plans import (
    WINDOW_STATES,
    InspectionPlanSpec,
    InspectionWindow,
    assess_windows,
    windows,
)
from webapp.domain.timezones import local_to_utc, to_local, zone

UTC = timezone.utc
SHANGHAI, NEW_YORK = "Asia/Shanghai", "America/New_York"
SITE_A, SITE_B, SITE_C = 1, 2, 3
ZHOU, QIAN = 21, 22  # two quality supervisors (品质督导)
MONDAY, WEDNESDAY, THURSDAY, FRIDAY, SUNDAY = 0, 2, 3, 4, 6

# the procedure's weekly plan: Monday site A, Wednesday site B, Thursday site C; 09:00–11:30 and 14:00–17:30
A_MORNING = InspectionPlanSpec(1, SITE_A, ZHOU, MONDAY, time(9), time(11, 30), SHANGHAI)
A_AFTERNOON = InspectionPlanSpec(2, SITE_A, ZHOU, MONDAY, time(14), time(17, 30), SHANGHAI)
B_MORNING = InspectionPlanSpec(3, SITE_B, ZHOU, WEDNESDAY, time(9), time(11, 30), SHANGHAI)
C_AFTERNOON = InspectionPlanSpec(4, SITE_C, QIAN, THURSDAY, time(14), time(17, 30), SHANGHAI)
WEEKLY = [C_AFTERNOON, B_MORNING, A_AFTERNOON, A_MORNING]

WEEK = (datetime(2026, 3, 1, 16, tzinfo=UTC), datetime(2026, 3, 8, 16, tzinfo=UTC))  # Mon 2 March – Sun 8 March, Shanghai


def sh(day: int, hh: int, mm: int = 0) -> datetime:
    """A Shanghai wall time in March 2026 as a UTC instant."""
    return local_to_utc(date(2026, 3, day), time(hh, mm), zone(SHANGHAI))


def refused(code, call, *args):
    with pytest.raises(DomainError) as caught:
        call(*args)
    assert caught.value.code == code
    return caught.value.params


# ---- windows --------------------------------------------------------------------------------------------------------

def test_a_week_of_the_quality_departments_plan_in_shanghai():
    found = windows(WEEKLY, *WEEK)
    assert [(w.plan_id, w.site_id, w.inspector_id) for w in found] == [
        (1, SITE_A, ZHOU), (2, SITE_A, ZHOU), (3, SITE_B, ZHOU), (4, SITE_C, QIAN)]
    assert [(w.starts_at, w.ends_at) for w in found] == [
        (datetime(2026, 3, 2, 1, tzinfo=UTC), datetime(2026, 3, 2, 3, 30, tzinfo=UTC)),
        (datetime(2026, 3, 2, 6, tzinfo=UTC), datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
        (datetime(2026, 3, 4, 1, tzinfo=UTC), datetime(2026, 3, 4, 3, 30, tzinfo=UTC)),
        (datetime(2026, 3, 5, 6, tzinfo=UTC), datetime(2026, 3, 5, 9, 30, tzinfo=UTC)),
    ]


def test_four_weeks_give_each_plan_four_windows_a_week_apart():
    found = windows([A_MORNING], WEEK[0], WEEK[0] + timedelta(weeks=4))
    assert [w.starts_at - found[0].starts_at for w in found] == [timedelta(weeks=i) for i in range(4)]


def test_a_window_overlapping_either_end_of_the_span_is_included_and_one_only_touching_it_is_not():
    assert [w.plan_id for w in windows([A_MORNING], sh(2, 10), sh(2, 10, 1))] == [1]
    assert windows([A_MORNING], sh(2, 11, 30), sh(2, 13)) == []  # the span starts as the window ends
    assert windows([A_MORNING], sh(2, 7), sh(2, 9)) == []  # the span ends as the window starts
    assert windows([A_MORNING], sh(2, 9), sh(2, 9)) == [] and windows([A_MORNING], sh(3, 9), sh(2, 9)) == []


def test_the_weekday_is_the_sites_local_weekday_not_utcs():
    # 07:00 Monday in Shanghai is 23:00 Sunday in UTC
    early = InspectionPlanSpec(5, SITE_A, ZHOU, MONDAY, time(7), time(8), SHANGHAI)
    (window,) = windows([early], *WEEK)
    assert window.starts_at == datetime(2026, 3, 1, 23, tzinfo=UTC)


NY = zone(NEW_YORK)


def ny(day: date, hh: int, mm: int = 0) -> datetime:
    return local_to_utc(day, time(hh, mm), NY)


def test_in_new_york_a_window_keeps_its_wall_clock_hours_across_the_spring_change():
    friday = InspectionPlanSpec(6, SITE_A, QIAN, FRIDAY, time(9), time(11, 30), NEW_YORK)
    found = windows([friday], datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 15, tzinfo=UTC))
    assert [w.starts_at for w in found] == [datetime(2026, 3, 6, 14, tzinfo=UTC), datetime(2026, 3, 13, 13, tzinfo=UTC)]
    assert [to_local(w.starts_at, NY).strftime("%a %H:%M") for w in found] == ["Fri 09:00", "Fri 09:00"]
    assert all(w.ends_at - w.starts_at == timedelta(hours=2, minutes=30) for w in found)


def test_in_new_york_a_window_across_a_clock_change_is_as_long_as_the_clocks_say():
    spring = InspectionPlanSpec(7, SITE_A, QIAN, SUNDAY, time(1, 30), time(3, 30), NEW_YORK)
    (short,) = windows([spring], datetime(2026, 3, 7, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC))
    assert (short.starts_at, short.ends_at) == (datetime(2026, 3, 8, 6, 30, tzinfo=UTC), datetime(2026, 3, 8, 7, 30, tzinfo=UTC))
    autumn = InspectionPlanSpec(8, SITE_A, QIAN, SUNDAY, time(0, 30), time(2, 30), NEW_YORK)
    (long,) = windows([autumn], datetime(2026, 10, 31, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC))
    assert long.ends_at - long.starts_at == timedelta(hours=3)


def test_a_window_whose_hours_the_spring_change_skips_entirely_is_not_due():
    skipped = InspectionPlanSpec(9, SITE_A, QIAN, SUNDAY, time(2, 30), time(3), NEW_YORK)
    assert windows([skipped], datetime(2026, 3, 7, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC)) == []
    assert len(windows([skipped], datetime(2026, 3, 14, tzinfo=UTC), datetime(2026, 3, 17, tzinfo=UTC))) == 1


def test_a_plan_with_a_bad_weekday_hours_or_zone_is_refused():
    assert refused("invalid_weekday", InspectionPlanSpec, 1, 1, 1, 7, time(9), time(10), SHANGHAI) == {"weekday": 7}
    assert refused("window_ends_before_start", InspectionPlanSpec, 1, 1, 1, 0, time(9), time(9), SHANGHAI) == {
        "starts": "09:00", "ends": "09:00"}
    refused("window_ends_before_start", InspectionPlanSpec, 1, 1, 1, 0, time(17), time(9), SHANGHAI)
    assert refused("unknown_timezone", InspectionPlanSpec, 1, 1, 1, 0, time(9), time(10), "Mars/Olympus") == {
        "name": "Mars/Olympus"}


# ---- done, late, missed ---------------------------------------------------------------------------------------------

def judge(inspections, now, wins=None, **kw):
    return [(s.window.plan_id, s.status, s.inspection_at)
            for s in assess_windows(windows(WEEKLY, *WEEK) if wins is None else wins, inspections, now, **kw)]


def test_a_week_judged_on_sunday_evening():
    inspections = [
        (SITE_A, ZHOU, sh(2, 9, 40)),  # Monday morning, on time
        (SITE_B, ZHOU, sh(4, 16)),  # Wednesday's morning visit done in the afternoon: late
        (SITE_C, QIAN, sh(4, 15)),  # Wednesday at site C: no window for it
    ]
    assert judge(inspections, sh(8, 20)) == [
        (1, "done", sh(2, 9, 40)), (2, "missed", None), (3, "late", sh(4, 16)), (4, "missed", None)]


def test_mid_week_a_window_is_pending_until_its_grace_runs_out_and_later_ones_are_upcoming():
    assert [status for _, status, _ in judge([], sh(3, 12))] == ["missed", "pending", "upcoming", "upcoming"]
    assert [status for _, status, _ in judge([], sh(4, 10))] == ["missed", "missed", "pending", "upcoming"]


def test_a_window_stays_pending_through_its_grace_then_is_missed():
    wins = windows([A_MORNING], *WEEK)
    assert judge([], sh(3, 11, 30), wins) == [(1, "pending", None)]  # ends + 24 h exactly
    assert judge([], sh(3, 11, 31), wins) == [(1, "missed", None)]
    assert judge([], sh(2, 12), wins, late_grace=timedelta(minutes=15)) == [(1, "missed", None)]


def test_the_window_includes_its_start_and_its_end():
    wins = windows([A_MORNING], *WEEK)
    assert judge([(SITE_A, ZHOU, sh(2, 9))], sh(8, 0), wins)[0][1] == "done"
    assert judge([(SITE_A, ZHOU, sh(2, 11, 30))], sh(8, 0), wins)[0][1] == "done"
    assert judge([(SITE_A, ZHOU, sh(2, 8, 59))], sh(8, 0), wins)[0][1] == "missed"  # before the window counts for nothing


def test_only_the_plans_inspector_at_the_plans_site_fulfils_it():
    wins = windows([A_MORNING], *WEEK)
    assert judge([(SITE_A, QIAN, sh(2, 10)), (SITE_B, ZHOU, sh(2, 10))], sh(8, 0), wins) == [(1, "missed", None)]


def test_one_inspection_fulfils_one_window_only():
    twin = InspectionPlanSpec(10, SITE_A, ZHOU, MONDAY, time(10), time(12), SHANGHAI)  # overlaps the morning window
    wins = windows([A_MORNING, twin], *WEEK)
    assert judge([(SITE_A, ZHOU, sh(2, 10, 30))], sh(8, 0), wins) == [(1, "done", sh(2, 10, 30)), (10, "missed", None)]
    # the visit at 11:45 fits only the second window, so the one at 10:30 goes to the first
    apart = judge([(SITE_A, ZHOU, sh(2, 10, 30)), (SITE_A, ZHOU, sh(2, 11, 45))], sh(8, 0), wins)
    assert apart == [(1, "done", sh(2, 10, 30)), (10, "done", sh(2, 11, 45))]
    both = judge([(SITE_A, ZHOU, sh(2, 11)), (SITE_A, ZHOU, sh(2, 10, 30))], sh(8, 0), wins)
    assert both == [(1, "done", sh(2, 10, 30)), (10, "done", sh(2, 11))]


def test_an_afternoon_visit_fulfils_the_afternoon_window_rather_than_making_the_morning_late():
    assert judge([(SITE_A, ZHOU, sh(2, 15))], sh(8, 0))[:2] == [(1, "missed", None), (2, "done", sh(2, 15))]
    two = judge([(SITE_A, ZHOU, sh(2, 15)), (SITE_A, ZHOU, sh(2, 16))], sh(8, 0))
    assert two[:2] == [(1, "late", sh(2, 16)), (2, "done", sh(2, 15))]


def test_statuses_come_back_in_the_order_the_windows_were_given():
    wins = list(reversed(windows(WEEKLY, *WEEK)))
    assert [p for p, _, _ in judge([], sh(8, 20), wins)] == [4, 3, 2, 1]


# ---- properties -----------------------------------------------------------------------------------------------------

quick = settings(max_examples=60, deadline=None)
ZONES = (SHANGHAI, NEW_YORK, "Europe/London", "Australia/Lord_Howe")


@st.composite
def plans(draw):
    found = []
    for i in range(draw(st.integers(min_value=1, max_value=4))):
        starts = draw(st.integers(min_value=0, max_value=23 * 60 - 1))
        ends = draw(st.integers(min_value=starts + 1, max_value=24 * 60 - 1))
        found.append(InspectionPlanSpec(
            i + 1, draw(st.sampled_from((SITE_A, SITE_B))), draw(st.sampled_from((ZHOU, QIAN))),
            draw(st.integers(min_value=0, max_value=6)), time(starts // 60, starts % 60), time(ends // 60, ends % 60),
            draw(st.sampled_from(ZONES))))
    return found


spans = st.tuples(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 20), timezones=st.just(UTC)),
    st.integers(min_value=0, max_value=21 * 24 * 60),
).map(lambda s: (s[0], s[0] + timedelta(minutes=s[1])))


@quick
@given(plans(), spans)
def test_every_window_overlaps_the_span_on_its_plans_weekday_and_hours(plan_list, span):
    start, end = span
    found = windows(plan_list, start, end)
    assert found == sorted(found, key=lambda w: (w.starts_at, w.ends_at, w.plan_id))
    by_id = {p.id: p for p in plan_list}
    for w in found:
        plan = by_id[w.plan_id]
        assert w.starts_at < end and w.ends_at > start and w.starts_at < w.ends_at
        assert (w.site_id, w.inspector_id) == (plan.site_id, plan.inspector_id)
        local = to_local(w.starts_at, zone(plan.zone))
        assert local.weekday() == plan.weekday or local.time() != plan.starts  # only a DST gap moves a start
    # a span of whole weeks holds each plan's weekday exactly once per week, give or take a window at an edge
    weeks = (end - start) / timedelta(weeks=1)
    for plan in plan_list:
        count = sum(w.plan_id == plan.id for w in found)
        assert int(weeks) - 1 <= count <= int(weeks) + 2


@st.composite
def weeks_of_inspections(draw):
    wins = windows(draw(plans()), *WEEK)
    inspections = draw(st.lists(st.tuples(
        st.sampled_from((SITE_A, SITE_B)), st.sampled_from((ZHOU, QIAN)),
        st.integers(min_value=-24 * 60, max_value=9 * 24 * 60).map(lambda m: WEEK[0] + timedelta(minutes=m)),
    ), max_size=15))
    now = WEEK[0] + timedelta(minutes=draw(st.integers(min_value=-60, max_value=10 * 24 * 60)))
    grace = timedelta(minutes=draw(st.sampled_from((0, 60, 24 * 60))))
    return wins, inspections, now, grace


@quick
@given(weeks_of_inspections(), st.randoms(use_true_random=False))
def test_each_status_agrees_with_its_window_and_no_inspection_is_used_twice(case, rng):
    wins, inspections, now, grace = case
    judged = assess_windows(wins, inspections, now, grace)
    assert [s.window for s in judged] == wins
    used = [(s.window.site_id, s.window.inspector_id, s.inspection_at) for s in judged if s.inspection_at is not None]
    for key in set(used):
        assert used.count(key) <= inspections.count(key)
    for s in judged:
        w = s.window
        assert s.status in WINDOW_STATES
        if s.status == "done":
            assert w.starts_at <= s.inspection_at <= w.ends_at
        elif s.status == "late":
            assert w.ends_at < s.inspection_at <= w.ends_at + grace
        else:
            assert s.inspection_at is None
            assert not any((site, who) == (w.site_id, w.inspector_id) and w.starts_at <= at <= w.ends_at + grace
                           and used.count((site, who, at)) < inspections.count((site, who, at))
                           for site, who, at in inspections)  # nothing left over that would have fulfilled it
            expected = "upcoming" if now < w.starts_at else "missed" if now > w.ends_at + grace else "pending"
            assert s.status == expected
    shuffled = list(inspections)
    rng.shuffle(shuffled)
    assert assess_windows(wins, shuffled, now, grace) == judged


@quick
@given(weeks_of_inspections())
def test_an_extra_inspection_never_undoes_a_done_window(case):
    wins, inspections, now, grace = case
    before = assess_windows(wins, inspections, now, grace)
    if wins:
        extra = (wins[0].site_id, wins[0].inspector_id, wins[0].starts_at)
        after = assess_windows(wins, [*inspections, extra], now, grace)
        assert sum(s.status == "done" for s in after) >= sum(s.status == "done" for s in before)


def test_windows_are_plain_values_that_can_be_judged_whoever_built_them():
    w = InspectionWindow(1, SITE_A, ZHOU, sh(2, 9), sh(2, 11, 30))
    assert w in set(windows([A_MORNING], *WEEK))
    assert judge([(SITE_A, ZHOU, sh(2, 10))], sh(2, 10), [w]) == [(1, "done", sh(2, 10))]
