"""Reads about sites: the overview figures and a site's full description."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.assessments import picture
from webapp.domain import tally
from webapp.domain.timezones import to_local, zone
from webapp.extensions import db
from webapp.models import (
    Area,
    Checkpoint,
    CleaningCheck,
    CleaningPlan,
    CleaningResult,
    Incident,
    PatrolPlan,
    Route,
    RouteStop,
    Scan,
    Shift,
    ShiftMember,
    ShiftTemplate,
    Site,
)


@dataclass
class SiteFigures:
    """What an overview shows of one site."""

    site: Site
    checkpoints: int
    scans_24h: int
    failed_items_7d: int
    open_incidents: int
    misses: tally.Misses = field(default_factory=tally.Misses)
    misses_week: tally.Misses = field(default_factory=tally.Misses)


def _counts(stmt) -> dict[int, int]:
    return {site_id: count for site_id, count in db.session.execute(stmt)}


def overview(sites: list[Site], now: datetime) -> list[SiteFigures]:
    """Figures per site in four grouped queries, whatever the number of sites."""
    ids = [s.id for s in sites]
    checkpoints = _counts(select(Checkpoint.site_id, func.count()).where(Checkpoint.site_id.in_(ids), Checkpoint.active)
                          .group_by(Checkpoint.site_id))
    scans = _counts(select(Scan.site_id, func.count()).where(Scan.site_id.in_(ids), Scan.captured_at >= now - timedelta(hours=24))
                    .group_by(Scan.site_id))
    failed = _counts(select(CleaningCheck.site_id, func.count()).join(CleaningResult)
                     .where(CleaningCheck.site_id.in_(ids), CleaningCheck.captured_at >= now - timedelta(days=7),
                            CleaningResult.passed.is_(False)).group_by(CleaningCheck.site_id))
    incidents = _counts(select(Incident.site_id, func.count()).where(Incident.site_id.in_(ids), Incident.closed_at.is_(None))
                        .group_by(Incident.site_id))
    today, week = _misses(sites, now)
    return [SiteFigures(s, checkpoints.get(s.id, 0), scans.get(s.id, 0), failed.get(s.id, 0), incidents.get(s.id, 0),
                        today.get(s.id, tally.Misses()), week.get(s.id, tally.Misses()))
            for s in sites]


def _misses(sites: list[Site], now: datetime) -> tuple[dict[int, tally.Misses], dict[int, tally.Misses]]:
    """Missed rounds and unexplained exceptions per site, of the shifts that started today and this week (site time),
    as the gap engine judges each shift now: the board's figures, summed."""
    days = {s.id: to_local(now, zone(s.timezone)).date() for s in sites}
    if not days:
        return {}, {}
    first = min(day - timedelta(days=day.weekday()) for day in days.values())
    shifts = db.session.scalars(select(Shift).where(Shift.site_id.in_(days), Shift.local_date >= first, Shift.starts_at <= now)
                                .options(selectinload(Shift.members), selectinload(Shift.template), selectinload(Shift.site)))
    today: dict[int, list[tally.Misses]] = {}
    week: dict[int, list[tally.Misses]] = {}
    for shift in shifts:
        day = days[shift.site_id]
        if shift.local_date < day - timedelta(days=day.weekday()):
            continue
        pic = picture(shift, now)
        found = tally.misses(pic.assessment.rounds, [pic.life(g).state for g in pic.assessment.gaps])
        week.setdefault(shift.site_id, []).append(found)
        if shift.local_date == day:
            today.setdefault(shift.site_id, []).append(found)
    return ({k: tally.Misses.sum(v) for k, v in today.items()}, {k: tally.Misses.sum(v) for k, v in week.items()})


@dataclass
class SiteDescription:
    """Everything a manager has described about a site."""

    site: Site
    areas: list[Area]
    checkpoints: list[Checkpoint]
    routes: list[Route]
    patrol_plans: list[PatrolPlan]
    cleaning_plans: list[CleaningPlan]
    templates: list[ShiftTemplate]
    shifts: list[Shift]


def describe(site_id: int, now: datetime) -> SiteDescription:
    """A site with its areas, checkpoints, routes, plans, shift templates and the roster around now."""
    site = db.get_or_404(Site, site_id)
    where = lambda model: model.site_id == site_id  # noqa: E731
    return SiteDescription(
        site=site,
        areas=list(db.session.scalars(select(Area).where(where(Area)).order_by(Area.name))),
        checkpoints=list(db.session.scalars(select(Checkpoint).where(where(Checkpoint)).order_by(Checkpoint.code)
                                            .options(selectinload(Checkpoint.area), selectinload(Checkpoint.checklist)))),
        routes=list(db.session.scalars(select(Route).where(where(Route)).order_by(Route.name)
                                       .options(selectinload(Route.stops).selectinload(RouteStop.checkpoint)))),
        patrol_plans=list(db.session.scalars(select(PatrolPlan).where(where(PatrolPlan)).order_by(PatrolPlan.name)
                                             .options(selectinload(PatrolPlan.route), selectinload(PatrolPlan.shift_template)))),
        cleaning_plans=list(db.session.scalars(select(CleaningPlan).where(where(CleaningPlan)).order_by(CleaningPlan.name)
                                               .options(selectinload(CleaningPlan.checkpoints)))),
        templates=list(db.session.scalars(select(ShiftTemplate).where(where(ShiftTemplate)).order_by(ShiftTemplate.start_local))),
        shifts=list(db.session.scalars(
            select(Shift).where(where(Shift), Shift.ends_at > now - timedelta(hours=12), Shift.starts_at < now + timedelta(hours=36))
            .order_by(Shift.starts_at)
            .options(selectinload(Shift.template), selectinload(Shift.lead),
                     selectinload(Shift.members).selectinload(ShiftMember.person)))),
    )
