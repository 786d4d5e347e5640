"""Handover pages: the record of a shift, its signatures, its history, its chain and its PDF."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock
from webapp.access import OVERSIGHT, allow
from webapp.assessments import picture
from webapp.domain.days import day_or_none
from webapp.domain.errors import DomainError
from webapp.handover import content, pdf, queries, services, verification
from webapp.i18n import domain_message
from webapp.models import HandoverState
from webapp.rendering import render

bp = Blueprint("handover", __name__)


def _page(shift, error: str | None = None, status: int = 200):
    handover = queries.handover_of(shift.id)
    if handover is not None and handover.state == HandoverState.CLOSED:
        record = services.sealed_content(handover)
    else:
        record = content.build(picture(shift, clock.now()), handover)
    return render("handover/page.html", status=status, shift=shift, handover=handover, record=record, error=error,
                  form=request.form)


@bp.route("/shifts/<int:shift_id>/handover")
@allow(OVERSIGHT)
def page(shift_id: int):
    """The handover of a shift: built live until it is sealed, then exactly as sealed."""
    return _page(queries.shift_in_scope(current_user, shift_id))


@bp.route("/shifts/<int:shift_id>/handover", methods=["POST"])
@allow(OVERSIGHT)
def step(shift_id: int):
    """One step of the handover: open, save, sign, accept, refuse or add an addendum."""
    shift = queries.shift_in_scope(current_user, shift_id)
    try:
        done = _do(request.form.get("step", ""), shift)
    except DomainError as error:
        return _page(shift, domain_message(error), 400)
    flash(done, "ok")
    return redirect(url_for("handover.page", shift_id=shift.id))


def _do(step: str, shift) -> str:
    now, form = clock.now(), request.form
    if step == "open":
        services.open_for(shift, current_user, now)
        return _("Handover opened.")
    handover = queries.handover_of(shift.id)
    if handover is None:
        raise DomainError("handover_wrong_step")
    if step == "save" or (step == "sign" and "item_name" in form):
        # signing saves what the lead typed first: a refused signature or password loses nothing
        names, counts = form.getlist("item_name"), form.getlist("item_count")
        items = [(n.strip(), _count(c)) for n, c in zip(names, counts) if n.strip()]
        services.save_draft(handover, current_user, items, form.get("remarks_out", "").strip()[:4000])
        if step == "save":
            return _("Saved.")
    if step == "sign":
        services.sign_out(handover, current_user, form.get("password", ""), form.get("signature"), now)
        return _("Signed. Waiting for the incoming lead.")
    if step == "accept":
        counts = {i.id: _count(form[f"count-{i.id}"]) for i in handover.items if form.get(f"count-{i.id}", "") != ""}
        services.accept(handover, current_user, form.get("password", ""), form.get("signature"), counts,
                        form.get("remarks_in", ""), now, differences_confirmed=form.get("differences_confirmed") == "1")
        return _("Accepted. The handover is closed and sealed.")
    if step == "refuse":
        services.refuse(handover, current_user, form.get("password", ""), form.get("reason", ""), now)
        return _("Refusal recorded. The site manager sees it.")
    if step == "addendum":
        services.add_addendum(handover, current_user, form.get("password", ""), form.get("text", ""),
                              form.get("signature"), now)
        return _("Addendum added under the record.")
    raise DomainError("handover_wrong_step")


def _count(text: str) -> int:
    try:
        return max(0, min(int(text), 9999))
    except (TypeError, ValueError):
        raise DomainError("bad_count", value=text or "—") from None


@bp.route("/handovers/<int:handover_id>.pdf")
@allow(OVERSIGHT)
def as_pdf(handover_id: int):
    """The record as a printable 交接班记录 form."""
    handover = queries.handover_in_scope(current_user, handover_id)
    record = services.sealed_content(handover) if handover.content_json else content.build(
        picture(handover.shift, clock.now()), handover)
    data = pdf.render(record, handover, current_app.config["LABEL_FONT"], queries.chain_head(handover.site_id))
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="handover-{handover.id}.pdf"'})


@bp.route("/sites/<int:site_id>/handovers")
@allow(OVERSIGHT, site_arg="site_id")
def history(site_id: int):
    """A site's handovers, searchable by date and lead."""
    start, end = _date(request.args.get("from")), _date(request.args.get("to"))
    rows = queries.history(site_id, start, end, request.args.get("lead", ""))
    overdue_before = clock.now() - timedelta(minutes=current_app.config["HANDOVER_OVERDUE_MINUTES"])
    return render("handover/history.html", fragment="handover/_history_rows.html", site_id=site_id, rows=rows,
                  overdue_before=overdue_before, args=request.args)


def _date(text: str | None) -> date | None:
    return day_or_none(text)


@bp.route("/sites/<int:site_id>/handovers/verify")
@allow(OVERSIGHT, site_arg="site_id")
def verify(site_id: int):
    """Recompute the site's chain and every record's evidence, and show each record with its checks."""
    return render("handover/verify.html", site_id=site_id, report=verification.verify_site(site_id))
