"""Reads for service reports: a site's rows for a period in a fixed number of queries, and the gap engine per shift.

The patrol and cleaning facts are the gap engine's verdict on each shift (webapp.assessments.picture), the same
truth as the board and the handover. Everything else is read once for the whole period, never per record.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask import abort
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from webapp import quality_steps
from webapp.assessments import picture
from webapp.domain import reports as rules
from webapp.domain.plant_report import PlantSummary
from webapp.equipment import report as equipment_report
from webapp.extensions import db
from webapp.handover.queries import chain_head
from webapp.models import (
    Alert,
    Area,
    Checkpoint,
    CleaningCheck,
    CleaningResult,
    Company,
    Handover,
    Incident,
    Inspection,
    InspectionTemplate,
    Person,
    Photo,
    Reading,
    RectificationNotice,
    Route,
    Scan,
    Shift,
    ShiftMember,
    Site,
    ViolationTicket,
    WorkOrder,
)

LISTED = 500  # a drill-down lists at most this many records (and says how many it counts)
SECTIONS = ("patrol", "cleaning", "repairs", "quality")


@dataclass
class Gathered:
    """The facts of a period and the names they refer to."""

    site: Site
    company: Company
    facts: rules.Facts
    checkpoints: dict[int, str] = field(default_factory=dict)
    areas: dict[int, str] = field(default_factory=dict)
    routes: dict[int, str] = field(default_factory=dict)
    people: dict[int, str] = field(default_factory=dict)
    chain_head: tuple[int, str] | None = None  # the site's newest sealed handover when gathered: (sequence, hash)
    plant: tuple[PlantSummary, list[Reading]] | None = None  # the equipment section: its summary, its abnormal readings

    def shift(self, shift_id: int) -> rules.ShiftRow | None:
        return next((s for s in self.facts.shifts if s.id == shift_id), None)


def site_of(site_id: int) -> Site:
    """The site with its company, or 404."""
    return db.session.scalar(select(Site).where(Site.id == site_id).options(selectinload(Site.company))) or abort(404)


def _shifts(site_id: int, period: rules.Period, now: datetime) -> list[Shift]:
    return list(db.session.scalars(
        select(Shift).where(Shift.site_id == site_id, Shift.starts_at >= period.start, Shift.starts_at < period.end,
                            Shift.starts_at <= now)
        .options(selectinload(Shift.members).selectinload(ShiftMember.person), selectinload(Shift.template),
                 selectinload(Shift.site), selectinload(Shift.lead)).order_by(Shift.starts_at)))


def _engine(facts: rules.Facts, shifts: list[Shift], now: datetime) -> None:
    """Rounds, due cleaning checks and gaps of every shift, as the gap engine judges them at `now`."""
    for shift in shifts:
        pic = picture(shift, now)
        rounds, cleaning, gaps = rules.rows_of_assessment(shift.id, pic.assessment, pic.lives)
        facts.rounds += rounds
        facts.cleaning += cleaning
        facts.gaps += gaps
        facts.shifts.append(rules.ShiftRow(shift.id, shift.template.name, shift.local_date, shift.starts_at, shift.ends_at))


def _checks(site_id: int, period: rules.Period) -> list[rules.CheckRow]:
    found = db.session.scalars(
        select(CleaningCheck).where(CleaningCheck.site_id == site_id, CleaningCheck.captured_at >= period.start,
                                    CleaningCheck.captured_at < period.end)
        .options(selectinload(CleaningCheck.results).selectinload(CleaningResult.item)))
    return [rules.CheckRow(c.id, c.checkpoint_id, c.captured_at, c.received_at,
                           tuple((r.item_id, r.item.text, r.passed) for r in sorted(c.results, key=lambda r: r.item.position)))
            for c in found]


def _between(column, period: rules.Period):
    return (column >= period.start) & (column < period.end)


def _notices(site_id: int, period: rules.Period, now: datetime) -> list[rules.NoticeRow]:
    cutoff = min(period.end, now)
    found = list(db.session.scalars(select(RectificationNotice).where(
        RectificationNotice.site_id == site_id, RectificationNotice.issued_at < cutoff,
        or_(RectificationNotice.closed_at.is_(None), RectificationNotice.closed_at >= period.start))))
    steps = quality_steps.histories("notice", [n.id for n in found])
    return [rules.NoticeRow(n.id, n.department, n.state, n.issued_at, n.deadline, n.closed_at, n.closed_on_time,
                            n.assignee_id, n.issuer_id, steps[n.id], n.description) for n in found]


def _alerts(site_id: int, period: rules.Period) -> list[rules.AlertRow]:
    """The site's alerts raised in the period, with who acknowledged each (one query)."""
    found = db.session.execute(select(Alert, Person.name).outerjoin(Person, Person.id == Alert.acknowledged_by_id)
                               .where(Alert.site_id == site_id, _between(Alert.raised_at, period)))
    return [rules.AlertRow(a.id, a.kind, a.severity, a.raised_at, a.acknowledged_at, a.escalated_at, a.level,
                           a.provisional, name or "") for a, name in found]


