"""The gap engine on random nights: order never matters, a late scan only ever resolves gaps, keys stay unique."""
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.domain.test_gaps import (
    CAR_PARK,
    CHECKPOINTS,
    CLEANING,
    GATE,
    GATE_AT,
    GUARD,
    LEAD,
    LOBBY,
    NIGHT,
    PATROL,
    PUMP_ROOM,
    ROUTE,
    SHIFT,
    STRANGER,
    WATER_TANK,
)
from webapp.domain.gaps import (
    EXPLANATIONS,
    SEVERITY,
    DeviceInput,
    PatrolPlanInput,
    RouteInput,
    ScanInput,
    Settings,
    assess,
)
from webapp.domain.schedules import PlanSpec

# a second route sharing checkpoints with the first, every 45 minutes, in short windows that sit inside the first plan's
SHORTCUT = RouteInput(id=2, name="Short cut", stops=((LOBBY, 0.0), (PUMP_ROOM, 1.5), (GATE, 2.0)))
EVERY_45 = PatrolPlanInput(PlanSpec(12, 45, (), window_minutes=10, grace_minutes=4), route_id=SHORTCUT.id)
PLANS = (PATROL, EVERY_45)
PHONES = {LEAD: 601, GUARD: 602, STRANGER: 699}
START = NIGHT[0]
SLACK_BEFORE = timedelta(minutes=15)
SLACK_AFTER = timedelta(minutes=max(p.spec.window_minutes + p.spec.grace_minutes for p in (*PLANS, CLEANING)))

quick = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def scans(draw, first_id=1, max_size=40):
    """Scans around the night: route and off-route checkpoints, members and a stranger, some skewed or far away."""
    specs = draw(st.lists(st.tuples(
        st.sampled_from((GATE, LOBBY, CAR_PARK, PUMP_ROOM, WATER_TANK, 77)),
        st.one_of(st.integers(min_value=-120 * 60, max_value=14 * 3600),  # anywhere around the night
                  st.integers(min_value=3 * 3600 + 40 * 60, max_value=6 * 3600 + 50 * 60)),  # or near 00:00 and 02:00
        st.sampled_from((LEAD, GUARD, GUARD, STRANGER)),
        st.sampled_from((0.0, 0.0, 45.0, -600.0)),
        st.sampled_from((None, 0.0, 0.001)),
        st.integers(min_value=0, max_value=1),
    ), max_size=max_size))
    return [ScanInput(id=first_id + i, checkpoint_id=cp, person_id=person, device_id=PHONES[person],
                      captured_at=START + timedelta(seconds=s), received_at=START + timedelta(seconds=s + 600),
                      clock_offset_s=offset, lat=None if north is None else GATE_AT[0] + north,
                      lng=None if north is None else GATE_AT[1], accuracy_m=5.0, photo_count=photos)
            for i, (cp, s, person, offset, north, photos) in enumerate(specs)]


nows = st.integers(min_value=-30, max_value=15 * 60).map(lambda m: START + timedelta(minutes=m))
syncs = st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=15 * 60)), min_size=1, max_size=2).map(
    lambda ms: [DeviceInput(700 + i, (GUARD, LEAD)[i], None if m is None else START + timedelta(minutes=m))
                for i, m in enumerate(ms)])


def judge(scan_list, now, devices, *, shuffle=None):
    lists = [list(CHECKPOINTS), [ROUTE, SHORTCUT], list(PLANS), [CLEANING], list(scan_list), [], list(devices)]
    if shuffle is not None:
        for items in lists:
            shuffle.shuffle(items)
    return assess(SHIFT, *lists, now, Settings())


def _missed_checkpoints(result):
    """Checkpoints of rounds past their window without a scan: a round not started misses all of its route."""
    return sum(len(r.missing) for r in result.rounds if r.state in ("missed", "incomplete"))


@quick
@given(scan_list=scans(), now=nows, devices=syncs, rnd=st.randoms(use_true_random=False))
def test_shuffling_every_input_list_never_changes_the_verdict(scan_list, now, devices, rnd):
    assert judge(scan_list, now, devices, shuffle=rnd) == judge(scan_list, now, devices)


