"""The month's facts per person of a site for the scorecards (考核), and the raw rows they come from.

What counts for whom (one place, so the page, a person's own card and the XLSX always agree):
- the month is the site's calendar month (month_bounds in the site's zone); a shift belongs to the month it starts
  in, so a night shift from the month's last evening into the 1st counts for the month it started;
- rounds: the gap engine's due rounds (webapp.assessments.picture) of every shift of the month that has started,
  once their window has closed and they are no longer provisional. A round counts for the person who walked it
  (its first scan); a round nobody started counts for each guard rostered on that shift. Done or early = on time,
  late = late; incomplete or not started = neither;
- gaps: every non-provisional gap that concerns the person; a gap without a person counts for those whose work it
  was (a round nobody started: the shift's guards; a cleaning check nobody did: its cleaners). Unexplained = open
  or rejected and not acknowledged by a lead; explained = explained, accepted, or acknowledged;
- cleaning checks: those the person recorded at the site in the month (by capture time); passed = no failed item;
- inspection scores of the areas they look after: the month's inspections at the site (self-inspections 自检 are
  not counted) whose sheet is of the person's department and whose area is one where the person recorded a scan
  or a cleaning check that month; someone who recorded neither (an engineer, the front desk, a lead who did not
  scan) is given every inspection of their department at the site;
- notices: those assigned to the person and issued in the month, and how many of them were closed on time;
  overdue = open past the deadline at the month's end (now, for the current month), replayed from each notice's
  kept history, whenever it was issued;
- violations: tickets against the person at the site issued in the month; points as counted_points (a contested
  or overturned ticket counts none).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from webapp import quality_steps
from webapp.assessments import picture
from webapp.domain.lifecycles import Notice, Violation, counted_points, notice_at, notice_overdue
from webapp.domain.scorecards import PersonMonth, Scorecard, month_bounds, person_card, team_cards
from webapp.extensions import db
from webapp.models import (
    Checkpoint,
    CleaningCheck,
    CleaningResult,
    Inspection,
    InspectionTemplate,
    Person,
    RectificationNotice,
    Role,
    Scan,
    Shift,
    ShiftMember,
    Site,
    ViolationTicket,
)
from webapp.models.org import person_sites

# the team (department) of each role that has a scorecard
TEAMS = {Role.GUARD: "security", Role.LEAD: "security", Role.CLEANER: "environment", Role.ENGINEER: "engineering",
         Role.FRONT_DESK: "front_desk"}
ON_TIME, LATE = ("done", "early"), ("late",)
NOT_JUDGED = ("open", "upcoming")


@dataclass
class _Tally:
    """Counts for one person, filled while walking the month's records."""

    rounds_due: int = 0
    rounds_on_time: int = 0
    rounds_late: int = 0
    gaps_unexplained: int = 0
    gaps_explained: int = 0
    cleaning_checks: int = 0
    cleaning_passed: int = 0
    area_scores: list[float] = field(default_factory=list)
    notices_total: int = 0
    notices_on_time: int = 0
    notices_overdue: int = 0
    violations: int = 0
    violation_points: int = 0


@dataclass(frozen=True)
class NoticeRow:
    """One notice as the export lists it."""

    notice: RectificationNotice
    overdue: bool


@dataclass(frozen=True)
class ViolationRow:
    """One violation ticket as the export lists it."""

    ticket: ViolationTicket
    counted: int


@dataclass
class Month:
    """A site's month of scorecards: one per person, one per team, and the raw rows behind them."""

    site: Site
    year: int
    month: int
    start: datetime
    end: datetime
    people: list[Person]
    cards: dict[int, Scorecard]
    teams: list[Scorecard]
    notices: list[NoticeRow]
    violations: list[ViolationRow]

    @property
    def label(self) -> str:
        """The month as YYYY-MM."""
        return f"{self.year:04d}-{self.month:02d}"


def staff_of(site_id: int, only: set[int] | None = None) -> list[Person]:
    """The people of a site who have a scorecard, by team and name."""
    query = (select(Person).join(person_sites, person_sites.c.person_id == Person.id)
             .where(person_sites.c.site_id == site_id, Person.role.in_(list(TEAMS)), Person.active))
    if only is not None:
        query = query.where(Person.id.in_(only))
    return sorted(db.session.scalars(query), key=lambda p: (TEAMS[p.role], p.role.value, p.name, p.id))


