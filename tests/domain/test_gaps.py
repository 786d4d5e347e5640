"""The gap engine told as the night of one site: a 20:00–08:00 shift in Shanghai with rounds at 00:00 and 02:00."""
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

import pytest

from webapp.domain.errors import DomainError
from webapp.domain.gaps import (
    EXPLANATIONS,
    KINDS,
    SEVERITY,
    CheckpointInput,
    CleaningCheckInput,
    CleaningPlanInput,
    DeviceInput,
    PatrolPlanInput,
    RouteInput,
    ScanInput,
    Settings,
    ShiftInput,
    assess,
    distance_m,
)
from webapp.domain.schedules import PlanSpec, parse_times
from webapp.domain.timezones import local_to_utc, shift_window, zone

UTC = timezone.utc
SHANGHAI = zone("Asia/Shanghai")
NIGHT = shift_window(date(2026, 11, 24), time(20), time(8), SHANGHAI)  # 12:00Z on the 24th to 00:00Z on the 25th
LEAD, GUARD, CLEANER, STRANGER = 1, 2, 3, 99
GUARD_PHONE, CLEANER_PHONE = 501, 503
GATE, LOBBY, CAR_PARK, PUMP_ROOM, TOILETS, WATER_TANK = 1, 2, 3, 4, 10, 11
GATE_AT = (31.2304, 121.4737)

SHIFT = ShiftInput(shift_id=7, tz="Asia/Shanghai", starts_at=NIGHT[0], ends_at=NIGHT[1], lead_id=LEAD,
                   staff_ids=frozenset({GUARD, CLEANER}), patrol=True)


def _checkpoint(id, name, code, *, patrol=True, cleaning=False, photo=False, lat=None, lng=None, radius=None):
    return CheckpointInput(id=id, name=name, code=code, for_patrol=patrol, for_cleaning=cleaning, photo_required=photo,
                           lat=lat, lng=lng, radius_m=radius)


CHECKPOINTS = (
    _checkpoint(GATE, "North gate", "G1", lat=GATE_AT[0], lng=GATE_AT[1], radius=30.0),
    _checkpoint(LOBBY, "Lobby", "L1", lat=31.2310, lng=121.4740),
    _checkpoint(CAR_PARK, "Car park B1", "B1"),
    _checkpoint(PUMP_ROOM, "Pump room", "P1"),
    _checkpoint(TOILETS, "Toilets 1F", "T1", patrol=False, cleaning=True),
    _checkpoint(WATER_TANK, "Water tank", "W1", cleaning=True, photo=True),
)
# gate → lobby takes 3 minutes at least, lobby → car park 4, car park → pump room 2
ROUTE = RouteInput(id=1, name="Night loop", stops=((GATE, 0.0), (LOBBY, 3.0), (CAR_PARK, 4.0), (PUMP_ROOM, 2.0)))
PATROL = PatrolPlanInput(spec=PlanSpec(11, None, parse_times("00:00, 02:00"), window_minutes=30, grace_minutes=15),
                         route_id=ROUTE.id)
CLEANING = CleaningPlanInput(spec=PlanSpec(21, None, parse_times("22:00"), window_minutes=60, grace_minutes=15),
                             checkpoint_ids=(TOILETS,))
MORNING = local_to_utc(date(2026, 11, 25), time(8, 30), SHANGHAI)


def at(hhmm: str, seconds: int = 0) -> datetime:
    """A local wall time of the night (evening times on the 24th, morning times on the 25th) as a UTC instant."""
    hours, minutes = map(int, hhmm.split(":"))
    day = date(2026, 11, 24) if hours >= 12 else date(2026, 11, 25)
    return local_to_utc(day, time(hours, minutes), SHANGHAI) + timedelta(seconds=seconds)


_ids = iter(range(1000, 10**9))


def scan(checkpoint, when, *, person=GUARD, device=GUARD_PHONE, id=None, received=None, offset=0.0, lat=None, lng=None,
         accuracy=None, photos=1) -> ScanInput:
    """A scan; `when` is a local "HH:MM" of the night or an instant, already corrected for the phone's clock."""
    captured = at(when) if isinstance(when, str) else when
    return ScanInput(id=id if id is not None else next(_ids), checkpoint_id=checkpoint, person_id=person,
                     device_id=device, captured_at=captured, received_at=received or captured, clock_offset_s=offset,
                     lat=lat, lng=lng, accuracy_m=accuracy, photo_count=photos)


