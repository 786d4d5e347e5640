"""The equipment section of a site's service report: its readings in the period, loaded in two queries."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.domain.plant_report import PlantSummary, ReadingFact, summarize
from webapp.extensions import db
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
