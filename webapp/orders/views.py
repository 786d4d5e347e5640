"""Repair work order pages (报修工单): my orders, the list, raising one, and each order with the steps of its life."""
from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock, quality_steps
from webapp.access import REPAIRS, allow, site_ids
from webapp.auth.services import safe_next
from webapp.domain.errors import DomainError
from webapp.domain.lifecycles import CATEGORIES, ORDER_STATES
from webapp.equipment import queries as equipment_queries
from webapp.equipment.labels import plant_label
from webapp.extensions import db
from webapp.field import flows
from webapp.field.queries import site_checkpoints
from webapp.i18n import domain_message, label_of, site_time
from webapp.models import Role, WorkOrder
from webapp.orders import queries, rules, services
from webapp.orders.forms import OrderForm, StepForm
from webapp.rendering import render

bp = Blueprint("orders", __name__)

REFUSED = {"order_step_refused": 403, "order_not_assignee": 403, "action_not_allowed": 409, "step_out_of_order": 409}


@bp.route("/orders/mine")
@allow(REPAIRS)
def mine():
    """What waits on me: orders assigned to me or to take, calls to make back, what I raised; my notices too."""
    now = clock.now()
    maintenance = equipment_queries.due_for(site_ids(current_user), now) if current_user.role == Role.ENGINEER else []
    return render("orders/mine.html", mine=queries.mine(current_user, now), now=now, rules=rules,
                  maintenance=maintenance, plant_label=plant_label)


@bp.route("/orders")
@allow(REPAIRS)
def index():
    """The orders of my sites, filtered by state, category, overdue and engineer (the list alone for htmx)."""
    now, sites = clock.now(), site_ids(current_user)
    filters = queries.Filters.read(request.args, sites)
    return render("orders/index.html", fragment="orders/_list.html", orders=queries.listing(sites, filters, now),
                  filters=filters, now=now, rules=rules, states=ORDER_STATES, categories=CATEGORIES,
                  engineers=queries.engineers_of(sites), sites=queries.sites_of(current_user))


def _form_page(form: OrderForm, incident, status: int = 200):
    sites = site_ids(current_user)
    return render("orders/new.html", status=status, form=form, incident=incident, categories=CATEGORIES,
                  places=site_checkpoints({incident.site_id} if incident else sites), sites=queries.sites_of(current_user),
                  incident_photos=queries.incident_photos(incident.id if incident else None),
                  earlier=queries.orders_of_incident(incident.id) if incident else [])


@bp.route("/orders/new", methods=["GET", "POST"])
@allow(REPAIRS)
def new():
    """Receive a repair (受理): a resident's call, something seen on site, or an incident (?incident=<id>)."""
    incident_id = request.values.get("incident", type=int)
    incident = queries.incident_in_scope(current_user, incident_id) if incident_id else None
    if request.method == "GET":
        return _form_page(OrderForm.blank(site_ids(current_user), incident), incident)
    places = site_checkpoints(site_ids(current_user))
    form = OrderForm.read(request.form, request.files, places, site_ids(current_user), incident)
    if not form.errors:
        try:
            order = services.raise_order(current_user, form, flows.device_id(), clock.now())
        except DomainError as error:
            db.session.rollback()
            form.errors["form"] = domain_message(error)
    if form.errors:
        return _form_page(form, incident, 400)
    flash(_("Work order %(number)s received, due %(due)s.", number=order.id, due=_due(order)), "ok")
    return redirect(url_for("orders.detail", order_id=order.id))


def _due(order: WorkOrder) -> str:
    return site_time(order.due_at, order.site.timezone)


def _detail(order: WorkOrder, error: str | None = None, status: int = 200, form=None):
    return render("orders/detail.html", status=status, order=order, now=clock.now(), rules=rules, error=error,
                  form=form or {}, submission=str(uuid.uuid4()), steps=rules.steps_for(current_user, order),
                  history=quality_steps.rows(services.SUBJECT, order.id), photos=queries.order_photos(order.id),
                  incident_photos=queries.incident_photos(order.incident_id),
                  engineers=queries.engineers_at({order.site_id})[order.site_id])


@bp.route("/orders/<int:order_id>")
@allow(REPAIRS)
def detail(order_id: int):
    """One order: what, where, who called, due when, photos before and after, every step with who and when."""
    return _detail(queries.order_in_scope(current_user, order_id))


@bp.route("/orders/<int:order_id>/steps", methods=["POST"])
@allow(REPAIRS)
def step(order_id: int):
    """Assign, reassign, start, finish, follow up, reopen or archive; a refused step keeps what was typed."""
    order = queries.order_in_scope(current_user, order_id)
    form = StepForm.read(request.form, request.files)
    try:
        done = services.take_step(current_user, order, form, flows.device_id(), clock.now())
    except DomainError as error:
        db.session.rollback()
        if error.code == "action_not_allowed":  # say the step and the state in words, not their codes
            error = DomainError(error.code, action=label_of("order_step", form.action),
                                state=label_of("order", order.state))
        return _detail(queries.order_in_scope(current_user, order_id), domain_message(error),
                       REFUSED.get(error.code, 400), request.form)
    flash(_("%(step)s: saved.", step=label_of("order_step", done)), "ok")
    return redirect(safe_next(request.form.get("next")) or url_for("orders.detail", order_id=order.id))
