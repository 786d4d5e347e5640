"""Service report figures, told as November 2026 at a small Shanghai site, every answer worked out by hand.

The month is [31 Oct 16:00Z, 30 Nov 16:00Z). Two night shifts (20:00–08:00) sit on its edges: the one that starts on
31 October belongs to October (nothing of it counts, though most of it is in November), the one that starts on
30 November belongs to November whole (its 02:00 round on 1 December included). A phone that synced a day late
changes nothing: records are judged by their capture time.
"""
from datetime import date, datetime, time, timedelta

import pytest

from webapp.domain import gaps as engine
from webapp.domain import reports as rules
from webapp.domain.errors import DomainError
from webapp.domain.exceptions import Life, Step
from webapp.domain.lifecycles import Step as QStep
from webapp.domain.schedules import PlanSpec, parse_times
from webapp.domain.timezones import local_to_utc, shift_window, zone

TZ = "Asia/Shanghai"
SH = zone(TZ)
NOV = rules.parse_period("month", "2026-11-17", None, None, TZ, date(2026, 12, 5))  # asked once November is over
GATE, LOBBY, TOILETS = 1, 2, 3
LEAD, GUARD, CLEANER = 7, 5, 6
GUARD_PHONE, CLEANER_PHONE = 50, 60


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return local_to_utc(day, time(hh, mm), SH)


OCT31, NOV30, DEC1 = date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 1)
NOW = at(DEC1, 12)

CHECKPOINTS = [engine.CheckpointInput(GATE, "北门", "G1", True, False, False, None, None, None),
               engine.CheckpointInput(LOBBY, "大堂", "L1", True, False, False, None, None, None),
               engine.CheckpointInput(TOILETS, "卫生间", "T1", False, True, False, None, None, None)]
ROUTE = engine.RouteInput(1, "夜巡", ((GATE, 0.0), (LOBBY, 2.0)))
PATROL = engine.PatrolPlanInput(PlanSpec(11, None, parse_times("22:00, 02:00"), 30, 15), ROUTE.id)
CLEANING = engine.CleaningPlanInput(PlanSpec(21, None, parse_times("23:00"), 60, 15), (TOILETS,))


def _scan(id, checkpoint, captured, received=None):
    return engine.ScanInput(id, checkpoint, GUARD, GUARD_PHONE, captured, received or captured, 0.0, None, None, None, 0)


def _night(shift_id: int, day: date, scans, checks):
    """The engine's verdict on the night shift that starts on `day`, as report rows and a ShiftRow."""
    starts, ends = shift_window(day, time(20), time(8), SH)
    shift = engine.ShiftInput(shift_id, TZ, starts, ends, LEAD, frozenset({GUARD, CLEANER}), True)
    devices = [engine.DeviceInput(GUARD_PHONE, GUARD, at(DEC1, 11)), engine.DeviceInput(CLEANER_PHONE, CLEANER, at(DEC1, 11))]
    verdict = engine.assess(shift, CHECKPOINTS, [ROUTE], [PATROL], [CLEANING], scans, checks, devices, NOW,
                            engine.Settings(inactivity_minutes=1000))
    lives = {g.key: Life("accepted") for g in verdict.gaps if g.kind == "checkpoint_missed"}
    return rules.ShiftRow(shift_id, "夜班", day, starts, ends), rules.rows_of_assessment(shift_id, verdict, lives)


