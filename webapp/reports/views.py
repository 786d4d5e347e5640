"""Service report pages: a site's period with charts, the records under each figure, and the PDF and XLSX."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, current_app, request, send_file
from flask_login import current_user

from webapp import clock
from webapp.access import OVERSIGHT, allow, visible_sites
from webapp.domain.errors import DomainError
from webapp.i18n import domain_message
from webapp.rendering import render
from webapp.reports import charts, labels, pdf, queries, services, xlsx

bp = Blueprint("reports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/sites/<int:site_id>/reports")
@allow(OVERSIGHT, site_arg="site_id")
def page(site_id: int):
    """The service report of a period: every section's figures (each a link to its records) and charts."""
    site, now = queries.site_of(site_id), clock.now()
    try:
        period = services.period_of(request.args, site, now)
    except DomainError as error:
        return render("reports/page.html", status=400, site=site, error=domain_message(error), args=request.args,
                      report=None, sites=visible_sites(current_user))
    g, report = services.report_of(site, period, now)
    return render("reports/page.html", site=site, g=g, report=report, charts=charts.specs(report, g), args=request.args,
                  labels=labels, sites=visible_sites(current_user), error=None, plant=g.plant)


@bp.route("/sites/<int:site_id>/reports/records")
@allow(OVERSIGHT, site_arg="site_id")
def records(site_id: int):
    """Exactly the records one figure of the report counts."""
    site, now = queries.site_of(site_id), clock.now()
    period = services.period_of(request.args, site, now)
    g, report = services.report_of(site, period, now)
    figure = report.figures.get(request.args.get("figure", "")) or abort(404)
    return render("reports/records.html", site=site, report=report, figure=figure, name=labels.figure_name(figure.key),
                  listing=services.listing(g, figure.kind, figure.ids), labels=labels)


@bp.route("/sites/<int:site_id>/reports.pdf")
@allow(OVERSIGHT, site_arg="site_id")
def as_pdf(site_id: int):
    """The report as an A4 PDF: cover, contents, sections with charts and evidence photos, the handover hashes."""
    site, now = queries.site_of(site_id), clock.now()
    period, photos = services.period_of(request.args, site, now), services.photos_of(request.args)
    g, report = services.report_of(site, period, now)
    data = pdf.render(report, g, charts.specs(report, g), queries.evidence(site.id, period, photos),
                      current_app.config["LABEL_FONT"])
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=False,
                     download_name=f"report-{site.code}-{period.first}-{period.last}.pdf")


@bp.route("/sites/<int:site_id>/reports.xlsx")
@allow(OVERSIGHT, site_arg="site_id")
def as_xlsx(site_id: int):
    """The report as a spreadsheet: one sheet per section with its figures and the raw rows."""
    site, now = queries.site_of(site_id), clock.now()
    period = services.period_of(request.args, site, now)
    g, report = services.report_of(site, period, now)
    return send_file(BytesIO(xlsx.workbook(report, g)), mimetype=XLSX, as_attachment=True,
                     download_name=f"report-{site.code}-{period.first}-{period.last}.xlsx")