def check(checkpoint, when, *, person=CLEANER, device=CLEANER_PHONE, failed=(), photos=1, offset=0.0, id=None):
    """A cleaning check at a local "HH:MM" of the night."""
    captured = at(when) if isinstance(when, str) else when
    return CleaningCheckInput(id=id if id is not None else next(_ids), checkpoint_id=checkpoint, person_id=person,
                              device_id=device, captured_at=captured, received_at=captured, clock_offset_s=offset,
                              failed_items=tuple(failed), photo_count=photos)


def round_walked(start: str, order=(GATE, LOBBY, CAR_PARK, PUMP_ROOM), gaps_min=(4, 5, 3), person=GUARD):
    """A guard's round: the checkpoints in `order`, each the given minutes after the one before."""
    when, found = at(start), []
    for i, checkpoint in enumerate(order):
        if i:
            when += timedelta(minutes=gaps_min[i - 1])
        found.append(scan(checkpoint, when, person=person))
    return found


def synced(when):
    """Every phone of the shift synced at `when`."""
    return (DeviceInput(GUARD_PHONE, GUARD, when), DeviceInput(CLEANER_PHONE, CLEANER, when))


def night(scans=(), checks=(), *, now=MORNING, devices=None, shift=SHIFT, patrol=(PATROL,), cleaning=(CLEANING,),
          routes=(ROUTE,), checkpoints=CHECKPOINTS, settings=Settings()):  # noqa: B008 (frozen: one shared default is fine)
    """Assess the night at `now`; phones synced at `now` unless told otherwise."""
    return assess(shift, checkpoints, routes, patrol, cleaning, scans, checks,
                  synced(now) if devices is None else devices, now, settings)


def of(result, kind):
    return [g for g in result.gaps if g.kind == kind]


def both_rounds_walked():
    return round_walked("00:02") + round_walked("02:03")


# ---- rounds -------------------------------------------------------------------------------------------------------

def test_a_night_shift_has_its_rounds_after_midnight_on_the_next_local_day():
    result = night(both_rounds_walked(), [check(TOILETS, "22:10")])
    assert [r.due.opens_at for r in result.rounds] == [datetime(2026, 11, 24, 16, tzinfo=UTC),
                                                       datetime(2026, 11, 24, 18, tzinfo=UTC)]
    assert [r.state for r in result.rounds] == ["done", "done"]
    first = result.rounds[0]
    assert first.visited == (GATE, LOBBY, CAR_PARK, PUMP_ROOM) and first.missing == ()
    assert first.started_at == at("00:02") and first.finished_at == at("00:14")
    assert {g.kind for g in result.gaps} == {"no_activity"}  # 20:00 → 00:02 with no scan at all


def test_nothing_is_missed_while_the_window_or_its_grace_is_still_running():
    assert night(now=at("23:50")).rounds[0].state == "upcoming"
    assert night(now=at("00:20")).rounds[0].state == "open"
    still_grace = night(now=at("00:45"))
    assert still_grace.rounds[0].state == "open" and not of(still_grace, "round_not_started")
    overdue = night(now=at("00:45", seconds=1))
    assert overdue.rounds[0].state == "missed"
    assert [g.params["opens"] for g in of(overdue, "round_not_started")] == ["00:00"]


def test_a_round_nobody_started_is_one_high_gap_not_one_per_checkpoint():
    result = night(round_walked("00:02"))
    (gap,) = of(result, "round_not_started")
    assert (gap.severity, gap.plan_id, gap.at, gap.provisional) == ("high", 11, at("02:00"), False)
    assert gap.params == {"route": "Night loop", "opens": "02:00", "closes": "02:30", "late_after": "02:45"}
    assert gap.key == "round_not_started:11:2026-11-24T18:00:00Z"
    assert not of(result, "checkpoint_missed") and result.rounds[1].missing == (GATE, LOBBY, CAR_PARK, PUMP_ROOM)


