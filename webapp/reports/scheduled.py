"""Pages of generated reports (review and release) and the monthly quality meeting pack; routes on the reports blueprint."""
from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock
from webapp.access import MANAGEMENT, QUALITY, allow
from webapp.domain.days import day_or_none
from webapp.domain.errors import DomainError
from webapp.domain.timezones import to_local, zone
from webapp.i18n import domain_message
from webapp.rendering import render
from webapp.reports import generated, jobs, meeting, queries
from webapp.reports.views import XLSX, bp

bp.record(lambda state: jobs.init_app(state.app))
PAGE, FRAGMENT = "reports/generated.html", "reports/_generated.html"


def _list(site_id: int, status: int = 200, error: str | None = None):
    site = queries.site_of(site_id)
    return render(PAGE, FRAGMENT, status=status, site=site, reports=generated.listing(site_id), error=error,
                  can_act=current_user.role in MANAGEMENT, kinds=generated.KINDS)


@bp.route("/sites/<int:site_id>/generated-reports")
@allow(QUALITY, site_arg="site_id")
def generated_list(site_id: int):
    """The site's generated reports: state and progress (polled while building), downloads, release."""
    return _list(site_id)


@bp.route("/sites/<int:site_id>/generated-reports", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def generate(site_id: int):
    """Queue a report for a chosen period; the list shows its progress."""
    try:
        generated.request_report(queries.site_of(site_id), request.form, current_user)
    except DomainError as error:
        return _list(site_id, 400, domain_message(error))
    flash(_("The report is being generated."))
    return redirect(url_for("reports.generated_list", site_id=site_id), 303)


@bp.route("/sites/<int:site_id>/generated-reports/<int:report_id>/release", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def release(site_id: int, report_id: int):
    """Release a ready report to the client."""
    try:
        generated.release(generated.one(site_id, report_id), current_user)
    except DomainError as error:
        return _list(site_id, 409, domain_message(error))
    flash(_("Released to the client."))
    return redirect(url_for("reports.generated_list", site_id=site_id), 303)


@bp.route("/sites/<int:site_id>/generated-reports/<int:report_id>.<any(pdf, xlsx):fmt>")
@allow(QUALITY, site_arg="site_id")
def generated_file(site_id: int, report_id: int, fmt: str):
    """A built report's PDF or XLSX."""
    report = generated.one(site_id, report_id)
    if report.state != "ready":
        abort(404)
    try:
        data = jobs.file_bytes(report, fmt)
    except (LookupError, FileNotFoundError):
        abort(404)
    return send_file(BytesIO(data), mimetype="application/pdf" if fmt == "pdf" else XLSX, as_attachment=fmt == "xlsx",
                     download_name=f"{report.kind}-{report.site_id}-{report.period_start}-{report.period_end}.{fmt}")


@bp.route("/sites/<int:site_id>/meeting-pack")
@allow(QUALITY, site_arg="site_id")
def meeting_pack(site_id: int):
    """The monthly quality meeting pack: per department, notices and violations, against the month before."""
    site, now = queries.site_of(site_id), clock.now()
    text = (request.args.get("month") or f"{to_local(now, zone(site.timezone)).date():%Y-%m}").strip()
    first = day_or_none(text[:7] + "-01") if len(text) == 7 else None
    if first is None:
        return render("reports/meeting.html", status=400, site=site, pack=None, month=text[:10],
                      error=domain_message(DomainError("bad_month", value=text[:10])))
    pack = meeting.gather(site, first, now)
    return render("reports/meeting.html", site=site, pack=pack, month=f"{first:%Y-%m}", first=first, error=None,
                  headings=meeting.headings(), name=meeting.department_name, columns=meeting.COLUMNS,
                  overdue=meeting.overdue_table(pack), plant=meeting.plant_figures(pack),
                  can_act=current_user.role in MANAGEMENT)
