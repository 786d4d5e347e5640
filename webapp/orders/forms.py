"""What the work-order pages send: a new order (a resident's call or an incident) and a step of its life, checked."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from flask_babel import gettext as _

from webapp.domain.errors import DomainError
from webapp.domain.lifecycles import CATEGORIES, SATISFACTION
from webapp.i18n import domain_message
from webapp.models import Checkpoint, Incident, IncidentKind, Severity

MAX_PHOTOS = 5
MAX_TEXT = 2000


def _files(files, name: str) -> list[bytes]:
    return [f.read() for f in files.getlist(name) if f and f.filename]


def _submission(value: str | None, errors: dict) -> str:
    try:
        return str(uuid.UUID(value or ""))
    except ValueError:
        errors["form"] = _("This form is incomplete. Reload the page and try again.")
        return str(uuid.uuid4())


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def photo_keys(submission: str, label: str, count: int) -> list[str]:
    """Stable ids for the photos of one form: sending the same form again sends the same photos."""
    return [str(uuid.uuid5(uuid.UUID(submission), f"{label}-{n}")) for n in range(count)]


def category_for(incident: Incident) -> str:
    """A first guess at the repair category of an incident (the person may change it)."""
    if incident.kind == IncidentKind.LEAK:
        return "urgent" if incident.severity in (Severity.HIGH, Severity.CRITICAL) else "plumbing"
    return {IncidentKind.DAMAGE: "facility"}.get(incident.kind, "ordinary")


@dataclass
class OrderForm:
    """A repair work order as received (受理): from a resident's call, from the field, or from an incident."""

    submission: str
    site_id: int | None = None
    category: str = ""
    description: str = ""
    checkpoint_id: int | None = None
    location_text: str = ""
    reporter: str = ""
    incident_id: int | None = None
    photos: list[bytes] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    token: str | None = None  # the chosen checkpoint's token, for the photos' watermark

    @classmethod
    def blank(cls, site_ids: set[int], incident: Incident | None = None) -> OrderForm:
        """An empty form, or one filled in from the incident it is made from."""
        form = cls(str(uuid.uuid4()), site_id=min(site_ids) if len(site_ids) == 1 else None)
        if incident is not None:
            form.site_id, form.incident_id, form.description = incident.site_id, incident.id, incident.description
            form.checkpoint_id, form.location_text = incident.checkpoint_id, incident.location_text
            form.category = category_for(incident)
        return form

    @classmethod
    def read(cls, data, files, places: list[Checkpoint], site_ids: set[int], incident: Incident | None) -> OrderForm:
        """The order as sent, with an error beside each field that is wrong."""
        errors: dict[str, str] = {}
        form = cls(_submission(data.get("submission"), errors), category=data.get("category", ""),
                   description=data.get("description", "").strip(), location_text=data.get("location_text", "").strip()[:300],
                   reporter=data.get("reporter", "").strip()[:200], photos=_files(files, "photos"), errors=errors)
        if not form.category:
            errors["category"] = _("Choose the kind of repair.")
        elif form.category not in CATEGORIES:
            errors["category"] = domain_message(DomainError("unknown_category", category=form.category))
        if not form.description:
            errors["description"] = _("Describe what needs repairing.")
        elif len(form.description) > MAX_TEXT:
            errors["description"] = _("At most %(count)s characters.", count=MAX_TEXT)
        checkpoint = next((c for c in places if str(c.id) == data.get("checkpoint_id")), None)
        form.checkpoint_id, form.token = (checkpoint.id, checkpoint.token) if checkpoint else (None, None)
        if incident is not None:
            form.incident_id, form.site_id = incident.id, incident.site_id
        elif checkpoint is not None:
            form.site_id = checkpoint.site_id
        else:
            site = _int(data.get("site_id"))
            form.site_id = site if site in site_ids else (min(site_ids) if len(site_ids) == 1 else None)
        if checkpoint is None and not form.location_text:
            errors["place"] = _("Choose the checkpoint or say where it is.")
        elif form.site_id is None:
            errors["place"] = _("Choose the site.")
        elif checkpoint is not None and checkpoint.site_id != form.site_id:
            errors["place"] = _("This checkpoint is at another site than the incident.")
        if len(form.photos) > MAX_PHOTOS:
            errors["photos"] = _("At most %(count)s photos here.", count=MAX_PHOTOS)
        return form


@dataclass
class StepForm:
    """One step of an order's life as sent from its page."""

    action: str
    submission: str
    note: str = ""
    assignee_id: int | None = None
    value: str | None = None
    photos: list[bytes] = field(default_factory=list)

    @classmethod
    def read(cls, data, files) -> StepForm:
        """The step as sent (its rules are checked by the service and the domain)."""
        value = data.get("value")
        submission = _submission(data.get("submission"), {})
        return cls(action=data.get("action", ""), submission=submission, note=data.get("note", "").strip()[:MAX_TEXT],
                   assignee_id=_int(data.get("assignee_id")), value=value if value in SATISFACTION else None,
                   photos=_files(files, "photos"))