def _facts() -> rules.Facts:
    facts = rules.Facts(checkpoint_area={GATE: 100, LOBBY: 100, TOILETS: 200})
    # 31 October's night: nobody walked anything. It belongs to October, so none of its misses count in November.
    october, (r1, c1, g1) = _night(1, OCT31, [], [])
    # 30 November's night: the 22:00 round done (the lobby's scan reached the server the next morning), the 02:00
    # round of 1 December incomplete (the lobby missed), the 23:00 toilet check done but failing the mirror.
    november, (r2, c2, g2) = _night(2, NOV30, [
        _scan(101, GATE, at(NOV30, 22, 5)), _scan(102, LOBBY, at(NOV30, 22, 12), received=at(DEC1, 10)),
        _scan(103, GATE, at(DEC1, 2, 5))],
        [engine.CleaningCheckInput(301, TOILETS, CLEANER, CLEANER_PHONE, at(NOV30, 23, 10), at(NOV30, 23, 10), 0.0,
                                   ("镜面",), 0)])
    facts.shifts, facts.rounds, facts.cleaning, facts.gaps = [october, november], r1 + r2, c1 + c2, g1 + g2
    facts.checks = [
        rules.CheckRow(301, TOILETS, at(NOV30, 23, 10), at(NOV30, 23, 10), ((1, "地面", True), (2, "镜面", False))),
        # captured on the month's last evening, synced two days later: November's
        rules.CheckRow(302, TOILETS, at(NOV30, 23, 50), at(date(2026, 12, 2), 9), ((1, "地面", True), (2, "镜面", True))),
        # captured on 31 October, synced on 1 November: October's
        rules.CheckRow(303, TOILETS, at(OCT31, 23, 30), at(date(2026, 11, 1), 9), ((1, "地面", False), (2, "镜面", True))),
        rules.CheckRow(304, GATE, at(date(2026, 11, 3), 9), at(date(2026, 11, 3), 9), ((5, "门岗整洁", True),)),
    ]
    return facts


def test_a_month_is_the_sites_calendar_month_and_a_week_runs_monday_to_sunday():
    assert (NOV.start, NOV.end) == (datetime.fromisoformat("2026-10-31T16:00:00+00:00"),
                                    datetime.fromisoformat("2026-11-30T16:00:00+00:00"))
    week = rules.parse_period("week", "2026-11-18", None, None, TZ, date(2026, 11, 25))
    assert (week.first, week.last) == (date(2026, 11, 16), date(2026, 11, 22))
    day = rules.parse_period("day", None, None, None, TZ, date(2026, 11, 25))
    assert (day.first, day.last, day.label) == (date(2026, 11, 25), date(2026, 11, 25), "2026-11-25")
    custom = rules.parse_period("custom", None, "2026-11-10", "2026-11-12", TZ, date(2026, 11, 25))
    assert len(custom.days()) == 3 and custom.args() == {"period": "custom", "from": "2026-11-10", "to": "2026-11-12"}


@pytest.mark.parametrize("kind,day", [("week", None), ("week", "2026-11-26"), ("month", None), ("month", "2026-11-02")])
def test_this_week_and_this_month_end_today_in_the_sites_zone_never_tomorrow(kind, day):
    today = date(2026, 11, 25)  # a Wednesday: the middle of its week
    period = rules.parse_period(kind, day, None, None, TZ, today)
    assert period.last == today and period.days()[-1] == today
    assert period.first == (date(2026, 11, 23) if kind == "week" else date(2026, 11, 1))
    assert period.end == datetime.fromisoformat("2026-11-25T16:00:00+00:00")  # midnight ending the 25th in Shanghai
    assert period.args() == {"period": kind, "date": period.first.isoformat()}  # asked again, the same days


def test_a_custom_period_reaching_past_today_stops_today_and_one_wholly_to_come_is_refused():
    today = date(2026, 11, 25)
    assert rules.parse_period("custom", None, "2026-11-20", "2026-12-10", TZ, today).last == today
    with pytest.raises(DomainError) as refused:
        rules.parse_period("day", "2026-11-26", None, None, TZ, today)
    assert refused.value.code == "report_in_future" and refused.value.params["first"] == date(2026, 11, 26)


@pytest.mark.parametrize("kind,day,first,last,code", [
    ("year", None, None, None, "report_bad_period"),
    ("day", "25/11/2026", None, None, "report_bad_date"),
    ("custom", None, "2026-11-10", None, "report_dates_missing"),
    ("custom", None, "2026-11-12", "2026-11-10", "report_dates_reversed"),
    ("custom", None, "2026-01-01", "2026-06-30", "report_period_too_long"),
])
def test_a_period_that_makes_no_sense_is_refused_with_a_reason(kind, day, first, last, code):
    with pytest.raises(DomainError) as refused:
        rules.parse_period(kind, day, first, last, TZ, date(2026, 11, 25))
    assert refused.value.code == code


