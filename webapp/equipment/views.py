"""The equipment register (设备台账) for managers, reading items, trends, and maintenance plans (维保计划)."""
from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from flask import Blueprint, abort, current_app, flash, make_response, redirect, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from webapp import clock
from webapp.access import ALL_ROLES, MANAGEMENT, OVERSIGHT, allow, site_ids
from webapp.domain.errors import DomainError
from webapp.equipment import forms, queries, services
from webapp.equipment.labels import plant_label
from webapp.equipment.trends import local_text, trend
from webapp.extensions import db
from webapp.field import flows
from webapp.field import readings as plant
from webapp.field.services import Rejected
from webapp.field.views import refused
from webapp.i18n import domain_message
from webapp.imports import carry, messages
from webapp.imports.checkpoints import ImportRefused, read_table
from webapp.imports.equipment import TEMPLATE, check
from webapp.models import Checkpoint, Role, Site
from webapp.rendering import render
from webapp.setup.forms import StatusForm

bp = Blueprint("equipment", __name__)
SITE = "/sites/<int:site_id>/equipment"
READERS = MANAGEMENT | OVERSIGHT | {Role.ENGINEER}
IMPORT_SALT = "rounds.imports.equipment"
TREND_DAYS = 30
EQUIPMENT_FIELDS = ("name", "code", "kind", "checkpoint_id", "make", "installed_on", "contractor")
ITEM_FIELDS = ("name", "kind", "unit", "low", "high", "meter", "max_jump")
TASK_FIELDS = ("name", "cycle", "anchor_on", "by_contractor")
ROUND_FIELDS = ("name", "times_local", "window_minutes", "grace_minutes", "checkpoint_ids")


def _data(form, names: tuple[str, ...]) -> dict:
    return {name: form[name].data for name in names}


@bp.context_processor
def _helpers() -> dict:
    return {"plant_label": plant_label, "band": plant.band}


def _register(site: Site, form=None, status: int = 200, round_form=None):
    form = form or forms.EquipmentForm(queries.checkpoint_choices(site.id), formdata=None)
    round_form = round_form or forms.RoundPlanForm(queries.plant_rooms(site.id), formdata=None)
    return render("equipment/register.html", status=status, site=site, form=form, round_form=round_form,
                  equipment=queries.equipment_of(site.id), rounds=queries.round_plans(site.id),
                  manages=current_user.role in MANAGEMENT)


@bp.route(SITE)
@allow(READERS, site_arg="site_id")
def register(site_id: int):
    """The site's equipment, with a form to add one for managers."""
    return _register(db.get_or_404(Site, site_id))


