"""What the inspection pages send, read and checked: a scoring sheet being edited, a plan, an inspection."""
from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import time

from flask_babel import gettext as _

from webapp.domain import scoring
from webapp.domain.errors import DomainError
from webapp.domain.inspection_plans import InspectionPlanSpec
from webapp.i18n import domain_message
from webapp.models import DEPARTMENTS, TEMPLATE_AREA_KINDS, InspectionTemplate
from webapp.params import whole

SEVERITIES = ("low", "medium", "high", "critical")
MAX_ITEMS = 200
MAX_ITEM_PHOTOS = 5


def _number(text: str | None) -> float | None:
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# ---- a scoring sheet --------------------------------------------------------------------------------------------

@dataclass
class ItemRow:
    """One line of a sheet as edited; `id` is the stored item it came from, if any."""

    id: int | None = None
    section: str = ""
    text: str = ""
    weight: str = "5"
    critical: bool = False
    severity: str = "medium"
    error: str = ""


@dataclass
class TemplateForm:
    """A scoring sheet as edited on its set-up page."""

    name: str = ""
    area_kind: str = "stairwell"
    department: str = "environment"
    method: str = "deduction"
    full_marks: str = "100"
    pass_mark: str = "80"  # noqa: S105 (a percent, not a password)
    items: list[ItemRow] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def blank(cls) -> TemplateForm:
        return cls(items=[ItemRow()])

    @classmethod
    def of(cls, template: InspectionTemplate) -> TemplateForm:
        """The stored version, ready to edit."""
        return cls(template.name, template.area_kind, template.department, template.method, f"{template.full_marks:g}",
                   f"{template.pass_mark:g}",
                   [ItemRow(i.id, i.section, i.text, f"{i.weight:g}", i.critical, i.severity) for i in template.items])

    @classmethod
    def read(cls, data) -> TemplateForm:
        """The sheet as sent, its item rows in the order shown."""
        ids, sections, texts = data.getlist("item_id"), data.getlist("section"), data.getlist("text")
        weights, criticals, severities = data.getlist("weight"), data.getlist("critical"), data.getlist("severity")
        rows = []
        for n, text in enumerate(texts[:MAX_ITEMS]):
            raw_id = ids[n] if n < len(ids) else ""
            rows.append(ItemRow(int(raw_id) if raw_id.isdigit() else None, (sections[n] if n < len(sections) else "").strip()[:100],
                                text.strip()[:300], (weights[n] if n < len(weights) else "").strip(),
                                (criticals[n] if n < len(criticals) else "0") == "1",
                                severities[n] if n < len(severities) else "medium"))
        return cls(data.get("name", "").strip()[:200], data.get("area_kind", ""), data.get("department", ""),
                   data.get("method", ""), data.get("full_marks", "").strip(), data.get("pass_mark", "").strip(), rows)

    def rearrange(self, op: str) -> bool:
        """Add, remove or move an item row (op "add", "remove-N", "up-N", "down-N"); False when op is something else."""
        if op == "add":
            last = self.items[-1] if self.items else None
            self.items.append(ItemRow(section=last.section if last else ""))
            return True
        verb, _sep, number = op.partition("-")
        if verb not in ("remove", "up", "down") or not number.isdigit() or int(number) >= len(self.items):
            return False
        n = int(number)
        if verb == "remove":
            del self.items[n]
        elif verb == "up" and n > 0:
            self.items[n - 1], self.items[n] = self.items[n], self.items[n - 1]
        elif verb == "down" and n + 1 < len(self.items):
            self.items[n + 1], self.items[n] = self.items[n], self.items[n + 1]
        return True

    def validate(self) -> bool:
        """Check every field; errors are put beside the fields they concern."""
        errors = self.errors
        if not self.name:
            errors["name"] = _("Give the sheet a name.")
        if self.area_kind not in TEMPLATE_AREA_KINDS:
            errors["area_kind"] = _("Choose the kind of place.")
        if self.department not in DEPARTMENTS:
            errors["department"] = _("Choose the department.")
        if self.method not in scoring.METHODS:
            errors["method"] = _("Choose how the sheet is scored.")
        full, passing = _number(self.full_marks), _number(self.pass_mark)
        if full is None or full <= 0:
            errors["full_marks"] = _("Full marks must be a number above 0.")
        if passing is None or not 0 <= passing <= 100:
            errors["pass_mark"] = _("The pass mark is a percent from 0 to 100.")
        if not self.items:
            errors["items"] = _("A sheet needs at least one item.")
        for row in self.items:
            weight = _number(row.weight)
            if not row.text:
                row.error = _("Say what is checked.")
            elif weight is None or weight < 0:
                row.error = _("The weight is a number, 0 or more.")
            elif row.severity not in SEVERITIES:
                row.error = _("Choose a severity.")
        if any(row.error for row in self.items):
            errors["items"] = _("Some items need attention.")
        return not errors

    def values(self) -> dict:
        """The sheet's own fields, for the service (call after validate)."""
        return {"name": self.name, "area_kind": self.area_kind, "department": self.department, "method": self.method,
                "full_marks": float(self.full_marks), "pass_mark": float(self.pass_mark)}