def test_patrol_counts_the_night_that_starts_in_the_month_whole_and_the_one_before_not_at_all():
    report = rules.build(NOV, _facts(), NOW, 30)
    p = report.patrol
    # November's night: 22:00 done (2 of 2 checkpoints), 02:00 (1 December) incomplete (1 of 2)
    assert p.rounds_due.count == 2 and p.rounds_done.count == 1 and p.rounds_on_time.count == 1
    assert p.rounds_incomplete.count == 1 and p.rounds_missed.count == 0 and p.rounds_awaiting_sync.count == 0
    assert p.on_time_rate == 50.0 and p.done_rate == 50.0
    assert (p.visits_due, p.visits_made.ids, p.coverage) == (4, (101, 102, 103), 75.0)
    assert p.rounds_done.ids == ("2/11/20261130T1400",)
    # the miss: the lobby in the round that opened at 02:00 local, on 1 December
    assert list(p.heat) == [(LOBBY, 2)] and p.heat[(LOBBY, 2)].ids == ("2/11/20261130T1800",)
    assert p.heat_rows == [LOBBY]
    lobby = next(line for line in p.checkpoints if line.name == LOBBY)
    assert (lobby.figures["due"].count, lobby.figures["missed"].count, lobby.value) == (2, 1, 50.0)


def test_gaps_by_kind_count_accepted_and_explained_apart_from_unexplained():
    report = rules.build(NOV, _facts(), NOW, 30)
    kinds = {line.name: {k: f.count for k, f in line.figures.items()} for line in report.patrol.gaps}
    # the engine found, on November's night only: the lobby missed (accepted by the lead), the 02:00 round
    # incomplete and the toilet check that failed the mirror (both unexplained)
    assert kinds == {"checkpoint_missed": {"total": 1, "unexplained": 0, "explained": 0, "accepted": 1},
                     "round_incomplete": {"total": 1, "unexplained": 1, "explained": 0, "accepted": 0},
                     "cleaning_failed": {"total": 1, "unexplained": 1, "explained": 0, "accepted": 0}}
    total = report.patrol.gaps_total.figures
    assert (total["total"].count, total["unexplained"].count, total["accepted"].count) == (3, 2, 1)


def test_a_gap_explained_or_acknowledged_is_explained_and_a_provisional_one_waits_for_the_sync():
    facts = rules.Facts(shifts=[rules.ShiftRow(9, "白班", date(2026, 11, 2), at(date(2026, 11, 2), 8), at(date(2026, 11, 2), 20))])
    gap = lambda key, life="open", ack=False, provisional=False: rules.GapRow(  # noqa: E731
        key, 9, "checkpoint_missed", at(date(2026, 11, 2), 10), GATE, GUARD, provisional, life, ack)
    facts.gaps = [gap("a"), gap("b", "explained"), gap("c", "rejected", ack=True), gap("d", "rejected"), gap("e", "accepted"),
                  gap("f", provisional=True)]
    line = rules.build(NOV, facts, NOW, 30).patrol.gaps_total.figures
    assert line["unexplained"].ids == ("a", "d") and line["explained"].ids == ("b", "c") and line["accepted"].ids == ("e",)
    assert rules.build(NOV, facts, NOW, 30).patrol.gaps_awaiting_sync.ids == ("f",)


