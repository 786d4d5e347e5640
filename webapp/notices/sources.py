"""Where a notice comes from, in one tap: a failed inspection item, an incident, a gap of a shift, or a blank one."""
from __future__ import annotations

from datetime import datetime

from flask import abort
from sqlalchemy import or_, select

from webapp.access import site_ids
from webapp.assessments import picture
from webapp.domain.errors import DomainError
from webapp.domain.lifecycles import DEFAULT_DEADLINES, default_deadline
from webapp.extensions import db
from webapp.i18n import gap_sentence
from webapp.models import Area, Person, Photo, Site
from webapp.notices import queries
from webapp.notices.forms import NoticeForm, local_input


def _site(person: Person, site_id: int) -> Site:
    site = db.session.get(Site, site_id)
    if site is None or site.id not in site_ids(person):
        abort(404)
    return site


def draft(person: Person, args, now: datetime) -> NoticeForm | None:
    """The notice prefilled from the source named in the query (result, incident, shift+gap, site); None: choose a site."""
    if args.get("result", type=int):
        result = queries.result_in_scope(person, args.get("result", type=int))
        return NoticeForm.from_result(result, result.inspection.site.timezone, now)
    if args.get("incident", type=int):
        incident = queries.incident_in_scope(person, args.get("incident", type=int))
        return NoticeForm.from_incident(incident, incident.site.timezone, now)
    if args.get("shift", type=int):
        shift = queries.shift_in_scope(person, args.get("shift", type=int))
        gap = next((g for g in picture(shift, now).assessment.gaps if g.key == args.get("gap", "")), None)
        if gap is None:
            raise DomainError("gap_gone")
        people = {p.id for p in queries.people_of(shift.site_id)}
        return NoticeForm.from_gap(shift.site_id, shift.id, gap, gap_sentence(gap.explanation, gap.params),
                                   gap.person_id if gap.person_id in people else None, shift.site.timezone, now)
    site_id = args.get("site", type=int)
    if site_id is None and len(site_ids(person)) == 1:
        site_id = next(iter(site_ids(person)))
    if site_id is None:
        return None
    site = _site(person, site_id)
    return NoticeForm.blank(site.id, site.timezone, now)


def source_photos(form: NoticeForm) -> list[Photo]:
    """The photos of the notice's source, shown by reference (a photo belongs to one record)."""
    conditions = []
    if form.inspection_result_id:
        conditions.append(Photo.inspection_result_id == form.inspection_result_id)
    if form.incident_id:
        conditions.append(Photo.incident_id == form.incident_id)
    if not conditions:
        return []
    return list(db.session.scalars(select(Photo).where(or_(*conditions)).order_by(Photo.captured_at, Photo.id)))


def context(person: Person, form: NoticeForm, now: datetime) -> dict:
    """What the form shows beside the draft: the site, its people by department, checkpoints, area, source photos."""
    people, site = queries.people_of(form.site_id), _site(person, form.site_id)
    defaults = {s: local_input(default_deadline(s, now), site.timezone) for s in DEFAULT_DEADLINES}
    return {"site": site, "people": people, "groups": queries.by_department(people), "defaults": defaults,
            "checkpoints": queries.checkpoints_of(form.site_id),
            "area": db.session.get(Area, form.area_id) if form.area_id else None,
            "source_photos": source_photos(form)}