# ---- an inspection plan -----------------------------------------------------------------------------------------

@dataclass
class PlanForm:
    """A weekly visit: who, which weekday, from and to (local hours)."""

    inspector_id: str = ""
    weekday: str = "0"
    starts: str = "09:00"
    ends: str = "11:30"
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, data) -> PlanForm:
        return cls(data.get("inspector_id", ""), data.get("weekday", ""), data.get("starts", "").strip(),
                   data.get("ends", "").strip())

    def checked(self, inspectors: set[int], site_id: int, zone: str) -> InspectionPlanSpec | None:
        """The plan as the domain sees it, or None with errors beside the fields."""
        inspector = whole(self.inspector_id)
        if inspector not in inspectors:
            self.errors["inspector_id"] = _("Choose a quality supervisor of this site.")
        starts, ends = _clock(self.starts), _clock(self.ends)
        if starts is None:
            self.errors["starts"] = _("Write the time as 09:00.")
        if ends is None:
            self.errors["ends"] = _("Write the time as 09:00.")
        weekday = -1 if self.weekday.strip() == "-1" else whole(self.weekday)
        weekday = -1 if weekday is None else weekday
        if self.errors:
            return None
        try:
            return InspectionPlanSpec(0, site_id, inspector, weekday, starts, ends, zone)
        except DomainError as error:
            self.errors["weekday" if error.code == "invalid_weekday" else "ends"] = domain_message(error)
            return None


def _clock(text: str) -> time | None:
    try:
        return time.fromisoformat(text) if len(text) in (5, 8) else None
    except ValueError:
        return None


# ---- an inspection ----------------------------------------------------------------------------------------------

MARKS = {"deduction": {"pass": 1, "fail": 0, "na": None}, "scale": {"5": 5, "3": 3, "1": 1, "na": None}}


@dataclass
class Mark:
    """One item as marked on the phone."""

    item_id: int
    choice: str = ""  # pass / fail / 5 / 3 / 1 / na
    note: str = ""
    photos: list[bytes] = field(default_factory=list)

    def value(self, method: str) -> int | None:
        return MARKS[method].get(self.choice)


@dataclass
class InspectionForm:
    """An inspection as filled in on the phone."""

    submission: str
    marks: dict[int, Mark]
    note: str = ""
    signature: str = ""
    countersign_shift: int | None = None
    countersign_handover: int | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def blank(cls, template: InspectionTemplate) -> InspectionForm:
        """Every item passed (or marked 5) until the inspector says otherwise: one tap per finding, not per item."""
        first = "pass" if template.method == "deduction" else "5"
        return cls(str(uuid.uuid4()), {i.id: Mark(i.id, first) for i in template.items})

    @classmethod
    def read(cls, template: InspectionTemplate, data, files) -> InspectionForm:
        """The inspection as sent, with an error beside each item that is wrong."""
        errors: dict[str, str] = {}
        try:
            submission = str(uuid.UUID(data.get("submission", "")))
        except ValueError:
            submission = str(uuid.uuid4())
            errors["form"] = _("This form is incomplete. Reload the page and try again.")
        marks = {}
        failing = {"deduction": "fail", "scale": "1"}[template.method]
        for item in template.items:
            mark = Mark(item.id, data.get(f"item-{item.id}", ""), data.get(f"note-{item.id}", "").strip()[:500],
                        [f.read() for f in files.getlist(f"photos-{item.id}") if f and f.filename])
            if mark.choice not in MARKS[template.method]:
                errors[f"item-{item.id}"] = _("Choose a mark.")
            elif mark.choice == failing and not (mark.note or mark.photos):
                errors[f"item-{item.id}"] = _("A failed item needs a note or a photo.")
            if len(mark.photos) > MAX_ITEM_PHOTOS:
                errors[f"item-{item.id}"] = _("At most %(count)s photos here.", count=MAX_ITEM_PHOTOS)
            marks[item.id] = mark
        form = cls(submission, marks, data.get("note", "").strip()[:2000], data.get("signature", ""),
                   data.get("countersign_shift", type=int), data.get("countersign_handover", type=int), errors)
        if not form.signature:
            errors["signature"] = str(_("Sign in the box with your finger first."))
        return form

    def event(self, method: str, place: dict, template_id: int, device_time: str, photo_ids: dict[int, list[str]]) -> dict:
        """The sync event this form stands for."""
        event = {"type": "inspection", "client_uuid": self.submission, "device_time": device_time, "template_id": template_id,
                 "note": self.note, "signature": self.signature, **place,
                 "answers": [{"item_id": m.item_id, "value": m.value(method), "note": m.note,
                              "photo_ids": photo_ids.get(m.item_id, [])} for m in self.marks.values()]}
        if self.countersign_shift:
            event["countersign_shift_id"] = self.countersign_shift
        if self.countersign_handover:
            event["countersign_handover_id"] = self.countersign_handover
        return event
