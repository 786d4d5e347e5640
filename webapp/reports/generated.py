"""Generated reports of a site: list them, ask for one (queued, never built in the request), release one to the client.

Services commit once; the build is queued only after the commit.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import audit, clock
from webapp.domain import reports as rules
from webapp.domain.errors import DomainError
from webapp.domain.report_schedule import KINDS, month_of
from webapp.domain.timezones import to_local, zone
from webapp.extensions import db
from webapp.i18n import label_of
from webapp.models import GeneratedReport, Person, Site
from webapp.reports import jobs

LISTED = 100


def listing(site_id: int) -> list[GeneratedReport]:
    """The site's generated reports, newest period first."""
    return list(db.session.scalars(
        select(GeneratedReport).where(GeneratedReport.site_id == site_id)
        .options(selectinload(GeneratedReport.requested_by), selectinload(GeneratedReport.released_by))
        .order_by(GeneratedReport.period_start.desc(), GeneratedReport.id.desc()).limit(LISTED)))


def one(site_id: int, report_id: int) -> GeneratedReport:
    """A generated report of this site, or 404."""
    return db.session.scalar(select(GeneratedReport).where(GeneratedReport.id == report_id,
                                                           GeneratedReport.site_id == site_id)) or abort(404)


def period_asked(form, site: Site) -> tuple[str, date, date]:
    """The kind and local period [start, end) a form asks for: a week or a month holding `date`, or from … to …."""
    kind = (form.get("kind") or "").strip()
    if kind not in KINDS:
        raise DomainError("generated_bad_kind", value=kind[:30])
    today = to_local(clock.now(), zone(site.timezone)).date()
    asked = {"weekly_inspection": "week", "custom": "custom"}.get(kind, "month")
    period = rules.parse_period(asked, form.get("date"), form.get("from"), form.get("to"), site.timezone, today)
    if kind in ("monthly_summary", "meeting_pack"):
        return kind, *month_of(period.first)
    return kind, period.first, period.last + timedelta(days=1)


def request_report(site: Site, form, person: Person) -> GeneratedReport:
    """Queue the report the form asks for (a failed or unreleased one is built again; a released one is kept)."""
    kind, start, end = period_asked(form, site)
    report = db.session.scalar(select(GeneratedReport).where(
        GeneratedReport.site_id == site.id, GeneratedReport.kind == kind, GeneratedReport.period_start == start,
        GeneratedReport.period_end == end))
    if report is not None and report.released_at is not None:
        raise DomainError("generated_released")
    if report is not None and report.state in ("queued", "running"):
        return report
    if report is None:
        report = GeneratedReport(site_id=site.id, kind=kind, period_start=start, period_end=end)
        db.session.add(report)
    report.state, report.progress, report.error, report.finished_at = "queued", 0, "", None
    report.requested_by_id = person.id
    db.session.flush()
    audit.record(person, "request", "generated_report", report.id, site_id=site.id, kind=kind, start=start, end=end)
    db.session.commit()
    jobs.enqueue(report.id)
    return report


def release(report: GeneratedReport, person: Person) -> None:
    """Release a ready report to the client: recorded and audited, and unchangeable from then on."""
    if report.released_at is not None:
        raise DomainError("generated_released")
    if report.state != "ready":
        raise DomainError("generated_not_ready", state=label_of("generated_state", report.state))
    report.released_at, report.released_by_id = clock.now(), person.id
    audit.record(person, "release", "generated_report", report.id, site_id=report.site_id, kind=report.kind,
                 start=report.period_start, end=report.period_end, pdf=report.pdf_sha256, xlsx=report.xlsx_sha256)
    db.session.commit()
