"""The only writer of violation tickets: issue one, and the person's answer and the manager's decision."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from webapp import quality_steps
from webapp.access import MANAGEMENT
from webapp.audit import record
from webapp.domain.errors import DomainError
from webapp.domain.lifecycles import Step, Violation, apply_violation, issue_violation
from webapp.extensions import db
from webapp.i18n import label_of
from webapp.models import Person, ViolationTicket
from webapp.notices.services import store_photos
from webapp.violations.forms import TicketForm

SUBJECT = "violation"
ACTIONS = ("acknowledge", "contest", "uphold", "overturn")


def issue(person: Person, person_sites: set[int], form: TicketForm, device: str, now: datetime) -> ViolationTicket:
    """Write a ticket against a person of the site, with its evidence photos; its history starts with the issue."""
    state = issue_violation(person.id, form.person_id, int(form.points), now, form.description)
    kept = store_photos(person, person_sites, form.site_id, form.submission, "evidence", form.photos, device, now)
    ticket = ViolationTicket(site_id=form.site_id, person_id=state.person_id, issuer_id=person.id,
                             inspection_id=form.inspection_id, rule=form.rule, description=form.description,
                             points=state.points, state=state.state, issued_at=now)
    db.session.add(ticket)
    db.session.flush()
    for photo in kept:
        photo.violation_id, photo.stage = ticket.id, "evidence"
    quality_steps.keep(SUBJECT, ticket.id, state.history[0])
    record(person, "violation_issued", "violation_ticket", ticket.id, site_id=ticket.site_id, person_id=ticket.person_id,
           rule=ticket.rule, points=ticket.points)
    db.session.commit()
    return ticket


def state_of(ticket: ViolationTicket) -> Violation:
    """The stored ticket as the domain's value, with its whole history."""
    return Violation(ticket.state, ticket.person_id, ticket.issuer_id, ticket.points,
                     quality_steps.history(SUBJECT, ticket.id))


def allowed_steps(person: Person, ticket: ViolationTicket) -> list[str]:
    """The steps this person may take on the ticket now."""
    if ticket.state == "issued" and person.id == ticket.person_id:
        return ["acknowledge", "contest"]
    if ticket.state == "contested" and person.role in MANAGEMENT and person.id != ticket.person_id:
        return ["uphold", "overturn"]
    return []


def act(person: Person, ticket: ViolationTicket, step: Step) -> None:
    """Acknowledge or contest (the person), uphold or overturn (a manager of the site); commit once."""
    if step.action not in ACTIONS:
        raise DomainError("action_not_allowed", action=step.action or "—", state=label_of("violation", ticket.state))
    if step.action in ("uphold", "overturn") and person.role not in MANAGEMENT:
        raise DomainError("violation_not_decider")
    try:
        changed = apply_violation(state_of(ticket), replace(step, note=step.note.strip()))
    except DomainError as error:
        if error.code == "action_not_allowed":
            raise DomainError(error.code, action=label_of("violation_step", step.action),
                              state=label_of("violation", ticket.state)) from error
        raise
    ticket.state = changed.state
    if step.action in ("uphold", "overturn"):
        ticket.decided_at = step.at
    quality_steps.keep(SUBJECT, ticket.id, changed.history[-1])
    record(person, f"violation_{step.action}", "violation_ticket", ticket.id, site_id=ticket.site_id,
           state=ticket.state, note=step.note.strip()[:200])
    db.session.commit()
