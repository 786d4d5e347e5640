"""The alert rules over simulated shifts: what alerts, once per key, to whom, and when it escalates."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.domain import alerts as rules
from webapp.domain import gaps as engine
from webapp.domain.schedules import PlanSpec

T0 = datetime(2026, 11, 25, 0, 0, tzinfo=timezone.utc)  # 08:00 in Shanghai: the day shift starts
SHIFT = engine.ShiftInput(shift_id=7, tz="Asia/Shanghai", starts_at=T0, ends_at=T0 + timedelta(hours=12), lead_id=1,
                          staff_ids=frozenset({2}), patrol=True)
CPS = [engine.CheckpointInput(id=i, name=f"点{i}", code=f"P{i}", for_patrol=True, for_cleaning=False,
                              photo_required=False, lat=None, lng=None, radius_m=None) for i in (11, 12, 13)]
ROUTE = engine.RouteInput(id=5, name="东区", stops=((11, 0), (12, 0), (13, 0)))
PLAN = engine.PatrolPlanInput(spec=PlanSpec(plan_id=3, interval_minutes=120, times=(), window_minutes=30,
                                            grace_minutes=15), route_id=5)


def scan(i: int, cp: int, at: datetime, offset: float = 0.0) -> engine.ScanInput:
    return engine.ScanInput(id=i, checkpoint_id=cp, person_id=2, device_id=9, captured_at=at, received_at=at,
                            clock_offset_s=offset, lat=None, lng=None, accuracy_m=None, photo_count=0)


def verdict(scans, now, synced=True):
    device = engine.DeviceInput(device_id=9, person_id=2, last_sync_at=now if synced else T0)
    return engine.assess(SHIFT, CPS, [ROUTE], [PLAN], [], scans, [], [device], now)


DEFAULT = rules.Rules()


def drafts(scans, now, synced=True, r=DEFAULT):
    return rules.from_assessment(1, SHIFT.shift_id, verdict(scans, now, synced), r)


# the first round (08:00–08:30, grace to 08:45): the guard scans two of three checkpoints; the second round
# (10:00) is never started
SCANS = [scan(1, 11, T0 + timedelta(minutes=5)), scan(2, 12, T0 + timedelta(minutes=10))]


def test_nothing_alerts_while_a_window_is_open():
    assert drafts(SCANS, T0 + timedelta(minutes=40)) == []


def test_a_round_left_incomplete_alerts_its_missed_checkpoints_once_its_window_closes():
    found = drafts(SCANS, T0 + timedelta(minutes=46))
    assert [(d.kind, d.params["missing"], d.provisional) for d in found] == [("checkpoints_missed", [13], False)]
    assert found[0].at == T0 + timedelta(minutes=45)
    assert found[0].severity == "medium" and found[0].person_id == 2


def test_a_round_not_started_alerts_high():
    found = [d for d in drafts(SCANS, T0 + timedelta(hours=2, minutes=46)) if d.kind == "round_not_started"]
    assert len(found) == 1 and found[0].severity == "high"
    assert found[0].at == T0 + timedelta(hours=2, minutes=45)


def test_a_simulated_shift_alerts_each_gap_exactly_once_under_the_same_key():
    keys: list[str] = []
    seen: set[str] = set()
    for minute in range(0, 13 * 60, 1):  # the worker's minute tick over the whole shift and its slack
        for d in drafts(SCANS, T0 + timedelta(minutes=minute)):
            if d.key not in seen:  # what the unique key in the database does
                seen.add(d.key)
                keys.append(d.key)
    # round 1 incomplete; rounds 2..6 (10:00, 12:00, 14:00, 16:00, 18:00) not started
    assert len(keys) == 6
    assert sum(":checkpoints_missed:" in k for k in keys) == 1
    assert sum(":round_not_started:" in k for k in keys) == 5


def test_a_provisional_miss_waits_unless_the_site_asks_for_possibly_missed():
    now = T0 + timedelta(minutes=46)
    assert drafts(SCANS, now, synced=False) == []
    early = drafts(SCANS, now, synced=False, r=rules.Rules(alert_provisional=True))
    assert [d.provisional for d in early] == [True]
    final = drafts(SCANS, now, synced=True)
    assert early[0].key == final[0].key  # the final verdict never alerts a second time


def test_a_late_scan_that_completes_the_round_never_alerts():
    done = [*SCANS, scan(3, 13, T0 + timedelta(minutes=20))]
    assert [d for d in drafts(done, T0 + timedelta(minutes=50)) if d.kind == "checkpoints_missed"] == []


def test_a_phone_clock_far_off_alerts_once_per_phone():
    skewed = [scan(1, 11, T0 + timedelta(minutes=5), offset=900), scan(2, 12, T0 + timedelta(minutes=10), offset=900)]
    found = [d for d in drafts(skewed, T0 + timedelta(minutes=20)) if d.kind == "clock_skew"]
    assert len(found) == 1 and found[0].params["minutes"] == 15 and found[0].params["ahead"]
    small = [scan(1, 11, T0 + timedelta(minutes=5), offset=150)]  # a gap on the board, not an alert
    assert [d for d in drafts(small, T0 + timedelta(minutes=20)) if d.kind == "clock_skew"] == []


def test_lone_worker_is_prompted_after_n_minutes_and_alerted_after_m_more():
    r = rules.Rules(lone_worker_minutes=45, lone_answer_minutes=5)
    last = T0 + timedelta(minutes=10)
    at = lambda m: rules.lone_worker(1, 7, 2, [last], T0, last + timedelta(minutes=m), r)  # noqa: E731
    assert at(44).state == "fine"
    assert at(45).state == "prompt" and at(49).state == "prompt"
    alert = at(50)
    assert alert.state == "alert" and alert.draft.kind == "lone_worker" and alert.draft.severity == "critical"
    assert at(120).draft.key == alert.draft.key  # the same silence alerts once
    answered = rules.lone_worker(1, 7, 2, [last, last + timedelta(minutes=47)], T0, last + timedelta(minutes=50), r)
    assert answered.state == "fine"  # "I'm OK" starts the silence again


def test_sos_is_keyed_by_the_phones_call_id():
    a = rules.sos(1, "c0ffee", 2, T0, 31.2, 121.5)
    assert a.key == rules.sos(1, "c0ffee", 2, T0 + timedelta(minutes=3)).key
    assert a.severity == "critical" and a.params == {"lat": 31.2, "lng": 121.5}


def test_only_serious_incidents_alert():
    assert rules.incident(1, 4, "medium", T0) is None
    assert rules.incident(1, 4, "high", T0).severity == "high"
    assert rules.incident(1, 4, "critical", T0).severity == "critical"


def test_handover_and_deadlines_alert_only_when_late():
    r = rules.Rules(handover_accept_minutes=30)
    assert rules.handover_waiting(1, 8, T0, T0 + timedelta(minutes=29), r) is None
    assert rules.handover_waiting(1, 8, T0, T0 + timedelta(minutes=30), r).kind == "handover_not_accepted"
    assert rules.overdue(1, "notice_overdue", 3, T0, T0 - timedelta(seconds=1)) is None
    assert rules.overdue(1, "order_overdue", 3, T0, T0).key == "1:order_overdue:3"


def test_escalation_goes_lead_supervisor_manager_and_stops_at_the_top():
    r = rules.Rules(escalate_minutes=15, urgent_escalate_minutes=3)
    due = lambda kind, m: rules.level_due(kind, T0, 0, T0 + timedelta(minutes=m), r)  # noqa: E731
    assert [due("checkpoints_missed", m) for m in (0, 14, 15, 29, 30, 600)] == [0, 0, 1, 1, 2, 2]
    assert [due("sos", m) for m in (2, 3, 6)] == [0, 1, 2]
    assert rules.next_escalation("checkpoints_missed", T0, 0, 0, r) == T0 + timedelta(minutes=15)
    assert rules.next_escalation("checkpoints_missed", T0, 2, 0, r) is None


def test_a_shift_without_a_lead_starts_with_the_supervisors():
    assert rules.first_level(rules.Roster(lead_id=None, supervisor_ids=(4,), manager_ids=(5,))) == 1
    assert rules.first_level(rules.Roster(lead_id=1, supervisor_ids=(4,))) == 0
    assert rules.Roster(lead_id=1, supervisor_ids=(4, 6), manager_ids=(5,)).at(1) == (4, 6)


def test_retries_back_off_then_give_up():
    delays = [rules.retry_at(n, T0) for n in range(1, 6)]
    assert [(d - T0).total_seconds() for d in delays[:4]] == [30, 120, 480, 1800]
    assert delays[4] is None


def test_quiet_hours_hold_non_urgent_alerts_till_they_end_across_midnight():
    start, end = time(22), time(7)
    night = datetime(2026, 11, 25, 15, 30, tzinfo=timezone.utc)  # 23:30 in Shanghai
    assert rules.quiet_until("checkpoints_missed", night, "Asia/Shanghai", start, end) == \
        datetime(2026, 11, 25, 23, 0, tzinfo=timezone.utc)  # 07:00 next morning
    assert rules.quiet_until("sos", night, "Asia/Shanghai", start, end) is None
    day = datetime(2026, 11, 25, 4, 0, tzinfo=timezone.utc)  # 12:00
    assert rules.quiet_until("checkpoints_missed", day, "Asia/Shanghai", start, end) is None
    assert rules.parse_clock("7:5") == time(7, 5) and rules.parse_clock("x") is None


@settings(max_examples=60, deadline=None)
@given(st.permutations(range(3)), st.integers(min_value=0, max_value=13 * 60))
def test_alerts_do_not_depend_on_the_order_records_arrive_in(order, minute):
    records = [*SCANS, scan(3, 11, T0 + timedelta(hours=2, minutes=5))]
    now = T0 + timedelta(minutes=minute)
    assert drafts([records[i] for i in order], now) == drafts(records, now)
