"""Service reports for a group of sites (多项目汇总): the per-site reports combined, each site in its own period.

Plain values in, plain values out. Each site's Report is built as for the site alone (its own period in its own time
zone); the group only combines them:
- counts are summed;
- rates are recomputed from the summed parts and wholes (never an average of the sites' rates: a site with 2 rounds
  does not weigh as much as a site with 200);
- means (inspection scores, times to respond and to close) are the sites' means weighted by the number of records
  each was taken over;
- points are summed from the figures' values;
- the longest time to acknowledge an alert is the longest of the sites' (a median does not combine, so it is left out).
Every measure also gives each site's own value, by the same rule over that site alone, so the per-site table and the
group's total always agree.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from webapp.domain.reports import Figure, Report, rate

COUNT, RATE, MEAN, SUM, MAX = "count", "rate", "mean", "sum", "max"


@dataclass(frozen=True)
class Measure:
    """One line of the group summary: a count, a rate `figure`/`whole`, a weighted mean or a sum of values.

    `figure` is the key of the site report's figure the measure links to (the part, for a rate).
    """

    key: str
    kind: str
    figure: str
    whole: str | None = None


def _m(key: str, kind: str = COUNT, whole: str | None = None, figure: str | None = None) -> Measure:
    return Measure(key, kind, figure or key, whole)


SECTIONS: dict[str, tuple[Measure, ...]] = {
    "patrol": (
        _m("patrol.rounds_due"), _m("patrol.rounds_done"),
        _m("patrol.done_rate", RATE, "patrol.rounds_due", "patrol.rounds_done"),
        _m("patrol.rounds_on_time"),
        _m("patrol.on_time_rate", RATE, "patrol.rounds_due", "patrol.rounds_on_time"),
        _m("patrol.rounds_late"), _m("patrol.rounds_incomplete"), _m("patrol.rounds_missed"),
        _m("patrol.rounds_awaiting_sync"), _m("patrol.visits_made"),
        _m("patrol.gaps.all.total"), _m("patrol.gaps.all.unexplained"), _m("patrol.gaps.all.explained"),
        _m("patrol.gaps.all.accepted"), _m("patrol.gaps.awaiting_sync"),
    ),
    "cleaning": (
        _m("cleaning.due"), _m("cleaning.done"), _m("cleaning.done_rate", RATE, "cleaning.due", "cleaning.done"),
        _m("cleaning.on_time"), _m("cleaning.late"), _m("cleaning.missed"), _m("cleaning.awaiting_sync"),
        _m("cleaning.checks"), _m("cleaning.passed"),
        _m("cleaning.pass_rate", RATE, "cleaning.checks", "cleaning.passed"),
    ),
    "repairs": (
        _m("repairs.incidents"), _m("repairs.incidents_closed"), _m("repairs.orders"),
        _m("repairs.respond_minutes", MEAN), _m("repairs.close_hours", MEAN),
        _m("repairs.closed"), _m("repairs.closed_on_time"),
        _m("repairs.on_time_rate", RATE, "repairs.closed", "repairs.closed_on_time"),
        _m("repairs.overdue"), _m("repairs.followed_up"), _m("repairs.satisfied"), _m("repairs.unsatisfied"),
        _m("repairs.satisfaction", RATE, "repairs.followed_up", "repairs.satisfied"),
    ),
    "quality": (
        _m("quality.inspections"), _m("quality.average", MEAN), _m("quality.passed"),
        _m("quality.pass_rate", RATE, "quality.inspections", "quality.passed"),
        _m("quality.self_checks", MEAN),
        _m("quality.notices_issued"), _m("quality.notices_on_time"), _m("quality.notices_late"),
        _m("quality.notices_overdue"), _m("quality.violations"), _m("quality.points", SUM),
    ),
    "alerts": (
        _m("alerts.raised"), _m("alerts.acknowledged"),
        _m("alerts.ack_rate", RATE, "alerts.raised", "alerts.acknowledged"),
        _m("alerts.unacknowledged"), _m("alerts.ack_longest", MAX), _m("alerts.escalated"),
    ),
    "handovers": (
        _m("handovers.shifts"), _m("handovers.on_time"),
        _m("handovers.on_time_rate", RATE, "handovers.shifts", "handovers.on_time"),
        _m("handovers.late"), _m("handovers.refused"), _m("handovers.pending"), _m("handovers.missing"),
    ),
}
MEASURES = {m.key: m for ms in SECTIONS.values() for m in ms}

# the per-site table: the main figures of each section
COLUMNS = ("patrol.rounds_due", "patrol.rounds_done", "patrol.on_time_rate", "cleaning.checks", "cleaning.pass_rate",
           "repairs.orders", "repairs.overdue", "quality.average", "quality.notices_overdue", "handovers.on_time")


@dataclass(frozen=True)
class SiteReport:
    """One site of the group and its own report (its own period, in its own time zone)."""

    site_id: int
    name: str
    tz: str
    report: Report


def _figure(report: Report, key: str) -> Figure | None:
    return report.figures.get(key)


def _count(reports: list[Report], key: str) -> int:
    return sum(f.count for r in reports if (f := _figure(r, key)) is not None)


def measure(m: Measure, reports: list[Report]) -> float | int | None:
    """The measure over these reports (one report: that site's own value)."""
    if m.kind == COUNT:
        return _count(reports, m.figure)
    if m.kind == RATE:
        return rate(_count(reports, m.figure), _count(reports, m.whole or ""))
    figures = [f for r in reports if (f := _figure(r, m.figure)) is not None and f.value is not None]
    if m.kind == SUM:
        return sum(f.value for f in figures)  # type: ignore[misc]
    if m.kind == MAX:
        return max((f.value for f in figures), default=None)  # type: ignore[type-var]
    weight = sum(f.count for f in figures)
    return round(math.fsum(f.value * f.count for f in figures) / weight, 1) if weight else None  # type: ignore[operator]


@dataclass(frozen=True)
class Cell:
    """A site's value of a measure and the figure of its report it links to (None: that site has no such figure)."""

    value: float | int | None
    figure: Figure | None


@dataclass(frozen=True)
class SiteRow:
    site: SiteReport
    cells: dict[str, Cell]  # by measure key


@dataclass(frozen=True)
class GroupReport:
    """The group's totals by measure, and each site's row."""

    sites: list[SiteReport]
    totals: dict[str, float | int | None]
    rows: list[SiteRow]

    def section(self, name: str) -> tuple[Measure, ...]:
        return SECTIONS[name]


def combine(sites: list[SiteReport]) -> GroupReport:
    """The group summary of these sites' reports."""
    reports = [s.report for s in sites]
    totals = {key: measure(m, reports) for key, m in MEASURES.items()}
    rows = [SiteRow(s, {key: Cell(measure(m, [s.report]), _figure(s.report, m.figure)) for key, m in MEASURES.items()})
            for s in sites]
    return GroupReport(list(sites), totals, rows)
