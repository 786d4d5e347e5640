"""The client portal: the client's sites, each site's live board read-only, released reports and the handover chain."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock
from webapp.access import allow, visible_sites
from webapp.assessments import picture
from webapp.board.queries import shift_to_show
from webapp.field.flows import photo_response
from webapp.handover import content, verification
from webapp.handover.queries import handover_of
from webapp.models import Role
from webapp.portal import queries, services
from webapp.rendering import render
from webapp.reports.jobs import file_bytes
from webapp.spreadsheets import without_names

bp = Blueprint("portal", __name__, url_prefix="/portal")

FORMATS = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.route("/")
@allow(Role.CLIENT)
def index():
    """The client's own sites, each with its board, reports and chain."""
    return render("portal/index.html", sites=visible_sites(current_user))


@bp.route("/sites/<int:site_id>")
@allow(Role.CLIENT, site_arg="site_id")
def board(site_id: int):
    """The site's live board, read-only: rounds, what is overdue, incidents, cleaning, gaps counted; names only if allowed."""
    now, site = clock.now(), queries.site_of(site_id)
    shift = shift_to_show(site_id, None, now)
    context = {"site": site, "shift": shift, "now": now, "names": current_user.company.clients_see_staff_names}
    if shift is not None:
        pic = picture(shift, now)
        record = content.build(pic, handover_of(shift.id))
        context.update(pic=pic, record=record, gaps=queries.gap_counts(record),
                       photos=queries.incident_photos([i.id for i in pic.incidents]))
    return render("portal/board.html", fragment="portal/_board.html", **context)


@bp.route("/sites/<int:site_id>/reports")
@allow(Role.CLIENT, site_arg="site_id")
def reports(site_id: int):
    """The service reports released to the client, with their PDF and XLSX."""
    return render("portal/reports.html", site=queries.site_of(site_id), reports=queries.released_reports(site_id))


@bp.route("/sites/<int:site_id>/reports/<int:report_id>.<fmt>")
@allow(Role.CLIENT, site_arg="site_id")
def report_file(site_id: int, report_id: int, fmt: str):
    """A released report's PDF or XLSX, as the report jobs stored it."""
    report = queries.released_report(site_id, report_id)
    if fmt not in FORMATS:
        abort(404)
    try:
        data = file_bytes(report, fmt)
    except (LookupError, FileNotFoundError):  # released without this file, or the store lost it: nothing to send
        abort(404)
    name = f"{report.site.code}-{report.kind}-{report.period_start}.{fmt}"
    if fmt == "xlsx" and not current_user.company.clients_see_staff_names:  # the PDF names no one; the sheets do
        data = without_names(data, queries.staff_names(current_user.company_id))
    return send_file(BytesIO(data), mimetype=FORMATS[fmt], as_attachment=True, download_name=name)


@bp.route("/sites/<int:site_id>/chain")
@allow(Role.CLIENT, site_arg="site_id")
def chain_check(site_id: int):
    """The handover chain verified record by record (no names of people); the head the client saw is witnessed."""
    report = verification.verify_site(site_id)
    verification.witness_head(report, "portal", clock.now(), person=current_user.id)
    return render("portal/chain.html", site=queries.site_of(site_id), report=report, names=False)


@bp.route("/photos/<int:photo_id>.jpg")
@allow(Role.CLIENT)
def photo(photo_id: int):
    """An incident's evidence photo at one of the client's sites (no other photo is shown)."""
    return photo_response(queries.evidence_photo(current_user, photo_id), True)


@bp.route("/settings", methods=["POST"])
@allow(Role.ADMIN)
def settings():
    """An administrator chooses whether the company's clients see staff names on the live board."""
    services.show_staff_names(current_user, request.form.get("staff_names") == "1")
    flash(_("Saved."), "ok")
    return redirect(url_for("setup.index"))
