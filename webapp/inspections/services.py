"""Changes in the inspections area: scoring sheets and their versions, inspection plans, and an inspection sent from
the phone's page (through the same sync service as every field record)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from webapp.access import site_ids
from webapp.api.schemas import PhotoUpload
from webapp.audit import record
from webapp.domain.errors import DomainError
from webapp.domain.inspection_plans import InspectionPlanSpec
from webapp.extensions import db
from webapp.field import photos
from webapp.field import services as sync
from webapp.i18n import domain_message
from webapp.inspections import queries
from webapp.inspections.forms import InspectionForm, TemplateForm
from webapp.models import Inspection, InspectionItem, InspectionPlan, InspectionTemplate, Person

# ---- scoring sheets ---------------------------------------------------------------------------------------------

def _items(form: TemplateForm) -> list[InspectionItem]:
    return [InspectionItem(position=n, section=row.section, text=row.text, weight=float(row.weight), critical=row.critical,
                           severity=row.severity) for n, row in enumerate(form.items)]


def create_template(person: Person, form: TemplateForm) -> InspectionTemplate:
    """A new sheet, version 1."""
    template = InspectionTemplate(company_id=person.company_id, version=1, created_by_id=person.id, items=_items(form),
                                  **form.values())
    db.session.add(template)
    db.session.flush()
    record(person, "inspection_template_created", "inspection_template", template.id, name=template.name)
    db.session.commit()
    return template


def _edit_in_place(template: InspectionTemplate, form: TemplateForm) -> None:
    """An unused version changes itself; its items keep their ids where they stay (phones may hold the sheet)."""
    for name, value in form.values().items():
        setattr(template, name, value)
    kept = {item.id: item for item in template.items}
    items = []
    for n, row in enumerate(form.items):
        item = kept.pop(row.id, None) if row.id is not None else None
        item = item or InspectionItem()
        item.position, item.section, item.text, item.weight = n, row.section, row.text, float(row.weight)
        item.critical, item.severity = row.critical, row.severity
        items.append(item)
    template.items = items


def save_template(person: Person, template: InspectionTemplate, form: TemplateForm) -> InspectionTemplate:
    """Save an edit of the current version: in place while no inspection used it, else as the next version."""
    if not template.active:
        raise DomainError("template_not_current")
    if not queries.is_used(template.id):
        _edit_in_place(template, form)
        record(person, "inspection_template_edited", "inspection_template", template.id, version=template.version)
        db.session.commit()
        return template
    latest = db.session.scalar(select(func.max(InspectionTemplate.version)).where(InspectionTemplate.family == template.family))
    revised = InspectionTemplate(company_id=template.company_id, family=template.family, version=latest + 1,
                                 created_by_id=person.id, items=_items(form), **form.values())
    template.active = False  # the used version stays as it is, for the inspections made with it
    db.session.add(revised)
    db.session.flush()
    record(person, "inspection_template_revised", "inspection_template", revised.id, replaces=template.id,
           version=revised.version)
    db.session.commit()
    return revised


def retire_template(person: Person, template: InspectionTemplate) -> None:
    """Take a sheet out of use; its versions and the inspections made with them stay."""
    template.active = False
    record(person, "inspection_template_retired", "inspection_template", template.id, name=template.name)
    db.session.commit()


# ---- inspection plans -------------------------------------------------------------------------------------------

def add_plan(person: Person, spec: InspectionPlanSpec) -> InspectionPlan:
    """A supervisor's weekly visit to a site."""
    plan = InspectionPlan(site_id=spec.site_id, inspector_id=spec.inspector_id, weekday=spec.weekday, starts=spec.starts,
                          ends=spec.ends)
    db.session.add(plan)
    db.session.flush()
    record(person, "inspection_plan_added", "inspection_plan", plan.id, site_id=spec.site_id, weekday=spec.weekday,
           starts=spec.starts.isoformat(), ends=spec.ends.isoformat(), inspector=spec.inspector_id)
    db.session.commit()
    return plan


def deactivate_plan(person: Person, plan: InspectionPlan) -> None:
    """Stop a plan; it stays listed as inactive."""
    plan.active = False
    record(person, "inspection_plan_deactivated", "inspection_plan", plan.id, site_id=plan.site_id)
    db.session.commit()


# ---- an inspection from the phone's page ------------------------------------------------------------------------

@dataclass
class Place:
    """Where an inspection is made: a site, maybe an area, maybe at a checkpoint."""

    site_id: int
    area_id: int | None = None
    token: str | None = None

    def event_fields(self) -> dict:
        fields: dict = {"site_id": self.site_id}
        if self.area_id is not None:
            fields["area_id"] = self.area_id
        if self.token:
            fields["token"] = self.token
        return fields


def _keep_photos(person: Person, form: InspectionForm, place: Place, device: str, now: datetime) -> dict[int, list[str]]:
    """Check every photo first, then keep them all (a bad photo keeps none); their client ids per item."""
    staged = []
    for item_id, mark in form.marks.items():
        for n, data in enumerate(mark.photos):
            key = str(uuid.uuid5(uuid.UUID(form.submission), f"item-{item_id}-{n}"))
            upload = PhotoUpload(client_uuid=key, device_id=device, token=place.token,
                                 site_id=None if place.token else place.site_id, device_time=now)
            staged.append((item_id, photos.prepare(person, site_ids(person), upload, data, now=now)))
    kept: dict[int, list[str]] = {}
    for item_id, prepared in staged:
        kept.setdefault(item_id, []).append(str(photos.keep(person, prepared, now=now)[0].client_uuid))
    return kept


def submit(person: Person, template: InspectionTemplate, place: Place, form: InspectionForm, device: str,
           now: datetime) -> tuple[int | None, str | None]:
    """Store an inspection and its photos through the sync service: (its id, None), or (None, the reason in words)."""
    try:
        photo_ids = _keep_photos(person, form, place, device, now)
    except DomainError as error:
        db.session.rollback()
        return None, domain_message(error)
    event = form.event(template.method, place.event_fields(), template.id, now.isoformat(), photo_ids)
    outcome = sync.ingest(person, site_ids(person), device, now, [event], now=now,
                          skew_limit_s=current_app.config["CLOCK_SKEW_LIMIT_S"])
    result = outcome.results[0]
    if result.status == "rejected":
        return None, domain_message(sync.Rejected(result.reason, **result.params))
    if result.status == "duplicate":
        found = db.session.scalar(select(Inspection.id).where(Inspection.client_uuid == uuid.UUID(form.submission)))
        return found, None
    return result.id, None
