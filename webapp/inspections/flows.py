"""What the inspection pages put together: where an inspection is made, which sheets suit it, the evidence shown
beside it (the post's patrol record, the latest handover), an inspection's report, and score roll-ups."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import abort, request
from flask_login import current_user

from webapp.access import site_ids
from webapp.assessments import picture
from webapp.domain import scoring
from webapp.domain.days import day_or_none
from webapp.domain.errors import DomainError
from webapp.domain.timezones import local_to_utc
from webapp.handover import content
from webapp.inspections import queries, sheets
from webapp.inspections.services import Place
from webapp.models import Area, Checkpoint, Handover, Inspection, InspectionTemplate, Shift, Site
from webapp.params import whole


@dataclass
class Where:
    """The place chosen for an inspection, as the page shows it."""

    site: Site
    area: Area | None = None
    checkpoint: Checkpoint | None = None

    @property
    def place(self) -> Place:
        return Place(self.site.id, self.area.id if self.area else None, self.checkpoint.token if self.checkpoint else None)

    def args(self) -> dict:
        """The query arguments that name this place again."""
        if self.checkpoint:
            return {"checkpoint": self.checkpoint.id}
        return {"area": self.area.id} if self.area else {"site": self.site.id}


def where_from(args) -> Where | None:
    """The place named by ?checkpoint=, ?area= or ?site= (or ?place=a12 / s3 from the chooser), or None; 404 if foreign."""
    ids = site_ids(current_user)
    place = args.get("place", "")
    checkpoint_id = args.get("checkpoint", type=int)
    area_id = args.get("area", type=int) or (whole(place[1:]) if place[:1] == "a" else None)
    site_id = args.get("site", type=int) or (whole(place[1:]) if place[:1] == "s" else None)
    if checkpoint_id is not None:
        checkpoint = queries.checkpoint_in(ids, checkpoint_id) or abort(404)
        return Where(checkpoint.site, checkpoint.area, checkpoint)
    if area_id is not None:
        area = queries.area_in(ids, area_id) or abort(404)
        return Where(area.site, area)
    if site_id is not None:
        if site_id not in ids:
            abort(404)
        return Where(queries.site(site_id))
    return None


def sheets_for(where: Where) -> list[InspectionTemplate]:
    """The current sheets, those suited to the area's kind first."""
    preferred = sheets.preferred_kinds(where.area.kind.value if where.area else None)
    found = queries.current_templates(current_user.company_id)
    return sorted(found, key=lambda t: (preferred.index(t.area_kind) if t.area_kind in preferred else len(preferred), t.name))


def sheet_for(template_id: int | None) -> InspectionTemplate | None:
    """A sheet the person may inspect with now, or 404 for one that is not (another company's, retired)."""
    if template_id is None:
        return None
    return sheets.usable_template(current_user, template_id) or abort(404)


@dataclass
class Evidence:
    """What Rounds itself knows of the post: the running shift's patrol record and the latest handover."""

    shift: Shift | None = None
    rounds: dict = field(default_factory=dict)
    handover: Handover | None = None

    @property
    def shown(self) -> bool:
        return self.shift is not None or self.handover is not None


def evidence(where: Where, template: InspectionTemplate, now: datetime) -> Evidence:
    """For a guard-post or gate sheet, or any sheet while a shift runs at the site: the record to countersign."""
    shift = queries.running_shift(where.site.id, now)
    if shift is None and template.area_kind not in sheets.EVIDENCE_KINDS:
        return Evidence()
    record = content.build(picture(shift, now), None) if shift else {}
    return Evidence(shift, {"figures": record.get("round_figures"), "rounds": record.get("rounds", []),
                            "gaps": record.get("gap_figures")},
                    queries.latest_handover(where.site.id))


# ---- an inspection's report -------------------------------------------------------------------------------------

@dataclass
class Report:
    """One inspection as its page shows it: the score by section and the failed items with their photos."""

    inspection: Inspection
    score: scoring.Score | None
    sections: list[tuple[str, scoring.SectionScore | None, list]]
    photos: dict[int, list]


def report(inspection: Inspection) -> Report:
    """Re-score the inspection with its own version of the sheet (never the current one) and group by section."""
    try:
        score = sheets.score_answers(inspection.template, [(r.item_id, r.value) for r in inspection.results])
    except DomainError:
        score = None
    by_item = {r.item_id: r for r in inspection.results}
    section_scores = {s.section: s for s in score.sections} if score else {}
    sections = []
    for name in dict.fromkeys(i.section for i in inspection.template.items):
        rows = [(item, by_item.get(item.id)) for item in inspection.template.items if item.section == name]
        sections.append((name, section_scores.get(name), rows))
    failed = [r.id for r in inspection.results if r.failed]
    return Report(inspection, score, sections, queries.photos_of(failed))


# ---- periods and roll-ups ---------------------------------------------------------------------------------------

def period(zone_name: str) -> tuple[date | None, date | None, datetime | None, datetime | None]:
    """?from= and ?to= (local dates, both included) and the UTC instants that bound them."""
    tz = ZoneInfo(zone_name)
    start, end = day_or_none(request.args.get("from")), day_or_none(request.args.get("to"))
    return (start, end, local_to_utc(start, datetime.min.time(), tz) if start else None,
            local_to_utc(end + timedelta(days=1), datetime.min.time(), tz) if end else None)


@dataclass
class Rollup:
    """Average percent per area, per department (team) and per week; inspections and self-inspections apart."""

    count: int
    overall: float | None
    areas: dict
    departments: dict
    weeks: dict


def rollups(rows: list[tuple], zone_name: str) -> dict[str, Rollup]:
    """The roll-ups of a site's inspections ("inspections") and of its self-inspections ("self_checks")."""
    tz = ZoneInfo(zone_name)
    out = {}
    for key, self_check in (("inspections", False), ("self_checks", True)):
        mine = [r for r in rows if bool(r.self_check) == self_check]
        weeks = []
        for r in mine:
            day = r.captured_at.astimezone(tz).date()
            weeks.append(((day - timedelta(days=day.weekday())).isoformat(), r.percent))
        out[key] = Rollup(len(mine), scoring.average(r.percent for r in mine),
                          scoring.rollup((r.name or "", r.percent) for r in mine),
                          scoring.rollup((r.department, r.percent) for r in mine), scoring.rollup(weeks))
    return out
