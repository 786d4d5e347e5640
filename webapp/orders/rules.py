"""Who may take which step of a work order (the domain says when a step is possible, this says by whom)."""
from __future__ import annotations

from datetime import datetime

from webapp.domain.errors import DomainError
from webapp.domain.lifecycles import ORDER_RULES, Step, order_overdue
from webapp.domain.lifecycles import WorkOrder as Order
from webapp.models import Person, Role, WorkOrder

DISPATCH = frozenset({Role.LEAD, Role.MANAGER, Role.ADMIN, Role.FRONT_DESK})  # 派单, 改派, reopen
FOLLOW_UP = frozenset({Role.FRONT_DESK, Role.MANAGER, Role.LEAD})  # 回访: the call back to the resident
ARCHIVE = frozenset({Role.MANAGER, Role.ADMIN, Role.FRONT_DESK})  # 归档
OPEN_STATES = ("received", "assigned", "in_progress")  # the work is not done yet: these can be overdue
STEPS = tuple(ORDER_RULES)  # assign, reassign, start, finish, follow_up, reopen, archive


def as_domain(row: WorkOrder, history: tuple[Step, ...] = ()) -> Order:
    """The stored order as the domain's value."""
    return Order(state=row.state, category=row.category, raised_by=row.raised_by_id, raised_at=row.raised_at,
                 due_at=row.due_at, assignee_id=row.assignee_id, history=history, started_at=row.started_at,
                 done_at=row.done_at, satisfied=row.satisfied, archived_at=row.archived_at)


def write_back(row: WorkOrder, order: Order) -> None:
    """Copy the domain's new state onto the stored row."""
    row.state, row.assignee_id, row.due_at = order.state, order.assignee_id, order.due_at
    row.started_at, row.done_at, row.satisfied, row.archived_at = (order.started_at, order.done_at, order.satisfied,
                                                                   order.archived_at)


def overdue(row: WorkOrder, now: datetime) -> bool:
    """Whether the work is still not done past its due time."""
    return order_overdue(as_domain(row), now)


def _role_may(person: Person, row: WorkOrder, action: str) -> bool:
    role = person.role
    if action == "assign":
        return role in DISPATCH or role == Role.ENGINEER  # an engineer may take an unassigned order (接单)
    if action in ("reassign", "reopen"):
        return role in DISPATCH
    if action in ("start", "finish"):
        return row.assignee_id == person.id
    if action == "follow_up":
        return role in FOLLOW_UP
    if action == "archive":
        return role in ARCHIVE
    return False


def steps_for(person: Person, row: WorkOrder) -> list[str]:
    """The steps this person may take on the order now, in the order of its life."""
    return [a for a in STEPS if row.state in ORDER_RULES[a][0] and _role_may(person, row, a)
            and not (a == "reopen" and row.satisfied is not False)]


def check(person: Person, row: WorkOrder, action: str, assignee_id: int | None) -> None:
    """Refuse a step this person may not take, whatever the order's state."""
    if action not in STEPS:
        raise DomainError("order_step_unknown")
    if not _role_may(person, row, action):
        code = "order_not_assignee" if action in ("start", "finish") else "order_step_refused"
        raise DomainError(code)
    if action == "assign" and person.role == Role.ENGINEER and assignee_id != person.id:
        raise DomainError("order_step_refused")  # engineers take orders for themselves; dispatching is the desk's
