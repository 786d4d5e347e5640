"""The report as an A4 PDF: cover, contents, a section per area with its figures and charts, evidence photos, hashes.

The charts are drawn with fpdf2's own vector primitives from the same chart descriptions the page's ECharts uses
(webapp.reports.charts): no browser or second charting library on the server, crisp at any zoom and in print,
and the labels are set in the same embedded Noto CJK font as the text.
"""
from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from webapp.domain.reports import Report
from webapp.equipment import report as equipment_report
from webapp.fonts import cjk_face_index
from webapp.i18n import date_span, label_of, period_label, site_time, zone_name
from webapp.models import Photo
from webapp.photos import photo_store
from webapp.reports.labels import ALERT_KINDS, FIGURES, GAP_KINDS, HANDOVER, SECTIONS, STANDINGS
from webapp.reports.queries import Gathered

FONT = "cjk"
BRAND = (18, 53, 91)
PALETTE = ((18, 53, 91), (46, 125, 50), (198, 40, 40), (237, 108, 2), (106, 27, 154))
INK, MUTED, GRID = (30, 30, 30), (110, 110, 110), (210, 214, 220)


def _text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


class _Doc(FPDF):
    """A4 with a running footer: the site, the period and the page number."""

    footer_text = ""

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-10)
        self.set_font(FONT, size=7)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}", align="C")
        self.set_text_color(*INK)


def _toc(pdf: FPDF, outline) -> None:
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.set_font(FONT, size=16)
    pdf.cell(0, 12, _("Contents"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=11)
    for section in outline:
        pdf.set_x(pdf.l_margin + 6 * section.level)
        link = pdf.add_link(page=section.page_number)
        pdf.cell(150, 8, section.name, link=link)
        pdf.cell(0, 8, str(section.page_number), align="R", new_x="LMARGIN", new_y="NEXT")


def _heading(pdf: FPDF, title: str, new_page: bool = True) -> None:
    if new_page:
        pdf.add_page()
    pdf.start_section(title)
    pdf.set_font(FONT, size=15)
    pdf.set_text_color(*BRAND)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=9)


def _sub(pdf: FPDF, title: str) -> None:
    if pdf.get_y() > pdf.h - 40:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FONT, size=11)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)


def _table(pdf: FPDF, headings: list[str], rows: list[list], widths: tuple[int, ...] | None = None) -> None:
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(0, 0, 0)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5.5, first_row_as_headings=True,
                   headings_style=FontFace(emphasis=None, fill_color=(230, 234, 240))) as table:
        table.row([str(h) for h in headings])
        for row in rows or [["—"] + [""] * (len(headings) - 1)]:
            table.row([_text(cell) for cell in row])
    pdf.ln(2)


def _figures(pdf: FPDF, report: Report, keys: list[str], extra: list[tuple[str, object]] = ()) -> None:
    rows = []
    for key in keys:
        f = report.figures[key]
        rows.append([str(FIGURES[key]), f.count, "" if f.value is None else _text(f.value)])
    rows += [[name, _text(value), ""] for name, value in extra]
    _table(pdf, [_("Figure"), _("Records counted"), _("Value")], rows, (110, 40, 40))


# ---- charts ---------------------------------------------------------------------------------------------------------

def _room(pdf: FPDF, height: float) -> tuple[float, float]:
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page()
    return pdf.l_margin, pdf.get_y()


