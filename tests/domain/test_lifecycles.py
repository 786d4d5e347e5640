"""Rectification notices, repair work orders and violation tickets: each step, each refusal, and random lives."""
import copy
import random
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from webapp.domain.errors import DomainError
from webapp.domain.lifecycles import (
    CATEGORIES,
    DEFAULT_DEADLINES,
    NOTICE_STATES,
    ORDER_STATES,
    VIOLATION_STATES,
    Step,
    apply_notice,
    apply_order,
    apply_violation,
    counted_points,
    default_deadline,
    done_on_time,
    issue_notice,
    issue_violation,
    notice_overdue,
    order_overdue,
    raise_order,
)

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # 09:30 on a Monday in Shanghai, the supervisor's round
SUPERVISOR, CLEANER, CLEANER_2, FRONT_DESK, TECH, TECH_2, GUARD, MANAGER = 1, 2, 3, 4, 5, 6, 7, 8


def h(hours: float) -> datetime:
    """T0 plus some hours."""
    return T0 + timedelta(hours=hours)


def refused(code, apply, record, step):
    """The step is refused with `code`, and the record is exactly as it was."""
    before = copy.deepcopy(record)
    with pytest.raises(DomainError) as caught:
        apply(record, step)
    assert caught.value.code == code
    assert record == before
    return caught.value.params


def walk(apply, record, *steps):
    for step in steps:
        record = apply(record, step)
    return record


# ---- rectification notice (整改通知单) ------------------------------------------------------------------------------

def notice(deadline_hours=24, assignee=CLEANER):
    return issue_notice(SUPERVISOR, assignee, h(deadline_hours), T0, "Dust on the stairwell handrails, floors 3-5")


def submit(hours, note="Wiped, after-photo attached", actor=CLEANER):
    return Step("submit", actor, h(hours), note)


def test_a_notice_is_issued_open_with_its_first_step_in_the_history():
    n = notice()
    assert (n.state, n.issuer_id, n.assignee_id, n.deadline, n.issued_at) == ("open", SUPERVISOR, CLEANER, h(24), T0)
    (first,) = n.history
    assert (first.action, first.actor_id, first.at, first.deadline, first.assignee_id) == ("issue", SUPERVISOR, T0, h(24), CLEANER)
    assert (n.recheck_failures, n.submitted_at, n.closed_at, n.closed_on_time) == (0, None, None, None)


def test_a_notice_may_be_issued_to_nobody_yet_but_not_with_a_deadline_already_past():
    assert issue_notice(SUPERVISOR, None, h(4), T0).assignee_id is None
    for deadline in (T0, h(-1)):
        with pytest.raises(DomainError) as caught:
            issue_notice(SUPERVISOR, CLEANER, deadline, T0)
        assert caught.value.code == "deadline_in_past"


def test_the_default_deadline_follows_the_severity():
    assert {s: default_deadline(s, T0) - T0 for s in DEFAULT_DEADLINES} == {
        "critical": timedelta(hours=4), "high": timedelta(hours=24), "medium": timedelta(days=3), "low": timedelta(days=7)}
    with pytest.raises(DomainError) as caught:
        default_deadline("urgent", T0)
    assert caught.value.code == "unknown_severity" and caught.value.params == {"severity": "urgent"}


def test_the_cleaner_submits_the_fix_with_a_note_and_the_supervisor_passes_it_on_time():
    submitted = apply_notice(notice(), submit(6))
    assert (submitted.state, submitted.submitted_at) == ("submitted", h(6))
    closed = apply_notice(submitted, Step("pass", SUPERVISOR, h(30), "Checked, clean"))
    assert (closed.state, closed.closed_at, closed.closed_on_time) == ("closed", h(30), True)
    assert [s.action for s in closed.history] == ["issue", "submit", "pass"]


def test_a_fix_submitted_after_the_deadline_closes_late():
    closed = walk(apply_notice, notice(), submit(25), Step("pass", SUPERVISOR, h(26)))
    assert closed.closed_on_time is False


