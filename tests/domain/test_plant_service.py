"""What of the plant is still due: retiring a piece of equipment takes its readings and maintenance with it."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from webapp.domain.plant import ItemAt, expected_rooms, in_service, rooms_to_read


def test_an_item_or_task_is_due_only_while_it_and_its_equipment_are_in_service():
    assert in_service(True, True)
    assert not in_service(False, True)  # the lift was replaced: its items and tasks go with it
    assert not in_service(True, False)  # the item alone was retired
    assert not in_service(False, False)
    assert in_service(True) and not in_service(False)  # the equipment itself


def test_a_plant_room_is_read_while_something_in_service_stands_there():
    items = [ItemAt(1, True, True), ItemAt(2, False, True), ItemAt(3, True, False), ItemAt(3, True, True),
             ItemAt(None, True, True), ItemAt(4, False, False)]
    assert rooms_to_read(items) == {1, 3}


def test_a_round_expects_only_its_rooms_with_something_to_read_in_its_own_order():
    assert expected_rooms([7, 3, 5], frozenset({3, 7})) == (7, 3)
    assert expected_rooms([7, 3], frozenset()) == ()


ITEMS = st.lists(st.builds(ItemAt, st.one_of(st.none(), st.integers(1, 6)), st.booleans(), st.booleans()), max_size=12)


@given(ITEMS)
def test_bringing_equipment_back_restores_exactly_the_rooms_it_had(items):
    retired = [ItemAt(i.checkpoint_id, False, i.active) for i in items]
    restored = [ItemAt(i.checkpoint_id, True, i.active) for i in retired]
    assert rooms_to_read(retired) == frozenset()
    assert rooms_to_read(restored) == rooms_to_read([ItemAt(i.checkpoint_id, True, i.active) for i in items])


@given(ITEMS, st.lists(st.integers(1, 6), unique=True))
def test_a_round_never_expects_a_room_where_nothing_in_service_is_read(items, plan):
    expected = expected_rooms(plan, rooms_to_read(items))
    assert set(expected) <= {i.checkpoint_id for i in items if i.equipment_active and i.active}
    assert list(expected) == [room for room in plan if room in expected]
