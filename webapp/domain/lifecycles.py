"""The lives of a rectification notice (整改通知单), a repair work order (报修工单) and a violation ticket (违纪处罚单).

Each is a frozen value with its full history of steps. An apply function returns a new value whose history is the
old one plus the step, or raises a DomainError and leaves the old value as it was. Who may take a step (the issuer
re-checks, the assignee submits, a site manager decides a contest) is the caller's business, except where the rule
is about the person the record is against. Every instant is an aware datetime in UTC.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

from webapp.domain.errors import DomainError


@dataclass(frozen=True)
class Step:
    """One thing someone did to a record, when, and what they said or chose."""

    action: str
    actor_id: int
    at: datetime
    note: str = ""
    deadline: datetime | None = None
    assignee_id: int | None = None
    value: str | None = None


def _aware(instant: datetime | None) -> None:
    if instant is not None and instant.tzinfo is None:
        raise ValueError("naive datetime given for an instant")


def _in_order(history: tuple[Step, ...], step: Step) -> None:
    """Refuse a step dated before the last one taken."""
    _aware(step.at)
    _aware(step.deadline)
    if history and step.at < history[-1].at:
        raise DomainError("step_out_of_order")


def _note(step: Step, code: str = "note_required") -> None:
    if not step.note.strip():
        raise DomainError(code)


def _future_deadline(step: Step) -> datetime:
    if step.deadline is None:
        raise DomainError("deadline_required")
    if step.deadline <= step.at:
        raise DomainError("deadline_in_past")
    return step.deadline


def _assignee(step: Step) -> int:
    if step.assignee_id is None:
        raise DomainError("assignee_required")
    return step.assignee_id


T = TypeVar("T", "Notice", "WorkOrder", "Violation")


def _apply(record: T, step: Step, rules: dict[str, tuple[tuple[str, ...], Callable[[T, Step], T]]]) -> T:
    """Check the step's place in time and whether its action is open from the record's state, then take it."""
    _in_order(record.history, step)
    rule = rules.get(step.action)
    if rule is None or record.state not in rule[0]:
        raise DomainError("action_not_allowed", action=step.action, state=record.state)
    changed = rule[1](record, step)
    return replace(changed, history=record.history + (step,))


# ---- rectification notice (整改通知单) ------------------------------------------------------------------------------

NOTICE_STATES = ("open", "submitted", "closed")

DEFAULT_DEADLINES: dict[str, timedelta] = {
    "critical": timedelta(hours=4),
    "high": timedelta(hours=24),
    "medium": timedelta(days=3),
    "low": timedelta(days=7),
}


@dataclass(frozen=True)
class Notice:
    """A rectification notice: open until the assignee submits the fix, closed when the issuer's re-check passes."""

    state: str
    issuer_id: int
    assignee_id: int | None
    deadline: datetime  # the deadline in force (a failed re-check or an extension replaces it)
    issued_at: datetime
    history: tuple[Step, ...]
    recheck_failures: int = 0
    submitted_at: datetime | None = None  # the submission awaiting or passing re-check; cleared by a failed re-check
    closed_at: datetime | None = None
    closed_on_time: bool | None = None


def default_deadline(severity: str, issued_at: datetime) -> datetime:
    """The deadline to fix a finding of this severity (限期整改), counted from when the notice is issued."""
    if severity not in DEFAULT_DEADLINES:
        raise DomainError("unknown_severity", severity=severity)
    return issued_at + DEFAULT_DEADLINES[severity]


def issue_notice(issuer_id: int, assignee_id: int | None, deadline: datetime, at: datetime, note: str = "") -> Notice:
    """A new open notice; its history starts with the issue step."""
    _aware(at)
    _aware(deadline)
    if deadline <= at:
        raise DomainError("deadline_in_past")
    first = Step("issue", issuer_id, at, note, deadline=deadline, assignee_id=assignee_id)
    return Notice("open", issuer_id, assignee_id, deadline, at, (first,))


def _submit(notice: Notice, step: Step) -> Notice:
    _note(step)
    return replace(notice, state="submitted", submitted_at=step.at)