def test_the_first_scan_of_a_round_nobody_started_turns_it_into_an_incomplete_round_with_its_other_checkpoints_missed():
    result = night([scan(GATE, "00:02")] + round_walked("02:03"))
    assert not of(result, "round_not_started")
    assert [g.checkpoint_id for g in of(result, "checkpoint_missed")] == [LOBBY, CAR_PARK, PUMP_ROOM]


def test_a_checkpoint_skipped_in_a_round_is_missed_and_the_round_is_incomplete():
    walked = round_walked("00:02", order=(GATE, LOBBY, PUMP_ROOM), gaps_min=(4, 8))
    result = night(walked + round_walked("02:03"))
    first = result.rounds[0]
    assert (first.state, first.visited, first.missing, first.finished_at) == (
        "incomplete", (GATE, LOBBY, PUMP_ROOM), (CAR_PARK,), None)
    (missed,) = of(result, "checkpoint_missed")
    assert (missed.checkpoint_id, missed.severity, missed.person_id) == (CAR_PARK, "medium", GUARD)
    assert missed.params["checkpoint"] == "Car park B1" and missed.params["opens"] == "00:00"
    (summary,) = of(result, "round_incomplete")
    assert (summary.params["visited"], summary.params["total"], summary.params["missing"]) == (3, 4, 1)
    assert summary.record_ids == first.scan_ids


def test_a_round_started_after_its_window_closed_is_late():
    result = night(round_walked("00:35", gaps_min=(3, 4, 2)) + round_walked("02:03"))
    assert result.rounds[0].state == "late"
    (late,) = of(result, "round_late")
    assert (late.explanation, late.params["started"], late.params["minutes"]) == ("round_started_late", "00:35", 5)


def test_a_round_started_before_its_window_opened_is_early():
    result = night(round_walked("23:50") + round_walked("02:03"))
    assert result.rounds[0].state == "early"
    (early,) = of(result, "round_early")
    assert early.explanation == "round_started_early" and early.params["minutes"] == 10 and early.severity == "low"


def test_checkpoints_scanned_against_the_route_are_out_of_order_once_per_round():
    result = night(round_walked("00:02", order=(GATE, CAR_PARK, LOBBY, PUMP_ROOM), gaps_min=(8, 5, 7)))
    (gap,) = of(result, "out_of_order")
    assert gap.params["count"] == 1 and len(gap.record_ids) == 1
    assert result.rounds[0].state == "done"  # order is a gap of its own, the round is still walked
    assert not of(night(both_rounds_walked()), "out_of_order")


def test_a_route_walked_backwards_counts_every_scan_after_the_first_as_out_of_order():
    result = night(round_walked("00:02", order=(PUMP_ROOM, CAR_PARK, LOBBY, GATE), gaps_min=(2, 4, 3)))
    assert of(result, "out_of_order")[0].params["count"] == 3


def test_two_checkpoints_scanned_faster_than_the_walk_between_them_is_too_fast_but_exactly_the_walk_is_not():
    quick = [scan(GATE, at("00:01")), scan(LOBBY, at("00:03", seconds=59)), scan(CAR_PARK, at("00:10")),
             scan(PUMP_ROOM, at("00:12"))]
    (gap,) = of(night(quick), "too_fast")
    assert (gap.severity, gap.checkpoint_id, gap.record_ids) == ("high", LOBBY, (quick[0].id, quick[1].id))
    assert gap.params["minutes_needed"] == "3" and gap.params["seconds_taken"] == 179
    exact = [scan(GATE, "00:01"), scan(LOBBY, "00:04"), scan(CAR_PARK, "00:08"), scan(PUMP_ROOM, "00:10")]
    assert not of(night(exact), "too_fast")


def test_the_least_walk_between_scans_that_skip_a_stop_is_the_sum_of_the_walks_between_them():
    skipping = [scan(GATE, at("00:01")), scan(CAR_PARK, at("00:07"))]  # 3 + 4 minutes needed, 6 taken
    (gap,) = of(night(skipping), "too_fast")
    assert gap.params["minutes_needed"] == "7" and gap.params["minutes_taken"] == "6"


