"""Validation of what the equipment pages send."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FloatField, IntegerField, SelectField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from webapp.domain import days
from webapp.domain.errors import DomainError
from webapp.domain.maintenance import CYCLES
from webapp.domain.readings import KINDS, LIMIT, ReadingRule, check_rule
from webapp.domain.schedules import parse_times
from webapp.handover.services import signature_png
from webapp.i18n import domain_message
from webapp.models import EQUIPMENT_KINDS
from webapp.setup.forms import MultiCheckboxField

CODE = Regexp(r"^[A-Za-z0-9._#/-]+$", message=_l("Use letters, digits and . _ # / - only."))
REQUIRED = InputRequired(_l("This field is required."))
BOUND = NumberRange(-LIMIT, LIMIT)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _usable_day(form, field) -> None:
    if field.data is not None and not days.usable(field.data):
        raise ValidationError(_l("Not a date: %(value)s (write it as 2026-11-25)", value=field.data))


class EquipmentForm(FlaskForm):
    """A piece of equipment in the register."""

    name = StringField(_l("Name"), [REQUIRED, Length(max=200)], filters=[_strip])
    code = StringField(_l("Code"), [REQUIRED, Length(max=40), CODE], filters=[_strip])
    kind = SelectField(_l("Kind"), choices=[(k, k) for k in EQUIPMENT_KINDS], validators=[AnyOf(EQUIPMENT_KINDS)])
    checkpoint_id = SelectField(_l("Location"), coerce=lambda v: int(v) if v not in ("", None) else None,
                                validators=[Optional()])
    make = StringField(_l("Make and model"), [Length(max=200)], filters=[_strip])
    installed_on = DateField(_l("Installed on"), [Optional(), _usable_day])
    contractor = StringField(_l("Maintenance contractor"), [Length(max=200)], filters=[_strip])

    def __init__(self, checkpoints: list[tuple[int, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checkpoint_id.choices = [("", "—"), *checkpoints]


class ReadingItemForm(FlaskForm):
    """A reading item of a piece of equipment: what is read off it and what is normal."""

    name = StringField(_l("Reading"), [REQUIRED, Length(max=200)], filters=[_strip])
    kind = SelectField(_l("Kind"), choices=[(k, k) for k in KINDS], validators=[AnyOf(KINDS)], default="number")
    unit = StringField(_l("Unit"), [Length(max=20)], filters=[_strip])
    low = FloatField(_l("Normal from"), [Optional(), BOUND])
    high = FloatField(_l("Normal up to"), [Optional(), BOUND])
    meter = BooleanField(_l("A meter that only rises"))
    max_jump = FloatField(_l("Largest rise between readings"), [Optional(), NumberRange(0, LIMIT)])

    def rule(self) -> ReadingRule:
        return ReadingRule(self.kind.data, self.low.data, self.high.data, bool(self.meter.data), self.max_jump.data)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        try:
            check_rule(self.rule())
        except DomainError as error:
            self.high.errors = [*self.high.errors, domain_message(error)]
            return False
        return True


class MaintenanceTaskForm(FlaskForm):
    """A maintenance task with its cycle and first due day."""

    name = StringField(_l("Task"), [REQUIRED, Length(max=200)], filters=[_strip])
    cycle = SelectField(_l("Cycle"), choices=[(c, c) for c in CYCLES], validators=[AnyOf(tuple(CYCLES))])
    anchor_on = DateField(_l("First due on"), [REQUIRED, _usable_day])
    by_contractor = BooleanField(_l("Done by the contractor"))


MAX_PHOTOS = 5
MAX_NOTE = 2000


@dataclass
class DoneForm:
    """A maintenance task done: the form's own id, a note, its photos (at least one) and a signature."""

    values: dict
    submission: str = ""
    note: str = ""
    signature: str = ""
    photos: list[bytes] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def done_form(data, files) -> DoneForm:
    """Read and check the form: a valid submission id, a note that fits, 1–5 photos, a drawn signature."""
    values = {"submission": data.get("submission", ""), "note": data.get("note", "").strip(),
              "signature": data.get("signature", "")}
    form = DoneForm(values=values, note=values["note"])
    try:
        form.submission = str(uuid.UUID(values["submission"]))
    except ValueError:
        form.submission = str(uuid.uuid4())
        values["submission"] = form.submission
    if len(form.note) > MAX_NOTE or "\x00" in form.note:
        form.errors["note"] = _("At most %(count)s characters.", count=MAX_NOTE)
    form.photos = [f.read() for f in files.getlist("photos") if f and f.filename][:MAX_PHOTOS + 1]
    if not form.photos:
        form.errors["photos"] = _("Add at least one photo of the work done.")
    elif len(form.photos) > MAX_PHOTOS:
        form.errors["photos"] = _("At most %(count)s photos here.", count=MAX_PHOTOS)
    try:
        form.signature = signature_png(values["signature"])
    except DomainError:
        form.errors["signature"] = _("Sign with your finger before saving.")
    return form


def _times(form, field) -> None:
    try:
        if not parse_times(field.data or ""):
            raise ValidationError(_l("Write at least one time, e.g. 09:00, 21:00."))
    except DomainError as error:
        raise ValidationError(domain_message(error)) from None


class RoundPlanForm(FlaskForm):
    """An equipment round (设备巡检计划): the plant rooms read at fixed local times, with a window and a grace."""

    name = StringField(_l("Name"), [REQUIRED, Length(max=200)], filters=[_strip])
    times_local = StringField(_l("Times"), [REQUIRED, Length(max=400), _times], filters=[_strip],
                              description=_l("Local times, e.g. 09:00, 21:00"))
    window_minutes = IntegerField(_l("Window (min)"), [REQUIRED, NumberRange(5, 24 * 60)], default=60)
    grace_minutes = IntegerField(_l("Grace (min)"), [REQUIRED, NumberRange(0, 24 * 60)], default=15)
    checkpoint_ids = MultiCheckboxField(_l("Plant rooms"), coerce=int)

    def __init__(self, checkpoints: list[tuple[int, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checkpoint_ids.choices = checkpoints

    def validate_checkpoint_ids(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one plant room."))