def test_a_submission_exactly_at_the_deadline_is_on_time():
    closed = walk(apply_notice, notice(), submit(24), Step("pass", SUPERVISOR, h(26)))
    assert closed.closed_on_time is True


def test_a_submission_without_a_note_is_refused():
    assert refused("note_required", apply_notice, notice(), submit(2, note="  ")) == {}


def test_a_failed_recheck_reopens_the_notice_with_a_new_deadline():
    submitted = apply_notice(notice(), submit(6))
    reopened = apply_notice(submitted, Step("fail", SUPERVISOR, h(8), "Still dusty on floor 5", deadline=h(12)))
    assert (reopened.state, reopened.deadline, reopened.recheck_failures, reopened.submitted_at) == ("open", h(12), 1, None)
    assert not notice_overdue(reopened, h(11)) and notice_overdue(reopened, h(13))


def test_closing_on_time_is_judged_by_the_deadline_in_force_when_the_fix_was_submitted():
    failed = walk(apply_notice, notice(), submit(6), Step("fail", SUPERVISOR, h(8), "Still dusty", deadline=h(48)))
    # 30 h is past the first deadline but within the new one
    closed = walk(apply_notice, failed, submit(30), Step("pass", SUPERVISOR, h(31)))
    assert closed.closed_on_time is True and closed.recheck_failures == 1
    late = walk(apply_notice, failed, submit(50), Step("pass", SUPERVISOR, h(51)))
    assert late.closed_on_time is False


def test_a_failed_recheck_needs_a_future_deadline_and_a_note():
    submitted = apply_notice(notice(), submit(6))
    refused("deadline_required", apply_notice, submitted, Step("fail", SUPERVISOR, h(8), "Still dusty"))
    refused("deadline_in_past", apply_notice, submitted, Step("fail", SUPERVISOR, h(8), "Still dusty", deadline=h(8)))
    refused("note_required", apply_notice, submitted, Step("fail", SUPERVISOR, h(8), deadline=h(20)))


def test_a_notice_is_reassigned_while_open_or_submitted_but_only_to_someone():
    n = notice()
    assert apply_notice(n, Step("reassign", SUPERVISOR, h(1), assignee_id=CLEANER_2)).assignee_id == CLEANER_2
    submitted = apply_notice(n, submit(2))
    moved = apply_notice(submitted, Step("reassign", SUPERVISOR, h(3), assignee_id=CLEANER_2))
    assert (moved.state, moved.assignee_id) == ("submitted", CLEANER_2)
    refused("assignee_required", apply_notice, n, Step("reassign", SUPERVISOR, h(1)))


def test_an_open_notice_is_extended_with_a_reason_to_a_later_deadline():
    extended = apply_notice(notice(), Step("extend", SUPERVISOR, h(20), "Waiting for a spare part", deadline=h(72)))
    assert extended.deadline == h(72) and extended.state == "open"
    refused("deadline_required", apply_notice, notice(), Step("extend", SUPERVISOR, h(20), "Part"))
    refused("deadline_in_past", apply_notice, notice(), Step("extend", SUPERVISOR, h(20), "Part", deadline=h(19)))
    refused("note_required", apply_notice, notice(), Step("extend", SUPERVISOR, h(20), deadline=h(72)))
    submitted = apply_notice(notice(), submit(2))
    params = refused("action_not_allowed", apply_notice, submitted, Step("extend", SUPERVISOR, h(3), "x", deadline=h(72)))
    assert params == {"action": "extend", "state": "submitted"}


@pytest.mark.parametrize("step", [
    Step("pass", SUPERVISOR, h(2)), Step("fail", SUPERVISOR, h(2), "x", deadline=h(9)), Step("issue", SUPERVISOR, h(2)),
    Step("close", SUPERVISOR, h(2)), Step("delete", SUPERVISOR, h(2)),
])
def test_an_open_notice_cannot_be_rechecked_before_a_fix_is_submitted_nor_closed_nor_deleted(step):
    assert refused("action_not_allowed", apply_notice, notice(), step) == {"action": step.action, "state": "open"}


