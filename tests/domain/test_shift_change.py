"""At shift change (交接班) a lead is offered the handover of the shift ending or just ended first."""
from datetime import datetime, timedelta, timezone

from webapp.domain.handover import LeadShift, handover_first

UTC = timezone.utc
DAY_ENDS = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai


def _day(closed=False) -> LeadShift:
    return LeadShift(1, DAY_ENDS - timedelta(hours=12), DAY_ENDS, closed)


def _tomorrow() -> LeadShift:
    return LeadShift(2, DAY_ENDS + timedelta(hours=12), DAY_ENDS + timedelta(hours=24), False)


def test_four_minutes_after_the_end_the_ending_shift_comes_first_not_the_next_one():
    assert handover_first([_tomorrow(), _day()], DAY_ENDS + timedelta(minutes=4)) == 1


def test_half_an_hour_before_the_end_the_ending_shift_is_offered_already():
    assert handover_first([_day(), _tomorrow()], DAY_ENDS - timedelta(minutes=30)) == 1


def test_a_sealed_handover_or_a_shift_far_from_its_end_offers_nothing():
    assert handover_first([_day(closed=True), _tomorrow()], DAY_ENDS + timedelta(minutes=4)) is None
    assert handover_first([_day()], DAY_ENDS - timedelta(hours=5)) is None
    assert handover_first([_day()], DAY_ENDS + timedelta(hours=13)) is None


def test_of_two_unsealed_shifts_the_older_one_comes_first():
    earlier = LeadShift(3, DAY_ENDS - timedelta(hours=18), DAY_ENDS - timedelta(hours=6), False)
    assert handover_first([_day(), earlier], DAY_ENDS + timedelta(minutes=4)) == 3


def test_item_names_listed_twice_are_found_whatever_their_case_or_spaces():
    from webapp.domain.handover import duplicate_names

    assert duplicate_names(["钥匙", "对讲机", "钥 匙", "Radio", "radio", "钥匙"]) == ["钥匙", "Radio"]
    assert duplicate_names(["钥匙", "对讲机"]) == []


def test_only_items_counted_differently_are_differences():
    from webapp.domain.handover import count_differences

    assert count_differences([("钥匙", 5, 4), ("对讲机", 2, 2), ("记录本", 1, 3)]) == [("钥匙", 5, 4), ("记录本", 1, 3)]
