"""The report's charts as plain data: drawn by ECharts in the browser (static/js/reports.js) and by fpdf2 in the PDF.

One description per chart, so the page and the PDF can never show different numbers:
{"id", "section", "title", "type": bar | line | heatmap, "unit", "categories", "series": [{"name", "data"}]};
a heat map has "x" (hours), "y" (checkpoints) and "cells" [[x index, y index, misses], ...].
"""
from __future__ import annotations

from flask_babel import gettext as _

from webapp.domain.reports import Report, rate
from webapp.i18n import label_of, short_day
from webapp.reports.labels import HANDOVER
from webapp.reports.queries import Gathered

HEAT_ROWS = 25  # the checkpoints missed most, at most this many rows


def _bar(chart_id: str, section: str, title: str, categories: list[str], series: list[tuple[str, list]], unit: str = "") -> dict:
    return {"id": chart_id, "section": section, "title": title, "type": "bar", "unit": unit, "categories": categories,
            "series": [{"name": name, "data": data} for name, data in series]}


def _line(chart_id: str, section: str, title: str, categories: list[str], series: list[tuple[str, list]], unit: str = "") -> dict:
    chart = _bar(chart_id, section, title, categories, series, unit)
    chart["type"] = "line"
    return chart


def specs(report: Report, g: Gathered) -> list[dict]:
    """Every chart of the report."""
    p, c, r, q, h = report.patrol, report.cleaning, report.repairs, report.quality, report.handovers
    days = [short_day(d) for d in report.period.days()]
    charts = [
        _bar("patrol-rounds", "patrol", _("Rounds by outcome"),
             [_("On time"), _("Late"), _("Incomplete"), _("Not started"), _("Awaiting sync")],
             [(_("Patrol rounds"), [p.rounds_on_time.count, p.rounds_late.count, p.rounds_incomplete.count,
                             p.rounds_missed.count, p.rounds_awaiting_sync.count])]),
        _heat(report, g),
        _line("cleaning-trend", "cleaning", _("Cleaning per day"), days,
              [(_("Done %"), [rate(line.figures["done"], line.figures["due"]) for line in c.days]),
               (_("Pass rate %"), [line.value for line in c.days])], "%"),
        _bar("cleaning-areas", "cleaning", _("Pass rate by area"), [g.areas.get(a.name, "—") for a in c.areas],  # type: ignore[arg-type]
             [(_("Pass rate %"), [a.value for a in c.areas])], "%"),
        _bar("repairs-categories", "repairs", _("Work orders by category"),
             [label_of("category", line.name) for line in r.categories],  # type: ignore[arg-type]
             [(_("Raised"), [line.figures["raised"].count for line in r.categories]),
              (_("Done within the due time"), [line.figures["on_time"].count for line in r.categories]),
              (_("Overdue"), [line.figures["overdue"].count for line in r.categories])]),
        _line("quality-trend", "quality", _("Inspection scores over the period"), [short_day(d.name) for d in q.days],
              [(_("Mean score %"), [d.value for d in q.days])], "%"),
        _bar("quality-departments", "quality", _("Inspection scores by department"),
             [label_of("department", d.name) for d in q.departments],  # type: ignore[arg-type]
             [(_("Mean score %"), [d.value for d in q.departments])], "%"),
        _bar("handovers", "handovers", _("Handovers"), [str(HANDOVER[s]) for s in HANDOVER],
             [(_("Shifts"), [h.on_time.count, h.late.count, len([x for x in h.lines if x.standing == "refused"]),
                             len([x for x in h.lines if x.standing == "pending"]), h.missing.count])]),
    ]
    return charts


def _heat(report: Report, g: Gathered) -> dict:
    """Misses by checkpoint × local hour of day (the checkpoints missed most)."""
    p = report.patrol
    rows = p.heat_rows[:HEAT_ROWS]
    cells = [[hour, y, p.heat[(cp, hour)].count] for y, cp in enumerate(rows) for hour in range(24) if (cp, hour) in p.heat]
    return {"id": "patrol-heat", "section": "patrol", "title": _("Missed checkpoints by hour of day"), "type": "heatmap",
            "unit": "", "x": [f"{hour:02d}" for hour in range(24)], "y": [g.checkpoints.get(cp, f"#{cp}") for cp in rows],
            "cells": cells, "max": max((cell[2] for cell in cells), default=0)}