def _pass(notice: Notice, step: Step) -> Notice:
    # the deadline cannot change while a notice is submitted, so the one in force now is the one at submission
    on_time = notice.submitted_at is not None and notice.submitted_at <= notice.deadline
    return replace(notice, state="closed", closed_at=step.at, closed_on_time=on_time)


def _fail(notice: Notice, step: Step) -> Notice:
    deadline = _future_deadline(step)
    _note(step)
    return replace(notice, state="open", deadline=deadline, recheck_failures=notice.recheck_failures + 1,
                   submitted_at=None)


def _reassign_notice(notice: Notice, step: Step) -> Notice:
    return replace(notice, assignee_id=_assignee(step))


def _extend(notice: Notice, step: Step) -> Notice:
    deadline = _future_deadline(step)
    _note(step)
    return replace(notice, deadline=deadline)


NOTICE_RULES: dict[str, tuple[tuple[str, ...], Callable[[Notice, Step], Notice]]] = {
    "submit": (("open",), _submit),
    "pass": (("submitted",), _pass),
    "fail": (("submitted",), _fail),
    "reassign": (("open", "submitted"), _reassign_notice),
    "extend": (("open",), _extend),
}


def apply_notice(notice: Notice, step: Step) -> Notice:
    """The notice after the step: submit, pass, fail (a failed re-check reopens it), reassign or extend."""
    return _apply(notice, step, NOTICE_RULES)


def notice_at(stored: Notice, history: tuple[Step, ...], cutoff: datetime) -> Notice:
    """The notice as it stood at `cutoff`, replayed from its history; `stored` when the history cannot be replayed."""
    if not history or history[0].action != "issue":
        return stored
    first = history[0]
    state = Notice("open", stored.issuer_id, first.assignee_id, first.deadline or stored.deadline, first.at, (first,))
    for step in history[1:]:
        if step.at > cutoff:
            break
        try:
            state = apply_notice(state, step)
        except DomainError:
            return stored  # a history the rules refuse: judge what is stored
    return state


def notice_overdue(notice: Notice, now: datetime) -> bool:
    """Whether the notice is still open past its deadline (a submitted one waits on the issuer, not the assignee)."""
    return notice.state == "open" and now > notice.deadline


# ---- repair work order (报修工单): 受理 → 派单 → 处理 → 反馈 → 回访 → 归档 -------------------------------------------------

ORDER_STATES = ("received", "assigned", "in_progress", "done", "followed_up", "archived")

CATEGORIES: dict[str, timedelta] = {
    "urgent": timedelta(minutes=30),  # e.g. a leak: someone on site within 30 minutes
    "electrical": timedelta(hours=24),
    "plumbing": timedelta(hours=24),
    "facility": timedelta(hours=72),
    "ordinary": timedelta(hours=24),
}

SATISFACTION = ("satisfied", "unsatisfied")


@dataclass(frozen=True)
class WorkOrder:
    """A repair work order from its receipt to its archiving, with its due time by category."""

    state: str
    category: str
    raised_by: int
    raised_at: datetime
    due_at: datetime
    assignee_id: int | None
    history: tuple[Step, ...]
    started_at: datetime | None = None  # when work first started; kept through a reopening
    done_at: datetime | None = None  # the latest finish; cleared when a follow-up reopens the order
    satisfied: bool | None = None  # the resident's answer at follow-up (回访); cleared by a reopening
    archived_at: datetime | None = None


def raise_order(raised_by: int, category: str, at: datetime) -> WorkOrder:
    """A newly received work order, due within its category's time."""
    _aware(at)
    if category not in CATEGORIES:
        raise DomainError("unknown_category", category=category)
    first = Step("raise", raised_by, at, value=category)
    return WorkOrder("received", category, raised_by, at, at + CATEGORIES[category], None, (first,))


def _assign(order: WorkOrder, step: Step) -> WorkOrder:
    return replace(order, state="assigned", assignee_id=_assignee(step))


def _reassign_order(order: WorkOrder, step: Step) -> WorkOrder:
    assignee = _assignee(step)
    _note(step, "reason_required")
    return replace(order, assignee_id=assignee)


def _start(order: WorkOrder, step: Step) -> WorkOrder:
    return replace(order, state="in_progress", started_at=order.started_at or step.at)


def _finish(order: WorkOrder, step: Step) -> WorkOrder:
    _note(step)
    return replace(order, state="done", done_at=step.at)


