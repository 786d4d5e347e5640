"""The report as an XLSX workbook: a cover sheet, then one sheet per section with its figures and the raw rows."""
from __future__ import annotations

from flask_babel import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from webapp.domain.reports import Report
from webapp.equipment import report as equipment_report
from webapp.i18n import label_of, period_label, site_time, zone_name
from webapp.reports.labels import ALERT_KINDS, FIGURES, GAP_KINDS, SECTIONS, STANDINGS
from webapp.reports.queries import Gathered
from webapp.reports.services import listing
from webapp.spreadsheets import Workbook, as_bytes

BOLD = Font(bold=True)


class _Sheet:
    """Writes blocks one under the other: figures as name/value pairs, then tables with a bold heading row."""

    def __init__(self, book: Workbook, title: str):
        self.sheet = book.create_sheet(title[:31])
        self.widths: dict[int, int] = {}

    def row(self, cells: list, bold: bool = False) -> None:
        self.sheet.append(cells)
        for i, cell in enumerate(cells, start=1):
            self.widths[i] = min(60, max(self.widths.get(i, 8), len(str(cell if cell is not None else "")) + 2))
            if bold:
                self.sheet.cell(self.sheet.max_row, i).font = BOLD

    def figures(self, report: Report, keys: list[str], rates: list[tuple[str, float | None]] = ()) -> None:
        self.row([_("Figure"), _("Records counted"), _("Value")], bold=True)
        for key in keys:
            f = report.figures[key]
            self.row([str(FIGURES[key]), f.count, f.value])
        for name, value in rates:
            self.row([name, None, value])
        self.row([])

    def table(self, title: str, headings: list[str], rows: list[list]) -> None:
        self.row([title], bold=True)
        self.row(headings, bold=True)
        for r in rows:
            self.row(r)
        self.row([])

    def raw(self, g: Gathered, title: str, kind: str, ids) -> None:
        listed = listing(g, kind, ids, limit=None)
        self.table(title, listed.headings, listed.rows)

    def finish(self) -> None:
        for i, width in self.widths.items():
            self.sheet.column_dimensions[get_column_letter(i)].width = width