def test_a_scan_counts_for_one_round_only_the_one_whose_window_closes_first():
    every_20 = PatrolPlanInput(PlanSpec(12, 20, (), window_minutes=30, grace_minutes=15), route_id=ROUTE.id)
    one_stop = RouteInput(1, "Gate only", ((GATE, 0.0),))
    result = night([scan(GATE, "20:25"), scan(GATE, "20:33")], patrol=(every_20,), routes=(one_stop,),
                   now=at("21:00"))
    first, second = result.rounds[:2]
    assert first.scan_ids and second.scan_ids and set(first.scan_ids).isdisjoint(second.scan_ids)
    assert first.started_at == at("20:25") and second.started_at == at("20:33")


def test_records_far_outside_the_shift_do_not_count_for_its_rounds():
    day_before = [replace(s, captured_at=s.captured_at - timedelta(days=1)) for s in round_walked("00:02")]
    assert night(day_before).rounds[0].state == "missed"


def test_two_guards_sharing_a_round_are_never_too_fast_against_each_other():
    # a minute apart between the two of them; each of them walks at least the route's time between their own scans
    shared = [scan(GATE, "00:02"), scan(LOBBY, "00:03", person=LEAD, device=None), scan(CAR_PARK, "00:09"),
              scan(PUMP_ROOM, "00:10", person=LEAD, device=None)]
    result = night(shared)
    assert result.rounds[0].state == "done" and result.rounds[0].person_id == GUARD
    assert not of(result, "too_fast") and not of(result, "out_of_order")


def test_on_the_night_the_clocks_go_back_rounds_keep_their_wall_times():
    berlin = zone("Europe/Berlin")
    start, end = shift_window(date(2026, 10, 24), time(20), time(8), berlin)
    shift = replace(SHIFT, tz="Europe/Berlin", starts_at=start, ends_at=end)
    plan = PatrolPlanInput(PlanSpec(11, None, parse_times("00:00, 02:00, 03:00"), window_minutes=30), ROUTE.id)
    result = night(shift=shift, patrol=(plan,), cleaning=(), now=end)
    assert [r.due.opens_at.hour for r in result.rounds] == [22, 0, 2]  # UTC: 02:00 is its first, summer-time pass
    assert [(g.params["opens"], g.params["late_after"]) for g in of(result, "round_not_started")] == [
        ("00:00", "00:45"), ("02:00", "02:45"), ("03:00", "03:45")]
    assert end - start == timedelta(hours=13) and of(result, "no_activity")[0].params["minutes"] == 13 * 60


def test_a_plan_on_an_unknown_route_or_at_an_unknown_checkpoint_is_the_callers_mistake():
    with pytest.raises(DomainError) as caught:
        night(patrol=(PatrolPlanInput(PATROL.spec, route_id=42),))
    assert caught.value.code == "unknown_route"
    with pytest.raises(DomainError) as caught:
        night(cleaning=(CleaningPlanInput(CLEANING.spec, (TOILETS, 404)),))
    assert caught.value.code == "unknown_checkpoint" and caught.value.params == {"checkpoint_id": 404}


# ---- phones offline, late records, clocks -------------------------------------------------------------------------

def test_a_miss_is_provisional_while_a_phone_has_not_synced_since_the_window_closed_and_resolves_when_it_does():
    offline_since = at("23:50")
    devices = (DeviceInput(GUARD_PHONE, GUARD, offline_since), DeviceInput(CLEANER_PHONE, CLEANER, at("01:00")))
    before = night([], now=at("01:00"), devices=devices)
    (gap,) = of(before, "round_not_started")
    assert gap.provisional and before.rounds[0].provisional and before.rounds[0].state == "missed"

    # at 04:00 the guard's phone is back online and sends the round it walked at midnight
    late = [replace(s, received_at=at("04:00")) for s in round_walked("00:02")]
    after = night(late, now=at("04:01"), devices=synced(at("04:00")))
    assert after.rounds[0].state == "done" and not after.rounds[0].provisional
    assert gap.key not in {g.key for g in after.gaps}
    assert [(g.params["opens"], g.provisional) for g in of(after, "round_not_started")] == [("02:00", False)]