@quick
@given(scan_list=scans(), extra=scans(first_id=10_000, max_size=1).filter(bool), now=nows, devices=syncs)
def test_adding_a_scan_never_increases_what_is_missed(scan_list, extra, now, devices):
    before, after = judge(scan_list, now, devices), judge(scan_list + extra, now, devices)
    for old, new in zip(before.rounds, after.rounds, strict=True):
        assert (old.plan_id, old.due) == (new.plan_id, new.due)
        assert set(new.missing) <= set(old.missing) and set(old.visited) <= set(new.visited)
    assert _missed_checkpoints(after) <= _missed_checkpoints(before)
    # counted as gaps: a round not started stands for every checkpoint of its route
    route_size = {r.due: len(r.missing) for r in before.rounds}
    as_gaps = lambda result: (sum(g.kind == "checkpoint_missed" for g in result.gaps)  # noqa: E731
                              + sum(route_size[r.due] for r in result.rounds if r.state == "missed"))
    assert as_gaps(after) <= as_gaps(before)
    # and a round that was already started never gains a checkpoint_missed gap
    for r in before.rounds:
        if r.scan_ids:
            assert _missed_in(after, r) <= _missed_in(before, r)


def _missed_in(result, round_):
    return sum(g.kind == "checkpoint_missed" and (g.plan_id, g.at) == (round_.plan_id, round_.due.opens_at)
               for g in result.gaps)


@quick
@given(scan_list=scans(), now=nows, devices=syncs)
def test_keys_are_unique_gaps_lie_within_the_shift_and_a_scan_counts_for_one_round_at_most(scan_list, now, devices):
    result = judge(scan_list, now, devices)
    keys = [g.key for g in result.gaps]
    assert len(keys) == len(set(keys))
    assert all(g.explanation in EXPLANATIONS and g.severity == SEVERITY[g.kind] for g in result.gaps)
    assert all(NIGHT[0] - SLACK_BEFORE <= g.at <= NIGHT[1] + SLACK_AFTER for g in result.gaps)
    counted = [i for r in result.rounds for i in r.scan_ids]
    assert len(counted) == len(set(counted)) and set(counted) <= {s.id for s in scan_list}
    for r in result.rounds:
        assert len(r.visited) == len(set(r.visited)) == len(r.scan_ids)
        assert r.due.opens_at - SLACK_BEFORE <= (r.started_at or r.due.opens_at) <= r.due.late_after


@quick
@given(scan_list=scans(), now=nows)
def test_nothing_is_provisional_once_every_phone_has_synced_at_now(scan_list, now):
    result = judge(scan_list, now, [DeviceInput(700, GUARD, now), DeviceInput(701, LEAD, now)])
    assert not any(g.provisional for g in result.gaps)
    assert not any(r.provisional for r in (*result.rounds, *result.cleaning))


@quick
@given(scan_list=scans(), now=nows, devices=syncs)
def test_nothing_is_missed_before_its_window_has_closed(scan_list, now, devices):
    result = judge(scan_list, now, devices)
    for r in (*result.rounds, *result.cleaning):
        if r.state in ("missed", "incomplete"):
            assert now > r.due.late_after
    missed_kinds = {"round_not_started", "round_incomplete", "checkpoint_missed", "cleaning_missed"}
    assert all(now > g.at for g in result.gaps if g.kind in missed_kinds)


@quick
@given(scan_list=scans(), now=nows)
def test_scans_fill_as_many_round_checkpoints_as_any_assignment_could(scan_list, now):
    result = judge(scan_list, now, [])
    plans = {p.spec.plan_id: p for p in PLANS}
    routes = {ROUTE.id: ROUTE, SHORTCUT.id: SHORTCUT}
    for checkpoint in (GATE, LOBBY, CAR_PARK, PUMP_ROOM):
        windows = [(r.due.opens_at - timedelta(minutes=plans[r.plan_id].spec.grace_minutes), r.due.late_after)
                   for r in result.rounds if checkpoint in dict(routes[r.route_id].stops)]
        times = [s.captured_at for s in scan_list if s.checkpoint_id == checkpoint
                 and (s.person_id != STRANGER or NIGHT[0] <= s.captured_at < NIGHT[1])]
        filled = sum(checkpoint in r.visited for r in result.rounds)
        assert filled == _most_matched(windows, times)


def _most_matched(windows, times):
    """The largest number of windows that distinct instants can fill (augmenting paths: fine for a few dozen)."""
    holder: dict[int, int] = {}

    def place(t, seen):
        for w, (start, end) in enumerate(windows):
            if start <= times[t] <= end and w not in seen:
                seen.add(w)
                if w not in holder or place(holder[w], seen):
                    holder[w] = t
                    return True
        return False

    return sum(place(t, set()) for t in range(len(times)))