def test_cleaning_judges_checks_by_capture_time_and_rates_areas_items_and_days():
    c = rules.build(NOV, _facts(), NOW, 30).cleaning
    assert (c.due.count, c.done.count, c.missed.count) == (1, 1, 0)  # the 23:00 check of November's night
    # 301 (failed the mirror), 302 (synced late, still November's), 304 at the gate; 303 is October's
    assert c.checks.ids == (304, 301, 302) and c.passed.ids == (304, 302) and c.pass_rate == 66.7
    areas = {line.name: (line.figures["checks"].ids, line.figures["passed"].ids, line.value) for line in c.areas}
    assert areas == {100: ((304,), (304,), 100.0), 200: ((301, 302), (302,), 50.0)}
    items = {line.name: (line.figures["checks"].count, line.figures["passed"].count) for line in c.items}
    assert items == {(TOILETS, "镜面"): (2, 1), (TOILETS, "地面"): (2, 2), (GATE, "门岗整洁"): (1, 1)}
    days = {line.name: {k: f.count for k, f in line.figures.items()} for line in c.days if any(f.count for f in line.figures.values())}
    assert days == {date(2026, 11, 3): {"due": 0, "done": 0, "checks": 1, "passed": 1},
                    date(2026, 11, 30): {"due": 1, "done": 1, "checks": 2, "passed": 1}}


def test_work_orders_time_to_respond_and_close_against_their_due_times_and_follow_ups():
    day = date(2026, 11, 10)
    raised = at(day, 9)
    facts = rules.Facts(
        orders=[
            # urgent, due in 30 min: started after 10 min, done after 40 min (late), resident satisfied
            rules.OrderRow(1, "urgent", "followed_up", raised, raised + timedelta(minutes=30), raised + timedelta(minutes=10),
                           raised + timedelta(minutes=40), True),
            # plumbing, due in 24 h: started after 50 min, done after 5 h, resident not satisfied
            rules.OrderRow(2, "plumbing", "followed_up", raised, raised + timedelta(hours=24), raised + timedelta(minutes=50),
                           raised + timedelta(hours=5), False),
            # plumbing raised on the 29th, not started, overdue at the month's end
            rules.OrderRow(3, "plumbing", "assigned", at(date(2026, 11, 29), 9), at(date(2026, 11, 30), 9), None, None, None),
            # raised in October: not this month's
            rules.OrderRow(4, "urgent", "done", at(OCT31, 9), at(OCT31, 9, 30), None, at(OCT31, 9, 20), None),
        ],
        incidents=[rules.IncidentRow(11, "leak", "high", at(day, 8), at(day, 8), at(day, 12)),
                   rules.IncidentRow(12, "leak", "low", at(NOV30, 23, 30), at(DEC1, 9), None),  # synced late: November's
                   rules.IncidentRow(13, "damage", "low", at(OCT31, 23), at(date(2026, 11, 1), 9), None)])
    r = rules.build(NOV, facts, NOW, 30).repairs
    assert r.orders.ids == (1, 2, 3) and r.closed.ids == (1, 2) and r.closed_on_time.ids == (2,) and r.overdue.ids == (3,)
    assert r.respond_minutes.value == 30.0 and r.respond_minutes.ids == (1, 2)  # (10 + 50) / 2
    assert r.close_hours.value == 2.8  # (40 min + 5 h) / 2 = 2 h 50 min
    assert (r.satisfied.ids, r.unsatisfied.ids, r.satisfaction) == ((1,), (2,), 50.0)
    plumbing = next(line for line in r.categories if line.name == "plumbing")
    assert plumbing.value == 24.0 and plumbing.figures["overdue"].ids == (3,) and plumbing.figures["on_time"].ids == (2,)
    assert r.incidents.ids == (11, 12) and r.incidents_closed.ids == (11,)
    assert {line.name: line.figures["reported"].count for line in r.incident_kinds} == {"leak": 2}