@pytest.mark.parametrize("step", [
    submit(40), Step("pass", SUPERVISOR, h(40)), Step("fail", SUPERVISOR, h(40), "x", deadline=h(90)),
    Step("reassign", SUPERVISOR, h(40), assignee_id=CLEANER_2), Step("extend", SUPERVISOR, h(40), "x", deadline=h(90)),
])
def test_a_closed_notice_accepts_nothing(step):
    closed = walk(apply_notice, notice(), submit(6), Step("pass", SUPERVISOR, h(7)))
    assert refused("action_not_allowed", apply_notice, closed, step)["state"] == "closed"


def test_a_step_dated_before_the_last_one_is_refused_but_the_same_instant_is_not():
    submitted = apply_notice(notice(), submit(6))
    refused("step_out_of_order", apply_notice, submitted, Step("pass", SUPERVISOR, h(5)))
    assert apply_notice(submitted, Step("pass", SUPERVISOR, h(6))).state == "closed"


def test_only_an_open_notice_past_its_deadline_is_overdue():
    n = notice()
    assert not notice_overdue(n, h(24)) and notice_overdue(n, h(24.01))
    assert not notice_overdue(apply_notice(n, submit(23)), h(30))
    assert not notice_overdue(walk(apply_notice, n, submit(23), Step("pass", SUPERVISOR, h(23))), h(99))


def test_a_naive_instant_is_a_programming_error():
    with pytest.raises(ValueError):
        apply_notice(notice(), Step("submit", CLEANER, datetime(2026, 3, 2, 9), "fixed"))


# ---- work order (报修工单) -----------------------------------------------------------------------------------------

def order(category="plumbing"):
    return raise_order(FRONT_DESK, category, T0)


def test_a_work_order_is_received_due_within_its_categorys_time():
    assert {c: raise_order(FRONT_DESK, c, T0).due_at - T0 for c in CATEGORIES} == {
        "urgent": timedelta(minutes=30), "electrical": timedelta(hours=24), "plumbing": timedelta(hours=24),
        "facility": timedelta(hours=72), "ordinary": timedelta(hours=24)}
    o = order()
    assert (o.state, o.raised_by, o.raised_at, o.assignee_id) == ("received", FRONT_DESK, T0, None)
    assert [(s.action, s.value) for s in o.history] == [("raise", "plumbing")]
    with pytest.raises(DomainError) as caught:
        raise_order(FRONT_DESK, "gardening", T0)
    assert caught.value.code == "unknown_category" and caught.value.params == {"category": "gardening"}


def test_a_leak_goes_from_received_to_archived_受理_派单_处理_反馈_回访_归档():
    archived = walk(
        apply_order, order("urgent"),
        Step("assign", FRONT_DESK, h(0.05), assignee_id=TECH),
        Step("start", TECH, h(0.3)),
        Step("finish", TECH, h(0.45), "Valve replaced, after-photo attached"),
        Step("follow_up", FRONT_DESK, h(3), value="satisfied"),
        Step("archive", FRONT_DESK, h(4)),
    )
    assert (archived.state, archived.assignee_id, archived.started_at, archived.done_at) == ("archived", TECH, h(0.3), h(0.45))
    assert (archived.satisfied, archived.archived_at, done_on_time(archived)) == (True, h(4), True)
    assert [s.action for s in archived.history] == ["raise", "assign", "start", "finish", "follow_up", "archive"]


def test_assigning_needs_someone_to_assign_to():
    refused("assignee_required", apply_order, order(), Step("assign", FRONT_DESK, h(1)))


def test_a_reassignment_records_who_and_why_while_assigned_or_in_progress():
    assigned = apply_order(order(), Step("assign", FRONT_DESK, h(1), assignee_id=TECH))
    moved = apply_order(assigned, Step("reassign", FRONT_DESK, h(2), "Tech on leave", assignee_id=TECH_2))
    assert (moved.state, moved.assignee_id, moved.history[-1].note) == ("assigned", TECH_2, "Tech on leave")
    started = apply_order(assigned, Step("start", TECH, h(2)))
    assert apply_order(started, Step("reassign", FRONT_DESK, h(3), "Needs an electrician", assignee_id=TECH_2)).state == "in_progress"
    refused("reason_required", apply_order, assigned, Step("reassign", FRONT_DESK, h(2), " ", assignee_id=TECH_2))
    refused("assignee_required", apply_order, assigned, Step("reassign", FRONT_DESK, h(2), "Tech on leave"))
    refused("action_not_allowed", apply_order, order(), Step("reassign", FRONT_DESK, h(2), "x", assignee_id=TECH_2))


