"""Site set-up for managers and administrators: sites, areas, checkpoints, routes, plans, shifts, roster and people.

Every page answers htmx with the fragment it changed and a plain request with the whole page; every change goes
through `services`, and a refused form comes back with 422 and its errors beside the fields.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, current_app, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock
from webapp.access import MANAGEMENT, allow
from webapp.domain import days
from webapp.domain.days import day_or_none
from webapp.extensions import htmx
from webapp.links import scan_url
from webapp.models import Area, CleaningPlan, PatrolPlan, Role, ShiftTemplate
from webapp.rendering import render
from webapp.setup import forms, queries, services

bp = Blueprint("setup", __name__)
SITE = "/sites/<int:site_id>/setup"


@bp.context_processor
def _template_helpers() -> dict:
    return {"timezone_names": forms.timezone_names, "timedelta_week": timedelta(days=7),
            "weekday_names": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]}


# --- helpers shared by the views ---------------------------------------------------------------------------------

def _show(page: str, fragment: str | None, status: int = 200, **context):
    return render(f"setup/{page}.html", f"setup/_{fragment}.html" if fragment else None, status=status, **context)


def _attempt(form, change) -> tuple[bool, object]:
    """Validate the form, then make the change; a refusal puts its message beside the field it concerns."""
    if not form.validate_on_submit():
        return False, None
    try:
        return True, change()
    except services.Rejected as refused:
        field = form._fields.get(refused.field)
        if field is None:
            raise
        field.errors = [*field.errors, refused.message]
        return False, None


def _data(form, *names) -> dict:
    return {name: form[name].data for name in names}


def _after(url: str, page):
    """After a change: htmx gets the fresh fragment, a plain form post goes back to the page (303)."""
    return page() if htmx else redirect(url, 303)


def _go(url: str):
    """Send the browser to another page, also from an htmx request."""
    if not htmx:
        return redirect(url, 303)
    response = make_response("", 204)
    response.headers["HX-Redirect"] = url
    return response


def _day(text: str | None) -> date | None:
    return day_or_none(text)


def _site_links(site_id: int) -> dict[str, str]:
    """Where the label sheet and the checkpoint import live (their own blueprints, when registered)."""
    views = current_app.view_functions
    return {
        "labels": url_for("labels.sheet", site_id=site_id) if "labels.sheet" in views else f"/sites/{site_id}/labels.pdf",
        "import": url_for("imports.checkpoints", site_id=site_id) if "imports.checkpoints" in views
        else f"/sites/{site_id}/checkpoints/import",
    }


# --- sites and areas ---------------------------------------------------------------------------------------------

def _index_page(status: int = 200, form=None):
    return _show("index", "site_new" if form else None, status, sites=queries.sites_of(current_user),
                 form=form or forms.SiteForm(formdata=None))


@bp.route("/setup/")
@allow(MANAGEMENT)
def index():
    """The sites a person sets up; administrators add sites here too."""
    return _index_page()


@bp.route("/setup/sites", methods=["POST"])
@allow(Role.ADMIN)
def create_site():
    """Add a site to the company."""
    form = forms.SiteForm()
    ok, site = _attempt(form, lambda: services.create_site(current_user, **_data(form, "name", "code", "address", "timezone")))
    return _go(url_for(".site", site_id=site.id)) if ok else _index_page(422, form)


def _site_page(site_id: int, fragment: str = "areas", status: int = 200, site_form=None, area_form=None,
               editing: int | None = None, edit_form=None, saved: bool = False):
    site = queries.site(site_id)
    return _show("site", fragment, status, site=site, areas=queries.areas(site_id), saved=saved,
                 site_form=site_form or forms.SiteForm(formdata=None, obj=site),
                 area_form=area_form or forms.AreaForm(formdata=None), editing=editing, edit_form=edit_form)


@bp.route(SITE)
@allow(MANAGEMENT, site_arg="site_id")
def site(site_id: int):
    """A site's details and its areas."""
    return _site_page(site_id)


