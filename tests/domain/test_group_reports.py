"""A group of two sites for November 2026, each in its own zone, combined by hand.

翠湖 (Shanghai) worked a day shift on 10 November: three rounds (one on time, one late, one not started), two
cleaning checks (one failed), one work order done within its due time, two inspections (90 and 80), a handover
sealed on time.
滨江 (London) worked a night shift from 30 November 20:00 to 1 December 08:00 local: it belongs to November whole,
its 02:00 round on 1 December included; the night that starts on 31 October belongs to October (its missed round
does not count). One check passed, one inspection of 70, one work order overdue (due at 23:00 on the 30th, still
undone when the month ends), no handover.
"""
from datetime import date, datetime, time, timedelta, timezone

from webapp.domain import group_reports as group
from webapp.domain import reports as rules
from webapp.domain.timezones import local_to_utc, shift_window, zone

SH, LDN = "Asia/Shanghai", "Europe/London"
NOW = datetime(2026, 12, 2, 12, tzinfo=timezone.utc)
TODAY = date(2026, 12, 2)


def at(tz: str, day: date, hh: int, mm: int = 0) -> datetime:
    return local_to_utc(day, time(hh, mm), zone(tz))


def _round(key: str, shift_id: int, opens_at: datetime, state: str) -> rules.RoundRow:
    missing = (2,) if state == "missed" else ()
    return rules.RoundRow(key, shift_id, 1, opens_at, state, False, (1, 2), missing, () if missing else (len(key), len(key) + 100))


def _cuihu() -> group.SiteReport:
    day = date(2026, 11, 10)
    starts, ends = shift_window(day, time(8), time(20), zone(SH))
    facts = rules.Facts(checkpoint_area={1: 10, 2: 10})
    facts.shifts = [rules.ShiftRow(1, "白班", day, starts, ends)]
    facts.rounds = [_round("a1", 1, at(SH, day, 9), "done"), _round("a2", 1, at(SH, day, 12), "late"),
                    _round("a3", 1, at(SH, day, 15), "missed")]
    facts.checks = [rules.CheckRow(11, 1, at(SH, day, 10), at(SH, day, 10), ((1, "地面", True),)),
                    rules.CheckRow(12, 2, at(SH, day, 11), at(SH, day, 11), ((1, "地面", False),))]
    facts.orders = [rules.OrderRow(21, "plumbing", "done", at(SH, day, 9), at(SH, day, 13), at(SH, day, 9, 30),
                                   at(SH, day, 11), None)]
    facts.inspections = [rules.InspectionRow(31, 10, "security", 90.0, True, False, at(SH, day, 14)),
                         rules.InspectionRow(32, 10, "security", 80.0, True, False, at(SH, day, 16))]
    facts.handovers = [rules.HandoverRow(41, 1, "closed", ends + timedelta(minutes=5), ends + timedelta(minutes=10),
                                         None, "ab" * 32, None, 1)]
    period = rules.parse_period("month", "2026-11-01", None, None, SH, TODAY)
    return group.SiteReport(1, "翠湖花园", SH, rules.build(period, facts, NOW, 30))


def _binjiang() -> group.SiteReport:
    oct31, nov30, dec1 = date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 1)
    october = rules.ShiftRow(5, "夜班", oct31, *shift_window(oct31, time(20), time(8), zone(LDN)))
    november = rules.ShiftRow(6, "夜班", nov30, *shift_window(nov30, time(20), time(8), zone(LDN)))
    facts = rules.Facts(checkpoint_area={1: 20, 2: 20})
    facts.shifts = [october, november]
    facts.rounds = [_round("b0", 5, at(LDN, date(2026, 11, 1), 2), "missed"),  # October's night: not counted
                    _round("b1", 6, at(LDN, nov30, 22), "done"), _round("b2", 6, at(LDN, dec1, 2), "early")]
    facts.checks = [rules.CheckRow(13, 1, at(LDN, nov30, 23, 30), at(LDN, dec1, 9), ((1, "地面", True),))]
    facts.orders = [rules.OrderRow(22, "electrical", "assigned", at(LDN, nov30, 21), at(LDN, nov30, 23), None, None, None)]
    facts.inspections = [rules.InspectionRow(33, 20, "cleaning", 70.0, False, False, at(LDN, nov30, 23))]
    period = rules.parse_period("month", "2026-11-01", None, None, LDN, TODAY)
    return group.SiteReport(2, "滨江商务中心", LDN, rules.build(period, facts, NOW, 30))


def test_each_site_keeps_its_own_period_and_its_night_across_midnight():
    cuihu, binjiang = _cuihu(), _binjiang()
    assert cuihu.report.period.start == datetime(2026, 10, 31, 16, tzinfo=timezone.utc)
    assert binjiang.report.period.start == datetime(2026, 11, 1, 0, tzinfo=timezone.utc)
    assert binjiang.report.patrol.rounds_due.ids == ("b1", "b2")  # 1 December's 02:00 round is November's