def test_work_is_started_only_once_assigned_and_finished_only_with_a_note():
    refused("action_not_allowed", apply_order, order(), Step("start", TECH, h(1)))
    started = walk(apply_order, order(), Step("assign", FRONT_DESK, h(1), assignee_id=TECH), Step("start", TECH, h(2)))
    assert (started.state, started.started_at) == ("in_progress", h(2))
    refused("note_required", apply_order, started, Step("finish", TECH, h(3)))
    done = apply_order(started, Step("finish", TECH, h(3), "Fixed"))
    assert (done.state, done.done_at) == ("done", h(3))


def done_order(finish_hours=3):
    return walk(apply_order, order(), Step("assign", FRONT_DESK, h(1), assignee_id=TECH), Step("start", TECH, h(2)),
                Step("finish", TECH, h(finish_hours), "Fixed"))


def test_the_follow_up_records_the_residents_answer_and_an_unhappy_one_needs_a_note():
    refused("satisfaction_required", apply_order, done_order(), Step("follow_up", FRONT_DESK, h(5)))
    refused("satisfaction_required", apply_order, done_order(), Step("follow_up", FRONT_DESK, h(5), "ok", value="ok"))
    refused("note_required", apply_order, done_order(), Step("follow_up", FRONT_DESK, h(5), value="unsatisfied"))
    unhappy = apply_order(done_order(), Step("follow_up", FRONT_DESK, h(5), "Still drips", value="unsatisfied"))
    assert (unhappy.state, unhappy.satisfied) == ("followed_up", False)


def test_an_unsatisfied_follow_up_reopens_the_order_for_more_work():
    unhappy = apply_order(done_order(), Step("follow_up", FRONT_DESK, h(5), "Still drips", value="unsatisfied"))
    refused("note_required", apply_order, unhappy, Step("reopen", FRONT_DESK, h(6)))
    reopened = apply_order(unhappy, Step("reopen", FRONT_DESK, h(6), "Resident reports a drip"))
    assert (reopened.state, reopened.done_at, reopened.satisfied, reopened.assignee_id) == ("assigned", None, None, TECH)
    assert done_on_time(reopened) is None
    again = walk(apply_order, reopened, Step("start", TECH, h(7)), Step("finish", TECH, h(8), "Seal replaced"))
    assert (again.started_at, again.done_at) == (h(2), h(8))  # started_at is when work first began


def test_a_satisfied_order_is_not_reopened_but_any_followed_up_order_is_archived():
    happy = apply_order(done_order(), Step("follow_up", FRONT_DESK, h(5), value="satisfied"))
    assert refused("action_not_allowed", apply_order, happy, Step("reopen", FRONT_DESK, h(6), "x")) == {
        "action": "reopen", "state": "followed_up"}
    unhappy = apply_order(done_order(), Step("follow_up", FRONT_DESK, h(5), "Rude", value="unsatisfied"))
    assert apply_order(unhappy, Step("archive", MANAGER, h(6))).state == "archived"
    refused("action_not_allowed", apply_order, done_order(), Step("archive", MANAGER, h(6)))


def test_an_archived_order_accepts_nothing():
    archived = walk(apply_order, done_order(), Step("follow_up", FRONT_DESK, h(5), value="satisfied"),
                    Step("archive", MANAGER, h(6)))
    for action in ("assign", "reassign", "start", "finish", "follow_up", "reopen", "archive"):
        step = Step(action, MANAGER, h(7), "x", assignee_id=TECH, value="satisfied")
        assert refused("action_not_allowed", apply_order, archived, step)["state"] == "archived"