def workbook(report: Report, g: Gathered) -> bytes:
    """The XLSX bytes."""
    book = Workbook()
    book.remove(book.active)
    p, c, r, q, h = report.patrol, report.cleaning, report.repairs, report.quality, report.handovers
    cover = _Sheet(book, _("Report"))
    for name, value in ((_("Company"), g.company.name), (_("Site"), g.site.name), (_("Period"), period_label(report.period)),
                        (_("Time zone"), zone_name(g.site.timezone)), (_("As the records stood at"), site_time(report.now, g.site.timezone))):
        cover.row([name, value])
    cover.finish()

    s = _Sheet(book, str(SECTIONS["patrol"]))
    s.figures(report, ["patrol.rounds_due", "patrol.rounds_done", "patrol.rounds_on_time", "patrol.rounds_late",
                       "patrol.rounds_incomplete", "patrol.rounds_missed", "patrol.rounds_awaiting_sync",
                       "patrol.visits_made", "patrol.gaps.awaiting_sync"],
              [(_("On-time rate %"), p.on_time_rate), (_("Checkpoint coverage %"), p.coverage),
               (_("Checkpoint visits due"), p.visits_due)])
    s.table(_("Gaps by kind"), [_("Kind"), _("All"), *(str(v) for v in STANDINGS.values())],
            [[str(GAP_KINDS.get(line.name, line.name)), line.figures["total"].count,
              *(line.figures[k].count for k in STANDINGS)] for line in p.gaps + [p.gaps_total]])
    s.table(_("Every checkpoint"), [_("Checkpoint"), _("Due"), _("Missed"), _("Coverage %")],
            [[g.checkpoints.get(line.name, line.name), line.figures["due"].count, line.figures["missed"].count, line.value]
             for line in p.checkpoints])
    s.table(_("Missed checkpoints by hour of day"), [_("Checkpoint"), *(f"{hour:02d}" for hour in range(24))],
            [[g.checkpoints.get(cp, cp), *((p.heat[(cp, hour)].count if (cp, hour) in p.heat else 0) for hour in range(24))]
             for cp in p.heat_rows])
    s.raw(g, _("Patrol rounds"), "round", p.rounds_due.ids)
    s.raw(g, _("Gaps"), "gap", p.gaps_total.figures["total"].ids + p.gaps_awaiting_sync.ids)
    s.finish()

    s = _Sheet(book, str(SECTIONS["cleaning"]))
    s.figures(report, ["cleaning.due", "cleaning.done", "cleaning.on_time", "cleaning.late", "cleaning.missed",
                       "cleaning.awaiting_sync", "cleaning.checks", "cleaning.passed"],
              [(_("Done %"), c.done_rate), (_("Pass rate %"), c.pass_rate)])
    s.table(_("Pass rate by area"), [_("Area"), _("Checks"), _("Passed"), _("Pass rate %")],
            [[g.areas.get(a.name, "—"), a.figures["checks"].count, a.figures["passed"].count, a.value] for a in c.areas])
    s.table(_("Pass rate by checklist item"), [_("Checkpoint"), _("Checklist item"), _("Checks"), _("Passed"), _("Pass rate %")],
            [[g.checkpoints.get(i.name[0], "—"), i.name[1], i.figures["checks"].count, i.figures["passed"].count, i.value]
             for i in c.items])
    s.table(_("Cleaning per day"), [_("Day"), _("Due"), _("Done"), _("Checks"), _("Passed"), _("Pass rate %")],
            [[d.name.isoformat(), *(d.figures[k].count for k in ("due", "done", "checks", "passed")), d.value] for d in c.days])
    s.raw(g, _("Due cleaning checks"), "cleaning", c.due.ids)
    s.raw(g, _("Cleaning checks"), "check", c.checks.ids)
    s.finish()

    s = _Sheet(book, str(SECTIONS["repairs"]))
    s.figures(report, ["repairs.incidents", "repairs.incidents_closed", "repairs.orders", "repairs.respond_minutes",
                       "repairs.close_hours", "repairs.closed", "repairs.closed_on_time", "repairs.overdue",
                       "repairs.followed_up", "repairs.satisfied", "repairs.unsatisfied"],
              [(_("Satisfaction %"), r.satisfaction)])
    s.table(_("Work orders by category"), [_("Category"), _("Due within (h)"), _("Raised"), _("Mean time to respond (min)"),
                                           _("Mean time to close (h)"), _("Done within the due time"), _("Overdue")],
            [[label_of("category", x.name), x.value, x.figures["raised"].count, x.figures["responded"].value,
              x.figures["closed"].value, x.figures["on_time"].count, x.figures["overdue"].count] for x in r.categories])
    s.raw(g, _("Incidents"), "incident", r.incidents.ids)
    s.raw(g, _("Work orders"), "order", r.orders.ids)
    s.finish()

    if g.plant is not None and (g.plant[0].readings or g.plant[0].abnormal):
        s = _Sheet(book, _("Equipment"))
        s.table(_("Equipment"), [_("Figure"), _("Value")],
                [[name, value] for name, value in equipment_report.figures(g.plant[0], report)])
        s.table(_("Abnormal readings"), *equipment_report.abnormal_table(g.plant[1], g.site.timezone))
        s.finish()

    s = _Sheet(book, str(SECTIONS["quality"]))
    s.figures(report, ["quality.inspections", "quality.average", "quality.passed", "quality.self_checks",
                       "quality.notices_issued", "quality.notices_on_time", "quality.notices_late", "quality.notices_overdue",
                       "quality.violations", "quality.points"])
    s.table(_("Area or department"), [_("Area or department"), _("Inspections"), _("Mean score %")],
            [[g.areas.get(a.name, "—"), a.figures["inspections"].count, a.value] for a in q.areas]
            + [[label_of("department", d.name), d.figures["inspections"].count, d.value] for d in q.departments])
    s.raw(g, _("Inspections"), "inspection", q.inspections.ids + q.self_checks.ids)
    s.raw(g, _("Rectification notices"), "notice", sorted(set(q.notices_issued.ids) | set(q.notices_overdue.ids)))
    s.raw(g, _("Violation tickets"), "violation", q.violations.ids)
    s.finish()

    s = _Sheet(book, str(SECTIONS["alerts"]))
    s.figures(report, ["alerts.raised", "alerts.acknowledged", "alerts.unacknowledged", "alerts.ack_median",
                       "alerts.ack_longest", "alerts.escalated"])
    s.table(_("Alerts by kind"), [_("Kind"), _("Alerts raised"), _("Alerts acknowledged"), _("Median time to acknowledge (min)"),
                                  _("Escalated past the lead")],
            [[str(ALERT_KINDS.get(x.name, x.name)), x.figures["raised"].count, x.figures["acknowledged"].count, x.value,
              x.figures["escalated"].count] for x in report.alerts.kinds])
    s.raw(g, _("Alerts"), "alert", report.alerts.raised.ids)
    s.finish()

    s = _Sheet(book, str(SECTIONS["handovers"]))
    s.figures(report, ["handovers.shifts", "handovers.on_time", "handovers.late", "handovers.refused",
                       "handovers.pending", "handovers.missing"])
    s.raw(g, _("Every shift"), "shift", h.shifts.ids)
    s.table(_("Sealed handovers this report was built from"), [_("No."), _("Shift"), _("SHA-256"), _("Previous")],
            [[x.sequence, next((f"{line.shift.name} {line.shift.local_date}" for line in h.lines if line.shift.id == x.shift_id), ""),
              x.sha256, x.prev_sha256] for x in h.hashes])
    s.finish()
    return as_bytes(book)
