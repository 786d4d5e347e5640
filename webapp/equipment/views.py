"""The equipment register (设备台账) for managers, reading items, trends, and maintenance plans (维保计划)."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, make_response, redirect, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

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

bp = Blueprint("equipment", __name__)
SITE = "/sites/<int:site_id>/equipment"
READERS = MANAGEMENT | OVERSIGHT | {Role.ENGINEER}
IMPORT_SALT = "rounds.imports.equipment"
TREND_DAYS = 30


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
            row = services.create_equipment(current_user, site_id, **{n: form[n].data for n in (
                "name", "code", "kind", "checkpoint_id", "make", "installed_on", "contractor")})
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
    services.create_round_plan(current_user, site_id, **{n: form[n].data for n in (
        "name", "times_local", "window_minutes", "grace_minutes", "checkpoint_ids")})
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
    services.add_item(current_user, equipment, **{n: form[n].data for n in (
        "name", "kind", "unit", "low", "high", "meter", "max_jump")})
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
    services.add_task(current_user, equipment, **{n: form[n].data for n in ("name", "cycle", "anchor_on", "by_contractor")})
    return redirect(url_for(".detail", site_id=site_id, equipment_id=equipment_id), 303)


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
