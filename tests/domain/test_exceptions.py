"""A gap's life: explained by the person concerned, then accepted or rejected; acknowledged by a lead."""
from datetime import datetime, timedelta, timezone

from webapp.domain.exceptions import Step, allowed, life_of

T0 = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_gap_starts_open_and_only_the_person_concerned_explains_it():
    life = life_of([])
    assert life.state == "open"
    assert allowed("explain", life, is_concerned=True, is_overseer=False)
    assert not allowed("explain", life, is_concerned=False, is_overseer=True)
    assert not allowed("accept", life, is_concerned=False, is_overseer=True)


def test_an_explanation_waits_for_a_lead_who_accepts_it():
    steps = [Step("explain", 5, at(1), "水泵房门被工程部锁了"), Step("accept", 9, at(5))]
    life = life_of(steps)
    assert life.state == "accepted" and life.counted_apart
    assert life.explanation.text == "水泵房门被工程部锁了" and life.decision.person_id == 9
    assert not allowed("explain", life, is_concerned=True, is_overseer=False)


def test_a_rejected_explanation_can_be_explained_again():
    life = life_of([Step("explain", 5, at(1), "忘了"), Step("reject", 9, at(2)), Step("explain", 5, at(3), "门锁了")])
    assert life.state == "explained" and life.decision is None and life.explanation.text == "门锁了"


def test_steps_are_read_in_time_order_whatever_order_they_come_in():
    steps = [Step("accept", 9, at(5)), Step("explain", 5, at(1), "x")]
    assert life_of(steps).state == "accepted"


def test_an_acknowledgement_stays_visible_beside_the_state_and_is_given_once():
    life = life_of([Step("acknowledge", 9, at(1), "pump room locked by engineering")])
    assert life.state == "open" and life.acknowledgement.text == "pump room locked by engineering"
    assert not allowed("acknowledge", life, is_concerned=False, is_overseer=True)


def test_a_decision_without_an_explanation_counts_for_nothing():
    assert life_of([Step("accept", 9, at(1))]).state == "open"
