"""Preventive maintenance cycles (维保计划): when a task is next due, and whether it is due now or overdue.

A task is due on its anchor day and every cycle after it (calendar months kept: a monthly task anchored on 31 January
is due on 28 or 29 February). Doing it covers every due day up to a few days after the day it was done, so a task done
a little early is not due again at once.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from webapp.domain.errors import DomainError

# cycle: (months, days) between due days, and how many days before a due day the task shows as due
CYCLES = {
    "half_month": (0, 15, 3),  # 半月 (电梯半月保养)
    "monthly": (1, 0, 7),  # 月度 (消防泵月度试泵)
    "quarterly": (3, 0, 15),  # 季度
    "half_year": (6, 0, 30),  # 半年
    "yearly": (12, 0, 30),  # 年度
}
STATES = ("ok", "due", "overdue")


@dataclass(frozen=True)
class TaskState:
    """Where a task stands on a day: its next due day and state (ok, due soon or today, overdue by `days_late`)."""

    next_due: date
    state: str
    days_late: int = 0


def _add_months(day: date, months: int, anchor_day: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(anchor_day, calendar.monthrange(year, month)[1]))


def due_day(anchor: date, cycle: str, k: int) -> date:
    """The k-th due day (k = 0 is the anchor) of a task with `cycle`."""
    if cycle not in CYCLES:
        raise DomainError("bad_cycle", value=cycle)
    months, days, _lead = CYCLES[cycle]
    if months:
        return _add_months(anchor, months * k, anchor.day)
    return anchor + timedelta(days=days * k)


def next_due(anchor: date, cycle: str, last_done: date | None) -> date:
    """The first due day not covered by the last time the task was done (the anchor when it never was)."""
    if cycle not in CYCLES:
        raise DomainError("bad_cycle", value=cycle)
    if last_done is None:
        return anchor
    months, days, lead = CYCLES[cycle]
    covered = last_done + timedelta(days=lead)
    k = 0
    if covered >= anchor:  # start a step or two short of the answer, then walk
        span = (covered - anchor).days
        k = max(0, span // (31 * months) if months else span // days)
    day = due_day(anchor, cycle, k)
    while day <= covered:
        k += 1
        day = due_day(anchor, cycle, k)
    return day


def state_on(anchor: date, cycle: str, last_done: date | None, today: date) -> TaskState:
    """Where a task stands on `today`: ok before its lead days, due from then to its due day, overdue after it."""
    due = next_due(anchor, cycle, last_done)
    if today > due:
        return TaskState(due, "overdue", (today - due).days)
    if today >= due - timedelta(days=CYCLES[cycle][2]):
        return TaskState(due, "due")
    return TaskState(due, "ok")
