"""Equipment rounds (设备巡检) in the gap engine: readings due at the pump room at 23:00, missed, late, or provisional."""
from tests.domain.test_gaps import (
    CHECKPOINTS,
    CLEANER,
    CLEANER_PHONE,
    CLEANING,
    GUARD,
    GUARD_PHONE,
    MORNING,
    PUMP_ROOM,
    SHIFT,
    TOILETS,
    at,
    check,
    night,
    of,
    synced,
)
from webapp.domain.gaps import EXPLANATIONS, SEVERITY, CleaningPlanInput, DeviceInput, assess
from webapp.domain.schedules import PlanSpec, parse_times

ROUND = CleaningPlanInput(spec=PlanSpec(31, None, parse_times("23:00"), window_minutes=60, grace_minutes=15),
                          checkpoint_ids=(PUMP_ROOM,))


def reading(when, **kw):
    """A reading at the pump room, as the engine sees it: a record at a checkpoint."""
    return check(PUMP_ROOM, when, person=GUARD, device=GUARD_PHONE, **kw)


TOILETS_CHECKED = (check(TOILETS, "22:10"),)


def plant_night(readings=(), *, now=MORNING, devices=None, cleaning_checks=TOILETS_CHECKED):
    return assess(SHIFT, CHECKPOINTS, (), (), (CLEANING,), (), cleaning_checks,
                  synced(now) if devices is None else devices, now, reading_plans=(ROUND,), readings=readings)


def test_readings_in_the_window_leave_no_gap():
    result = plant_night([reading("23:20"), reading("23:21")])
    assert of(result, "reading_missed") == [] and of(result, "reading_late") == []


def test_no_reading_in_the_window_is_a_missed_reading_naming_the_plant_room():
    (gap,) = of(plant_night(), "reading_missed")
    assert (gap.checkpoint_id, gap.plan_id, gap.params["opens"], gap.params["checkpoint"]) == (PUMP_ROOM, 31, "23:00",
                                                                                              "Pump room")
    assert gap.severity == SEVERITY["reading_missed"] == "medium" and gap.explanation in EXPLANATIONS
    assert gap.key.startswith("reading_missed:31:")


def test_a_reading_after_the_window_within_grace_is_late_and_does_not_point_at_a_cleaning_check():
    (gap,) = of(plant_night([reading("00:10")]), "reading_late")
    assert gap.params["minutes"] == 10 and gap.check_ids == () and gap.person_id == GUARD


def test_a_cleaning_check_at_the_pump_room_is_not_a_reading():
    result = plant_night(cleaning_checks=(check(TOILETS, "22:10"), check(PUMP_ROOM, "23:10")))
    assert len(of(result, "reading_missed")) == 1


def test_a_missed_reading_is_provisional_while_a_phone_has_not_synced_since():
    devices = (DeviceInput(GUARD_PHONE, GUARD, at("23:30")), DeviceInput(CLEANER_PHONE, CLEANER, at("23:30")))
    (gap,) = of(plant_night(now=at("00:30"), devices=devices), "reading_missed")
    assert gap.provisional


def test_without_equipment_rounds_nothing_changes():
    assert of(night([]), "reading_missed") == []
