"""The one count of rounds: a round whose window is open or to come is never a miss, provisional misses wait apart."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from webapp.domain import tally
from webapp.domain.gaps import RoundResult
from webapp.domain.schedules import Due

T0 = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)
STATES = ("upcoming", "open", "done", "late", "early", "incomplete", "missed")


def _round(state: str, visited: int = 0, missing: int = 4, provisional: bool = False) -> RoundResult:
    due = Due(1, T0, T0 + timedelta(minutes=60), T0 + timedelta(minutes=75))
    return RoundResult(1, 1, due, state, (), tuple(range(visited)), tuple(range(100, 100 + missing)), None, None,
                       provisional)


def test_a_round_in_progress_is_counted_as_such_with_its_checkpoints_never_as_a_miss():
    counted = tally.rounds([_round("open", visited=4, missing=7), _round("upcoming"), _round("upcoming")])
    assert (counted.due, counted.done, counted.missed, counted.incomplete) == (0, 0, 0, 0)
    assert (counted.in_progress, counted.progress_visited, counted.progress_total, counted.upcoming) == (1, 4, 11, 2)
    assert counted.rate is None
    assert tally.missed_points(_round("open", visited=1, missing=3)) == ()
    assert tally.missed_points(_round("incomplete", visited=1, missing=3)) == (100, 101, 102)


def test_provisional_misses_wait_for_the_sync_apart_from_settled_ones():
    counted = tally.rounds([_round("missed"), _round("missed", provisional=True), _round("done", visited=4, missing=0)])
    assert (counted.due, counted.done, counted.missed, counted.awaiting_sync, counted.rate) == (3, 1, 1, 1, 33.3)
    assert tally.misses([_round("missed"), _round("incomplete", visited=2)], ["open", "explained", "open"]) == \
        tally.Misses(rounds_missed=2, unexplained=2)


@given(st.lists(st.tuples(st.sampled_from(STATES), st.booleans()), max_size=30))
def test_every_round_is_counted_exactly_once(rows):
    results = [_round(state, provisional=p and state in tally.MISSES) for state, p in rows]
    c = tally.rounds(results)
    assert c.planned == len(results) == c.due + c.in_progress + c.upcoming
    assert c.due == c.done + c.missed + c.incomplete + c.awaiting_sync
    assert c.on_time + c.late == c.done