def test_a_miss_is_certain_once_every_phone_has_synced_since_the_window_closed():
    result = night([], now=at("01:00"), devices=synced(at("00:50")))
    assert not of(result, "round_not_started")[0].provisional


def test_a_phone_that_never_synced_keeps_misses_provisional():
    devices = synced(at("01:00")) + (DeviceInput(777, LEAD, None),)
    assert of(night([], now=at("01:00"), devices=devices), "round_not_started")[0].provisional


def test_checkpoints_missed_in_a_started_round_are_provisional_too_while_a_phone_is_offline():
    devices = (DeviceInput(GUARD_PHONE, GUARD, at("00:10")),)
    result = night(round_walked("00:02", order=(GATE, LOBBY)), now=at("01:00"), devices=devices)
    assert result.rounds[0].state == "incomplete" and result.rounds[0].provisional
    assert all(g.provisional for g in of(result, "checkpoint_missed")) and of(result, "round_incomplete")[0].provisional


def test_a_skewed_phone_is_judged_by_its_corrected_time_and_flagged_once():
    # the phone's clock was 15 minutes slow: it showed 23:50 when the gate was scanned at 00:05 (already corrected here)
    slow = [replace(s, clock_offset_s=-900.0, received_at=at("03:00")) for s in round_walked("00:05")]
    result = night(slow + round_walked("02:03"))
    assert result.rounds[0].state == "done"
    (skew,) = of(result, "clock_skew")
    assert (skew.explanation, skew.params["minutes"], skew.params["count"]) == ("clock_behind", 15, 4)
    assert skew.device_id == GUARD_PHONE and skew.key == f"clock_skew:device:{GUARD_PHONE}" and skew.severity == "low"
    assert len(skew.record_ids) == 4


def test_a_clock_within_the_limit_is_no_gap_and_a_fast_one_is_ahead():
    assert not of(night([scan(GATE, "21:00", offset=119.0)]), "clock_skew")
    (gap,) = of(night([scan(GATE, "21:00", offset=300.0)], [check(TOILETS, "22:10", offset=-30.0)]), "clock_skew")
    assert gap.explanation == "clock_ahead" and gap.params["seconds"] == 300


def test_the_received_time_never_matters():
    on_time = night(both_rounds_walked())
    arrived_later = night([replace(s, received_at=s.captured_at + timedelta(hours=5)) for s in both_rounds_walked()])
    assert [r.state for r in on_time.rounds] == [r.state for r in arrived_later.rounds]
    assert [g.key for g in on_time.gaps] == [g.key for g in arrived_later.gaps]


# ---- pace and place -----------------------------------------------------------------------------------------------

def _burst(count, *, start="21:00", step_s=60):
    return [scan((GATE, LOBBY, CAR_PARK)[i % 3], at(start) + timedelta(seconds=i * step_s)) for i in range(count)]


def test_nine_scans_in_ten_minutes_by_one_guard_are_a_burst_eight_are_not():
    (gap,) = of(night(_burst(9)), "burst")
    assert (gap.severity, gap.person_id, gap.params["count"], len(gap.record_ids)) == ("high", GUARD, 9, 9)
    assert not of(night(_burst(8)), "burst")


def test_a_burst_counts_scans_within_ten_minutes_inclusive_and_no_more():
    assert of(night(_burst(9, step_s=75)), "burst")  # the ninth scan exactly 10 minutes after the first
    assert not of(night(_burst(9, step_s=76)), "burst")


def test_one_long_burst_is_one_gap_and_two_guards_are_never_one_burst():
    assert len(of(night(_burst(20, step_s=30)), "burst")) == 1
    mixed = [replace(s, person_id=(GUARD, LEAD)[i % 2]) for i, s in enumerate(_burst(12))]
    assert not of(night(mixed), "burst")


def test_the_same_checkpoint_scanned_again_within_five_minutes_is_a_duplicate():
    result = night([scan(LOBBY, "21:00"), scan(LOBBY, at("21:03")), scan(LOBBY, "21:12")])
    (gap,) = of(result, "duplicate_scan")
    assert gap.params["count"] == 2 and gap.checkpoint_id == LOBBY and gap.severity == "low"
    assert not of(night([scan(LOBBY, "21:00"), scan(LOBBY, at("21:00") + timedelta(minutes=5, seconds=1))]),
                  "duplicate_scan")
    assert not of(night([scan(LOBBY, "21:00"), scan(LOBBY, "21:01", person=LEAD)]), "duplicate_scan")


