"""The equipment section of a site's service report: its readings in the period, loaded in two queries, and the
figures and rows its PDF and XLSX print."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.domain.plant_report import PlantSummary, ReadingFact, summarize
from webapp.domain.reports import Report
from webapp.extensions import db
from webapp.i18n import site_time
from webapp.models import Reading, ReadingItem, WorkOrder


def section(site_id: int, start: datetime, end: datetime, now: datetime) -> tuple[PlantSummary, list[Reading]]:
    """The summary of the site's readings in [start, end) and its abnormal readings (for the drill-down list)."""
    rows = db.session.execute(select(Reading.id, Reading.captured_at, Reading.out_of_range, WorkOrder.id,
                                     WorkOrder.raised_at, WorkOrder.done_at)
                              .outerjoin(WorkOrder, Reading.work_order_id == WorkOrder.id)
                              .where(Reading.site_id == site_id, Reading.captured_at >= start, Reading.captured_at < end))
    summary = summarize([ReadingFact(*row) for row in rows], start, end, now)
    abnormal = list(db.session.scalars(select(Reading).where(Reading.id.in_(summary.abnormal))
                                       .options(selectinload(Reading.item).selectinload(ReadingItem.equipment))
                                       .order_by(Reading.captured_at))) if summary.abnormal else []
    return summary, abnormal


def figures(summary: PlantSummary, report: Report | None = None) -> list[tuple[str, object]]:
    """The section's figures by name, as the exports print them; with the service report, the readings missed too
    (the engine's reading_missed gaps, counted with the report's other gaps)."""
    found: list[tuple[str, object]] = [(_("Readings taken"), summary.readings)]
    if report is not None:
        gaps = report.figures.get("patrol.gaps.reading_missed.total")
        found.append((_("Equipment readings missed"), gaps.count if gaps else 0))
    return found + [(_("Abnormal readings"), len(summary.abnormal)),
                    (_("Work orders opened by readings"), len(summary.orders)),
                    (_("Mean time to fix (h)"), summary.mean_fix_hours), (_("Still open"), len(summary.still_open))]


def abnormal_table(abnormal: list[Reading], tz: str) -> tuple[list[str], list[list]]:
    """The abnormal readings as headings and rows: when, equipment, item, value with unit, work order."""
    return ([_("When"), _("Equipment"), _("Reading item"), _("Value"), _("Work order")],
            [[site_time(r.captured_at, tz), r.item.equipment.name, r.item.name, f"{r.value_text} {r.item.unit}".strip(),
              f"#{r.work_order_id}" if r.work_order_id else "—"] for r in abnormal])
