"""Violation tickets (违纪处罚单): a supervisor writes one; the person acknowledges or contests; a manager decides."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock, quality_steps
from webapp.access import ALL_ROLES, QUALITY, allow, site_ids, visible_sites
from webapp.domain.errors import DomainError
from webapp.domain.lifecycles import Step
from webapp.extensions import db
from webapp.field.flows import device_id
from webapp.i18n import GROUP_LABELS, domain_message
from webapp.models import DEPARTMENTS
from webapp.notices.queries import by_department, people_of
from webapp.rendering import render
from webapp.violations import queries, services
from webapp.violations.forms import TicketForm

bp = Blueprint("violations", __name__)

ERROR_FIELDS = {"invalid_points": "points", "self_violation": "person"}


@bp.app_template_global()
def my_violations():
    """The tickets written against the signed-in person (for the home pages' block)."""
    return queries.against(current_user)


@bp.route("/violations")
@allow(QUALITY)
def index():
    """The tickets of my sites: filter by state, person and department."""
    filters = queries.Filters.read(request.args)
    people = sorted({p for s in visible_sites(current_user) for p in people_of(s.id)}, key=lambda p: p.name)
    return render("violations/index.html", tickets=queries.listing(current_user, filters), filters=filters,
                  people=people, departments=DEPARTMENTS)


@bp.route("/violations/mine")
@allow(ALL_ROLES)
def mine():
    """The tickets written against me, to acknowledge or contest."""
    return render("violations/mine.html", tickets=queries.against(current_user))


def _draft() -> TicketForm | None:
    inspection_id = request.args.get("inspection", type=int)
    if inspection_id:
        return TicketForm.blank(queries.inspection_in_scope(current_user, inspection_id).site_id, inspection_id)
    site_id = request.args.get("site", type=int)
    if site_id is None and len(site_ids(current_user)) == 1:
        site_id = next(iter(site_ids(current_user)))
    if site_id is not None and site_id not in site_ids(current_user):
        abort(404)
    return TicketForm.blank(site_id) if site_id is not None else None


@bp.route("/violations/new", methods=["GET", "POST"])
@allow(QUALITY)
def new():
    """Write a ticket against a person of a site: rule, points, what happened, evidence photos."""
    form = _draft()
    if form is None:
        return render("violations/choose_site.html", status=400 if request.method == "POST" else 200,
                      sites=visible_sites(current_user))
    people = [p for p in people_of(form.site_id) if p.id != current_user.id]
    context = {"groups": by_department(people), "rules": GROUP_LABELS["rule"],
               "site": next(s for s in visible_sites(current_user) if s.id == form.site_id)}
    if request.method == "GET":
        return render("violations/new.html", form=form, **context)
    ticket = None if form.read(request.form, request.files, people).errors else _issue(form)
    if ticket is None:
        return render("violations/new.html", status=400, form=form, **context)
    flash(_("Violation ticket written against %(name)s.", name=ticket.person.name), "ok")
    return redirect(url_for("violations.page", ticket_id=ticket.id))


def _issue(form: TicketForm):
    try:
        return services.issue(current_user, site_ids(current_user), form, device_id(), clock.now())
    except DomainError as error:
        db.session.rollback()
        field = ERROR_FIELDS.get(error.code, "photos" if error.code.startswith("photo_") else "form")
        form.errors[field] = domain_message(error)
        return None


@bp.route("/violations/<int:ticket_id>")
@allow(ALL_ROLES)
def page(ticket_id: int):
    """One ticket: the rule, points, what happened, its photos, every step with who and when."""
    return _page(queries.ticket_in_scope(current_user, ticket_id))


def _page(ticket, status: int = 200, error: str | None = None, sent: dict | None = None):
    return render("violations/page.html", status=status, ticket=ticket, photos=queries.photos_of(ticket),
                  steps=quality_steps.rows("violation", ticket.id), allowed=services.allowed_steps(current_user, ticket),
                  error=error, sent=sent or {})


@bp.route("/violations/<int:ticket_id>/steps", methods=["POST"])
@allow(ALL_ROLES)
def step(ticket_id: int):
    """Acknowledge, contest (with a reason), uphold or overturn (with a note); on error nothing is lost."""
    ticket = queries.ticket_in_scope(current_user, ticket_id)
    taken = Step(request.form.get("action", ""), current_user.id, clock.now(), request.form.get("note", ""))
    try:
        services.act(current_user, ticket, taken)
    except DomainError as error:
        db.session.rollback()
        return _page(queries.ticket_in_scope(current_user, ticket_id), 400, domain_message(error), dict(request.form))
    flash(_("Saved."), "ok")
    return redirect(url_for("violations.page", ticket_id=ticket_id))