def test_an_order_is_overdue_until_done_and_done_on_time_compares_with_the_due_time():
    o = order()
    assert not order_overdue(o, h(24)) and order_overdue(o, h(25))
    assert done_on_time(o) is None
    assert not order_overdue(done_order(30), h(40)) and done_on_time(done_order(30)) is False
    assert done_on_time(done_order(24)) is True


def test_an_order_step_dated_before_the_last_is_refused():
    refused("step_out_of_order", apply_order, order(), Step("assign", FRONT_DESK, h(-1), assignee_id=TECH))


# ---- violation ticket (违纪处罚单) ----------------------------------------------------------------------------------

def ticket(points=5):
    return issue_violation(SUPERVISOR, GUARD, points, T0, "Asleep at the gate post at 03:10")


def test_a_ticket_is_issued_with_its_points_and_counts_at_once():
    v = ticket()
    assert (v.state, v.person_id, v.issuer_id, v.points, counted_points(v)) == ("issued", GUARD, SUPERVISOR, 5, 5)
    assert [(s.action, s.actor_id, s.note) for s in v.history] == [("issue", SUPERVISOR, "Asleep at the gate post at 03:10")]


@pytest.mark.parametrize("points", [0, -3, 101, True, 2.5])
def test_points_outside_1_to_100_are_refused(points):
    with pytest.raises(DomainError) as caught:
        issue_violation(SUPERVISOR, GUARD, points, T0)
    assert caught.value.code == "invalid_points" and caught.value.params == {"points": points}


def test_nobody_writes_a_ticket_against_themself():
    with pytest.raises(DomainError) as caught:
        issue_violation(SUPERVISOR, SUPERVISOR, 5, T0)
    assert caught.value.code == "self_violation"


def test_only_the_person_acknowledges_their_ticket():
    refused("not_yours", apply_violation, ticket(), Step("acknowledge", MANAGER, h(1)))
    acknowledged = apply_violation(ticket(), Step("acknowledge", GUARD, h(1)))
    assert acknowledged.state == "acknowledged" and counted_points(acknowledged) == 5
    refused("action_not_allowed", apply_violation, acknowledged, Step("contest", GUARD, h(2), "I was awake"))


def test_the_person_contests_with_a_reason_and_the_points_wait_for_the_decision():
    refused("not_yours", apply_violation, ticket(), Step("contest", MANAGER, h(1), "On his behalf"))
    refused("reason_required", apply_violation, ticket(), Step("contest", GUARD, h(1), ""))
    contested = apply_violation(ticket(), Step("contest", GUARD, h(1), "I was on the radio, not asleep"))
    assert contested.state == "contested" and counted_points(contested) == 0


def test_someone_else_upholds_or_overturns_a_contested_ticket_with_a_note():
    contested = apply_violation(ticket(8), Step("contest", GUARD, h(1), "I was on the radio"))
    refused("self_decision", apply_violation, contested, Step("overturn", GUARD, h(2), "I say so"))
    refused("note_required", apply_violation, contested, Step("uphold", MANAGER, h(2)))
    upheld = apply_violation(contested, Step("uphold", MANAGER, h(2), "Camera shows him asleep"))
    assert (upheld.state, counted_points(upheld)) == ("upheld", 8)
    overturned = apply_violation(contested, Step("overturn", MANAGER, h(2), "Radio log confirms"))
    assert (overturned.state, counted_points(overturned)) == ("overturned", 0)
    refused("action_not_allowed", apply_violation, ticket(), Step("uphold", MANAGER, h(2), "x"))
    for decided in (upheld, overturned):
        refused("action_not_allowed", apply_violation, decided, Step("contest", GUARD, h(3), "again"))


# ---- random lives ---------------------------------------------------------------------------------------------------

CODES = {"action_not_allowed", "step_out_of_order", "note_required", "deadline_required", "deadline_in_past",
         "assignee_required", "reason_required", "satisfaction_required", "not_yours", "self_decision"}
