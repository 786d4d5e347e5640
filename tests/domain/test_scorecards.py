"""Monthly scorecards (考核): each person's figures and total, teams from summed counts, and the month in a site's zone."""
import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.domain.errors import DomainError
from webapp.domain.scorecards import (
    COUNTS,
    SCORING,
    PersonMonth,
    Scorecard,
    last_working_day,
    month_bounds,
    person_card,
    team_cards,
)
from webapp.domain.timezones import to_local, zone

UTC = timezone.utc
GUARD_WANG, GUARD_LI, CLEANER_ZHAO = 31, 32, 41


def refused(code, call, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code
    return caught.value.params


# ---- a person's month -----------------------------------------------------------------------------------------------

def test_a_month_with_nothing_against_a_person_scores_100_and_has_no_rates():
    card = person_card(PersonMonth(GUARD_WANG, "Security"))
    assert (card.key, card.team, card.members, card.total) == (GUARD_WANG, "Security", 1, 100.0)
    assert (card.on_time_rate, card.cleaning_pass_rate, card.inspection_average, card.notice_on_time_rate) == (
        None, None, None, None)


def test_a_guards_month_loses_points_for_violations_unexplained_gaps_overdue_notices_and_late_rounds():
    month = PersonMonth(GUARD_WANG, "Security", rounds_due=60, rounds_on_time=54, rounds_late=4, gaps_unexplained=3,
                        gaps_explained=7, notices_total=4, notices_on_time=2, notices_overdue=1, violations=1,
                        violation_points=5, area_scores=(92.0, 85.5, 88.0))
    card = person_card(month)
    # 100 − 5 points − 2 × 3 gaps − 5 × 1 overdue notice − 10 × (1 − 0.9) late rounds
    assert card.total == 83.0
    assert (card.on_time_rate, card.notice_on_time_rate, card.inspection_average, card.inspections) == (90.0, 50.0, 88.5, 3)
    assert (card.rounds_due, card.rounds_on_time, card.rounds_late, card.gaps_unexplained, card.gaps_explained) == (
        60, 54, 4, 3, 7)
    assert (card.notices_total, card.notices_on_time, card.notices_overdue, card.violations, card.violation_points) == (
        4, 2, 1, 1, 5)


def test_explained_gaps_and_notices_closed_on_time_cost_nothing():
    card = person_card(PersonMonth(CLEANER_ZHAO, "Cleaning", gaps_explained=9, notices_total=3, notices_on_time=3,
                                   cleaning_checks=40, cleaning_passed=37))
    assert (card.total, card.cleaning_pass_rate, card.notice_on_time_rate) == (100.0, 92.5, 100.0)


def test_no_round_done_on_time_costs_the_full_ten_and_none_due_costs_nothing():
    assert person_card(PersonMonth(GUARD_WANG, "Security", rounds_due=5)).total == 90.0
    assert person_card(PersonMonth(GUARD_WANG, "Security", rounds_due=0)).total == 100.0


def test_rates_and_the_total_are_rounded_to_one_decimal():
    card = person_card(PersonMonth(GUARD_WANG, "Security", rounds_due=3, rounds_on_time=2))
    assert (card.on_time_rate, card.total) == (66.7, 96.7)


def test_the_total_never_goes_below_zero():
    assert person_card(PersonMonth(GUARD_WANG, "Security", violations=3, violation_points=90, gaps_unexplained=10)).total == 0.0


def test_the_weights_are_the_documented_ones():
    assert dataclasses.astuple(SCORING) == (100.0, 1.0, 2.0, 5.0, 10.0)


def test_impossible_facts_are_refused():
    assert refused("invalid_count", PersonMonth, GUARD_WANG, "Security", gaps_unexplained=-1) == {
        "field": "gaps_unexplained", "value": -1}
    assert refused("inconsistent_counts", PersonMonth, GUARD_WANG, "Security", rounds_due=2, rounds_on_time=3) == {
        "field": "rounds_on_time", "total": "rounds_due"}
    refused("inconsistent_counts", PersonMonth, GUARD_WANG, "Security", rounds_due=2, rounds_on_time=1, rounds_late=2)
    refused("inconsistent_counts", PersonMonth, CLEANER_ZHAO, "Cleaning", cleaning_checks=1, cleaning_passed=2)
    refused("inconsistent_counts", PersonMonth, CLEANER_ZHAO, "Cleaning", notices_on_time=1)
    assert refused("invalid_percent", PersonMonth, CLEANER_ZHAO, "Cleaning", area_scores=(101.0,)) == {"field": "area_scores"}


def test_overdue_notices_may_be_older_than_the_months_notices():
    assert person_card(PersonMonth(CLEANER_ZHAO, "Cleaning", notices_overdue=2)).total == 90.0


# ---- teams ----------------------------------------------------------------------------------------------------------

def test_a_teams_rates_come_from_its_summed_counts_and_its_total_is_the_mean_of_its_members_totals():
    wang = PersonMonth(GUARD_WANG, "Security", rounds_due=10, rounds_on_time=10, area_scores=(90.0,))
    li = PersonMonth(GUARD_LI, "Security", rounds_due=90, rounds_on_time=45, gaps_unexplained=2, area_scores=(70.0, 80.0))
    zhao = PersonMonth(CLEANER_ZHAO, "Cleaning", cleaning_checks=10, cleaning_passed=9)
    cleaning, security = team_cards([wang, zhao, li])
    assert (security.key, security.team, security.members) == ("Security", "Security", 2)
    assert (security.rounds_due, security.rounds_on_time, security.gaps_unexplained) == (100, 55, 2)
    assert security.on_time_rate == 55.0  # not (100 + 50) / 2
    assert (security.inspection_average, security.inspections) == (80.0, 3)
    # Wang 100; Li 100 − 4 − 10 × 0.5 = 91
    assert security.total == 95.5
    assert (cleaning.key, cleaning.members, cleaning.cleaning_pass_rate, cleaning.total) == ("Cleaning", 1, 90.0, 100.0)


def test_no_months_no_teams():
    assert team_cards([]) == []


# ---- the month ------------------------------------------------------------------------------------------------------

def test_a_month_in_shanghai_runs_from_local_midnight_to_local_midnight():
    assert month_bounds(2026, 3, "Asia/Shanghai") == (datetime(2026, 2, 28, 16, tzinfo=UTC), datetime(2026, 3, 31, 16, tzinfo=UTC))
    assert month_bounds(2026, 12, "Asia/Shanghai") == (datetime(2026, 11, 30, 16, tzinfo=UTC), datetime(2026, 12, 31, 16, tzinfo=UTC))


def test_a_month_with_a_clock_change_is_an_hour_short_or_long():
    start, end = month_bounds(2026, 3, "America/New_York")
    assert (start, end) == (datetime(2026, 3, 1, 5, tzinfo=UTC), datetime(2026, 4, 1, 4, tzinfo=UTC))
    assert end - start == timedelta(days=31, hours=-1)
    start, end = month_bounds(2026, 11, "America/New_York")
    assert end - start == timedelta(days=30, hours=1)


def test_a_month_that_is_not_one_or_a_zone_that_is_not_one_is_refused():
    assert refused("invalid_month", month_bounds, 2026, 13, "Asia/Shanghai") == {"year": 2026, "month": 13}
    refused("invalid_month", last_working_day, 2026, 0)
    assert refused("unknown_timezone", month_bounds, 2026, 3, "Asia/Beijing") == {"name": "Asia/Beijing"}


@pytest.mark.parametrize("year, month, expected", [
    (2026, 3, date(2026, 3, 31)),  # a Tuesday
    (2026, 2, date(2026, 2, 27)),  # the 28th is a Saturday
    (2026, 5, date(2026, 5, 29)),  # the 31st is a Sunday
    (2026, 12, date(2026, 12, 31)),
    (2024, 2, date(2024, 2, 29)),  # a leap year's Thursday
])
def test_the_monthly_summary_is_due_on_the_last_working_day(year, month, expected):
    assert last_working_day(year, month) == expected


# ---- properties -----------------------------------------------------------------------------------------------------

quick = settings(max_examples=100, deadline=None)


@st.composite
def person_months(draw, person_id=None, team=None):
    rounds_due = draw(st.integers(min_value=0, max_value=200))
    on_time = draw(st.integers(min_value=0, max_value=rounds_due))
    checks = draw(st.integers(min_value=0, max_value=100))
    notices = draw(st.integers(min_value=0, max_value=20))
    violations = draw(st.integers(min_value=0, max_value=5))
    return PersonMonth(
        person_id=person_id if person_id is not None else draw(st.integers(min_value=1, max_value=99)),
        team=team or draw(st.sampled_from(("Security", "Cleaning", "Engineering"))),
        rounds_due=rounds_due, rounds_on_time=on_time, rounds_late=draw(st.integers(min_value=0, max_value=rounds_due - on_time)),
        gaps_unexplained=draw(st.integers(min_value=0, max_value=30)), gaps_explained=draw(st.integers(min_value=0, max_value=30)),
        cleaning_checks=checks, cleaning_passed=draw(st.integers(min_value=0, max_value=checks)),
        area_scores=tuple(draw(st.lists(st.floats(min_value=0, max_value=100), max_size=6))),
        notices_total=notices, notices_on_time=draw(st.integers(min_value=0, max_value=notices)),
        notices_overdue=draw(st.integers(min_value=0, max_value=10)),
        violations=violations, violation_points=draw(st.integers(min_value=violations, max_value=violations * 20)),
    )


def rates(card: Scorecard):
    return (card.on_time_rate, card.cleaning_pass_rate, card.inspection_average, card.notice_on_time_rate)


@quick
@given(person_months())
def test_a_persons_total_and_rates_stay_within_0_and_100(month):
    card = person_card(month)
    assert 0.0 <= card.total <= 100.0
    assert all(r is None or 0.0 <= r <= 100.0 for r in rates(card))
    assert {name: getattr(card, name) for name in COUNTS} == {name: getattr(month, name) for name in COUNTS}


@quick
@given(person_months(), st.sampled_from(("gaps_unexplained", "notices_overdue", "violation_points")), st.integers(1, 20))
def test_more_against_a_person_never_raises_their_total(month, field, more):
    worse = dataclasses.replace(month, **{field: getattr(month, field) + more})
    assert person_card(worse).total <= person_card(month).total


@quick
@given(person_months(), st.integers(min_value=0, max_value=50))
def test_a_round_done_on_time_never_lowers_the_total(month, more):
    better = dataclasses.replace(month, rounds_due=month.rounds_due + more, rounds_on_time=month.rounds_on_time + more)
    if month.rounds_due:
        assert person_card(better).total >= person_card(month).total


@quick
@given(st.lists(person_months(), max_size=8))
def test_team_cards_sum_their_members_and_sit_between_them(months):
    cards = team_cards(months)
    assert [c.team for c in cards] == sorted({m.team for m in months})
    for card in cards:
        members = [m for m in months if m.team == card.team]
        assert card.key == card.team and card.members == len(members)
        assert all(getattr(card, name) == sum(getattr(m, name) for m in members) for name in COUNTS)
        totals = [person_card(m).total for m in members]
        assert min(totals) - 0.05 <= card.total <= max(totals) + 0.05
        assert all(r is None or 0.0 <= r <= 100.0 for r in rates(card))


@quick
@given(st.integers(min_value=2000, max_value=2040), st.integers(min_value=1, max_value=12),
       st.sampled_from(("Asia/Shanghai", "America/New_York", "Europe/London", "Pacific/Chatham")))
def test_months_follow_each_other_without_gap_or_overlap_from_local_midnight(year, month, name):
    start, end = month_bounds(year, month, name)
    following = month_bounds(year + month // 12, month % 12 + 1, name)
    assert end == following[0] and start < end
    local = to_local(start, zone(name))
    assert (local.year, local.month, local.day, local.hour, local.minute) == (year, month, 1, 0, 0)


@quick
@given(st.integers(min_value=2000, max_value=2040), st.integers(min_value=1, max_value=12))
def test_the_last_working_day_is_a_weekday_of_the_month_with_only_weekend_after_it(year, month):
    day = last_working_day(year, month)
    assert (day.year, day.month) == (year, month) and day.weekday() < 5
    after = day + timedelta(days=1)
    while after.month == month:
        assert after.weekday() >= 5
        after += timedelta(days=1)