def _shifts(site_id: int, start: datetime, end: datetime, now: datetime, person_id: int | None) -> list[Shift]:
    """The shifts of the month that have started (for one person: those they were on or recorded something in)."""
    query = select(Shift).where(Shift.site_id == site_id, Shift.starts_at >= start, Shift.starts_at < end,
                                Shift.starts_at <= now)
    if person_id is not None:
        recorded = select(Scan.shift_id).where(Scan.person_id == person_id, Scan.site_id == site_id).union(
            select(CleaningCheck.shift_id).where(CleaningCheck.person_id == person_id, CleaningCheck.site_id == site_id))
        query = query.where(or_(Shift.lead_id == person_id, Shift.members.any(ShiftMember.person_id == person_id),
                                Shift.id.in_(recorded)))
    return list(db.session.scalars(query.options(
        selectinload(Shift.members).selectinload(ShiftMember.person), selectinload(Shift.template),
        selectinload(Shift.site)).order_by(Shift.starts_at)))


def _rounds_and_gaps(tallies: dict[int, _Tally], shifts: list[Shift], now: datetime) -> None:
    """Rounds due, on time and late, and gaps by their life, from the gap engine's verdict on each shift."""
    for shift in shifts:
        pic = picture(shift, now)
        guards = [m.person_id for m in shift.members if m.person.role == Role.GUARD]
        cleaners = [m.person_id for m in shift.members if m.person.role == Role.CLEANER]
        for r in pic.assessment.rounds:
            if r.state in NOT_JUDGED or r.provisional:
                continue
            for person_id in ([r.person_id] if r.person_id else guards):
                t = tallies[person_id]
                t.rounds_due += 1
                t.rounds_on_time += r.state in ON_TIME
                t.rounds_late += r.state in LATE
        for g in pic.assessment.gaps:
            if g.provisional:
                continue
            owners = [g.person_id] if g.person_id else \
                guards if g.kind == "round_not_started" else cleaners if g.kind == "cleaning_missed" else []
            life = pic.life(g)
            explained = life.state in ("explained", "accepted") or life.acknowledgement is not None
            for person_id in owners:
                if explained:
                    tallies[person_id].gaps_explained += 1
                else:
                    tallies[person_id].gaps_unexplained += 1


def _cleaning(tallies: dict[int, _Tally], site_id: int, start: datetime, end: datetime) -> None:
    """Cleaning checks recorded and passed, per person, in one query."""
    failed = (select(CleaningResult.check_id).where(CleaningResult.passed.is_(False)).distinct().subquery())
    rows = db.session.execute(
        select(CleaningCheck.person_id, func.count(CleaningCheck.id), func.count(failed.c.check_id))
        .outerjoin(failed, failed.c.check_id == CleaningCheck.id)
        .where(CleaningCheck.site_id == site_id, CleaningCheck.captured_at >= start, CleaningCheck.captured_at < end)
        .group_by(CleaningCheck.person_id))
    for person_id, total, with_failures in rows:
        tallies[person_id].cleaning_checks += total
        tallies[person_id].cleaning_passed += total - with_failures


def _areas_worked(site_id: int, start: datetime, end: datetime) -> dict[int, set[int]]:
    """The areas where each person recorded a scan or a cleaning check in the month."""
    worked: dict[int, set[int]] = defaultdict(set)
    for model in (Scan, CleaningCheck):
        rows = db.session.execute(
            select(model.person_id, Checkpoint.area_id).join(Checkpoint, Checkpoint.id == model.checkpoint_id)
            .where(model.site_id == site_id, model.captured_at >= start, model.captured_at < end,
                   Checkpoint.area_id.is_not(None)).distinct())
        for person_id, area_id in rows:
            worked[person_id].add(area_id)
    return worked