PEOPLE = (SUPERVISOR, CLEANER, GUARD, GUARD, TECH, MANAGER)
lives = settings(max_examples=100, deadline=None)

# what each state is meant to accept, so that random lives mostly try something sensible and get far
NOTICE_NEXT = {"open": ("submit", "reassign", "extend"), "submitted": ("pass", "fail", "reassign"), "closed": ()}
ORDER_NEXT = {"received": ("assign",), "assigned": ("start", "reassign"), "in_progress": ("finish", "reassign"),
              "done": ("follow_up",), "followed_up": ("reopen", "archive"), "archived": ()}
VIOLATION_NEXT = {"issued": ("acknowledge", "contest"), "contested": ("uphold", "overturn"),
                  "acknowledged": (), "upheld": (), "overturned": ()}


def step_fields(sensible, every):
    """One random step's fields: usually an action the state accepts, with what it needs; sometimes anything at all."""
    return st.tuples(
        st.sampled_from(sensible * 5 + every),
        st.sampled_from(PEOPLE),
        st.integers(min_value=-60, max_value=600),  # minutes after the last step; one in eleven goes back in time
        st.sampled_from(("fixed, photo attached",) * 5 + ("", "   ")),
        st.integers(min_value=-500, max_value=4000).map(lambda m: None if m < -250 else m),  # minutes after the step
        st.sampled_from(PEOPLE + (None,)),
        st.sampled_from(("satisfied", "unsatisfied") * 3 + (None, "meh")),
    )


def random_step(data, record, next_actions):
    """A random step for the record in its present state, dated from its last step."""
    every = tuple(sorted({a for actions in next_actions.values() for a in actions})) + ("delete", "issue")
    action, actor, minutes, note, deadline, assignee, value = data.draw(
        step_fields(next_actions[record.state] or every, every))
    at = record.history[-1].at + timedelta(minutes=minutes)
    return Step(action, actor, at, note, deadline=None if deadline is None else at + timedelta(minutes=deadline),
                assignee_id=assignee, value=value)


def live(apply, record, data, next_actions, invariant):
    """Offer random steps; an accepted one appends exactly itself, a refused one changes nothing."""
    invariant(record)
    for _ in range(data.draw(st.integers(min_value=0, max_value=25))):
        step = random_step(data, record, next_actions)
        before = copy.deepcopy(record)
        try:
            after = apply(record, step)
        except DomainError as refusal:
            assert refusal.code in CODES
            assert record == before
            continue
        assert after.history == before.history + (step,)
        assert record == before  # the old value is untouched
        invariant(after)
        record = after
    event(f"ends {record.state}")
    return record


def notice_invariant(n):
    assert n.state in NOTICE_STATES
    assert n.history[0].action == "issue" and all(a.at <= b.at for a, b in zip(n.history, n.history[1:]))
    assert n.recheck_failures == sum(s.action == "fail" for s in n.history)
    if n.state == "closed":
        assert n.submitted_at is not None and n.closed_at is not None and n.closed_on_time is not None
    else:
        assert n.closed_at is None and n.closed_on_time is None
    assert (n.submitted_at is not None) == (n.state != "open")
    assert n.deadline > n.issued_at


def order_invariant(o):
    assert o.state in ORDER_STATES
    assert o.history[0].action == "raise" and all(a.at <= b.at for a, b in zip(o.history, o.history[1:]))
    if o.state == "archived":
        assert o.done_at is not None and o.archived_at is not None
    if o.state in ("done", "followed_up", "archived"):
        assert o.done_at is not None and o.started_at is not None
    if o.state != "received":
        assert o.assignee_id is not None
    assert (o.satisfied is not None) == (o.state in ("followed_up", "archived"))
    assert o.due_at == o.raised_at + CATEGORIES[o.category]


def violation_invariant(v):
    assert v.state in VIOLATION_STATES
    assert counted_points(v) in {0, v.points}
    assert (counted_points(v) == 0) == (v.state in ("contested", "overturned"))
    assert (v.person_id, v.issuer_id, v.points) == (GUARD, SUPERVISOR, 5)


