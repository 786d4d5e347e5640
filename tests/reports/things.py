"""Generated reports made directly, for tests that need one ready (e.g. the access matrix)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import GeneratedReport, Site
from webapp.reports.jobs import keep_file


def ready_report(site: Site, kind: str = "custom") -> GeneratedReport:
    """A ready report of the site with a small PDF and XLSX in the store (each call a period of its own)."""
    n = db.session.scalar(select(func.count(GeneratedReport.id))) or 0
    start = date(2020, 1, 1) + timedelta(days=7 * n)
    files = {}
    for fmt in ("pdf", "xlsx"):
        data = f"%{fmt} {site.id} {n}".encode()
        files[fmt] = keep_file(data, fmt)
    report = GeneratedReport(site_id=site.id, kind=kind, period_start=start, period_end=start + timedelta(days=7),
                             state="ready", progress=100, pdf_sha256=files["pdf"], xlsx_sha256=files["xlsx"], error="")
    db.session.add(report)
    db.session.commit()
    return report
