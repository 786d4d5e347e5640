"""The monthly quality meeting pack of a site: its facts read in a fixed number of queries, and the pack as PDF and XLSX."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from webapp.domain import meeting as rules
from webapp.domain.plant import in_service
from webapp.domain.scorecards import month_bounds
from webapp.equipment import report as equipment_report
from webapp.extensions import db
from webapp.i18n import label_of, local_date, site_time, zone_name
from webapp.models import Equipment, MaintenanceRecord, MaintenanceTask, Person, RectificationNotice, Site, ViolationTicket
from webapp.reports import pdf as doc
from webapp.spreadsheets import Workbook, as_bytes

COLUMNS = ("issued", "closed_on_time", "overdue", "recheck_failed", "violations", "points")


def headings() -> list[str]:
    return [_("Notices issued"), _("Closed on time"), _("Overdue"), _("Re-check failed"), _("Violations"),
            _("Points counted")]


def department_name(department: str) -> str:
    if department == "total":
        return _("All departments")
    if department == rules.OTHER:
        return _("Other roles")
    return label_of("department", department)


def _previous(first: date) -> date:
    return date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)


def bounds(site: Site, first: date) -> tuple[datetime, datetime, datetime]:
    """The month's [start, end) and the month before's start, as UTC instants of the site's clocks."""
    start, end = month_bounds(first.year, first.month, site.timezone)
    before = _previous(first)
    return start, end, month_bounds(before.year, before.month, site.timezone)[0]


def gather(site: Site, first: date, now: datetime) -> rules.Pack:
    """The pack of the month starting on `first` (and the month before), as things stand at `now`."""
    start, end, last_start = bounds(site, first)
    notices = [rules.NoticeFact(n.id, n.department, n.issued_at, n.deadline, n.closed_at, n.closed_on_time,
                                n.recheck_failures or 0)
               for n in db.session.scalars(select(RectificationNotice).where(
                   RectificationNotice.site_id == site.id, RectificationNotice.issued_at < end,
                   or_(RectificationNotice.closed_at.is_(None), RectificationNotice.closed_at >= last_start)))]
    tickets = [rules.ViolationFact(v_id, role.value, state, points, issued_at, person_id, issuer_id)
               for v_id, role, state, points, issued_at, person_id, issuer_id in db.session.execute(
                   select(ViolationTicket.id, Person.role, ViolationTicket.state, ViolationTicket.points,
                          ViolationTicket.issued_at, ViolationTicket.person_id, ViolationTicket.issuer_id)
                   .join(Person, Person.id == ViolationTicket.person_id)
                   .where(ViolationTicket.site_id == site.id, ViolationTicket.issued_at >= last_start,
                          ViolationTicket.issued_at < end))]
    plant, _abnormal = equipment_report.section(site.id, start, end, now)
    has_equipment = db.session.scalar(select(Equipment.id).where(Equipment.site_id == site.id).limit(1)) is not None
    return rules.meeting_pack(notices, tickets, start, end, last_start, now, _tasks(site.id), site.timezone,
                              plant if has_equipment else None)


def _tasks(site_id: int) -> list[rules.TaskFact]:
    """The site's maintenance tasks in service with their equipment and every day each was done (two queries)."""
    found = [(t, name) for t, name, active in db.session.execute(
        select(MaintenanceTask, Equipment.name, Equipment.active).join(Equipment, Equipment.id == MaintenanceTask.equipment_id)
        .where(MaintenanceTask.site_id == site_id)) if in_service(active, t.active)]
    done: dict[int, list] = {}
    if found:
        for task_id, day in db.session.execute(select(MaintenanceRecord.task_id, MaintenanceRecord.done_on)
                                               .where(MaintenanceRecord.task_id.in_([t.id for t, _n in found]))):
            done.setdefault(task_id, []).append(day)
    return [rules.TaskFact(t.id, name, t.name, t.cycle, t.anchor_on, tuple(sorted(done.get(t.id, []))), t.by_contractor)
            for t, name in found]


def who_does(task: rules.TaskFact) -> str:
    return _("Contractor") if task.by_contractor else _("Own engineer")


