"""The group report as an XLSX workbook: a summary sheet (every measure, the group and each site) and a per-site sheet."""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from openpyxl.styles import Font

from webapp.domain import group_reports as group
from webapp.i18n import period_label
from webapp.reports.labels import SECTIONS
from webapp.spreadsheets import Workbook, as_bytes

BOLD = Font(bold=True)


def _row(sheet, cells: list, bold: bool = False) -> None:
    sheet.append(cells)
    if bold:
        for i in range(1, len(cells) + 1):
            sheet.cell(sheet.max_row, i).font = BOLD


def workbook(summary: group.GroupReport, name_of: Callable[[str], str]) -> bytes:
    """The XLSX bytes."""
    book = Workbook()
    book.remove(book.active)
    period = summary.sites[0].report.period
    sheet = book.create_sheet(_("Summary"))
    _row(sheet, [_("Period"), period_label(period)])
    _row(sheet, [_("Each site's period is taken in its own time zone.")])
    for s in summary.sites:
        _row(sheet, [s.name, s.tz])
    _row(sheet, [])
    _row(sheet, [_("Section"), _("Figure"), _("All the sites"), *(s.name for s in summary.sites)], bold=True)
    for section, measures in group.SECTIONS.items():
        for m in measures:
            _row(sheet, [str(SECTIONS[section]), name_of(m.key), summary.totals[m.key],
                         *(row.cells[m.key].value for row in summary.rows)])
    sites = book.create_sheet(_("Per site"))
    _row(sites, [_("Site"), _("Time zone"), *(name_of(k) for k in group.COLUMNS)], bold=True)
    for row in summary.rows:
        _row(sites, [row.site.name, row.site.tz, *(row.cells[k].value for k in group.COLUMNS)])
    _row(sites, [_("All the sites"), None, *(summary.totals[k] for k in group.COLUMNS)], bold=True)
    for ws in (sheet, sites):
        ws.column_dimensions["A"].width = 24
        ws.column_dimensions["B"].width = 30
    return as_bytes(book)