def test_a_position_further_than_the_radius_and_its_accuracy_is_outside_the_checkpoint():
    north = lambda metres: GATE_AT[0] + metres / 111_195  # noqa: E731  degrees of latitude for so many metres
    far = scan(GATE, "21:00", lat=north(100), lng=GATE_AT[1], accuracy=10)
    near_enough = scan(GATE, "21:30", lat=north(35), lng=GATE_AT[1], accuracy=10)
    (gap,) = of(night([far, near_enough]), "outside_radius")
    assert gap.record_ids == (far.id,) and gap.params["distance_m"] == 100 and gap.params["radius_m"] == 30
    assert round(distance_m(*GATE_AT, north(100), GATE_AT[1])) == 100


def test_a_checkpoint_with_a_position_but_no_radius_uses_fifty_metres_and_one_without_a_position_is_never_judged():
    lobby = CHECKPOINTS[1]
    result = night([scan(LOBBY, "21:00", lat=lobby.lat + 45 / 111_195, lng=lobby.lng),
                    scan(LOBBY, "21:30", lat=lobby.lat + 60 / 111_195, lng=lobby.lng),
                    scan(CAR_PARK, "22:00", lat=0.0, lng=0.0)])
    assert [g.params["distance_m"] for g in of(result, "outside_radius")] == [60]


def test_a_scan_without_the_photo_its_checkpoint_requires_is_a_gap_and_so_is_such_a_check():
    without = scan(WATER_TANK, "21:00", photos=0)
    unseen = check(WATER_TANK, "22:00", photos=0)
    result = night([without, scan(WATER_TANK, "21:30", photos=2)], [unseen])
    gaps = of(result, "photo_missing")
    assert [(g.explanation, g.record_ids, g.check_ids) for g in gaps] == [
        ("photo_missing_scan", (without.id,), ()), ("photo_missing_check", (), (unseen.id,))]
    assert all(g.severity == "low" and g.checkpoint_id == WATER_TANK for g in gaps)


# ---- who ----------------------------------------------------------------------------------------------------------

def test_a_scan_by_someone_not_on_the_shift_is_a_gap_but_still_visits_the_checkpoint():
    visitor = round_walked("00:02", person=STRANGER)
    result = night(visitor)
    (gap,) = of(result, "not_on_shift")
    assert (gap.person_id, gap.severity, gap.params["count"], gap.record_ids) == (
        STRANGER, "medium", 4, tuple(s.id for s in visitor))
    assert result.rounds[0].state == "done"


def test_the_day_shift_finishing_before_the_night_starts_is_not_a_stranger_to_it():
    day_guard_late = [scan(GATE, "19:55", person=STRANGER)]
    assert not of(night(day_guard_late), "not_on_shift")


def test_the_lead_is_on_the_shift():
    assert not of(night([scan(GATE, "21:00", person=LEAD)]), "not_on_shift")


# ---- cleaning -----------------------------------------------------------------------------------------------------

def test_a_cleaning_check_in_its_window_is_done_and_without_one_it_is_missed():
    done = night([], [check(TOILETS, "22:40")]).cleaning[0]
    assert (done.state, done.checkpoint_id, done.plan_id, done.failed_items) == ("done", TOILETS, 21, ())
    result = night([])
    assert result.cleaning[0].state == "missed" and result.cleaning[0].check_id is None
    (gap,) = of(result, "cleaning_missed")
    assert (gap.checkpoint_id, gap.severity, gap.params["opens"], gap.params["checkpoint"]) == (
        TOILETS, "medium", "22:00", "Toilets 1F")


def test_a_cleaning_check_after_its_window_but_within_grace_is_late():
    result = night([], [check(TOILETS, "23:10")])
    assert result.cleaning[0].state == "late"
    (gap,) = of(result, "cleaning_late")
    assert gap.params["minutes"] == 10 and gap.severity == "low"