def _follow_up(order: WorkOrder, step: Step) -> WorkOrder:
    if step.value not in SATISFACTION:
        raise DomainError("satisfaction_required")
    satisfied = step.value == "satisfied"
    if not satisfied:
        _note(step)
    return replace(order, state="followed_up", satisfied=satisfied)


def _reopen(order: WorkOrder, step: Step) -> WorkOrder:
    if order.satisfied is not False:
        raise DomainError("action_not_allowed", action=step.action, state=order.state)
    _note(step)
    return replace(order, state="assigned", done_at=None, satisfied=None)


def _archive(order: WorkOrder, step: Step) -> WorkOrder:
    return replace(order, state="archived", archived_at=step.at)


ORDER_RULES: dict[str, tuple[tuple[str, ...], Callable[[WorkOrder, Step], WorkOrder]]] = {
    "assign": (("received",), _assign),
    "reassign": (("assigned", "in_progress"), _reassign_order),
    "start": (("assigned",), _start),
    "finish": (("in_progress",), _finish),
    "follow_up": (("done",), _follow_up),
    "reopen": (("followed_up",), _reopen),
    "archive": (("followed_up",), _archive),
}


def apply_order(order: WorkOrder, step: Step) -> WorkOrder:
    """The work order after the step: assign, reassign, start, finish, follow_up, reopen or archive."""
    return _apply(order, step, ORDER_RULES)


def order_overdue(order: WorkOrder, now: datetime) -> bool:
    """Whether the work is still not done past its due time."""
    return order.state in ("received", "assigned", "in_progress") and now > order.due_at


def done_on_time(order: WorkOrder) -> bool | None:
    """Whether the latest finish was within the due time; None while not done."""
    return None if order.done_at is None else order.done_at <= order.due_at


# ---- violation ticket (违纪处罚单) -----------------------------------------------------------------------------------

VIOLATION_STATES = ("issued", "acknowledged", "contested", "upheld", "overturned")
COUNTED_STATES = ("issued", "acknowledged", "upheld")
MAX_POINTS = 100


@dataclass(frozen=True)
class Violation:
    """A violation ticket against a person, with the points it deducts from their monthly assessment (考核)."""

    state: str
    person_id: int
    issuer_id: int
    points: int
    history: tuple[Step, ...]


def issue_violation(issuer_id: int, person_id: int, points: int, at: datetime, note: str = "") -> Violation:
    """A newly issued ticket; nobody writes one against themself."""
    _aware(at)
    if isinstance(points, bool) or not isinstance(points, int) or not 1 <= points <= MAX_POINTS:
        raise DomainError("invalid_points", points=points)
    if issuer_id == person_id:
        raise DomainError("self_violation")
    return Violation("issued", person_id, issuer_id, points, (Step("issue", issuer_id, at, note, value=str(points)),))


def _own(v: Violation, step: Step) -> None:
    if step.actor_id != v.person_id:
        raise DomainError("not_yours")


def _acknowledge(v: Violation, step: Step) -> Violation:
    _own(v, step)
    return replace(v, state="acknowledged")


def _contest(v: Violation, step: Step) -> Violation:
    _own(v, step)
    _note(step, "reason_required")
    return replace(v, state="contested")


def _decide(state: str) -> Callable[[Violation, Step], Violation]:
    def decide(v: Violation, step: Step) -> Violation:
        if step.actor_id == v.person_id:
            raise DomainError("self_decision")
        _note(step)
        return replace(v, state=state)
    return decide


VIOLATION_RULES: dict[str, tuple[tuple[str, ...], Callable[[Violation, Step], Violation]]] = {
    "acknowledge": (("issued",), _acknowledge),
    "contest": (("issued",), _contest),
    "uphold": (("contested",), _decide("upheld")),
    "overturn": (("contested",), _decide("overturned")),
}


def apply_violation(v: Violation, step: Step) -> Violation:
    """The ticket after the step: the person acknowledges or contests it; someone else upholds or overturns it."""
    return _apply(v, step, VIOLATION_RULES)


def counted_points(v: Violation) -> int:
    """The points that count against the person now: none while contested or once overturned."""
    return v.points if v.state in COUNTED_STATES else 0
