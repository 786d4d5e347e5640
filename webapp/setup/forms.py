"""Validation of what the set-up pages send: one form per thing a manager describes."""
from __future__ import annotations

from zoneinfo import available_timezones

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from webapp.domain import days
from webapp.domain.errors import DomainError
from webapp.domain.passwords import weakness
from webapp.domain.schedules import MAX_MINUTES, PlanSpec, parse_times
from webapp.domain.timezones import is_timezone
from webapp.i18n import domain_message, label, message_for
from webapp.models import AreaKind, Purpose, Role

CODE = Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Use letters, digits, - and _ only."))
LOGIN = Regexp(r"^(\+?\d{6,15}|[A-Za-z][A-Za-z0-9._-]{2,63})$",
               message=_l("A phone number, or a username of letters, digits, dots, - and _ (at least 3)."))


PASSWORD_RULES = _l("At least 10 characters, not only digits, not the login or the name, not a common password.")


def timezone_names() -> list[str]:
    """Every IANA zone name, for the list offered beside a time-zone box."""
    return sorted(available_timezones())


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _value_of(value):
    """An enum member's value (what the form sends), or the value itself."""
    return getattr(value, "value", value)


def _int_or_none(value):
    return None if value in ("", None) else int(value)


def required(message=_l("This field is required.")):  # noqa: B008 (a lazy string, evaluated per request)
    """A required field, with our translated message."""
    return InputRequired(message)


class Form(FlaskForm):
    """A form of these pages; CSRFProtect already checks the token of every request, so the form does not again."""

    class Meta:
        csrf = False


class MultiCheckboxField(SelectMultipleField):
    """Several choices ticked from a list of checkboxes."""


class SiteForm(Form):
    """A site's name, code, address and time zone."""

    name = StringField(_l("Name"), [required(), Length(max=200)], filters=[_strip])
    code = StringField(_l("Code"), [required(), Length(max=40), CODE], filters=[_strip])
    address = StringField(_l("Address"), [Optional(), Length(max=300)], filters=[_strip])
    timezone = StringField(_l("Time zone"), [required(), Length(max=64)], filters=[_strip], default="Asia/Shanghai",
                           description=_l("An IANA zone such as Asia/Shanghai; times of plans and shifts are read in it."))

    def validate_timezone(self, field):
        if not is_timezone(field.data):
            raise ValidationError(domain_message(DomainError("unknown_timezone", name=field.data)))


class AreaForm(Form):
    """An area's name and kind."""

    name = StringField(_l("Name"), [required(), Length(max=200)], filters=[_strip])
    kind = SelectField(_l("Kind"), default=AreaKind.BUILDING.value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, label(k)) for k in AreaKind]


class StatusForm(Form):
    """Deactivate ("0") or reactivate ("1") a thing."""

    active = HiddenField(validators=[required(), AnyOf(["0", "1"])])


class CheckpointForm(Form):
    """A checkpoint's name, short code, area, purpose, photo rule and optional position."""

    name = StringField(_l("Name"), [required(), Length(max=200)], filters=[_strip])
    code = StringField(_l("Short code"), [required(), Length(max=20), CODE], filters=[_strip],
                       description=_l("Printed on the label, for when the camera fails. Unique within the site."))
    area_id = SelectField(_l("Area"), coerce=_int_or_none, validate_choice=True)
    purpose = SelectField(_l("Purpose"), coerce=_value_of, default=Purpose.PATROL.value)
    photo_required = BooleanField(_l("Photo required"))
    lat = FloatField(_l("Latitude"), [Optional(), NumberRange(-90, 90, _l("Between -90 and 90."))])
    lng = FloatField(_l("Longitude"), [Optional(), NumberRange(-180, 180, _l("Between -180 and 180."))])
    radius_m = FloatField(_l("Radius (m)"), [Optional(), NumberRange(5, 5000, _l("Between 5 and 5000 metres."))])

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.area_id.choices = [("", _l("— no area —"))] + [(a.id, a.name) for a in areas]
        self.purpose.choices = [(p.value, label(p)) for p in Purpose]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        typed = {f.name: bool(f.raw_data and f.raw_data[0].strip()) for f in (self.lat, self.lng, self.radius_m)}
        if typed["lat"] != typed["lng"]:
            empty = self.lng if typed["lat"] else self.lat
            empty.errors = [*empty.errors, str(_l("Give both latitude and longitude, or neither."))]
            ok = False
        if typed["radius_m"] and not typed["lat"]:
            self.radius_m.errors = [*self.radius_m.errors, str(_l("A radius needs a position."))]
            ok = False
        return ok