def test_quality_scores_by_area_and_department_self_inspections_apart_notices_and_points():
    d1, d2 = date(2026, 11, 4), date(2026, 11, 18)
    facts = rules.Facts(
        inspections=[rules.InspectionRow(1, 100, "security", 90.0, True, False, at(d1, 10)),
                     rules.InspectionRow(2, 100, "environment", 70.0, False, False, at(d2, 10)),
                     rules.InspectionRow(3, 200, "environment", 80.0, True, False, at(d2, 15)),
                     rules.InspectionRow(4, 200, "environment", 50.0, False, True, at(d2, 16))],  # a self-inspection
        notices=[
            # issued on the 4th, closed on the 6th before its deadline
            rules.NoticeRow(1, "environment", "closed", at(d1, 11), at(d1 + timedelta(days=3), 11), at(d1 + timedelta(days=2), 9),
                            True, CLEANER, LEAD),
            # issued on the 18th with a deadline on the 20th, still open: overdue at the month's end
            rules.NoticeRow(2, "environment", "open", at(d2, 11), at(d2 + timedelta(days=2), 11), None, None, CLEANER, LEAD,
                            (QStep("issue", LEAD, at(d2, 11), deadline=at(d2 + timedelta(days=2), 11), assignee_id=CLEANER),)),
            # issued in October, due on 2 November, closed on 5 December: overdue at November's end, not issued in it
            rules.NoticeRow(3, "security", "closed", at(date(2026, 10, 20), 9), at(date(2026, 11, 2), 9), at(date(2026, 12, 5), 9),
                            False, GUARD, LEAD,
                            (QStep("issue", LEAD, at(date(2026, 10, 20), 9), deadline=at(date(2026, 11, 2), 9), assignee_id=GUARD),
                             QStep("submit", GUARD, at(date(2026, 12, 4), 9)), QStep("pass", LEAD, at(date(2026, 12, 5), 9))))],
        violations=[rules.ViolationRow(1, "uniform", "issued", 5, GUARD, LEAD, at(d1, 9)),
                    rules.ViolationRow(2, "asleep_on_duty", "overturned", 20, GUARD, LEAD, at(d2, 3)),
                    rules.ViolationRow(3, "uniform", "upheld", 5, CLEANER, LEAD, at(d2, 9))])
    q = rules.build(NOV, facts, at(date(2026, 12, 10), 9), 30).quality
    assert q.inspections.ids == (1, 2, 3) and q.average.value == 80.0 and q.passed.ids == (1, 3)
    assert (q.self_checks.ids, q.self_checks.value) == ((4,), 50.0)
    assert {line.name: line.value for line in q.areas} == {100: 80.0, 200: 80.0}
    assert {line.name: line.value for line in q.departments} == {"environment": 75.0, "security": 90.0}
    assert [(line.name, line.value) for line in q.days] == [(d1, 90.0), (d2, 75.0)]
    assert q.notices_issued.ids == (1, 2) and q.notices_on_time.ids == (1,) and q.notices_overdue.ids == (3, 2)
    assert q.violations.ids == (1, 2, 3) and q.points.value == 10.0 and q.points.ids == (1, 3)  # the overturned one counts none
    assert {line.name: line.value for line in q.rules} == {"asleep_on_duty": 0.0, "uniform": 10.0}


def test_each_shifts_handover_is_on_time_late_refused_pending_or_missing_and_its_hash_is_listed():
    def shift(id, day):
        starts, ends = shift_window(day, time(8), time(20), SH)
        return rules.ShiftRow(id, "白班", day, starts, ends)

    shifts = [shift(i, date(2026, 11, i)) for i in range(1, 7)]
    end = {s.id: s.ends_at for s in shifts}
    m = timedelta(minutes=1)
    facts = rules.Facts(shifts=shifts + [shift(40, OCT31)], handovers=[
        rules.HandoverRow(11, 1, "closed", end[1] + 5 * m, end[1] + 20 * m, None, "a" * 64, None, 1),  # on time
        rules.HandoverRow(12, 2, "closed", end[2] + 45 * m, end[2] + 50 * m, None, "b" * 64, "a" * 64, 2),  # signed late
        rules.HandoverRow(13, 3, "closed", end[3], end[3] + 31 * m, end[3] + 10 * m, "c" * 64, "b" * 64, 3),  # refused, then accepted late
        rules.HandoverRow(14, 4, "refused", end[4], None, end[4] + 5 * m, None, None, None),
        rules.HandoverRow(15, 5, "signed", end[5], None, None, None, None, None),
        rules.HandoverRow(40, 40, "closed", end[1], end[1], None, "f" * 64, None, 9),  # October's
    ])
    h = rules.build(NOV, facts, NOW, 30).handovers
    assert [line.standing for line in h.lines] == ["on_time", "late", "late", "refused", "pending", "missing"]
    assert h.on_time.ids == (11,) and h.late.ids == (12, 13) and h.refused.ids == (13, 14)
    assert h.pending.ids == (15, 14) and h.missing.ids == (6,) and h.shifts.ids == (1, 2, 3, 4, 5, 6)
    assert [x.sha256[0] for x in h.hashes] == ["a", "b", "c"]