def test_a_cleaning_check_with_failed_items_is_a_gap_naming_them():
    result = night([], [check(TOILETS, "22:20", failed=("Floor dry", "Soap refilled"))])
    assert result.cleaning[0].failed_items == ("Floor dry", "Soap refilled")
    (gap,) = of(result, "cleaning_failed")
    assert gap.params["count"] == 2 and gap.params["items"] == "Floor dry, Soap refilled" and gap.severity == "medium"


def test_a_missed_cleaning_check_is_provisional_while_the_cleaners_phone_is_offline():
    devices = (DeviceInput(CLEANER_PHONE, CLEANER, at("22:30")),)
    result = night([], now=at("23:30"), devices=devices)
    assert result.cleaning[0].provisional and of(result, "cleaning_missed")[0].provisional


# ---- activity -----------------------------------------------------------------------------------------------------

def test_no_scan_at_all_for_longer_than_ninety_minutes_of_a_patrol_shift_is_a_gap_that_grows_with_now():
    result = night([], [], now=at("22:00"), cleaning=())
    (gap,) = of(result, "no_activity")
    assert (gap.explanation, gap.params, gap.severity) == (
        "no_activity_ongoing", {"from": "20:00", "to": "22:00", "minutes": 120}, "high")
    assert not of(night([], now=at("21:30")), "no_activity")
    later = of(night([scan(GATE, "22:30")], now=at("23:00")), "no_activity")
    assert [(g.key, g.explanation, g.params["to"]) for g in later] == [(gap.key, "no_activity", "22:30")]


def test_no_activity_stops_at_the_end_of_the_shift_and_is_not_judged_on_a_shift_without_patrols():
    result = night([scan(GATE, "06:00")], now=MORNING)
    assert [g.params["to"] for g in of(result, "no_activity")] == ["06:00", "08:00"]
    assert not of(night([], shift=replace(SHIFT, patrol=False)), "no_activity")


def test_an_inactive_stretch_is_provisional_while_a_phone_has_not_synced_past_it():
    devices = (DeviceInput(GUARD_PHONE, GUARD, at("21:00")),)
    assert of(night([], now=at("22:00"), devices=devices), "no_activity")[0].provisional
    assert not of(night([], now=at("22:00")), "no_activity")[0].provisional


# ---- the output as a whole ----------------------------------------------------------------------------------------

def _everything():
    scans = (round_walked("00:02", order=(GATE, CAR_PARK, LOBBY), gaps_min=(1, 1)) + _burst(9, start="21:00")
             + [scan(WATER_TANK, "23:00", photos=0, offset=400.0, device=999),
                scan(GATE, "23:10", person=STRANGER, lat=0.0, lng=0.0), scan(LOBBY, "02:35")])
    checks = [check(TOILETS, "23:05", failed=("Mirror clean",))]
    return scans, checks


def test_every_kind_has_a_severity_and_an_example_night_shows_most_of_them():
    assert set(SEVERITY) == set(KINDS) and set(SEVERITY.values()) == {"low", "medium", "high"}
    result = night(*_everything())
    kinds = {g.kind for g in result.gaps}
    assert kinds >= {"checkpoint_missed", "round_incomplete", "out_of_order", "too_fast", "burst", "duplicate_scan",
                     "photo_missing", "cleaning_late", "cleaning_failed", "not_on_shift", "clock_skew",
                     "outside_radius", "no_activity", "round_late"}
    assert len({g.key for g in result.gaps}) == len(result.gaps)
    assert all(g.key.startswith(g.kind + ":") and g.explanation in EXPLANATIONS for g in result.gaps)


def test_the_same_night_given_in_any_order_gives_the_same_verdict():
    scans, checks = _everything()
    forward = night(scans, checks)
    backward = assess(SHIFT, CHECKPOINTS[::-1], (ROUTE,), (PATROL,), (CLEANING,), scans[::-1], checks[::-1],
                      synced(MORNING)[::-1], MORNING)
    assert forward == backward


def test_gap_params_are_plain_values_ready_for_a_translated_sentence():
    for gap in night(*_everything()).gaps:
        assert all(isinstance(v, (str, int)) for v in gap.params.values()), gap
        assert gap.explanation and gap.at.tzinfo is not None