def _chart(pdf: FPDF, chart: dict) -> None:
    """Draw one chart description (bar, line or heat map) at the cursor."""
    if chart["type"] == "heatmap":
        _heat(pdf, chart)
        return
    values = [v for s in chart["series"] for v in s["data"] if v is not None]
    if not chart["categories"] or not values:
        return
    width, height = pdf.w - pdf.l_margin - pdf.r_margin, 62.0
    x0, y0 = _room(pdf, height + 16)
    pdf.set_font(FONT, size=10)
    pdf.cell(0, 6, chart["title"], new_x="LMARGIN", new_y="NEXT")
    top, left, bottom = y0 + 8, x0 + 12, y0 + 8 + height - 14
    plot_w = width - 14
    peak = 100.0 if chart["unit"] == "%" else max(max(values), 1)
    pdf.set_font(FONT, size=6)
    pdf.set_draw_color(*GRID)
    for k in range(5):
        y = bottom - (bottom - top) * k / 4
        pdf.line(left, y, left + plot_w, y)
        pdf.set_xy(x0, y - 2)
        pdf.cell(11, 4, f"{peak * k / 4:.0f}", align="R")
    n, series = len(chart["categories"]), chart["series"]
    slot = plot_w / n
    for i, name in enumerate(chart["categories"]):
        if n <= 16 or i % max(1, n // 10) == 0:
            pdf.set_xy(left + slot * i, bottom + 1)
            pdf.cell(slot if n <= 16 else slot * 3, 4, str(name)[:12 if n <= 8 else 6], align="C" if n <= 16 else "L")
    for j, s in enumerate(series):
        color = PALETTE[j % len(PALETTE)]
        pdf.set_fill_color(*color)
        pdf.set_draw_color(*color)
        if chart["type"] == "bar":
            bar = slot * 0.8 / len(series)
            for i, v in enumerate(s["data"]):
                if v:
                    h = (bottom - top) * min(v, peak) / peak
                    pdf.rect(left + slot * i + slot * 0.1 + bar * j, bottom - h, bar, h, style="F")
        else:
            points = [(left + slot * (i + 0.5), bottom - (bottom - top) * min(v, peak) / peak)
                      for i, v in enumerate(s["data"]) if v is not None]
            if len(points) > 1:
                pdf.set_line_width(0.5)
                pdf.polyline(points)
                pdf.set_line_width(0.2)
            for x, y in points:
                pdf.circle(x, y, 0.8, style="F") if hasattr(pdf, "circle") else pdf.ellipse(x - 0.8, y - 0.8, 1.6, 1.6, style="F")
        pdf.rect(left + 40 * j, y0 + height, 3, 3, style="F")
        pdf.set_xy(left + 40 * j + 4, y0 + height - 0.5)
        pdf.set_font(FONT, size=7)
        pdf.cell(34, 4, s["name"])
        pdf.set_font(FONT, size=6)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_xy(x0, y0 + height + 6)
    pdf.set_font(FONT, size=9)


def _heat(pdf: FPDF, chart: dict) -> None:
    rows = chart["y"]
    if not rows:
        return
    cell_h, label_w = 4.2, 46.0
    width = pdf.w - pdf.l_margin - pdf.r_margin
    cell_w = (width - label_w) / 24
    x0, y0 = _room(pdf, cell_h * len(rows) + 16)
    pdf.set_font(FONT, size=10)
    pdf.cell(0, 6, chart["title"], new_x="LMARGIN", new_y="NEXT")
    top = y0 + 8
    pdf.set_font(FONT, size=6)
    for hour, label in enumerate(chart["x"]):
        pdf.set_xy(x0 + label_w + cell_w * hour, top)
        pdf.cell(cell_w, 4, label, align="C")
    counts = {(x, y): v for x, y, v in chart["cells"]}
    peak = max(chart["max"], 1)
    for y, name in enumerate(rows):
        row_y = top + 4 + cell_h * y
        pdf.set_xy(x0, row_y)
        pdf.cell(label_w, cell_h, str(name)[:16])
        for hour in range(24):
            v = counts.get((hour, y), 0)
            shade = 255 - int(200 * v / peak) if v else 248
            pdf.set_fill_color(255 if v else 248, shade, shade)
            pdf.rect(x0 + label_w + cell_w * hour, row_y, cell_w - 0.3, cell_h - 0.3, style="F")
            if v:
                pdf.set_xy(x0 + label_w + cell_w * hour, row_y)
                pdf.cell(cell_w, cell_h, str(v), align="C")
    pdf.set_xy(x0, top + 6 + cell_h * len(rows))
    pdf.set_font(FONT, size=9)


def _charts(pdf: FPDF, charts: list[dict], section: str) -> None:
    for chart in charts:
        if chart["section"] == section:
            _chart(pdf, chart)


def _photo_bytes(sha: str) -> bytes | None:
    """A photo from the store, or None when the store has lost it (the report goes on without it)."""
    try:
        return photo_store().get(sha)
    except FileNotFoundError:
        return None


def _photos(pdf: FPDF, photos: list[Photo], tz: str) -> None:
    found = [(p, data) for p in photos if (data := _photo_bytes(p.sha256)) is not None]
    if not found:
        return
    _sub(pdf, _("Evidence photos"))
    size = 56.0
    x0, y0 = _room(pdf, size + 10)
    for i, (photo, data) in enumerate(found):
        col = i % 3
        if col == 0 and i:
            x0, y0 = _room(pdf, size + 10) if pdf.get_y() + size + 10 > pdf.h - pdf.b_margin else (pdf.l_margin, pdf.get_y())
        x = x0 + col * (size + 6)
        w, h = (size, size * photo.height / photo.width) if photo.width >= photo.height else (size * photo.width / photo.height, size)
        pdf.image(BytesIO(data), x=x, y=y0, w=w, h=h)
        pdf.set_xy(x, y0 + h + 0.5)
        pdf.set_font(FONT, size=6)
        pdf.cell(size, 4, site_time(photo.captured_at, tz))
        pdf.set_font(FONT, size=9)
        if col == 2 or i == len(found) - 1:
            pdf.set_xy(pdf.l_margin, y0 + size + 6)


# ---- the document ---------------------------------------------------------------------------------------------------

def _cover(pdf: _Doc, report: Report, g: Gathered) -> None:
    pdf.add_page()
    mark = "".join(ch for ch in g.company.name if not ch.isspace())[:2] or "R"
    pdf.set_fill_color(*BRAND)
    pdf.rect(pdf.l_margin, 40, 28, 28, style="F", round_corners=True, corner_radius=4)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font(FONT, size=18)
    pdf.set_xy(pdf.l_margin, 48)
    pdf.cell(28, 12, mark, align="C")
    pdf.set_text_color(*INK)
    pdf.set_xy(pdf.l_margin, 80)
    pdf.set_font(FONT, size=22)
    pdf.multi_cell(0, 12, g.company.name, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT, size=28)
    pdf.set_text_color(*BRAND)
    pdf.cell(0, 16, _("Service report"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=16)
    pdf.cell(0, 10, g.site.name, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 10, date_span(report.period.first, report.period.last), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(*MUTED)
    pdf.ln(10)
    pdf.multi_cell(0, 6, _("As the records stood at %(now)s (%(zone)s). Every figure is counted from the sealed and "
                           "synced records of Rounds; the handover hashes at the end let anyone verify them.",
                           now=site_time(report.now, g.site.timezone), zone=zone_name(g.site.timezone)), align="L")
    pdf.set_text_color(*INK)


def _equipment(pdf: FPDF, report: Report, g: Gathered) -> None:
    """The equipment section (设备运行), as on the page: only for a site with readings in the period."""
    if g.plant is None or not (g.plant[0].readings or g.plant[0].abnormal):
        return
    summary, abnormal = g.plant
    _heading(pdf, _("Equipment"))
    _figures(pdf, report, [], equipment_report.figures(summary, report))
    _sub(pdf, _("Abnormal readings"))
    _table(pdf, *equipment_report.abnormal_table(abnormal, g.site.timezone), (40, 45, 45, 35, 25))


def _alerts(pdf: FPDF, report: Report) -> None:
    """Alerts raised in the period by kind, acknowledged, how long people took and how many went past the lead."""
    _heading(pdf, str(SECTIONS["alerts"]))
    _figures(pdf, report, ["alerts.raised", "alerts.acknowledged", "alerts.unacknowledged", "alerts.ack_median",
                           "alerts.ack_longest", "alerts.escalated"])
    _sub(pdf, _("Alerts by kind"))
    _table(pdf, [_("Kind"), _("Alerts raised"), _("Alerts acknowledged"), _("Median time to acknowledge (min)"), _("Escalated past the lead")],
           [[str(ALERT_KINDS.get(x.name, x.name)), x.figures["raised"].count, x.figures["acknowledged"].count, x.value,
             x.figures["escalated"].count] for x in report.alerts.kinds], (60, 25, 30, 45, 30))


def render(report: Report, g: Gathered, charts: list[dict], photos: dict[str, list[Photo]], font_path: str) -> bytes:
    """The report as PDF bytes."""
    pdf = _Doc(format="A4")
    pdf.footer_text = f"{g.site.name} · {_('Service report')} · {period_label(report.period)}"
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_font(FONT, fname=font_path, collection_font_number=cjk_face_index(font_path))
    pdf.set_font(FONT, size=9)
    _cover(pdf, report, g)
    pdf.add_page()
    pdf.insert_toc_placeholder(_toc)  # fpdf2 starts a fresh page after the contents
    tz = g.site.timezone
    p, c, r, q, h = report.patrol, report.cleaning, report.repairs, report.quality, report.handovers

    _heading(pdf, str(SECTIONS["patrol"]), new_page=False)
    _figures(pdf, report, ["patrol.rounds_due", "patrol.rounds_done", "patrol.rounds_on_time", "patrol.rounds_late",
                           "patrol.rounds_incomplete", "patrol.rounds_missed", "patrol.rounds_awaiting_sync",
                           "patrol.visits_made"],
             [(_("On-time rate %"), p.on_time_rate), (_("Checkpoint coverage %"), p.coverage)])
    _charts(pdf, charts, "patrol")
    _sub(pdf, _("Gaps by kind"))
    _table(pdf, [_("Kind"), _("All"), *(str(v) for v in STANDINGS.values())],
           [[str(GAP_KINDS.get(line.name, line.name)), line.figures["total"].count,
             *(line.figures[k].count for k in STANDINGS)] for line in p.gaps + [p.gaps_total]], (70, 25, 25, 45, 25))
    _photos(pdf, photos.get("patrol", []), tz)

    _heading(pdf, str(SECTIONS["cleaning"]))
    _figures(pdf, report, ["cleaning.due", "cleaning.done", "cleaning.late", "cleaning.missed", "cleaning.awaiting_sync",
                           "cleaning.checks", "cleaning.passed"],
             [(_("Done %"), c.done_rate), (_("Pass rate %"), c.pass_rate)])
    _charts(pdf, charts, "cleaning")
    _sub(pdf, _("Pass rate by area"))
    _table(pdf, [_("Area"), _("Checks"), _("Passed"), _("Pass rate %")],
           [[g.areas.get(a.name, "—"), a.figures["checks"].count, a.figures["passed"].count, a.value] for a in c.areas],
           (90, 30, 30, 40))
    _photos(pdf, photos.get("cleaning", []), tz)

    _heading(pdf, str(SECTIONS["repairs"]))
    _figures(pdf, report, ["repairs.incidents", "repairs.incidents_closed", "repairs.orders", "repairs.respond_minutes",
                           "repairs.close_hours", "repairs.closed", "repairs.closed_on_time", "repairs.overdue",
                           "repairs.followed_up", "repairs.satisfied", "repairs.unsatisfied"],
             [(_("Satisfaction %"), r.satisfaction)])
    _charts(pdf, charts, "repairs")
    _sub(pdf, _("Work orders by category"))
    _table(pdf, [_("Category"), _("Due within (h)"), _("Raised"), _("Mean time to respond (min)"), _("Mean time to close (h)"),
                 _("Done within the due time"), _("Overdue")],
           [[label_of("category", x.name), x.value, x.figures["raised"].count, x.figures["responded"].value,
             x.figures["closed"].value, x.figures["on_time"].count, x.figures["overdue"].count] for x in r.categories])
    _photos(pdf, photos.get("repairs", []), tz)
    _equipment(pdf, report, g)

    _heading(pdf, str(SECTIONS["quality"]))
    _figures(pdf, report, ["quality.inspections", "quality.average", "quality.passed", "quality.self_checks",
                           "quality.notices_issued", "quality.notices_on_time", "quality.notices_late",
                           "quality.notices_overdue", "quality.violations", "quality.points"])
    _charts(pdf, charts, "quality")
    _sub(pdf, _("Area or department"))
    _table(pdf, [_("Area or department"), _("Inspections"), _("Mean score %")],
           [[g.areas.get(a.name, "—"), a.figures["inspections"].count, a.value] for a in q.areas]
           + [[label_of("department", d.name), d.figures["inspections"].count, d.value] for d in q.departments], (110, 40, 40))
    _photos(pdf, photos.get("quality", []), tz)

    _alerts(pdf, report)

    _heading(pdf, str(SECTIONS["handovers"]))
    _figures(pdf, report, ["handovers.shifts", "handovers.on_time", "handovers.late", "handovers.refused",
                           "handovers.pending", "handovers.missing"])
    _charts(pdf, charts, "handovers")
    _sub(pdf, _("Every shift"))
    _table(pdf, [_("Shift"), _("Handover")],
           [[f"{line.shift.name} {line.shift.local_date}", str(HANDOVER[line.standing])] for line in h.lines], (110, 80))
    _sub(pdf, _("Sealed handovers this report was built from"))
    pdf.set_font(FONT, size=7)
    for x in h.hashes:
        pdf.multi_cell(0, 4, f"#{x.sequence}  {x.sha256}", new_x="LMARGIN", new_y="NEXT")
    if not h.hashes:
        pdf.cell(0, 5, _("No sealed handover in this period."), new_x="LMARGIN", new_y="NEXT")
    if g.chain_head:
        pdf.multi_cell(0, 4, _("Head of the chain when this report was made") +
                       f": {g.site.name} #{g.chain_head[0]} {g.chain_head[1]}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