def test_every_figure_is_registered_under_its_key_for_the_drill_down():
    report = rules.build(NOV, _facts(), NOW, 30)
    assert report.figures["patrol.rounds_due"] is report.patrol.rounds_due
    assert report.figures["patrol.heat.2.2"].ids == ("2/11/20261130T1800",)
    assert all(key == f.key for key, f in report.figures.items())
    assert isinstance(Step("explain", 1, NOW), Step)  # the gap life's step is the one the lives are built from


def _alert(id, kind, raised, acked_after=None, escalated_after=None, level=0):
    """An alert raised at `raised`, acknowledged and escalated that many minutes later (None: never)."""
    later = lambda minutes: raised + timedelta(minutes=minutes) if minutes is not None else None  # noqa: E731
    return rules.AlertRow(id, kind, "high", raised, later(acked_after), later(escalated_after), level)


def test_alerts_count_by_when_raised_with_the_median_and_longest_wait_and_those_past_the_lead():
    facts = rules.Facts(alerts=[
        _alert(1, "sos", at(date(2026, 11, 10), 10), acked_after=2),
        _alert(2, "lone_worker", at(date(2026, 11, 11), 3), acked_after=10, escalated_after=3, level=1),
        _alert(3, "round_not_started", at(date(2026, 11, 12), 22), escalated_after=30, level=2),
        _alert(4, "round_not_started", at(date(2026, 11, 12), 23), acked_after=30, escalated_after=15, level=1),
        _alert(5, "incident", at(OCT31, 23, 59), acked_after=1),  # October's, though acknowledged in November
        _alert(6, "reading_abnormal", at(DEC1, 0, 1), acked_after=1),  # December's
        _alert(7, "order_overdue", at(NOV30, 11), acked_after=24 * 60 + 120),  # acknowledged after NOW: not yet
    ])
    a = rules.build(NOV, facts, NOW, 30).alerts
    assert a.raised.ids == (1, 2, 3, 4, 7)
    assert a.acknowledged.ids == (1, 2, 4) and a.unacknowledged.ids == (3, 7)
    assert a.median_minutes.value == 10.0 and a.median_minutes.ids == (1, 2, 4)
    assert a.longest_minutes.value == 30.0 and a.longest_minutes.ids == (4,)
    assert a.escalated.ids == (2, 3, 4)
    assert [line.name for line in a.kinds] == ["sos", "lone_worker", "round_not_started", "order_overdue"]
    rounds = a.kinds[2]
    assert rounds.figures["raised"].ids == (3, 4) and rounds.figures["acknowledged"].ids == (4,)
    assert rounds.figures["escalated"].ids == (3, 4) and rounds.value == 30.0
    report = rules.build(NOV, facts, NOW, 30)
    assert report.figures["alerts.kind.sos.acknowledged"].ids == (1,) and report.figures["alerts.ack_longest"].ids == (4,)


def test_a_period_without_alerts_has_no_wait_to_report():
    a = rules.build(NOV, rules.Facts(), NOW, 30).alerts
    assert a.raised.count == 0 and a.kinds == []
    assert a.median_minutes.value is None and a.longest_minutes.value is None
