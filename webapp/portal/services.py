"""Writes for the client portal: the company's choice to show staff names to its clients."""
from __future__ import annotations

from webapp import audit
from webapp.extensions import db
from webapp.models import Person


def show_staff_names(actor: Person, shown: bool) -> None:
    """Let the company's clients see (or no longer see) staff names on the live board; audited."""
    company = actor.company
    before = company.clients_see_staff_names
    company.clients_see_staff_names = shown
    audit.record(actor, "update", "company", company.id, clients_see_staff_names=[before, shown])
    db.session.commit()