@lives
@given(st.data())
def test_no_life_of_a_notice_reaches_an_invalid_state_or_loses_history(data):
    live(apply_notice, notice(), data, NOTICE_NEXT, notice_invariant)


@lives
@given(st.sampled_from(tuple(CATEGORIES)), st.data())
def test_no_life_of_a_work_order_reaches_an_invalid_state_or_loses_history(category, data):
    live(apply_order, raise_order(FRONT_DESK, category, T0), data, ORDER_NEXT, order_invariant)


@lives
@given(st.data())
def test_no_life_of_a_violation_reaches_an_invalid_state_or_loses_history(data):
    live(apply_violation, ticket(), data, VIOLATION_NEXT, violation_invariant)


def test_random_lives_do_reach_every_state():
    """The random lives are not all refusals: a seeded walk of sensible steps reaches every state of each record."""
    rng = random.Random(10)
    reached: dict[str, set[str]] = {"notice": set(), "order": set(), "violation": set()}

    def wander(kind, apply, record, next_actions):
        for _ in range(30):
            reached[kind].add(record.state)
            if not next_actions[record.state]:
                break
            step = Step(rng.choice(next_actions[record.state]), rng.choice(PEOPLE),
                        record.history[-1].at + timedelta(minutes=rng.randint(0, 300)), "note",
                        deadline=record.history[-1].at + timedelta(days=9), assignee_id=TECH,
                        value=rng.choice(("satisfied", "unsatisfied")))
            try:
                record = apply(record, step)
            except DomainError:
                pass
        reached[kind].add(record.state)

    for _ in range(30):
        wander("notice", apply_notice, notice(), NOTICE_NEXT)
        wander("order", apply_order, order(), ORDER_NEXT)
        wander("violation", apply_violation, ticket(), VIOLATION_NEXT)
    assert reached == {"notice": set(NOTICE_STATES), "order": set(ORDER_STATES), "violation": set(VIOLATION_STATES)}


class NoticeMachine(RuleBasedStateMachine):
    """A notice driven by hypothesis' stateful engine: the issuer, the assignee and the clock take turns."""

    def __init__(self):
        super().__init__()
        self.notice = notice()
        self.now = T0
        self.accepted = 1

    def offer(self, step):
        before = self.notice
        try:
            self.notice = apply_notice(self.notice, step)
        except DomainError:
            assert self.notice == before
            return
        self.accepted += 1
        self.now = step.at

    @rule(minutes=st.integers(min_value=0, max_value=3000))
    def wait(self, minutes):
        self.now += timedelta(minutes=minutes)

    @rule(note=st.sampled_from(("Wiped", "")))
    def assignee_submits(self, note):
        self.offer(Step("submit", CLEANER, self.now, note))

    @rule()
    def issuer_passes(self):
        self.offer(Step("pass", SUPERVISOR, self.now, "OK"))

    @rule(hours=st.integers(min_value=-2, max_value=72))
    def issuer_fails(self, hours):
        self.offer(Step("fail", SUPERVISOR, self.now, "Still dusty", deadline=self.now + timedelta(hours=hours)))

    @rule(hours=st.integers(min_value=-2, max_value=72))
    def issuer_extends(self, hours):
        self.offer(Step("extend", SUPERVISOR, self.now, "Spare part", deadline=self.now + timedelta(hours=hours)))

    @rule(person=st.sampled_from((CLEANER, CLEANER_2, None)))
    def issuer_reassigns(self, person):
        self.offer(Step("reassign", SUPERVISOR, self.now, assignee_id=person))

    @invariant()
    def sound(self):
        notice_invariant(self.notice)
        assert len(self.notice.history) == self.accepted
        if self.notice.state == "closed":
            submitted = [s for s in self.notice.history if s.action == "submit"][-1]
            assert self.notice.submitted_at == submitted.at
        assert notice_overdue(self.notice, self.now) == (self.notice.state == "open" and self.now > self.notice.deadline)


NoticeMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
test_a_notice_run_by_the_stateful_engine_keeps_its_rules = NoticeMachine.TestCase
