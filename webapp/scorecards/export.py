"""The figures of a scorecard, named once for the page and the XLSX export (people, teams, raw rows)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl.utils import get_column_letter

from webapp.i18n import label, label_of
from webapp.scorecards.facts import Month
from webapp.spreadsheets import Workbook, as_bytes

# (attribute of a Scorecard, column heading), in the order the page and the sheets show them
FIGURES = (
    ("rounds_due", _l("Rounds due")),
    ("rounds_on_time", _l("On time")),
    ("rounds_late", _l("Late")),
    ("on_time_rate", _l("On-time rate %")),
    ("gaps_unexplained", _l("Unexplained gaps")),
    ("gaps_explained", _l("Explained or accepted gaps")),
    ("cleaning_checks", _l("Cleaning checks")),
    ("cleaning_passed", _l("Passed")),
    ("cleaning_pass_rate", _l("Pass rate %")),
    ("inspections", _l("Inspections of their areas")),
    ("inspection_average", _l("Inspection average %")),
    ("notices_total", _l("Notices")),
    ("notices_on_time", _l("Closed on time")),
    ("notices_overdue", _l("Overdue")),
    ("notice_on_time_rate", _l("Notices on time %")),
    ("violations", _l("Violations")),
    ("violation_points", _l("Points counted")),
    ("total", _l("Total score")),
)


def _local(instant, tz: ZoneInfo):
    """A naive local time for a spreadsheet cell (Excel has no zones)."""
    return instant.astimezone(tz).replace(tzinfo=None) if instant else None


def _sheet(book: Workbook, title: str, headings: list[str], rows: list[list]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for i, heading in enumerate(headings, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, len(str(heading)) + 4)


def workbook(month: Month) -> bytes:
    """The month's scorecards as an XLSX file: a sheet of people, one of teams, one of notices and violations."""
    tz = ZoneInfo(month.site.timezone)
    book = Workbook()
    book.remove(book.active)
    figures = [str(heading) for _name, heading in FIGURES]
    _sheet(book, _("People"), [_("Full name"), _("Role"), _("Team"), *figures],
           [[p.name, label(p.role), label_of("department", month.cards[p.id].team),
             *(getattr(month.cards[p.id], name) for name, _h in FIGURES)] for p in month.people])
    _sheet(book, _("Teams"), [_("Team"), _("Members"), *figures],
           [[label_of("department", t.team), t.members, *(getattr(t, name) for name, _h in FIGURES)] for t in month.teams])
    rows = []
    for r in month.notices:
        n = r.notice
        rows.append([_("Rectification notice"), n.id, _local(n.issued_at, tz), n.assignee.name if n.assignee else "",
                     n.description, label_of("department", n.department), _local(n.deadline, tz),
                     label_of("notice", n.state), _local(n.closed_at, tz),
                     None if n.closed_on_time is None else (_("yes") if n.closed_on_time else _("no")),
                     _("yes") if r.overdue else _("no"), None, None])
    for r in month.violations:
        v = r.ticket
        rows.append([_("Violation ticket"), v.id, _local(v.issued_at, tz), v.person.name, v.description or "",
                     label_of("rule", v.rule), None, label_of("violation", v.state), _local(v.decided_at, tz),
                     None, None, v.points, r.counted])
    _sheet(book, _("Notices and violations"),
           [_("Kind"), _("No."), _("Issued on"), _("Person"), _("What was found"), _("Department or rule"), _("Deadline"), _("State"),
            _("Closed or decided"), _("Closed on time"), _("Overdue"), _("Points"), _("Points counted")], rows)
    return as_bytes(book)
