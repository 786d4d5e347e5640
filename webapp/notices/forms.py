"""What the notice pages send: a new notice (prefilled from its source) and the steps of its life, read and checked."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from webapp.domain.lifecycles import DEFAULT_DEADLINES, default_deadline
from webapp.models import DEPARTMENTS, Incident, InspectionResult, Person

MAX_PHOTOS = 5
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows
INCIDENT_DEPARTMENT = {"cleanliness": "environment", "security": "security", "fire_safety": "security",
                       "leak": "engineering", "damage": "engineering", "other": "environment"}
GAP_DEPARTMENT = {"cleaning_missed": "environment", "cleaning_late": "environment", "cleaning_failed": "environment",
                  "reading_missed": "engineering", "reading_late": "engineering"}


def files(uploads, name: str) -> list[bytes]:
    """The contents of the files sent under a field name (empty file inputs left out)."""
    return [f.read() for f in uploads.getlist(name) if f and f.filename]


def submission_of(value: str | None) -> str:
    """The form's own id (kept across a failed submission, so photos are not stored twice)."""
    try:
        return str(uuid.UUID(value or ""))
    except ValueError:
        return str(uuid.uuid4())


def local_input(instant: datetime | None, tz: str) -> str:
    """An instant as the site's clocks show it, for a datetime-local input."""
    return instant.astimezone(ZoneInfo(tz)).strftime(LOCAL_FORMAT) if instant else ""


def parse_local(value: str, tz: str) -> datetime | None:
    """A datetime-local value read in the site's zone, as a UTC instant; None if it is not one."""
    try:
        naive = datetime.strptime(value.strip()[:16], LOCAL_FORMAT)
    except ValueError:
        return None
    return naive.replace(tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


@dataclass
class NoticeForm:
    """A rectification notice as filled in: prefilled from its source, then edited by the issuer."""

    submission: str
    site_id: int
    source: str = "manual"
    inspection_result_id: int | None = None
    incident_id: int | None = None
    gap_shift_id: int | None = None
    gap_key: str | None = None
    area_id: int | None = None
    checkpoint_id: int | None = None
    location_text: str = ""
    description: str = ""
    severity: str = "medium"
    department: str = "environment"
    assignee_id: int | None = None
    deadline: str = ""  # in the site's local time, as typed
    photos: list[bytes] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def blank(cls, site_id: int, tz: str, now: datetime, severity: str = "medium", **prefill) -> NoticeForm:
        """A new notice with the default deadline of its severity."""
        severity = severity if severity in DEFAULT_DEADLINES else "medium"
        return cls(str(uuid.uuid4()), site_id, severity=severity,
                   deadline=local_input(default_deadline(severity, now), tz), **prefill)

    @classmethod
    def from_result(cls, result: InspectionResult, tz: str, now: datetime) -> NoticeForm:
        """Prefilled from a failed inspection item: its text and note, the inspected place, severity, department."""
        inspection = result.inspection
        text = result.item.text + (f"：{result.note}" if result.note.strip() else "")
        return cls.blank(inspection.site_id, tz, now, result.item.severity, source="inspection",
                         inspection_result_id=result.id, area_id=inspection.area_id,
                         checkpoint_id=inspection.checkpoint_id, description=text,
                         department=inspection.template.department)

    @classmethod
    def from_incident(cls, incident: Incident, tz: str, now: datetime) -> NoticeForm:
        """Prefilled from an incident: its description, place and severity."""
        return cls.blank(incident.site_id, tz, now, incident.severity.value, source="incident", incident_id=incident.id,
                         checkpoint_id=incident.checkpoint_id, location_text=incident.location_text,
                         description=incident.description,
                         department=INCIDENT_DEPARTMENT.get(incident.kind.value, "environment"))

    @classmethod
    def from_gap(cls, site_id: int, shift_id: int, gap, sentence: str, assignee_id: int | None, tz: str,
                 now: datetime) -> NoticeForm:
        """Prefilled from a gap of the gap engine: its sentence, checkpoint, severity and the person concerned."""
        return cls.blank(site_id, tz, now, gap.severity, source="gap", gap_shift_id=shift_id, gap_key=gap.key,
                         checkpoint_id=gap.checkpoint_id, description=sentence, assignee_id=assignee_id,
                         department=GAP_DEPARTMENT.get(gap.kind, "security"))

    def read(self, data, uploads, people: list[Person], checkpoint_ids: set[int]) -> NoticeForm:
        """The editable fields as sent over this prefilled form, with an error beside each one that is wrong."""
        self.submission = submission_of(data.get("submission"))
        self.description = data.get("description", "").strip()
        self.location_text = data.get("location_text", "").strip()[:300]
        self.severity = data.get("severity", "")
        self.department = data.get("department", "")
        self.deadline = data.get("deadline", "").strip()
        self.photos = files(uploads, "photos")
        checkpoint = data.get("checkpoint_id", type=int)
        self.checkpoint_id = checkpoint if checkpoint in checkpoint_ids else None
        assignee = data.get("assignee_id", type=int)
        self.assignee_id = assignee if assignee in {p.id for p in people} else None
        errors = self.errors
        if not self.description:
            errors["description"] = _("Describe what must be fixed.")
        elif len(self.description) > 2000:
            errors["description"] = _("At most %(count)s characters.", count=2000)
        if self.checkpoint_id is None and self.area_id is None and not self.location_text:
            errors["place"] = _("Choose the checkpoint or say where it is.")
        if self.severity not in DEFAULT_DEADLINES:
            errors["severity"] = _("Choose how serious it is.")
        if self.department not in DEPARTMENTS:
            errors["department"] = _("Choose the department.")
        if self.assignee_id is None:
            errors["assignee"] = _("Choose who is responsible.")
        if not self.deadline:
            errors["deadline"] = _("Set the deadline.")
        if len(self.photos) > MAX_PHOTOS:
            errors["photos"] = _("At most %(count)s photos here.", count=MAX_PHOTOS)
        return self

