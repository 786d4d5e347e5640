"""The live board (refreshed by htmx), a person's own exceptions, and the steps of a gap's life."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock
from webapp.access import ALL_ROLES, OVERSIGHT, allow
from webapp.assessments import picture
from webapp.auth.services import safe_next
from webapp.board import queries, services
from webapp.domain.errors import DomainError
from webapp.domain.exceptions import ACTIONS, allowed
from webapp.field.queries import incident_photos
from webapp.handover import content
from webapp.handover.queries import handover_of, shift_in_scope, waiting
from webapp.i18n import domain_message
from webapp.rendering import render

bp = Blueprint("board", __name__)


def _actions(pic, person, overseer: bool) -> dict[str, list[str]]:
    return {g.key: [a for a in ACTIONS if allowed(a, pic.life(g), g.person_id == person.id, overseer)]
            for g in pic.assessment.gaps}


def _filtered(gaps: list[dict], args) -> list[dict]:
    wanted = {name: args.get(name) for name in ("kind", "state", "severity") if args.get(name)}
    return [g for g in gaps if all(g[name] == value for name, value in wanted.items())]


@bp.route("/sites/<int:site_id>/board")
@allow(OVERSIGHT, site_arg="site_id")
def board(site_id: int):
    """The shift as it happens: rounds, who scanned what, what is overdue now, incidents, cleaning, every gap."""
    now = clock.now()
    shift = queries.shift_to_show(site_id, request.args.get("shift", type=int), now)
    context = {"site_id": site_id, "shift": shift, "now": now, "args": request.args,
               "shifts": queries.shifts_around(site_id, now),
               "waiting_handovers": waiting({site_id}),
               "overdue_before": now - timedelta(minutes=current_app.config["HANDOVER_OVERDUE_MINUTES"])}
    if shift is not None:
        pic = picture(shift, now)
        record = content.build(pic, handover_of(shift.id))
        context.update(pic=pic, record=record, gaps=_filtered(record["gaps"], request.args),
                       actions=_actions(pic, current_user, True),
                       incident_photos=incident_photos([i.id for i in pic.incidents if i.closed_at is None]))
    return render("board/page.html", fragment="board/_board.html", **context)


@bp.route("/exceptions")
@allow(ALL_ROLES)
def mine():
    """The gaps that concern me in my recent shifts, to explain from the phone."""
    now = clock.now()
    items = []
    for shift in queries.my_recent_shifts(current_user, now):
        pic = picture(shift, now)
        record = content.build(pic, None)
        own = {g.key for g in pic.assessment.gaps if g.person_id == current_user.id}
        actions = _actions(pic, current_user, False)
        items += [(shift, g, actions[g["key"]]) for g in record["gaps"] if g["key"] in own]
    return render("board/mine.html", items=items)


@bp.route("/shifts/<int:shift_id>/cover", methods=["POST"])
@allow(OVERSIGHT)
def cover(shift_id: int):
    """Put a cover person (顶班) on the running shift: their scans then count as the shift's own (audit-logged)."""
    shift = shift_in_scope(current_user, shift_id)
    try:
        person = services.add_cover(current_user, shift, request.form.get("person_id", type=int) or 0, clock.now())
        flash(_("%(name)s is on this shift now.", name=person.name), "ok")
    except DomainError as error:
        flash(domain_message(error), "error")
    return redirect(safe_next(request.form.get("next")) or url_for("home.lead"))


@bp.route("/shifts/<int:shift_id>/gaps", methods=["POST"])
@allow(ALL_ROLES)
def act(shift_id: int):
    """Take one step in a gap's life; who may take it is decided by the rules of exceptions."""
    shift = shift_in_scope(current_user, shift_id)
    form = request.form
    try:
        services.act(current_user, shift, form.get("key", ""), form.get("action", ""), form.get("text", ""), clock.now())
        flash(_("Saved."), "ok")
    except DomainError as error:
        flash(domain_message(error), "error")
    return redirect(safe_next(form.get("next")) or url_for("board.mine"))