def gather(site: Site, period: rules.Period, now: datetime) -> Gathered:
    """Every fact of the site's period as it stands at `now`."""
    facts = rules.Facts()
    shifts = _shifts(site.id, period, now)
    _engine(facts, shifts, now)
    checkpoints = list(db.session.execute(select(Checkpoint.id, Checkpoint.name, Checkpoint.area_id)
                                          .where(Checkpoint.site_id == site.id)))
    facts.checkpoint_area = {cp_id: area_id for cp_id, _n, area_id in checkpoints}
    facts.checks = _checks(site.id, period)
    facts.incidents = [rules.IncidentRow(i.id, i.kind.value, i.severity.value, i.captured_at, i.received_at, i.closed_at,
                                         i.description)
                       for i in db.session.scalars(select(Incident).where(Incident.site_id == site.id,
                                                                          _between(Incident.captured_at, period)))]
    facts.orders = [rules.OrderRow(o.id, o.category, o.state, o.raised_at, o.due_at, o.started_at, o.done_at, o.satisfied,
                                   o.description)
                    for o in db.session.scalars(select(WorkOrder).where(WorkOrder.site_id == site.id,
                                                                        _between(WorkOrder.raised_at, period)))]
    area = Inspection.area_id.label("area")
    facts.inspections = [
        rules.InspectionRow(i_id, area_id if area_id is not None else facts.checkpoint_area.get(cp_id), department,
                            percent, passed, self_check, captured_at)
        for i_id, area_id, cp_id, department, percent, passed, self_check, captured_at in db.session.execute(
            select(Inspection.id, area, Inspection.checkpoint_id, InspectionTemplate.department, Inspection.percent,
                   Inspection.passed, Inspection.self_check, Inspection.captured_at)
            .join(InspectionTemplate, InspectionTemplate.id == Inspection.template_id)
            .where(Inspection.site_id == site.id, _between(Inspection.captured_at, period)))]
    facts.notices = _notices(site.id, period, now)
    facts.violations = [rules.ViolationRow(v.id, v.rule, v.state, v.points, v.person_id, v.issuer_id, v.issued_at)
                        for v in db.session.scalars(select(ViolationTicket).where(
                            ViolationTicket.site_id == site.id, _between(ViolationTicket.issued_at, period)))]
    shift_ids = [s.id for s in shifts]
    facts.handovers = [rules.HandoverRow(h.id, h.shift_id, h.state.value, h.signed_out_at, h.accepted_at, h.refused_at,
                                         h.sha256, h.prev_sha256, h.sequence)
                       for h in db.session.scalars(select(Handover).where(Handover.site_id == site.id,
                                                                          Handover.shift_id.in_(shift_ids)))] if shifts else []
    facts.alerts = _alerts(site.id, period)
    person_ids = {v.person_id for v in facts.violations} | {g.person_id for g in facts.gaps if g.person_id}
    people = dict(db.session.execute(select(Person.id, Person.name).where(Person.id.in_(person_ids))).all()) if person_ids else {}
    return Gathered(site, site.company, facts, {cp_id: name for cp_id, name, _a in checkpoints},
                    dict(db.session.execute(select(Area.id, Area.name).where(Area.site_id == site.id)).all()),
                    dict(db.session.execute(select(Route.id, Route.name).where(Route.site_id == site.id)).all()), people,
                    chain_head(site.id), equipment_report.section(site.id, period.start, period.end, now))


def scans(site_id: int, ids: list[int]) -> list[Scan]:
    """Scans of the site by id (at most LISTED), in time order."""
    ids = ids[:LISTED]
    if not ids:
        return []
    return list(db.session.scalars(select(Scan).where(Scan.site_id == site_id, Scan.id.in_(ids))
                                   .options(selectinload(Scan.person)).order_by(Scan.captured_at, Scan.id)))


# the record each section's evidence photos come from
EVIDENCE = {"patrol": Photo.scan_id, "cleaning": Photo.cleaning_check_id, "repairs": (Photo.incident_id, Photo.work_order_id),
            "quality": (Photo.inspection_result_id, Photo.notice_id, Photo.violation_id)}


def evidence(site_id: int, period: rules.Period, per_section: int) -> dict[str, list[Photo]]:
    """A few photos per section taken in the period, latest first (one query per section)."""
    chosen: dict[str, list[Photo]] = defaultdict(list)
    if per_section <= 0:
        return chosen
    for section, columns in EVIDENCE.items():
        columns = columns if isinstance(columns, tuple) else (columns,)
        chosen[section] = list(db.session.scalars(
            select(Photo).where(Photo.site_id == site_id, _between(Photo.captured_at, period),
                                or_(*(c.is_not(None) for c in columns)))
            .order_by(Photo.captured_at.desc(), Photo.id.desc()).limit(per_section)))
    return chosen

