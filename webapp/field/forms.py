"""What the field pages send: the cleaning check and the incident report, read and checked."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from flask_babel import gettext as _

from webapp.models import Checkpoint, IncidentKind, Severity

MAX_STAGE_PHOTOS = 3
MAX_INCIDENT_PHOTOS = 5


def _files(files, name: str) -> list[bytes]:
    return [f.read() for f in files.getlist(name) if f and f.filename]


def _submission(value: str | None, errors: dict) -> str:
    try:
        return str(uuid.UUID(value or ""))
    except ValueError:
        errors["form"] = _("This form is incomplete. Reload the page and try again.")
        return str(uuid.uuid4())


@dataclass
class Answer:
    """One checklist item as answered on the form."""

    item_id: int
    text: str
    passed: bool | None
    note: str = ""


@dataclass
class CleaningForm:
    """A cleaning check as filled in on the phone."""

    submission: str
    answers: list[Answer]
    note: str = ""
    before: list[bytes] = field(default_factory=list)
    after: list[bytes] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def blank(cls, checkpoint: Checkpoint) -> CleaningForm:
        """Every item passed until the cleaner says otherwise (one tap per failure, not per item)."""
        return cls(str(uuid.uuid4()), [Answer(i.id, i.text, True) for i in checkpoint.checklist if i.active])

    @classmethod
    def read(cls, checkpoint: Checkpoint, data, files) -> CleaningForm:
        """The form as sent, with an error beside each field that is wrong."""
        errors: dict[str, str] = {}
        answers = []
        for item in (i for i in checkpoint.checklist if i.active):
            value = data.get(f"item-{item.id}")
            answer = Answer(item.id, item.text, {"pass": True, "fail": False}.get(value),
                            data.get(f"note-{item.id}", "").strip()[:500])
            if answer.passed is None:
                errors[f"item-{item.id}"] = _("Choose pass or fail.")
            answers.append(answer)
        form = cls(_submission(data.get("submission"), errors), answers, data.get("note", "").strip()[:1000],
                   _files(files, "before"), _files(files, "after"), errors)
        for stage in ("before", "after"):
            if len(getattr(form, stage)) > MAX_STAGE_PHOTOS:
                errors[stage] = _("At most %(count)s photos here.", count=MAX_STAGE_PHOTOS)
        if checkpoint.photo_required and not (form.before and form.after):
            errors["photos"] = _("This checkpoint needs a photo before and a photo after cleaning.")
        return form

    def event(self, token: str, device_time: str, photos: list[tuple[str, str]]) -> dict:
        """The sync event this form stands for."""
        return {"type": "cleaning_check", "client_uuid": self.submission, "token": token, "device_time": device_time,
                "note": self.note, "photos": [{"id": pid, "stage": stage} for pid, stage in photos],
                "results": [{"item_id": a.item_id, "passed": bool(a.passed), "note": a.note} for a in self.answers]}


@dataclass
class IncidentForm:
    """A problem reported from the phone."""

    submission: str
    kind: str = ""
    severity: str = "medium"
    description: str = ""
    checkpoint_id: int | None = None
    site_id: int | None = None
    location_text: str = ""
    photos: list[bytes] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    token: str | None = None

    @classmethod
    def blank(cls, checkpoint_id: int | None, site_ids: set[int]) -> IncidentForm:
        return cls(str(uuid.uuid4()), checkpoint_id=checkpoint_id, site_id=min(site_ids) if len(site_ids) == 1 else None)

    @classmethod
    def read(cls, data, files, places: list[Checkpoint], site_ids: set[int]) -> IncidentForm:
        """The report as sent, with an error beside each field that is wrong."""
        errors: dict[str, str] = {}
        form = cls(_submission(data.get("submission"), errors), data.get("kind", ""), data.get("severity", ""),
                   data.get("description", "").strip(), location_text=data.get("location_text", "").strip()[:300],
                   photos=_files(files, "photos"), errors=errors)
        if form.kind not in {k.value for k in IncidentKind}:
            errors["kind"] = _("Choose what kind of problem it is.")
        if form.severity not in {s.value for s in Severity}:
            errors["severity"] = _("Choose how serious it is.")
        if not form.description:
            errors["description"] = _("Describe the problem.")
        elif len(form.description) > 2000:
            errors["description"] = _("At most %(count)s characters.", count=2000)
        checkpoint = next((c for c in places if str(c.id) == data.get("checkpoint_id")), None)
        form.checkpoint_id = checkpoint.id if checkpoint else None
        form.token = checkpoint.token if checkpoint else None
        site = data.get("site_id", type=int) if hasattr(data, "getlist") else None
        form.site_id = checkpoint.site_id if checkpoint else (site if site in site_ids else
                                                               (min(site_ids) if len(site_ids) == 1 else None))
        if checkpoint is None and not form.location_text:
            errors["place"] = _("Choose the checkpoint or say where it is.")
        elif form.site_id is None:
            errors["place"] = _("Choose the site.")
        if len(form.photos) > MAX_INCIDENT_PHOTOS:
            errors["photos"] = _("At most %(count)s photos here.", count=MAX_INCIDENT_PHOTOS)
        return form

    def event(self, device_time: str, photo_ids: list[str]) -> dict:
        """The sync event this report stands for."""
        event = {"type": "incident", "client_uuid": self.submission, "device_time": device_time, "kind": self.kind,
                 "severity": self.severity, "description": self.description, "location_text": self.location_text,
                 "photo_ids": photo_ids, "site_id": self.site_id}
        if self.token:
            event["token"] = self.token
        return event