def _inspections(tallies: dict[int, _Tally], people: list[Person], site_id: int, start: datetime, end: datetime) -> None:
    """Inspection percents of the areas each person looks after (see the module's docstring)."""
    area = func.coalesce(Inspection.area_id, Checkpoint.area_id)
    rows = db.session.execute(
        select(area, InspectionTemplate.department, Inspection.percent)
        .join(InspectionTemplate, InspectionTemplate.id == Inspection.template_id)
        .outerjoin(Checkpoint, Checkpoint.id == Inspection.checkpoint_id)
        .where(Inspection.site_id == site_id, Inspection.self_check.is_(False), Inspection.captured_at >= start,
               Inspection.captured_at < end).order_by(Inspection.captured_at, Inspection.id)).all()
    worked = _areas_worked(site_id, start, end)
    for person in people:
        team, areas = TEAMS[person.role], worked.get(person.id)
        tallies[person.id].area_scores = [percent for area_id, department, percent in rows
                                          if department == team and (not areas or area_id in areas)]


def _notices(tallies: dict[int, _Tally], site_id: int, start: datetime, end: datetime, now: datetime) -> list[NoticeRow]:
    """Notices issued in the month per assignee, and those overdue at the month's end whenever issued."""
    cutoff = min(end, now)
    found = list(db.session.scalars(
        select(RectificationNotice).where(RectificationNotice.site_id == site_id, RectificationNotice.issued_at < cutoff,
                                          or_(RectificationNotice.closed_at.is_(None), RectificationNotice.closed_at >= start))
        .options(selectinload(RectificationNotice.assignee), selectinload(RectificationNotice.area))
        .order_by(RectificationNotice.issued_at, RectificationNotice.id)))
    steps = quality_steps.histories("notice", [n.id for n in found])
    listed = []
    for n in found:
        state = _notice_at(n, steps[n.id], cutoff)
        overdue = notice_overdue(state, cutoff)
        if overdue and state.assignee_id is not None:
            tallies[state.assignee_id].notices_overdue += 1
        if n.issued_at >= start:
            if n.assignee_id is not None:
                tallies[n.assignee_id].notices_total += 1
                tallies[n.assignee_id].notices_on_time += bool(n.closed_on_time)
            listed.append(NoticeRow(n, overdue))
        elif overdue:
            listed.append(NoticeRow(n, overdue))
    return listed


def _notice_at(row: RectificationNotice, history: tuple, cutoff: datetime) -> Notice:
    """The notice as it stood at `cutoff`, replayed from its kept steps (as stored now, without a usable history)."""
    return notice_at(Notice(row.state, row.issuer_id, row.assignee_id, row.deadline, row.issued_at, ()), history, cutoff)


def _violations(tallies: dict[int, _Tally], site_id: int, start: datetime, end: datetime) -> list[ViolationRow]:
    """Tickets issued in the month per person, with the points that count."""
    found = db.session.scalars(
        select(ViolationTicket).where(ViolationTicket.site_id == site_id, ViolationTicket.issued_at >= start,
                                      ViolationTicket.issued_at < end)
        .options(selectinload(ViolationTicket.person)).order_by(ViolationTicket.issued_at, ViolationTicket.id))
    listed = []
    for v in found:
        counted = counted_points(Violation(v.state, v.person_id, v.issuer_id, v.points, ()))
        tallies[v.person_id].violations += 1
        tallies[v.person_id].violation_points += counted
        listed.append(ViolationRow(v, counted))
    return listed


def month_of(site: Site, year: int, month: int, now: datetime, person_id: int | None = None) -> Month:
    """The scorecards of a site's month as they stand at `now` (for one person only, when `person_id` is given)."""
    start, end = month_bounds(year, month, site.timezone)
    people = staff_of(site.id, {person_id} if person_id is not None else None)
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    if start <= now:
        _rounds_and_gaps(tallies, _shifts(site.id, start, end, now, person_id), now)
        _cleaning(tallies, site.id, start, end)
        _inspections(tallies, people, site.id, start, end)
    notices = _notices(tallies, site.id, start, end, now) if start <= now else []
    violations = _violations(tallies, site.id, start, end)
    months = [_person_month(p, tallies[p.id]) for p in people]
    if person_id is not None:
        notices = [r for r in notices if r.notice.assignee_id == person_id]
        violations = [r for r in violations if r.ticket.person_id == person_id]
    return Month(site, year, month, start, end, people, {m.person_id: person_card(m) for m in months},
                 team_cards(months), notices, violations)


def _person_month(person: Person, t: _Tally) -> PersonMonth:
    counts = {name: value for name, value in vars(t).items() if name != "area_scores"}
    return PersonMonth(person.id, TEAMS[person.role], area_scores=tuple(t.area_scores), **counts)
