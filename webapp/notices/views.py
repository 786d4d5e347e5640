"""Rectification notices (整改通知单): issue in one tap, fix with an after-photo, re-check; lists and home blocks."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock, quality_steps
from webapp.access import ALL_ROLES, OVERSIGHT, allow, site_ids, visible_sites
from webapp.domain.errors import DomainError
from webapp.domain.lifecycles import Step
from webapp.extensions import db
from webapp.field.flows import device_id
from webapp.i18n import domain_message
from webapp.models import DEPARTMENTS
from webapp.notices import queries, services, sources
from webapp.notices.forms import NoticeForm, files, local_input, parse_local, submission_of
from webapp.rendering import render

bp = Blueprint("notices", __name__)

ERROR_FIELDS = {"deadline_in_past": "deadline", "assignee_required": "assignee"}


@bp.app_template_global()
def my_notices():
    """The signed-in person's notices to fix (for the home pages' block)."""
    return queries.for_assignee(current_user, clock.now())


@bp.app_template_global()
def overdue_notices(sites):
    """The overdue notices of these sites, among those the signed-in person may see (board, manager's pages)."""
    return queries.overdue_at(set(sites) & site_ids(current_user), clock.now())


@bp.app_template_global()
def notice_deadline_input(instant, tz):
    """An instant as a datetime-local value in the site's zone."""
    return local_input(instant, tz)


@bp.route("/notices")
@allow(OVERSIGHT)
def index():
    """The notices of my sites: filter by state, overdue, department and site; overdue in red."""
    filters = queries.Filters.read(request.args)
    return render("notices/index.html", lines=queries.listing(current_user, filters, clock.now()), filters=filters,
                  sites=visible_sites(current_user), departments=DEPARTMENTS)


@bp.route("/notices/mine")
@allow(ALL_ROLES)
def mine():
    """The notices I must fix, or that wait for their re-check."""
    return render("notices/mine.html", lines=queries.for_assignee(current_user, clock.now()))


@bp.route("/notices/new", methods=["GET", "POST"])
@allow(OVERSIGHT)
def new():
    """Issue a notice, prefilled from a failed inspection item, an incident, a gap, or blank for a site."""
    now = clock.now()
    form = sources.draft(current_user, request.args, now)
    if form is None:
        return render("notices/choose_site.html", status=400 if request.method == "POST" else 200,
                      sites=visible_sites(current_user))
    extra = sources.context(current_user, form, now)
    if request.method == "GET":
        return render("notices/new.html", form=form, **extra)
    form.read(request.form, request.files, extra["people"], {c.id for c in extra["checkpoints"]})
    notice = None if form.errors else _issue(form, extra["site"].timezone, now)
    if notice is None:
        return render("notices/new.html", status=400, form=form, **extra)
    flash(_("Notice issued to %(name)s.", name=notice.assignee.name), "ok")
    return redirect(url_for("notices.page", notice_id=notice.id))


def _issue(form: NoticeForm, tz: str, now):
    deadline = parse_local(form.deadline, tz)
    if deadline is None:
        form.errors["deadline"] = _("Set the deadline as a date and time.")
        return None
    try:
        return services.issue(current_user, site_ids(current_user), form, deadline, device_id(), now)
    except DomainError as error:
        db.session.rollback()
        field = ERROR_FIELDS.get(error.code, "photos" if error.code.startswith("photo_") else "form")
        form.errors[field] = domain_message(error)
        return None


@bp.route("/notices/<int:notice_id>")
@allow(ALL_ROLES)
def page(notice_id: int):
    """One notice: what, where, by when, its photos, every step with who and when, and the steps open to me."""
    return _page(queries.notice_in_scope(current_user, notice_id))


def _page(notice, status: int = 200, error: str | None = None, sent: dict | None = None):
    evidence, source = queries.photos_of(notice)
    return render("notices/page.html", status=status, notice=notice, evidence=evidence, source_photos=source,
                  steps=quality_steps.rows("notice", notice.id), allowed=services.allowed_steps(current_user, notice),
                  people=queries.people_of(notice.site_id), overdue=queries.is_overdue(notice, clock.now()),
                  error=error, sent=sent or {}, submission=submission_of(None))


@bp.route("/notices/<int:notice_id>/steps", methods=["POST"])
@allow(ALL_ROLES)
def step(notice_id: int):
    """Take one step: submit the fix, pass or fail the re-check, reassign, extend; on error nothing is lost."""
    notice = queries.notice_in_scope(current_user, notice_id)
    data, tz = request.form, notice.site.timezone
    action = data.get("action", "")
    taken = Step(action, current_user.id, clock.now(), data.get("note", ""),
                 deadline=parse_local(data.get("deadline", ""), tz), assignee_id=data.get("assignee_id", type=int))
    try:
        services.act(current_user, site_ids(current_user), notice, taken, files(request.files, "after"),
                     submission_of(data.get("submission")), device_id(), {p.id for p in queries.people_of(notice.site_id)})
    except DomainError as error:
        db.session.rollback()
        return _page(queries.notice_in_scope(current_user, notice_id), 400, domain_message(error), dict(data))
    flash(_("Saved."), "ok")
    return redirect(url_for("notices.page", notice_id=notice_id))