class ChecklistForm(Form):
    """One change to a checklist: "add" with a text, or "up:<id>", "down:<id>", "remove:<id>"."""

    op = StringField(validators=[required(), Regexp(r"^(add|(up|down|remove):\d+)$")])
    text = StringField(_l("New item"), [Length(max=200)], filters=[_strip])

    def validate_text(self, field):
        if self.op.data == "add" and not field.data:
            raise ValidationError(_l("Write the item, e.g. \"Handrails free of dust\"."))

    @property
    def verb(self) -> str:
        return self.op.data.split(":")[0]

    @property
    def item_id(self) -> int | None:
        return int(self.op.data.split(":")[1]) if ":" in self.op.data else None


class RouteForm(Form):
    """A route's name, and whether it is in use."""

    name = StringField(_l("Name"), [required(), Length(max=200)], filters=[_strip])
    active = BooleanField(_l("In use"), default=True)


class StopsForm(Form):
    """The stops of a route: walking minutes typed for each, and one change ("add", "save", "up:<id>", ...)."""

    op = StringField(validators=[required(), Regexp(r"^(add|save|(up|down|remove):\d+)$")])
    checkpoint_id = SelectField(_l("Checkpoint to add"), coerce=_int_or_none, validate_choice=False)

    def __init__(self, *args, stops=(), candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.stops = list(stops)
        self.checkpoint_id.choices = [("", _l("— choose a checkpoint —"))] + [(c.id, f"{c.code} · {c.name}") for c in candidates]
        self.walks: dict[int, float] = {}
        self.walk_text: dict[int, str] = {}
        self.walk_errors: dict[int, str] = {}

    def validate_checkpoint_id(self, field):
        if self.op.data == "add" and field.data is None:
            raise ValidationError(_l("Choose a checkpoint."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for i, stop in enumerate(self.stops):
            raw = request.form.get(f"walk-{stop.id}")
            raw = raw if raw is not None else f"{stop.min_walk_minutes:g}"
            self.walk_text[stop.id] = raw
            try:
                minutes = float(raw.strip() or 0)
            except ValueError:
                minutes = -1
            if not 0 <= minutes <= 240:
                self.walk_errors[stop.id] = str(_l("Minutes between 0 and 240."))
            self.walks[stop.id] = 0.0 if i == 0 else minutes
        return ok and not self.walk_errors

    def walk_value(self, stop) -> str:
        """What to show in a stop's minutes box: what was typed, else what is stored."""
        return self.walk_text.get(stop.id, f"{stop.min_walk_minutes:g}")

    @property
    def verb(self) -> str:
        return self.op.data.split(":")[0]

    @property
    def stop_id(self) -> int | None:
        return int(self.op.data.split(":")[1]) if ":" in self.op.data else None


SCHEDULE_FIELDS = ("shift_template_id", "interval_minutes", "times_local", "window_minutes", "grace_minutes", "preview_date")
_PLAN_FIELD = {"bad_time_of_day": "times_local", "plan_without_times": "times_local", "bad_interval": "interval_minutes"}


class _PlanForm(Form):
    """What patrol and cleaning plans share: name, times, window, grace, and the day to preview."""

    name = StringField(_l("Name"), [required(), Length(max=200)], filters=[_strip])
    times_local = StringField(_l("Local times"), [Optional(), Length(max=400)], filters=[_strip],
                              description=_l("Times of day in the site's zone, e.g. 09:00,13:00,17:00"))
    window_minutes = IntegerField(_l("Window (minutes)"), [required()],
                                  description=_l("How long after the due time the work may start."))
    grace_minutes = IntegerField(_l("Grace (minutes)"), [required()], default=15,
                                 description=_l("Extra minutes before it counts as missed."))
    active = BooleanField(_l("In use"), default=True)
    preview_date = DateField(_l("Preview day"), [Optional()])

    def validate_preview_date(self, field):
        if field.data is not None and not days.usable(field.data):
            raise ValidationError(_l("Choose a day between %(first)s and %(last)s.", first=days.FIRST, last=days.LAST))

    interval_minutes = None  # patrol plans only

    def spec(self) -> PlanSpec:
        """The schedule's view of what was typed; raises DomainError."""
        interval = self.interval_minutes.data if self.interval_minutes is not None else None
        return PlanSpec(plan_id=0, interval_minutes=interval, times=parse_times(self.times_local.data or ""),
                        window_minutes=self.window_minutes.data, grace_minutes=self.grace_minutes.data)

    def _spec_is_sound(self) -> bool:
        """Check what was typed against the schedule's rules; a broken rule stands beside its field."""
        try:
            self.spec()
        except DomainError as error:
            name = _PLAN_FIELD.get(error.code)
            if error.code == "plan_minutes_too_many":  # the first of the three that is too long
                name = next(n for n in ("interval_minutes", "window_minutes", "grace_minutes")
                            if self[n] is not None and (self[n].data or 0) > MAX_MINUTES)
            elif name is None:  # bad_window: whichever of the two is negative
                name = "grace_minutes" if self.window_minutes.data >= 0 else "window_minutes"
            self[name].errors = [*self[name].errors, domain_message(error)]
            return False
        return True

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) and self._spec_is_sound()

    def schedule(self) -> PlanSpec | None:
        """Validate only the fields the schedule needs (for a preview while the rest is still being typed)."""
        results = []
        for name in SCHEDULE_FIELDS:
            if name in self._fields:
                inline = getattr(type(self), f"validate_{name}", None)
                results.append(self._fields[name].validate(self, [inline] if inline else []))
        return self.spec() if all(results) and self._spec_is_sound() else None

    def quiet_spec(self) -> PlanSpec | None:
        """The spec of what is in the form, or None, without marking any field."""
        try:
            return self.spec()
        except (DomainError, TypeError):
            return None

    def normalized_times(self) -> str:
        """The times as stored: sorted, without repeats, "09:00,13:00"."""
        return ",".join(t.strftime("%H:%M") for t in parse_times(self.times_local.data or ""))


class PatrolPlanForm(_PlanForm):
    """A patrol plan: a route, an optional shift template, every N minutes or at local times."""

    route_id = SelectField(_l("Route"), coerce=_int_or_none)
    shift_template_id = SelectField(_l("Shift"), coerce=_int_or_none)
    interval_minutes = IntegerField(_l("Every (minutes)"), [Optional()],
                            description=_l("One round every N minutes from the start of the shift; or give local times."))
    window_minutes = IntegerField(_l("Window (minutes)"), [required()], default=30,
                                  description=_l("How long after the due time the work may start."))

    def __init__(self, *args, routes=(), templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.route_id.choices = [("", _l("— choose a route —"))] + [(r.id, r.name) for r in routes]
        self.shift_template_id.choices = [("", _l("Every shift"))] + [(t.id, t.name) for t in templates]

    def validate_route_id(self, field):
        if field.data is None:
            raise ValidationError(_l("Choose a route."))

    def validate_interval_minutes(self, field):
        if field.data is not None and self.times_local.data:
            raise ValidationError(_l("Give an interval or local times, not both."))


class CleaningPlanForm(_PlanForm):
    """A cleaning plan: local times, window, grace, and the checkpoints it covers."""

    window_minutes = IntegerField(_l("Window (minutes)"), [required()], default=60,
                                  description=_l("How long after the due time the work may start."))
    checkpoint_ids = MultiCheckboxField(_l("Checkpoints"), coerce=int)

    def __init__(self, *args, checkpoints=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.checkpoint_ids.choices = [(c.id, f"{c.code} · {c.name}") for c in checkpoints]

    def validate_checkpoint_ids(self, field):
        if not field.data:
            raise ValidationError(_l("Tick at least one checkpoint."))


class ShiftTemplateForm(Form):
    """A shift template: name and local start and end (an end at or before the start is the next day)."""

    name = StringField(_l("Name"), [required(), Length(max=100)], filters=[_strip])
    start_local = TimeField(_l("Starts"), [required(_l("Give a time such as 08:00."))])
    end_local = TimeField(_l("Ends"), [required(_l("Give a time such as 20:00."))],
                          description=_l("An end at or before the start is on the next day."))
    patrol = BooleanField(_l("Rounds are walked on this shift"), default=True)
    active = BooleanField(_l("In use"), default=True)


class RosterCellForm(Form):
    """Who leads and who works one shift on one day."""

    lead_id = SelectField(_l("Lead"), coerce=_int_or_none)
    staff_ids = MultiCheckboxField(_l("Staff"), coerce=int)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lead_id.choices = [("", _l("— no lead —"))] + [(p.id, p.name) for p in people if p.role == Role.LEAD]
        self.staff_ids.choices = [(p.id, f"{p.name} · {label(p.role)}") for p in people if p.role != Role.CLIENT]


class CopyRosterForm(Form):
    """The week (its Monday) to fill from the week before."""

    week = DateField(validators=[required()])

    def validate_week(self, field):
        if not days.usable(field.data):
            raise ValidationError(_l("Choose a day between %(first)s and %(last)s.", first=days.FIRST, last=days.LAST))


def role_choices(actor) -> list[tuple[str, str]]:
    """The roles a person may give: administrators any, managers any but administrator."""
    return [(r.value, label(r)) for r in Role if actor.role == Role.ADMIN or r != Role.ADMIN]


class PersonForm(Form):
    """A person's name, role, sites and language."""

    name = StringField(_l("Name"), [required(), Length(max=100)], filters=[_strip])
    role = SelectField(_l("Role"))
    site_ids = MultiCheckboxField(_l("Sites"), coerce=int)
    language = SelectField(_l("Language"), choices={"zh": "中文", "en": "English"}, default="zh")

    def __init__(self, *args, actor=None, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices(actor)
        self.site_ids.choices = [(s.id, s.name) for s in sites]

    def validate_site_ids(self, field):
        if self.role.data != Role.ADMIN.value and not field.data:
            raise ValidationError(_l("Tick at least one site."))


class NewPersonForm(PersonForm):
    """A new person: also their login and first password."""

    login = StringField(_l("Phone number or username"), [required(), Length(max=64), LOGIN], filters=[_strip])
    password = PasswordField(_l("Initial password"), [required(), Length(max=200)], description=PASSWORD_RULES)

    def validate_password(self, field):
        _refuse_weak(field.data, self.login.data, self.name.data)


class PasswordForm(Form):
    """A new password set by a manager or an administrator for `person`."""

    password = PasswordField(_l("New password"), [required(), Length(max=200)], description=PASSWORD_RULES)

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def validate_password(self, field):
        _refuse_weak(field.data, getattr(self.person, "login", ""), getattr(self.person, "name", ""))


def _refuse_weak(password: str | None, login: str | None, name: str | None) -> None:
    """Refuse a password the rules of webapp/domain/passwords.py do not allow, saying why."""
    found = weakness(password or "", login or "", name or "")
    if found is not None:
        raise ValidationError(message_for(*found))
