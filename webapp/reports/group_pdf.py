"""The group report as an A4 PDF: a cover, contents, the sites' main figures side by side, then each section's measures
for the group and for every site (the same tables as the page and the spreadsheet)."""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from webapp.domain import group_reports as group
from webapp.fonts import cjk_face_index
from webapp.i18n import period_label
from webapp.reports.labels import SECTIONS
from webapp.reports.pdf import BRAND, FONT, INK, MUTED, _Doc, _heading, _table, _toc


def _cover(pdf: _Doc, company: str, summary: group.GroupReport) -> None:
    pdf.add_page()
    pdf.set_xy(pdf.l_margin, 60)
    pdf.set_font(FONT, size=22)
    pdf.multi_cell(0, 12, company, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT, size=26)
    pdf.set_text_color(*BRAND)
    pdf.cell(0, 16, _("Service report of several sites"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=14)
    pdf.cell(0, 10, period_label(summary.sites[0].report.period), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 8, "、".join(s.name for s in summary.sites), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 6, _("Each site's period is taken in its own time zone. Counts are summed; rates are worked out "
                           "again from the summed counts, never averaged."), align="L")
    pdf.set_text_color(*INK)


def render(company: str, summary: group.GroupReport, name_of: Callable[[str], str], font_path: str) -> bytes:
    """The group report as PDF bytes."""
    pdf = _Doc(format="A4", orientation="landscape" if len(summary.sites) > 3 else "portrait")
    pdf.footer_text = f"{_('Service report of several sites')} · {period_label(summary.sites[0].report.period)}"
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_font(FONT, fname=font_path, collection_font_number=cjk_face_index(font_path))
    pdf.set_font(FONT, size=9)
    _cover(pdf, company, summary)
    pdf.add_page()
    pdf.insert_toc_placeholder(_toc)
    _heading(pdf, _("Per site"), new_page=False)
    _table(pdf, [_("Site"), *(name_of(k) for k in group.COLUMNS)],
           [[row.site.name, *(row.cells[k].value for k in group.COLUMNS)] for row in summary.rows]
           + [[_("All the sites"), *(summary.totals[k] for k in group.COLUMNS)]])
    for section, measures in group.SECTIONS.items():
        _heading(pdf, str(SECTIONS[section]))
        _table(pdf, [_("Figure"), _("All the sites"), *(s.name for s in summary.sites)],
               [[name_of(m.key), summary.totals[m.key], *(row.cells[m.key].value for row in summary.rows)]
                for m in measures])
    return bytes(pdf.output())
