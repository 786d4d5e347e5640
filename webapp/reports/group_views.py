"""Service reports for a group of sites (多项目汇总): each chosen site's own report for the period, combined.

Each site's period is taken in its own time zone (the same local days, so "November" is each site's November);
the group sums counts, recomputes rates from the summed parts and weighs means by their records
(webapp/domain/group_reports.py). Every site's figure opens that site's own drill-down.
"""
from __future__ import annotations

from io import BytesIO

from flask import abort, current_app, redirect, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp import clock
from webapp.access import OVERSIGHT, allow, site_ids, visible_sites
from webapp.domain import group_reports as group
from webapp.domain.errors import DomainError
from webapp.i18n import domain_message
from webapp.models import Site
from webapp.params import whole
from webapp.rendering import render
from webapp.reports import group_pdf, group_xlsx, labels, queries, services
from webapp.reports.views import XLSX, bp

# the group's measures that are not a figure of the site report
NAMES = {
    "patrol.done_rate": _l("Rounds done %"), "patrol.on_time_rate": _l("Rounds on time %"),
    "patrol.gaps.all.total": _l("Gaps"), "patrol.gaps.all.unexplained": _l("Gaps unexplained"),
    "patrol.gaps.all.explained": _l("Gaps explained or acknowledged"), "patrol.gaps.all.accepted": _l("Gaps accepted"),
    "cleaning.done_rate": _l("Cleaning checks done %"), "cleaning.pass_rate": _l("Cleaning pass rate %"),
    "repairs.on_time_rate": _l("Work orders done on time %"), "repairs.satisfaction": _l("Satisfaction %"),
    "quality.pass_rate": _l("Inspections passed %"), "handovers.on_time_rate": _l("Handovers on time %"),
    "alerts.ack_rate": _l("Alerts acknowledged %"),
}


def name_of(key: str) -> str:
    """The name of a measure of the group report."""
    return str(NAMES[key]) if key in NAMES else labels.figure_name(key)


def _chosen() -> list[Site]:
    """The sites asked for (?sites=…), each one the person may see; any other answers 404."""
    asked = request.args.getlist("sites")
    ids, mine = {whole(a) for a in asked}, site_ids(current_user)
    if None in ids:
        abort(404)
    if not ids <= mine:
        abort(404)  # another team's or another company's site does not exist for this person
    return sorted((queries.site_of(i) for i in ids), key=lambda s: (s.name, s.id))


def _group(sites: list[Site]) -> group.GroupReport:
    now = clock.now()
    return group.combine([group.SiteReport(s.id, s.name, s.timezone, services.report_of(s, services.period_of(request.args, s, now), now)[1])
                          for s in sites])


@bp.route("/reports/group")
@allow(OVERSIGHT)
def group_page():
    """The report of several sites for a period: the group's totals and each site's main figures."""
    sites, error, summary = _chosen(), None, None
    if sites:
        try:
            summary = _group(sites)
        except DomainError as e:
            error = domain_message(e)
    return render("reports/group.html", status=400 if error else 200, summary=summary, chosen=[s.id for s in sites],
                  sites=visible_sites(current_user), error=error, args=request.args, group=group, name_of=name_of,
                  labels=labels)


@bp.route("/reports/group.xlsx")
@allow(OVERSIGHT)
def group_xlsx_file():
    """The group report as a spreadsheet: a summary sheet and a sheet of the sites' main figures."""
    sites = _chosen()
    if not sites:
        return redirect(url_for("reports.group_page", **request.args))
    summary = _group(sites)
    period = summary.sites[0].report.period
    return send_file(BytesIO(group_xlsx.workbook(summary, name_of)), mimetype=XLSX, as_attachment=True,
                     download_name=f"report-group-{period.first}-{period.last}.xlsx")


@bp.route("/reports/group.pdf")
@allow(OVERSIGHT)
def group_pdf_file():
    """The group report as an A4 PDF: the sites side by side, then each section for the group and every site."""
    sites = _chosen()
    if not sites:
        return redirect(url_for("reports.group_page", **request.args))
    summary = _group(sites)
    period = summary.sites[0].report.period
    data = group_pdf.render(current_user.company.name, summary, name_of, current_app.config["LABEL_FONT"])
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"report-group-{period.first}-{period.last}.pdf")