def plant_figures(pack: rules.Pack) -> list[tuple[str, object]]:
    """The month's equipment summary by name (none for a site without equipment)."""
    return equipment_report.figures(pack.plant) if pack.plant is not None else []


def overdue_table(pack: rules.Pack) -> tuple[list[str], list[list]]:
    """The overdue maintenance tasks as headings and rows."""
    return ([_("Equipment"), _("Task"), _("Due"), _("Days overdue"), _("Done by")],
            [[o.task.equipment, o.task.name, local_date(o.due), o.days_late, who_does(o.task)] for o in pack.overdue_tasks])


def _change(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


def rows(pack: rules.Pack) -> list[list]:
    """One row per department (and the total): this month's figures, each followed by its change on last month."""
    return [[department_name(line.department),
             *(f"{getattr(line.this, name)} ({_change(line.change(name))})" for name in COLUMNS)]
            for line in [*pack.lines, pack.total]]


def title(site: Site, first: date) -> str:
    return _("Quality meeting pack %(month)s · %(site)s", month=f"{first:%Y-%m}", site=site.name)


def as_pdf(site: Site, pack: rules.Pack, first: date, now: datetime) -> bytes:
    """The pack as an A4 PDF (the service report's fonts, headings and tables)."""
    font = current_app.config["LABEL_FONT"]
    pdf = doc._Doc(format="A4")
    pdf.footer_text = title(site, first)
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_font(doc.FONT, fname=font, collection_font_number=doc.cjk_face_index(font))
    pdf.set_font(doc.FONT, size=9)
    pdf.add_page()
    pdf.set_font(doc.FONT, size=11)
    pdf.cell(0, 8, site.company.name, new_x="LMARGIN", new_y="NEXT")
    doc._heading(pdf, title(site, first), new_page=False)
    pdf.multi_cell(0, 5, _("As the records stood at %(now)s (%(zone)s). In brackets: the change on the month before.",
                           now=site_time(now, site.timezone), zone=zone_name(site.timezone)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    doc._sub(pdf, _("Rectification and violations by department"))
    doc._table(pdf, [_("Department"), *headings()], rows(pack), (40, 25, 25, 25, 25, 25, 25))
    doc._sub(pdf, _("The month before"))
    doc._table(pdf, [_("Department"), *headings()],
               [[department_name(x.department), *(getattr(x.last, n) for n in COLUMNS)] for x in [*pack.lines, pack.total]],
               (40, 25, 25, 25, 25, 25, 25))
    doc._sub(pdf, _("Overdue maintenance: %(num)d (%(change)s on the month before)", num=len(pack.overdue_tasks),
                    change=_change(pack.overdue_tasks_change)))
    doc._table(pdf, *overdue_table(pack), (50, 50, 30, 30, 30))
    if pack.plant is not None:
        doc._sub(pdf, _("Equipment"))
        doc._table(pdf, [_("Figure"), _("Value")], [[name, value] for name, value in plant_figures(pack)], (120, 70))
    return bytes(pdf.output())


def as_xlsx(site: Site, pack: rules.Pack, first: date, now: datetime) -> bytes:
    """The pack as a workbook: this month, the month before and the change, one row per department."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Meeting pack")[:31]
    sheet.append([title(site, first)])
    sheet.append([_("As the records stood at"), site_time(now, site.timezone)])
    sheet.append([])
    sheet.append([_("Department"), *headings(), *(f"{h} · {_('last month')}" for h in headings())])
    for x in [*pack.lines, pack.total]:
        sheet.append([department_name(x.department), *(getattr(x.this, n) for n in COLUMNS),
                      *(getattr(x.last, n) for n in COLUMNS)])
    sheet.append([])
    sheet.append([_("Overdue maintenance"), len(pack.overdue_tasks), f"{_('last month')}: {pack.overdue_tasks_last}"])
    names, found = overdue_table(pack)
    sheet.append(names)
    for row in found:
        sheet.append(row)
    if pack.plant is not None:
        sheet.append([])
        sheet.append([_("Equipment")])
        for name, value in plant_figures(pack):
            sheet.append([name, value])
    return as_bytes(book)