@bp.route(SITE, methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def update_site(site_id: int):
    """Change a site's name, code, address or time zone."""
    form = forms.SiteForm()
    fields = ("name", "code", "address", "timezone")
    ok, _r = _attempt(form, lambda: services.update_site(current_user, queries.site(site_id), **_data(form, *fields)))
    if ok:
        return _after(url_for(".site", site_id=site_id), lambda: _site_page(site_id, "site_form", saved=True))
    return _site_page(site_id, "site_form", 422, site_form=form)


@bp.route(SITE + "/areas", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def create_area(site_id: int):
    """Add an area."""
    form = forms.AreaForm()
    ok, _r = _attempt(form, lambda: services.create_area(current_user, site_id, **_data(form, "name", "kind")))
    if ok:
        return _after(url_for(".site", site_id=site_id), lambda: _site_page(site_id))
    return _site_page(site_id, status=422, area_form=form)


@bp.route(SITE + "/areas/<int:area_id>")
@allow(MANAGEMENT, site_arg="site_id")
def area(site_id: int, area_id: int):
    """The areas with one of them open for editing."""
    found = queries.in_site(Area, area_id, site_id)
    form = forms.AreaForm(formdata=None, data={"name": found.name, "kind": found.kind.value})
    return _site_page(site_id, editing=found.id, edit_form=form)


@bp.route(SITE + "/areas/<int:area_id>", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def update_area(site_id: int, area_id: int):
    """Rename an area or change its kind."""
    found = queries.in_site(Area, area_id, site_id)
    form = forms.AreaForm()
    ok, _r = _attempt(form, lambda: services.update_area(current_user, found, **_data(form, "name", "kind")))
    if ok:
        return _after(url_for(".site", site_id=site_id), lambda: _site_page(site_id))
    return _site_page(site_id, status=422, editing=area_id, edit_form=form)


@bp.route(SITE + "/areas/<int:area_id>/status", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def area_status(site_id: int, area_id: int):
    """Deactivate or reactivate an area."""
    found = queries.in_site(Area, area_id, site_id)
    form = forms.StatusForm()
    ok, _r = _attempt(form, lambda: services.set_active(current_user, found, form.active.data == "1"))
    if ok:
        return _after(url_for(".site", site_id=site_id), lambda: _site_page(site_id))
    return _site_page(site_id, status=422)


# --- checkpoints -------------------------------------------------------------------------------------------------

CHECKPOINT_FIELDS = ("name", "code", "area_id", "purpose", "photo_required", "lat", "lng", "radius_m")


def _checkpoints_page(site_id: int, status: int = 200, form=None):
    return _show("checkpoints", "checkpoints", status, site=queries.site(site_id), checkpoints=queries.checkpoints(site_id),
                 links=_site_links(site_id),
                 form=form or forms.CheckpointForm(formdata=None, areas=queries.area_choices(site_id)))


def _checkpoint_page(site_id: int, checkpoint_id: int, fragment: str = "checkpoint", status: int = 200, form=None,
                     checklist_form=None, note: str | None = None):
    cp = queries.checkpoint(site_id, checkpoint_id)
    return _show("checkpoint", fragment, status, site=queries.site(site_id), cp=cp, note=note, part=fragment,
                 form=form or forms.CheckpointForm(formdata=None, obj=cp, areas=queries.area_choices(site_id, cp.area_id)),
                 checklist_form=checklist_form or forms.ChecklistForm(formdata=None), scan_url=scan_url(cp.token),
                 retired=queries.retired_tokens(cp.id), links=_site_links(site_id))


@bp.route(SITE + "/checkpoints")
@allow(MANAGEMENT, site_arg="site_id")
def checkpoints(site_id: int):
    """A site's checkpoints, with a form for a new one."""
    return _checkpoints_page(site_id)


@bp.route(SITE + "/checkpoints", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def create_checkpoint(site_id: int):
    """Add a checkpoint."""
    form = forms.CheckpointForm(areas=queries.area_choices(site_id))
    ok, _r = _attempt(form, lambda: services.create_checkpoint(current_user, site_id, **_data(form, *CHECKPOINT_FIELDS)))
    if ok:
        return _after(url_for(".checkpoints", site_id=site_id), lambda: _checkpoints_page(site_id))
    return _checkpoints_page(site_id, 422, form)


@bp.route(SITE + "/checkpoints/<int:checkpoint_id>")
@allow(MANAGEMENT, site_arg="site_id")
def checkpoint(site_id: int, checkpoint_id: int):
    """One checkpoint open for editing (details, checklist, QR token), or closed again to its row (?view=row)."""
    return _checkpoint_page(site_id, checkpoint_id, "checkpoint_row" if request.args.get("view") == "row" else "checkpoint")


@bp.route(SITE + "/checkpoints/<int:checkpoint_id>", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def update_checkpoint(site_id: int, checkpoint_id: int):
    """Change a checkpoint's details."""
    cp = queries.checkpoint(site_id, checkpoint_id)
    form = forms.CheckpointForm(areas=queries.area_choices(site_id, cp.area_id))
    ok, _r = _attempt(form, lambda: services.update_checkpoint(current_user, cp, **_data(form, *CHECKPOINT_FIELDS)))
    if ok:
        return _after(url_for(".checkpoint", site_id=site_id, checkpoint_id=checkpoint_id),
                      lambda: _checkpoint_page(site_id, checkpoint_id, "checkpoint_form", note=_("Saved.")))
    return _checkpoint_page(site_id, checkpoint_id, "checkpoint_form", 422, form=form)


@bp.route(SITE + "/checkpoints/<int:checkpoint_id>/status", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def checkpoint_status(site_id: int, checkpoint_id: int):
    """Deactivate or reactivate a checkpoint."""
    cp = queries.checkpoint(site_id, checkpoint_id)
    form = forms.StatusForm()
    ok, _r = _attempt(form, lambda: services.set_active(current_user, cp, form.active.data == "1"))
    return _after(url_for(".checkpoint", site_id=site_id, checkpoint_id=checkpoint_id),
                  lambda: _checkpoint_page(site_id, checkpoint_id)) if ok else _checkpoint_page(site_id, checkpoint_id, status=422)


@bp.route(SITE + "/checkpoints/<int:checkpoint_id>/token", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def reissue_token(site_id: int, checkpoint_id: int):
    """Retire a checkpoint's QR token and issue a new one (for a lost or copied label)."""
    services.reissue_token(current_user, queries.checkpoint(site_id, checkpoint_id))
    note = _("A new QR token was issued. The old label no longer works: print the new one and replace it.")
    return _after(url_for(".checkpoint", site_id=site_id, checkpoint_id=checkpoint_id),
                  lambda: _checkpoint_page(site_id, checkpoint_id, "token", note=note))


@bp.route(SITE + "/checkpoints/<int:checkpoint_id>/checklist", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def checklist(site_id: int, checkpoint_id: int):
    """Add, move or remove a cleaning checklist item."""
    cp = queries.checkpoint(site_id, checkpoint_id)
    form = forms.ChecklistForm()
    ok, _r = _attempt(form, lambda: services.edit_checklist(current_user, cp, form.verb, form.item_id, form.text.data))
    if ok:
        return _after(url_for(".checkpoint", site_id=site_id, checkpoint_id=checkpoint_id),
                      lambda: _checkpoint_page(site_id, checkpoint_id, "checklist"))
    return _checkpoint_page(site_id, checkpoint_id, "checklist", 422, checklist_form=form)


# --- routes ------------------------------------------------------------------------------------------------------

def _routes_page(site_id: int, status: int = 200, form=None):
    return _show("routes", "routes", status, site=queries.site(site_id), routes=queries.routes(site_id),
                 form=form or forms.RouteForm(formdata=None))


def _route_page(site_id: int, route_id: int, fragment: str = "stops", status: int = 200, form=None, stops_form=None,
                saved: bool = False):
    route = queries.route(site_id, route_id)
    return _show("route", fragment, status, site=queries.site(site_id), route=route, saved=saved,
                 form=form or forms.RouteForm(formdata=None, obj=route),
                 stops_form=stops_form or forms.StopsForm(formdata=None, stops=route.stops,
                                                          candidates=queries.stop_candidates(site_id, route)))


@bp.route(SITE + "/routes")
@allow(MANAGEMENT, site_arg="site_id")
def routes(site_id: int):
    """A site's patrol routes, with a form for a new one."""
    return _routes_page(site_id)


@bp.route(SITE + "/routes", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def create_route(site_id: int):
    """Add a route, then choose its checkpoints."""
    form = forms.RouteForm()
    ok, route = _attempt(form, lambda: services.create_route(current_user, site_id, **_data(form, "name", "active")))
    return _go(url_for(".route", site_id=site_id, route_id=route.id)) if ok else _routes_page(site_id, 422, form)


@bp.route(SITE + "/routes/<int:route_id>")
@allow(MANAGEMENT, site_arg="site_id")
def route(site_id: int, route_id: int):
    """A route: its name and its stops in order with walking minutes."""
    return _route_page(site_id, route_id)


@bp.route(SITE + "/routes/<int:route_id>", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def update_route(site_id: int, route_id: int):
    """Rename a route or take it out of use."""
    found = queries.route(site_id, route_id)
    form = forms.RouteForm()
    ok, _r = _attempt(form, lambda: services.update_route(current_user, found, **_data(form, "name", "active")))
    if ok:
        return _after(url_for(".route", site_id=site_id, route_id=route_id),
                      lambda: _route_page(site_id, route_id, "route_form", saved=True))
    return _route_page(site_id, route_id, "route_form", 422, form=form)


@bp.route(SITE + "/routes/<int:route_id>/stops", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def route_stops(site_id: int, route_id: int):
    """Save walking minutes, and add, move or remove a stop."""
    found = queries.route(site_id, route_id)
    form = forms.StopsForm(stops=found.stops, candidates=queries.stop_candidates(site_id, found))
    ok, _r = _attempt(form, lambda: services.edit_stops(current_user, found, form.verb, form.stop_id, form.walks,
                                                        form.checkpoint_id.data))
    if ok:
        return _after(url_for(".route", site_id=site_id, route_id=route_id), lambda: _route_page(site_id, route_id))
    return _route_page(site_id, route_id, status=422, stops_form=form)


# --- patrol and cleaning plans -----------------------------------------------------------------------------------

PLAN_FIELDS = ("name", "times_local", "window_minutes", "grace_minutes", "active")
KINDS = {"patrol": PatrolPlan, "cleaning": CleaningPlan}


@bp.route(SITE + "/plans")
@allow(MANAGEMENT, site_arg="site_id")
def plans(site_id: int):
    """A site's patrol and cleaning plans."""
    return _show("plans", "plans", site=queries.site(site_id), patrol=queries.patrol_plans(site_id),
                 cleaning=queries.cleaning_plans(site_id))


def _plan_form(kind: str, site_id: int, plan=None, formdata=None, **kwargs):
    """The form of a plan of either kind, with the choices of this site."""
    if kind == "patrol":
        templates = [t for t in queries.templates(site_id) if t.active or (plan and t.id == plan.shift_template_id)]
        return forms.PatrolPlanForm(formdata=formdata, obj=plan, routes=queries.active_routes(site_id, plan and plan.route_id),
                                    templates=templates, **kwargs)
    keep = tuple(c.id for c in plan.checkpoints) if plan else ()
    form = forms.CleaningPlanForm(formdata=formdata, obj=plan, checkpoints=queries.cleaning_checkpoints(site_id, keep), **kwargs)
    if plan is not None and formdata is None:
        form.checkpoint_ids.data = list(keep)
    return form


def _preview(site, form, spec):
    """The due times the typed plan produces on the chosen day (None without a sound spec)."""
    if spec is None:
        return None
    day = form.preview_date.data if days.usable(form.preview_date.data) else queries.local_today(site, clock.now())
    form.preview_date.data = day
    chosen = getattr(form, "shift_template_id", None)
    templates = queries.templates(site.id, active_only=True)
    if chosen is not None and chosen.data is not None:
        templates = [t for t in templates if t.id == chosen.data]
    return queries.preview(site, spec, day, templates)


def _plan_page(kind: str, site_id: int, plan=None, fragment: str = "plan_form", status: int = 200, form=None,
               note: str | None = None, spec=None, day: date | None = None):
    site = queries.site(site_id)
    if form is None:
        form = _plan_form(kind, site_id, plan, data={"preview_date": day or queries.local_today(site, clock.now())})
    shown = _preview(site, form, spec or form.quiet_spec())
    return _show("plan", fragment, status, site=site, kind=kind, plan=plan, form=form, preview=shown, note=note,
                 oob=fragment == "preview" and bool(htmx))


def _save_plan(kind: str, site_id: int, plan=None):
    """Create or change a plan from the posted form: back to the list when created, the form again when saved."""
    form = _plan_form(kind, site_id, plan, formdata=request.form)
    values = lambda: _data(form, *PLAN_FIELDS) | {"times_local": form.normalized_times()}  # noqa: E731
    if kind == "patrol":
        save = lambda: services.save_patrol_plan(  # noqa: E731
            current_user, site_id, plan, **values(), **_data(form, "route_id", "shift_template_id", "interval_minutes"))
    else:
        save = lambda: services.save_cleaning_plan(current_user, site_id, plan, form.checkpoint_ids.data, **values())  # noqa: E731
    ok, saved = _attempt(form, save)
    if not ok:
        return _plan_page(kind, site_id, plan, status=422, form=form)
    if plan is None:
        return _go(url_for(".plans", site_id=site_id))
    return _after(url_for(f".{kind}_plan", site_id=site_id, plan_id=saved.id),
                  lambda: _plan_page(kind, site_id, saved, note=_("Saved."), day=form.preview_date.data))


def _plan_or_404(kind: str, site_id: int, plan_id: int):
    return queries.in_site(KINDS[kind], plan_id, site_id)


def _preview_answer(kind: str, site_id: int, plan_id: int | None):
    """The preview for the values in the query string: the fragment (with field errors out of band), or the page."""
    plan = _plan_or_404(kind, site_id, plan_id) if plan_id else None
    form = _plan_form(kind, site_id, plan, formdata=request.args)
    return _plan_page(kind, site_id, plan, fragment="preview", form=form, spec=form.schedule())


@bp.route(SITE + "/plans/patrol/new")
@allow(MANAGEMENT, site_arg="site_id")
def new_patrol_plan(site_id: int):
    """The form for a new patrol plan, with its preview."""
    return _plan_page("patrol", site_id)


@bp.route(SITE + "/plans/patrol/new", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def create_patrol_plan(site_id: int):
    """Add a patrol plan."""
    return _save_plan("patrol", site_id)


@bp.route(SITE + "/plans/patrol/<int:plan_id>")
@allow(MANAGEMENT, site_arg="site_id")
def patrol_plan(site_id: int, plan_id: int):
    """A patrol plan's form, with its preview."""
    return _plan_page("patrol", site_id, _plan_or_404("patrol", site_id, plan_id))


@bp.route(SITE + "/plans/patrol/<int:plan_id>", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def update_patrol_plan(site_id: int, plan_id: int):
    """Change a patrol plan."""
    return _save_plan("patrol", site_id, _plan_or_404("patrol", site_id, plan_id))


@bp.route(SITE + "/plans/patrol/preview")
@allow(MANAGEMENT, site_arg="site_id")
def patrol_preview(site_id: int):
    """The due rounds a patrol plan as typed would produce on a day."""
    return _preview_answer("patrol", site_id, request.args.get("plan", type=int))


@bp.route(SITE + "/plans/cleaning/new")
@allow(MANAGEMENT, site_arg="site_id")
def new_cleaning_plan(site_id: int):
    """The form for a new cleaning plan, with its preview."""
    return _plan_page("cleaning", site_id)


@bp.route(SITE + "/plans/cleaning/new", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def create_cleaning_plan(site_id: int):
    """Add a cleaning plan."""
    return _save_plan("cleaning", site_id)


@bp.route(SITE + "/plans/cleaning/<int:plan_id>")
@allow(MANAGEMENT, site_arg="site_id")
def cleaning_plan(site_id: int, plan_id: int):
    """A cleaning plan's form, with its preview."""
    return _plan_page("cleaning", site_id, _plan_or_404("cleaning", site_id, plan_id))


@bp.route(SITE + "/plans/cleaning/<int:plan_id>", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def update_cleaning_plan(site_id: int, plan_id: int):
    """Change a cleaning plan."""
    return _save_plan("cleaning", site_id, _plan_or_404("cleaning", site_id, plan_id))


@bp.route(SITE + "/plans/cleaning/preview")
@allow(MANAGEMENT, site_arg="site_id")
def cleaning_preview(site_id: int):
    """The due cleaning checks a cleaning plan as typed would produce on a day."""
    return _preview_answer("cleaning", site_id, request.args.get("plan", type=int))


# --- shift templates and the roster ------------------------------------------------------------------------------

TEMPLATE_FIELDS = ("name", "start_local", "end_local", "patrol", "active")


def _shifts_page(site_id: int, status: int = 200, form=None, editing: int | None = None, edit_form=None):
    return _show("shifts", "templates", status, site=queries.site(site_id), templates=queries.templates(site_id),
                 form=form or forms.ShiftTemplateForm(formdata=None), editing=editing, edit_form=edit_form)


@bp.route(SITE + "/shifts")
@allow(MANAGEMENT, site_arg="site_id")
def shifts(site_id: int):
    """A site's shift templates, with a form for a new one."""
    return _shifts_page(site_id)


@bp.route(SITE + "/shifts", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def create_template(site_id: int):
    """Add a shift template."""
    form = forms.ShiftTemplateForm()
    ok, _r = _attempt(form, lambda: services.create_template(current_user, site_id, **_data(form, *TEMPLATE_FIELDS)))
    if ok:
        return _after(url_for(".shifts", site_id=site_id), lambda: _shifts_page(site_id))
    return _shifts_page(site_id, 422, form=form)


@bp.route(SITE + "/shifts/<int:template_id>")
@allow(MANAGEMENT, site_arg="site_id")
def template(site_id: int, template_id: int):
    """The shift templates with one of them open for editing."""
    found = queries.in_site(ShiftTemplate, template_id, site_id)
    return _shifts_page(site_id, editing=found.id, edit_form=forms.ShiftTemplateForm(formdata=None, obj=found))


@bp.route(SITE + "/shifts/<int:template_id>", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def update_template(site_id: int, template_id: int):
    """Change a shift template."""
    found = queries.in_site(ShiftTemplate, template_id, site_id)
    form = forms.ShiftTemplateForm()
    ok, _r = _attempt(form, lambda: services.update_template(current_user, found, **_data(form, *TEMPLATE_FIELDS)))
    if ok:
        return _after(url_for(".shifts", site_id=site_id), lambda: _shifts_page(site_id))
    return _shifts_page(site_id, 422, editing=template_id, edit_form=form)


def _roster_page(site_id: int, monday: date, fragment: str = "roster", status: int = 200, cell=None, editing: bool = False,
                 cell_form=None, note: str | None = None):
    site = queries.site(site_id)
    return _show("roster", fragment, status, site=site, week=queries.roster(site_id, monday), cell=cell, editing=editing,
                 cell_form=cell_form, note=note, today=queries.local_today(site, clock.now()))


def _cell(site_id: int, template_id: int, day: str) -> tuple[ShiftTemplate, date]:
    found = queries.in_site(ShiftTemplate, template_id, site_id)
    parsed = _day(day)
    if parsed is None:
        abort(404)
    return found, parsed


def _copied(created: int, skipped: int) -> str:
    return _("%(created)s shifts copied; %(skipped)s already rostered were left as they are.", created=created, skipped=skipped)


@bp.route(SITE + "/roster")
@allow(MANAGEMENT, site_arg="site_id")
def roster(site_id: int):
    """A week of the roster: who leads and works each shift on each day."""
    monday = queries.monday_of(_day(request.args.get("week")) or queries.local_today(queries.site(site_id), clock.now()))
    copied = request.args.get("copied", type=int)
    note = _copied(copied, request.args.get("skipped", 0, type=int)) if copied is not None else None
    return _roster_page(site_id, monday, note=note)


@bp.route(SITE + "/roster/<int:template_id>/<day>")
@allow(MANAGEMENT, site_arg="site_id")
def roster_cell(site_id: int, template_id: int, day: str):
    """One shift of the roster open for editing."""
    found, parsed = _cell(site_id, template_id, day)
    shift = queries.roster_shift(site_id, found.id, parsed)
    data = {"lead_id": shift.lead_id, "staff_ids": [m.person_id for m in shift.members]} if shift else {}
    form = forms.RosterCellForm(formdata=None, data=data, people=queries.site_staff(site_id))
    return _roster_page(site_id, queries.monday_of(parsed), "roster_cell", cell=(found, parsed), editing=True, cell_form=form)


@bp.route(SITE + "/roster/<int:template_id>/<day>", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def save_roster_cell(site_id: int, template_id: int, day: str):
    """Roster one shift: its lead and staff (nobody on it removes it)."""
    found, parsed = _cell(site_id, template_id, day)
    form = forms.RosterCellForm(people=queries.site_staff(site_id))
    ok, _r = _attempt(form, lambda: services.save_roster_cell(current_user, queries.site(site_id), found, parsed,
                                                              form.lead_id.data, form.staff_ids.data))
    monday = queries.monday_of(parsed)
    if ok:
        return _after(url_for(".roster", site_id=site_id, week=monday.isoformat()),
                      lambda: _roster_page(site_id, monday, "roster_cell", cell=(found, parsed)))
    return _roster_page(site_id, monday, "roster_cell", 422, cell=(found, parsed), editing=True, cell_form=form)


@bp.route(SITE + "/roster/copy", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def copy_roster(site_id: int):
    """Fill a week with the week before's shifts, leaving shifts already rostered as they are."""
    form = forms.CopyRosterForm()
    site = queries.site(site_id)
    ok, counts = _attempt(form, lambda: services.copy_roster(current_user, site, queries.monday_of(form.week.data)))
    if not ok:
        return _roster_page(site_id, queries.monday_of(queries.local_today(site, clock.now())), status=422)
    monday = queries.monday_of(form.week.data)
    if htmx:
        return _roster_page(site_id, monday, note=_copied(*counts))
    return redirect(url_for(".roster", site_id=site_id, week=monday.isoformat(), copied=counts[0], skipped=counts[1]), 303)


# --- people ------------------------------------------------------------------------------------------------------

PERSON_FIELDS = ("name", "role", "site_ids", "language")


def _people_page(status: int = 200, form=None):
    return _show("people", "people", status, people=queries.people(current_user),
                 form=form or forms.NewPersonForm(formdata=None, actor=current_user, sites=queries.sites_of(current_user)))


def _person_page(person_id: int, fragment: str = "person", status: int = 200, form=None, password_form=None,
                 status_errors=(), note: str | None = None):
    person = queries.person(current_user, person_id)
    data = {"name": person.name, "role": person.role.value, "site_ids": [s.id for s in person.sites], "language": person.language}
    return _show("person", fragment, status, person=person, note=note, part=fragment, status_errors=status_errors,
                 form=form or forms.PersonForm(formdata=None, data=data, actor=current_user, sites=queries.sites_of(current_user)),
                 password_form=password_form or forms.PasswordForm(formdata=None))


@bp.route("/setup/people")
@allow(MANAGEMENT)
def people():
    """The people a manager or administrator looks after, with a form for a new one."""
    return _people_page()


@bp.route("/setup/people", methods=["POST"])
@allow(MANAGEMENT)
def create_person():
    """Add a person who can sign in."""
    form = forms.NewPersonForm(actor=current_user, sites=queries.sites_of(current_user))
    ok, _r = _attempt(form, lambda: services.create_person(current_user, **_data(form, *PERSON_FIELDS, "login", "password")))
    return _after(url_for(".people"), _people_page) if ok else _people_page(422, form)


@bp.route("/setup/people/<int:person_id>")
@allow(MANAGEMENT)
def person(person_id: int):
    """One person open for editing (role and sites, password, status), or closed again to its row (?view=row)."""
    return _person_page(person_id, "person_row" if request.args.get("view") == "row" else "person")


@bp.route("/setup/people/<int:person_id>", methods=["POST"])
@allow(MANAGEMENT)
def update_person(person_id: int):
    """Change a person's name, role, sites or language."""
    found = queries.person(current_user, person_id)
    form = forms.PersonForm(actor=current_user, sites=queries.sites_of(current_user))
    ok, _r = _attempt(form, lambda: services.update_person(current_user, found, **_data(form, *PERSON_FIELDS)))
    if ok:
        return _after(url_for(".person", person_id=person_id), lambda: _person_page(person_id, "person_form", note=_("Saved.")))
    return _person_page(person_id, "person_form", 422, form=form)


@bp.route("/setup/people/<int:person_id>/password", methods=["POST"])
@allow(MANAGEMENT)
def reset_password(person_id: int):
    """Give a person a new password."""
    found = queries.person(current_user, person_id)
    form = forms.PasswordForm(person=found)
    ok, _r = _attempt(form, lambda: services.reset_password(current_user, found, form.password.data))
    if ok:
        return _after(url_for(".person", person_id=person_id),
                      lambda: _person_page(person_id, "password", note=_("The new password is set. Tell it to the person.")))
    return _person_page(person_id, "password", 422, password_form=form)


@bp.route("/setup/people/<int:person_id>/sessions", methods=["POST"])
@allow(MANAGEMENT)
def end_sessions(person_id: int):
    """Sign a person out of every phone and computer at once (a lost phone)."""
    services.end_sessions(current_user, queries.person(current_user, person_id))
    return _after(url_for(".person", person_id=person_id),
                  lambda: _person_page(person_id, "sessions", note=_("Signed out everywhere. They sign in again with their password.")))


@bp.route("/setup/people/<int:person_id>/status", methods=["POST"])
@allow(MANAGEMENT)
def person_status(person_id: int):
    """Deactivate a person (they can no longer sign in; their records stay) or reactivate them."""
    found = queries.person(current_user, person_id)
    form = forms.StatusForm()
    ok, _r = _attempt(form, lambda: services.set_person_active(current_user, found, form.active.data == "1"))
    if ok:
        return _after(url_for(".person", person_id=person_id), lambda: _person_page(person_id))
    return _person_page(person_id, status=422, status_errors=form.active.errors)
