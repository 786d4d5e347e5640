"""Scheduled reports through a job queue (huey): build a report's PDF and XLSX in the background, and the schedule.

The queue is huey on SQLite in the instance folder by default (HUEY_FILE), on Redis when HUEY_REDIS_URL is set. The
worker is `flask reports-worker` (started beside the server by `make run`); with HUEY_IMMEDIATE (and in tests) tasks
run in-process at once. A build never loses a failure: the report ends `failed` with the error's text.
"""
from __future__ import annotations

import hashlib
import logging
from contextlib import nullcontext
from datetime import datetime, timedelta
from pathlib import Path

import click
from flask import Flask, current_app, has_app_context, has_request_context
from huey import Huey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp import ROOT, clock, storage
from webapp import config as settings
from webapp.domain import reports as rules
from webapp.domain.report_schedule import Due, due_reports
from webapp.extensions import db
from webapp.models import GeneratedReport, Site

log = logging.getLogger(__name__)
FORMATS = ("pdf", "xlsx")


def make_huey(config: dict, name: str = "rounds") -> Huey:
    """The queue the configuration asks for."""
    if config.get("HUEY_REDIS_URL"):
        return RedisHuey(name, url=config["HUEY_REDIS_URL"])
    path = Path(config["HUEY_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path))


huey = make_huey(settings.load(str(ROOT / "instance")))
_app: Flask | None = None


def init_app(app: Flask) -> None:
    """Bind the worker's app, run tasks in-process when asked (and in tests), and add `flask reports-worker`."""
    global _app
    _app = _app or app
    if app.config.get("HUEY_IMMEDIATE") or app.config.get("TESTING"):
        huey.immediate = True
    app.cli.add_command(worker_command)


def _context():
    if has_app_context():
        return nullcontext()
    global _app
    if _app is None:
        from webapp import create_app

        _app = create_app()
    return _app.app_context()


@click.command("reports-worker")
@click.option("--workers", default=2, show_default=True, help="Threads building reports.")
def worker_command(workers: int) -> None:
    """Run the report queue's worker: builds queued reports and makes the scheduled ones."""
    from huey.consumer import Consumer

    global _app
    _app = current_app._get_current_object()  # type: ignore[attr-defined]
    huey.immediate = False
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    Consumer(huey, workers=workers, worker_type="thread", periodic=True).run()


# ---- files -----------------------------------------------------------------------------------------------------------

def file_key(digest: str, fmt: str) -> str:
    """The object key of a report file: named by its content hash, in the reports' store."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    return f"{digest[:2]}/{digest}.{fmt}"


def file_bytes(report: GeneratedReport, fmt: str) -> bytes:
    """A built report's PDF or XLSX; LookupError when it has none, FileNotFoundError when the store lost it."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    digest = report.pdf_sha256 if fmt == "pdf" else report.xlsx_sha256
    if not digest:
        raise LookupError(f"report {report.id} has no {fmt} yet")
    return storage.store("reports").get(file_key(digest, fmt))


def keep_file(data: bytes, fmt: str) -> str:
    """Write a report file to the store (before the row naming it commits); its SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    reports = storage.store("reports")
    if not reports.exists(file_key(digest, fmt)):
        reports.put(file_key(digest, fmt), data)
    return digest


# ---- building --------------------------------------------------------------------------------------------------------

def period_of(report: GeneratedReport, tz: str) -> rules.Period:
    """The report's period as the service report knows it (inclusive last day)."""
    kind = {"weekly_inspection": "week", "monthly_summary": "month", "meeting_pack": "month"}.get(report.kind, "custom")
    return rules.Period(kind, report.period_start, report.period_end - timedelta(days=1), tz)


def _step(report: GeneratedReport, progress: int) -> None:
    report.progress = progress
    db.session.commit()


def _render(report: GeneratedReport) -> tuple[bytes, bytes]:
    from webapp.reports import charts, meeting, pdf, queries, services, xlsx

    site = queries.site_of(report.site_id)
    period, now = period_of(report, site.timezone), clock.now()
    if report.kind == "meeting_pack":
        pack = meeting.gather(site, report.period_start, now)
        _step(report, 50)
        return meeting.as_pdf(site, pack, report.period_start, now), meeting.as_xlsx(site, pack, report.period_start, now)
    g, built = services.report_of(site, period, now)
    _step(report, 40)
    data = pdf.render(built, g, charts.specs(built, g), queries.evidence(site.id, period, 3),
                      current_app.config["LABEL_FONT"])
    _step(report, 80)
    return data, xlsx.workbook(built, g)


def run(report_id: int) -> None:
    """Build one queued report: running → ready with its files, or failed with the error.

    Outside a request (the worker) it runs in a request context of its own: the default language, links from BASE_URL.
    """
    if not has_request_context():
        with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
            _run(report_id)
        return
    _run(report_id)


def _run(report_id: int) -> None:
    report = db.session.get(GeneratedReport, report_id)
    if report is None or report.state != "queued":
        return
    report.state, report.progress, report.error = "running", 5, ""
    db.session.commit()
    try:
        pdf_bytes, xlsx_bytes = _render(report)
        report.pdf_sha256, report.xlsx_sha256 = keep_file(pdf_bytes, "pdf"), keep_file(xlsx_bytes, "xlsx")
        report.state, report.progress, report.finished_at = "ready", 100, clock.now()
        db.session.commit()
    except Exception as error:  # noqa: BLE001 (whatever went wrong is kept on the report)
        log.exception("report %s failed", report_id)
        db.session.rollback()
        report = db.session.get(GeneratedReport, report_id)
        report.state, report.finished_at = "failed", clock.now()
        report.error = f"{type(error).__name__}: {error}"[:2000]
        db.session.commit()


@huey.task()
def build_report(report_id: int) -> None:
    """The queued job: build the report's PDF and XLSX."""
    with _context():
        run(report_id)


def enqueue(report_id: int) -> None:
    """Queue a report's build (run at once in immediate mode)."""
    build_report(report_id)


# ---- the schedule ----------------------------------------------------------------------------------------------------

def queue_due(now: datetime) -> list[int]:
    """Create and queue every scheduled report due by `now` that does not exist yet; the ids queued."""
    sites = list(db.session.scalars(select(Site).where(Site.active.is_(True))))
    made: list[int] = []
    for due in due_reports(sites, now):
        if _exists(due):
            continue
        report = GeneratedReport(site_id=due.site_id, kind=due.kind, period_start=due.start, period_end=due.end,
                                 state="queued", progress=0, error="")
        try:
            with db.session.begin_nested():
                db.session.add(report)
        except IntegrityError:  # made meanwhile by another run
            continue
        made.append(report.id)
    db.session.commit()
    for report_id in made:
        enqueue(report_id)
    return made


def _exists(due: Due) -> bool:
    return db.session.scalar(select(GeneratedReport.id).where(
        GeneratedReport.site_id == due.site_id, GeneratedReport.kind == due.kind,
        GeneratedReport.period_start == due.start, GeneratedReport.period_end == due.end)) is not None


@huey.periodic_task(crontab(minute="*/15"))
def schedule_reports() -> None:
    """Every quarter hour: make the weekly and monthly reports that have fallen due at any site."""
    with _context():
        queue_due(clock.now())