@bp.route(SITE, methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def create(site_id: int):
    """Add a piece of equipment."""
    site = db.get_or_404(Site, site_id)
    form = forms.EquipmentForm(queries.checkpoint_choices(site_id))
    if form.validate_on_submit():
        try:
            row = services.create_equipment(current_user, site_id, **_data(form, EQUIPMENT_FIELDS))
            return redirect(url_for(".detail", site_id=site_id, equipment_id=row.id), 303)
        except services.Rejected as refused:
            form[refused.field].errors = [*form[refused.field].errors, refused.message]
    return _register(site, form, 422)


@bp.route(SITE + "/rounds", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def create_round(site_id: int):
    """Add an equipment round: plant rooms read at fixed times, missed readings become gaps on the board."""
    site = db.get_or_404(Site, site_id)
    form = forms.RoundPlanForm(queries.plant_rooms(site_id))
    if not form.validate_on_submit():
        return _register(site, status=422, round_form=form)
    services.create_round_plan(current_user, site_id, **_data(form, ROUND_FIELDS))
    return redirect(url_for(".register", site_id=site_id), 303)


def _detail(site: Site, equipment_id: int, item_form=None, task_form=None, status: int = 200):
    equipment = queries.one(site.id, equipment_id) or abort(404)
    tasks = queries.tasks_of([equipment.id])
    return render("equipment/detail.html", status=status, site=site, equipment=equipment, tasks=tasks,
                  states=queries.task_states(tasks, clock.now(), site.timezone),
                  item_form=item_form or forms.ReadingItemForm(formdata=None),
                  task_form=task_form or forms.MaintenanceTaskForm(formdata=None),
                  manages=current_user.role in MANAGEMENT)


@bp.route(SITE + "/<int:equipment_id>")
@allow(READERS, site_arg="site_id")
def detail(site_id: int, equipment_id: int):
    """One piece of equipment: its reading items with their trends, and its maintenance tasks."""
    return _detail(db.get_or_404(Site, site_id), equipment_id)


@bp.route(SITE + "/<int:equipment_id>/items", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def add_item(site_id: int, equipment_id: int):
    """Add a reading item (a number with its unit and normal range, a running state, or text)."""
    site = db.get_or_404(Site, site_id)
    equipment = queries.one(site_id, equipment_id) or abort(404)
    form = forms.ReadingItemForm()
    if not form.validate_on_submit():
        return _detail(site, equipment_id, item_form=form, status=422)
    services.add_item(current_user, equipment, **_data(form, ITEM_FIELDS))
    return redirect(url_for(".detail", site_id=site_id, equipment_id=equipment_id), 303)


@bp.route(SITE + "/<int:equipment_id>/tasks", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def add_task(site_id: int, equipment_id: int):
    """Add a preventive maintenance task with its cycle."""
    site = db.get_or_404(Site, site_id)
    equipment = queries.one(site_id, equipment_id) or abort(404)
    form = forms.MaintenanceTaskForm()
    if not form.validate_on_submit():
        return _detail(site, equipment_id, task_form=form, status=422)
    services.add_task(current_user, equipment, **_data(form, TASK_FIELDS))
    return redirect(url_for(".detail", site_id=site_id, equipment_id=equipment_id), 303)


@dataclass(frozen=True)
class Editable:
    """A thing of the register a manager corrects or retires (停用): how it is found, its form, how it is saved."""

    title: str
    find: Callable[[int, int], Any]  # (site id, id) -> the thing of that site, retired or not, or None
    form: Callable[..., FlaskForm]  # (site id, **form arguments) -> the create form
    fields: tuple[str, ...]
    save: Callable[..., None]
    back: Callable[[int, Any], str]  # (site id, thing) -> the page that lists it


def _on_detail(site_id: int, thing) -> str:
    return url_for(".detail", site_id=site_id, equipment_id=getattr(thing, "equipment_id", thing.id))


EDITABLE = {
    "equipment": Editable(_l("Edit equipment"), queries.one, lambda site_id, **kw: forms.EquipmentForm(
        queries.checkpoint_choices(site_id), **kw), EQUIPMENT_FIELDS, services.update_equipment, _on_detail),
    "item": Editable(_l("Edit reading"), queries.item_of, lambda site_id, **kw: forms.ReadingItemForm(**kw),
                     ITEM_FIELDS, services.update_item, _on_detail),
    "task": Editable(_l("Edit maintenance task"), partial(queries.task_of, retired=True),
                     lambda site_id, **kw: forms.MaintenanceTaskForm(**kw), TASK_FIELDS, services.update_task, _on_detail),
    "round": Editable(_l("Edit equipment round"), queries.round_plan, lambda site_id, **kw: forms.RoundPlanForm(
        queries.plant_rooms(site_id), **kw), ROUND_FIELDS, services.update_round_plan,
        lambda site_id, _plan: url_for(".register", site_id=site_id)),
}


def _edit(kind: str, site_id: int, thing_id: int):
    """GET: the create form filled with the thing's values. POST: saved and audited, or refused (422) beside its fields."""
    how = EDITABLE[kind]
    site = db.get_or_404(Site, site_id)
    thing = how.find(site_id, thing_id) or abort(404)
    form = how.form(site_id, formdata=None, obj=thing) if request.method == "GET" else how.form(site_id)
    if request.method == "POST" and form.validate_on_submit():
        try:
            how.save(current_user, thing, **_data(form, how.fields))
            flash(_("Saved."), "ok")
            return redirect(how.back(site_id, thing), 303)
        except services.Rejected as refused:
            form[refused.field].errors = [*form[refused.field].errors, refused.message]
    return render("equipment/edit.html", status=200 if request.method == "GET" else 422, site=site, form=form,
                  title=how.title, back=how.back(site_id, thing), retired=not thing.active)


def _set_active(kind: str, site_id: int, thing_id: int):
    """Retire (停用) or bring back a thing; nothing is deleted, its history stays linked to it."""
    how = EDITABLE[kind]
    thing = how.find(site_id, thing_id) or abort(404)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_active(current_user, thing, form.active.data == "1", site_id)
    return redirect(how.back(site_id, thing), 303)


def _add_change_routes(kind: str, path: str) -> None:
    """For managers of the site: GET/POST `<path>/edit` (endpoint edit_<kind>), POST `<path>/status` (<kind>_status)."""
    def edit(site_id: int, thing_id: int):
        return _edit(kind, site_id, thing_id)

    def status(site_id: int, thing_id: int):
        return _set_active(kind, site_id, thing_id)

    managers = allow(MANAGEMENT, site_arg="site_id")
    bp.add_url_rule(f"{SITE}{path}/edit", f"edit_{kind}", managers(edit), methods=["GET", "POST"])
    bp.add_url_rule(f"{SITE}{path}/status", f"{kind}_status", managers(status), methods=["POST"])


for _kind, _path in (("equipment", "/<int:thing_id>"), ("item", "/items/<int:thing_id>"),
                     ("task", "/tasks/<int:thing_id>"), ("round", "/rounds/<int:thing_id>")):
    _add_change_routes(_kind, _path)


@bp.route(SITE + "/items/<int:item_id>/trend")
@allow(READERS, site_arg="site_id")
def item_trend(site_id: int, item_id: int):
    """A reading item's values over the last 30 days, drawn against its normal band."""
    site = db.get_or_404(Site, site_id)
    item = queries.item_of(site_id, item_id) or abort(404)
    until = clock.now()
    readings = queries.readings_of(item.id, until - timedelta(days=TREND_DAYS), until + timedelta(minutes=1))
    return render("equipment/trend.html", site=site, item=item, readings=readings,
                  chart=trend(item, readings, site.timezone), at_local=lambda at: local_text(at, site.timezone))


@bp.route(SITE + "/import", methods=["GET", "POST"])
@allow(MANAGEMENT, site_arg="site_id")
def import_equipment(site_id: int):
    """GET: the upload form. POST a file: the preview, nothing saved. POST the preview's payload: save all rows."""
    site = db.get_or_404(Site, site_id)
    if request.method == "GET":
        return _import_page(site)
    if "payload" in request.form:
        return _commit(site)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _import_page(site, refusal=messages.refusal("no_file"), status=400)
    limit_bytes, limit_rows = current_app.config["IMPORT_MAX_BYTES"], current_app.config["IMPORT_MAX_ROWS"]
    try:
        table = read_table(upload.stream.read(limit_bytes + 1), upload.filename, limit_bytes, limit_rows)
        preview = check(table, queries.site_equipment(site.id))
    except ImportRefused as error:
        return _import_page(site, refusal=messages.refused(error), status=400)
    filename = upload.filename[-200:]
    payload = carry.seal(table, filename, site.id, current_user.id, salt=IMPORT_SALT) if preview.ok else None
    if payload is not None and len(payload) > carry.MAX_FIELD:
        return _import_page(site, refusal=messages.refusal("too_big_to_carry"), status=400)
    return _import_page(site, preview=preview, payload=payload, filename=filename)


def _commit(site: Site):
    try:
        table, filename = carry.unseal(request.form["payload"], site.id, current_user.id, salt=IMPORT_SALT)
        preview = check(table, queries.site_equipment(site.id))
    except (carry.Expired, ImportRefused):
        return _import_page(site, refusal=messages.refusal("expired"), status=400)
    if not preview.ok:
        return _import_page(site, preview=preview, filename=filename, refusal=messages.refusal("conflict"), status=409)
    try:
        count = services.import_equipment(site.id, current_user, preview.rows, filename)
    except services.Rejected:
        return _import_page(site, refusal=messages.refusal("conflict"), status=409)
    flash(ngettext("%(count)s piece of equipment imported.", "%(count)s pieces of equipment imported.", count,
                   count=count), "ok")
    return redirect(url_for(".register", site_id=site.id), 303)


def _import_page(site: Site, status: int = 200, **context):
    return render("equipment/import.html", status=status, site=site, messages=messages,
                  max_bytes=messages.size(current_app.config["IMPORT_MAX_BYTES"]),
                  max_rows=current_app.config["IMPORT_MAX_ROWS"], **context)


@bp.route(SITE + "/import/template.csv")
@allow(MANAGEMENT, site_arg="site_id")
def import_template(site_id: int):
    """The equipment CSV template with its header and two examples, in the person's language."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(TEMPLATE.get(str(get_locale()), TEMPLATE["zh"]))
    response = make_response("\ufeff" + out.getvalue())
    response.mimetype, response.charset = "text/csv", "utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=equipment-template.csv"
    return response


DOERS = MANAGEMENT | {Role.ENGINEER}  # who records maintenance done (own engineers, or a manager for a contractor)


@bp.route(SITE + "/maintenance")
@allow(READERS, site_arg="site_id")
def maintenance(site_id: int):
    """The site's maintenance plan: overdue tasks first, then those due, then the rest, each with its next due day."""
    site = db.get_or_404(Site, site_id)
    tasks = queries.site_tasks(site_id)
    states = queries.task_states(tasks, clock.now(), site.timezone)
    order = {"overdue": 0, "due": 1, "ok": 2}
    tasks.sort(key=lambda t: (order[states[t.id].state], states[t.id].next_due, t.id))
    return render("equipment/maintenance.html", site=site, tasks=tasks, states=states,
                  may_do=current_user.role in DOERS)


@bp.route(SITE + "/maintenance/<int:task_id>", methods=["GET", "POST"])
@allow(DOERS, site_arg="site_id")
def maintenance_done(site_id: int, task_id: int):
    """GET: the form to record a task done. POST: kept with its photos and signature, or refused with what is missing."""
    site = db.get_or_404(Site, site_id)
    task = queries.task_of(site_id, task_id) or abort(404)
    if request.method == "GET":
        return render("equipment/done.html", site=site, task=task, form={"submission": str(uuid.uuid4())}, errors={})
    form = forms.done_form(request.form, request.files)
    if form.errors:
        return render("equipment/done.html", status=422, site=site, task=task, form=form.values, errors=form.errors)
    try:
        services.record_maintenance(current_user, task, form, device="web", now=clock.now())
    except DomainError as error:
        db.session.rollback()
        return render("equipment/done.html", status=422, site=site, task=task, form=form.values,
                      errors={"photos": domain_message(error)})
    flash(_("Maintenance recorded: %(task)s", task=task.name), "ok")
    return redirect(url_for(".maintenance", site_id=site_id), 303)


@bp.route("/s/<token>/readings")
@allow(ALL_ROLES)
def readings(token: str):
    """After scanning a plant room's label: every reading item of the equipment there, to be read and sent."""
    try:
        checkpoint = flows.resolve(current_user, token)
    except Rejected as error:
        return refused(error)
    return _readings_form(checkpoint, checkpoint.token)


@bp.route("/plant-rooms/<int:checkpoint_id>/readings")
@allow(ALL_ROLES)
def kept_readings(checkpoint_id: int):
    """A plant room's readings form without its label's token, kept on an engineer's phone by the service worker: when
    the label is scanned without signal the form is shown, and the token is read from the label's address. Without a
    scanned label it can send nothing."""
    checkpoint = db.session.get(Checkpoint, checkpoint_id)
    if checkpoint is None or not checkpoint.active or checkpoint.site_id not in site_ids(current_user):
        abort(404)
    return _readings_form(checkpoint, "")


def _readings_form(checkpoint: Checkpoint, token: str):
    items = plant.items_at({checkpoint.id}).get(checkpoint.id, [])
    if not items:
        abort(404)
    return render("equipment/readings.html", checkpoint=checkpoint, token=token, items=items,
                  last=plant.last_numbers({i.id for i in items}))
