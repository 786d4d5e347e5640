"""Scoring sheets as the domain sees them: a stored version turned into a TemplateSpec, scored, and which versions
an inspection may still be made with. No Flask here beyond the session, so the sync service can use it."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.domain import scoring
from webapp.extensions import db
from webapp.models import InspectionTemplate, Person

# which sheets suit which kind of area (the sheets for the area's own kind are offered first)
KINDS_FOR_AREA = {
    "gate": ("gate", "guard_post"),
    "roof": ("roof",),
    "plant_room": ("plant_room",),
    "outdoor": ("green_space", "gate"),
    "building": ("lobby", "stairwell", "lift_car", "front_desk", "control_room"),
    "floor": ("stairwell", "lift_car", "lobby"),
    "basement": ("plant_room", "stairwell"),
}
EVIDENCE_KINDS = ("guard_post", "gate")  # sheets that check a post's patrol record and the handover


def spec_of(template: InspectionTemplate) -> scoring.TemplateSpec:
    """The frozen domain form of one stored version of a sheet."""
    items = tuple(scoring.ItemSpec(id=i.id, section=i.section, text=i.text, weight=i.weight, critical=i.critical)
                  for i in template.items)
    return scoring.TemplateSpec(id=template.id, version=template.version, method=template.method, items=items,
                                full_marks=template.full_marks, pass_mark=template.pass_mark)


def score_answers(template: InspectionTemplate, marks: Iterable[tuple[int, int | None]]) -> scoring.Score:
    """Score marks (item id, value) against this very version of the sheet; DomainError when they do not fit it."""
    return scoring.score(spec_of(template), [scoring.Answer(item_id, value) for item_id, value in marks])


def usable_template(person: Person, template_id: int) -> InspectionTemplate | None:
    """A version an inspection may be made with: of the person's company, and current, or replaced by a newer version
    after the phone was given it (the inspection is then scored with the version it was filled in on). A retired
    sheet (no current version left) takes no new inspections."""
    template = db.session.scalar(select(InspectionTemplate).where(InspectionTemplate.id == template_id)
                                 .options(selectinload(InspectionTemplate.items)))
    if template is None or template.company_id != person.company_id:
        return None
    if template.active:
        return template
    current = db.session.scalar(select(InspectionTemplate.id).where(
        InspectionTemplate.family == template.family, InspectionTemplate.active,
        InspectionTemplate.version > template.version))
    return template if current is not None else None


def preferred_kinds(area_kind: str | None) -> tuple[str, ...]:
    """The kinds of sheet suited to an area of this kind, best first."""
    return KINDS_FOR_AREA.get(area_kind or "", ())
