"""The monthly quality meeting pack, per department, against a hand-built November 2026 (and its October)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from webapp.domain.meeting import NoticeFact, TaskFact, ViolationFact, department_of, meeting_pack

UTC = timezone.utc
OCT, NOV, DEC = datetime(2026, 9, 30, 16, tzinfo=UTC), datetime(2026, 10, 31, 16, tzinfo=UTC), datetime(2026, 11, 30, 16, tzinfo=UTC)
NOW = datetime(2026, 12, 3, tzinfo=UTC)


def at(days: float, base=NOV) -> datetime:
    return base + timedelta(days=days)


NOTICES = [
    # environment in November: closed on time; closed late after a failed re-check; open past its deadline
    NoticeFact(1, "environment", at(1), at(3), at(2), True),
    NoticeFact(2, "environment", at(2), at(4), at(6), False, recheck_failures=1),
    NoticeFact(3, "environment", at(10), at(12), None, None),
    # security in November: open, deadline after the month's end (not overdue then)
    NoticeFact(4, "security", at(29), at(33), None, None),
    # engineering in October: closed on time in October; one from October still open (overdue in both months)
    NoticeFact(5, "engineering", at(3, OCT), at(5, OCT), at(4, OCT), True),
    NoticeFact(6, "engineering", at(20, OCT), at(22, OCT), None, None),
    # a notice from the night of 30 November local (after 16:00 UTC): December's, not November's
    NoticeFact(7, "environment", at(0.5, DEC), at(3, DEC), None, None),
]
TICKETS = [
    ViolationFact(1, "guard", "issued", 5, at(3)),  # security, counted
    ViolationFact(2, "lead", "upheld", 3, at(4)),  # security, counted
    ViolationFact(3, "guard", "contested", 10, at(5)),  # security, counted as a ticket but no points
    ViolationFact(4, "cleaner", "overturned", 2, at(6)),  # environment, no points
    ViolationFact(5, "engineer", "issued", 4, at(7)),  # engineering
    ViolationFact(6, "front_desk", "acknowledged", 1, at(8)),  # front desk
    ViolationFact(7, "guard", "issued", 2, at(10, OCT)),  # October: security
    ViolationFact(8, "supervisor", "issued", 1, at(9)),  # a role without a department
]


def test_roles_belong_to_departments():
    assert [department_of(r) for r in ("guard", "lead", "cleaner", "engineer", "front_desk", "manager")] == \
        ["security", "security", "environment", "engineering", "front_desk", "other"]


def test_the_pack_counts_each_department_and_compares_it_with_last_month():
    pack = meeting_pack(NOTICES, TICKETS, NOV, DEC, OCT, NOW)
    lines = {x.department: x for x in pack.lines}
    assert [x.department for x in pack.lines] == ["environment", "security", "control_room", "engineering", "front_desk",
                                                  "other"]
    env, sec, eng, desk = lines["environment"], lines["security"], lines["engineering"], lines["front_desk"]
    assert (env.this.issued, env.this.closed_on_time, env.this.overdue, env.this.recheck_failed) == (3, 1, 1, 1)
    assert (env.this.violations, env.this.points) == (1, 0)
    assert env.this.on_time_rate == 33.3
    assert (sec.this.issued, sec.this.overdue, sec.this.violations, sec.this.points) == (1, 0, 3, 8)
    assert (sec.last.violations, sec.last.points, sec.change("violations"), sec.change("points")) == (1, 2, 2, 6)
    assert (eng.this.issued, eng.this.overdue, eng.this.violations, eng.this.points) == (0, 1, 1, 4)
    assert (eng.last.issued, eng.last.closed_on_time, eng.last.overdue) == (2, 1, 1)
    assert eng.change("issued") == -2 and eng.this.on_time_rate is None
    assert (desk.this.violations, desk.this.points) == (1, 1)
    assert (lines["other"].this.violations, lines["other"].this.points) == (1, 1)
    assert lines["control_room"].this.issued == 0
    total = pack.total
    assert (total.this.issued, total.this.closed_on_time, total.this.overdue, total.this.recheck_failed) == (4, 1, 2, 1)
    assert (total.this.violations, total.this.points, total.last.violations, total.last.issued) == (7, 14, 1, 2)


def test_overdue_is_judged_at_now_while_the_month_is_running():
    early = datetime(2026, 11, 11, 16, tzinfo=UTC)  # 12 November local: notice 3 not yet past its deadline
    pack = meeting_pack(NOTICES, TICKETS, NOV, DEC, OCT, early)
    lines = {x.department: x for x in pack.lines}
    assert lines["environment"].this.overdue == 0 and lines["engineering"].this.overdue == 1


TASKS = [
    # done on 21 October, so next due on 20 November, and not done again: 10 days overdue when November closes
    TaskFact(1, "1号生活水泵", "水泵月度保养", "monthly", date(2026, 10, 20), (date(2026, 10, 21),)),
    # never done since its anchor on 5 September: overdue at the end of October and of November
    TaskFact(2, "1号消防泵", "消防泵月度试泵", "monthly", date(2026, 9, 5), by_contractor=True),
    # due on 10 November, done only on 1 December: November closed with it 20 days overdue
    TaskFact(3, "1号电梯", "电梯月度检查", "monthly", date(2026, 11, 10), (date(2026, 12, 1),)),
    # half-monthly, done on 14 November: next due on 1 December, only "due" on 30 November
    TaskFact(4, "1号电梯", "电梯半月保养", "half_month", date(2026, 11, 1), (date(2026, 11, 14),)),
]


def test_maintenance_overdue_when_the_month_closed_counts_what_was_done_by_then():
    pack = meeting_pack(NOTICES, TICKETS, NOV, DEC, OCT, NOW, TASKS, "Asia/Shanghai")
    assert [(o.task.id, o.due, o.days_late) for o in pack.overdue_tasks] == [
        (2, date(2026, 9, 5), 86), (3, date(2026, 11, 10), 20), (1, date(2026, 11, 20), 10)]
    assert pack.overdue_tasks_last == 1 and pack.overdue_tasks_change == 2  # October closed with the fire pump only


def test_a_month_still_running_judges_maintenance_today():
    mid = datetime(2026, 11, 15, 2, tzinfo=UTC)  # 15 November, 10:00 in Shanghai
    pack = meeting_pack(NOTICES, TICKETS, NOV, DEC, OCT, mid, TASKS, "Asia/Shanghai")
    assert [(o.task.id, o.days_late) for o in pack.overdue_tasks] == [(2, 71), (3, 5)]
    assert meeting_pack(NOTICES, TICKETS, NOV, DEC, OCT, NOW).overdue_tasks == []
