"""Reads about sites: the overview figures and a site's full description."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

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
    return [SiteFigures(s, checkpoints.get(s.id, 0), scans.get(s.id, 0), failed.get(s.id, 0), incidents.get(s.id, 0))
            for s in sites]


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