def test_counts_are_summed_and_rates_recomputed_from_the_summed_parts():
    g = group.combine([_cuihu(), _binjiang()])
    t = g.totals
    assert (t["patrol.rounds_due"], t["patrol.rounds_done"], t["patrol.rounds_on_time"]) == (3 + 2, 2 + 2, 1 + 2)
    assert t["patrol.on_time_rate"] == 60.0  # 3 / 5, not the mean of 33.3 and 100
    assert t["patrol.done_rate"] == 80.0  # 4 / 5
    assert t["patrol.rounds_missed"] == 1  # the October night's miss stays out
    assert (t["cleaning.checks"], t["cleaning.passed"], t["cleaning.pass_rate"]) == (3, 2, 66.7)  # not (50 + 100) / 2
    assert (t["repairs.orders"], t["repairs.closed"], t["repairs.closed_on_time"], t["repairs.overdue"]) == (2, 1, 1, 1)
    assert t["repairs.on_time_rate"] == 100.0 and t["repairs.satisfaction"] is None  # nothing followed up
    assert (t["handovers.shifts"], t["handovers.on_time"], t["handovers.missing"]) == (2, 1, 1)
    assert t["handovers.on_time_rate"] == 50.0


def test_mean_scores_are_weighted_by_the_number_of_inspections():
    g = group.combine([_cuihu(), _binjiang()])
    assert g.totals["quality.inspections"] == 3
    assert g.totals["quality.average"] == 80.0  # (90 + 80 + 70) / 3, not the mean of 85 and 70
    assert g.totals["quality.pass_rate"] == 66.7  # 2 of 3
    assert g.totals["repairs.respond_minutes"] == 30.0 and g.totals["repairs.close_hours"] == 2.0  # only 翠湖's order
    assert g.totals["quality.self_checks"] is None


def test_each_sites_row_is_that_sites_own_report_and_links_to_its_figures():
    cuihu, binjiang = _cuihu(), _binjiang()
    g = group.combine([cuihu, binjiang])
    a, b = g.rows
    assert a.site.name == "翠湖花园" and b.site.name == "滨江商务中心"
    assert [a.cells[k].value for k in group.COLUMNS] == [3, 2, 33.3, 2, 50.0, 1, 0, 85.0, 0, 1]
    assert [b.cells[k].value for k in group.COLUMNS] == [2, 2, 100.0, 1, 100.0, 1, 1, 70.0, 0, 0]
    assert a.cells["patrol.on_time_rate"].value == cuihu.report.patrol.on_time_rate
    assert b.cells["repairs.overdue"].figure == binjiang.report.repairs.overdue  # the drill-down of 滨江's own figure
    assert a.cells["patrol.on_time_rate"].figure.key == "patrol.rounds_on_time"
    for key, m in group.MEASURES.items():  # every count of the group is the sum of the sites' own
        if m.kind == group.COUNT:
            assert g.totals[key] == a.cells[key].value + b.cells[key].value, key


def test_a_group_of_one_site_is_that_sites_report_and_of_none_is_empty():
    cuihu = _cuihu()
    one = group.combine([cuihu])
    assert one.totals["cleaning.pass_rate"] == cuihu.report.cleaning.pass_rate
    assert one.totals["quality.average"] == cuihu.report.quality.average.value
    none = group.combine([])
    assert none.rows == [] and none.totals["patrol.rounds_due"] == 0 and none.totals["patrol.on_time_rate"] is None


def test_alerts_are_summed_their_acknowledged_share_recomputed_and_the_longest_wait_is_the_longest_sites():
    cuihu, binjiang = _cuihu(), _binjiang()
    raised = at(SH, date(2026, 11, 10), 10)
    facts = rules.Facts(alerts=[rules.AlertRow(1, "sos", "critical", raised, raised + timedelta(minutes=4), None, 0),
                                rules.AlertRow(2, "incident", "high", raised, None, raised + timedelta(minutes=15), 1)])
    period = rules.parse_period("month", "2026-11-01", None, None, SH, TODAY)
    with_alerts = group.SiteReport(1, "翠湖花园", SH, rules.build(period, facts, NOW, 30))
    late = at(LDN, date(2026, 11, 20), 9)
    facts_b = rules.Facts(alerts=[rules.AlertRow(3, "sos", "critical", late, late + timedelta(minutes=9), None, 0)])
    period_b = rules.parse_period("month", "2026-11-01", None, None, LDN, TODAY)
    other = group.SiteReport(2, "滨江商务中心", LDN, rules.build(period_b, facts_b, NOW, 30))
    t = group.combine([with_alerts, other]).totals
    assert (t["alerts.raised"], t["alerts.acknowledged"], t["alerts.unacknowledged"], t["alerts.escalated"]) == (3, 2, 1, 1)
    assert t["alerts.ack_rate"] == 66.7 and t["alerts.ack_longest"] == 9.0
    assert group.combine([cuihu, binjiang]).totals["alerts.ack_longest"] is None
