"""Inspection pages: scoring sheets (set-up), inspection plans, the inspection on the phone, inspections and scores."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock
from webapp.access import MANAGEMENT, OVERSIGHT, QUALITY, allow, site_ids, visible_sites
from webapp.domain.errors import DomainError
from webapp.extensions import htmx
from webapp.field.flows import device_id
from webapp.i18n import domain_message
from webapp.inspections import flows, queries, services
from webapp.inspections.forms import SEVERITIES, InspectionForm, PlanForm, TemplateForm
from webapp.models import DEPARTMENTS, TEMPLATE_AREA_KINDS
from webapp.rendering import render

bp = Blueprint("inspections", __name__)


@bp.context_processor
def _helpers() -> dict:
    return {"area_kinds": TEMPLATE_AREA_KINDS, "departments": DEPARTMENTS, "severities": SEVERITIES,
            "can_issue_notice": "notices.new" in current_app.view_functions,
            "weekday_names": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]}


@bp.app_context_processor
def _countersigned() -> dict:
    """For the handover page and the lead's page: who countersigned a shift's patrol record or its handover."""
    return {"countersigned": queries.countersignatures_of}


# ---- scoring sheets (set-up) ------------------------------------------------------------------------------------

@bp.route("/inspection-templates")
@allow(QUALITY)
def templates():
    """The scoring sheets in use, with their version numbers."""
    found = queries.current_templates(current_user.company_id)
    return render("inspections/templates.html", templates=found, usage=queries.usage([t.id for t in found]))


def _sheet_page(form: TemplateForm, template=None, status: int = 200, error: str | None = None):
    history = queries.versions(template.family) if template else []
    used = queries.is_used(template.id) if template else False
    return render("inspections/template.html", fragment="inspections/_template_form.html", status=status, form=form,
                  template=template, history=history, used=used, error=error)


def _edit(template=None):
    """One post of the sheet's form: rearrange its rows (htmx or not), or save it."""
    form = TemplateForm.read(request.form)
    if form.rearrange(request.form.get("op", "save")):
        return _sheet_page(form, template)
    if not form.validate():
        return _sheet_page(form, template, 422)
    try:
        saved = services.save_template(current_user, template, form) if template else services.create_template(current_user, form)
    except DomainError as error:
        return _sheet_page(form, template, 422, domain_message(error))
    flash(_("Sheet saved: %(name)s, version %(version)s", name=saved.name, version=saved.version), "ok")
    return _go(url_for(".template", template_id=saved.id))


def _go(url: str):
    """Send the browser to a page, also from an htmx request."""
    if not htmx:
        return redirect(url, 303)
    response = make_response("", 204)
    response.headers["HX-Redirect"] = url
    return response


@bp.route("/inspection-templates/new")
@allow(QUALITY)
def new_template():
    """An empty scoring sheet."""
    return _sheet_page(TemplateForm.blank())


@bp.route("/inspection-templates/new", methods=["POST"])
@allow(QUALITY)
def create_template():
    """Save a new sheet (or add, remove, move its rows before saving)."""
    return _edit()


@bp.route("/inspection-templates/<int:template_id>")
@allow(QUALITY)
def template(template_id: int):
    """One version of a sheet: editable when it is the current one; older versions are shown as they were."""
    found = queries.template_in_scope(current_user, template_id)
    return _sheet_page(TemplateForm.of(found), found)


@bp.route("/inspection-templates/<int:template_id>", methods=["POST"])
@allow(QUALITY)
def update_template(template_id: int):
    """Save an edit: in place while unused, else as the next version (the used one never changes)."""
    return _edit(queries.template_in_scope(current_user, template_id))


@bp.route("/inspection-templates/<int:template_id>/retire", methods=["POST"])
@allow(QUALITY)
def retire_template(template_id: int):
    """Take a sheet out of use."""
    found = queries.template_in_scope(current_user, template_id)
    services.retire_template(current_user, found)
    flash(_("Sheet retired: %(name)s", name=found.name), "ok")
    return redirect(url_for(".templates"), 303)


# ---- inspection plans -------------------------------------------------------------------------------------------

def _plans_page(site_id: int, form: PlanForm | None = None, status: int = 200):
    return render("inspections/plans.html", fragment="inspections/_plans.html", status=status, site=queries.site(site_id),
                  plans=queries.plans(site_id), inspectors=queries.supervisors_at(site_id), form=form or PlanForm(),
                  editable=current_user.role in MANAGEMENT)


@bp.route("/sites/<int:site_id>/inspection-plans")
@allow(QUALITY, site_arg="site_id")
def plans(site_id: int):
    """Which supervisor inspects this site on which weekday and hours."""
    return _plans_page(site_id)


@bp.route("/sites/<int:site_id>/inspection-plans", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def add_plan(site_id: int):
    """Add a weekly visit."""
    form = PlanForm.read(request.form)
    site = queries.site(site_id)
    spec = form.checked({p.id for p in queries.supervisors_at(site_id)}, site_id, site.timezone)
    if spec is None:
        return _plans_page(site_id, form, 422)
    services.add_plan(current_user, spec)
    return _plans_page(site_id) if htmx else redirect(url_for(".plans", site_id=site_id), 303)


@bp.route("/sites/<int:site_id>/inspection-plans/<int:plan_id>/deactivate", methods=["POST"])
@allow(MANAGEMENT, site_arg="site_id")
def deactivate_plan(site_id: int, plan_id: int):
    """Stop a weekly visit."""
    services.deactivate_plan(current_user, queries.plan_in_site(site_id, plan_id))
    return _plans_page(site_id) if htmx else redirect(url_for(".plans", site_id=site_id), 303)


# ---- the inspection on the phone --------------------------------------------------------------------------------

def _inspection_page(where, template, form: InspectionForm, status: int = 200):
    return render("inspections/new.html", status=status, where=where, template=template, form=form,
                  evidence=flows.evidence(where, template, clock.now()))


@bp.route("/inspections/new")
@allow(QUALITY)
def new():
    """Start an inspection: choose the place (or come from a checkpoint), then the sheet, then mark it."""
    where = flows.where_from(request.args)
    if where is None:
        return render("inspections/choose_place.html", sites=queries.places(site_ids(current_user)))
    template = flows.sheet_for(request.args.get("template", type=int))
    if template is None:
        return render("inspections/choose_sheet.html", where=where, sheets=flows.sheets_for(where))
    return _inspection_page(where, template, InspectionForm.blank(template))


@bp.route("/inspections/new", methods=["POST"])
@allow(QUALITY)
def submit():
    """Store the inspection with its photos and signature; on any problem the form comes back with nothing lost."""
    where = flows.where_from(request.args) or flows.where_from(request.form)
    template = flows.sheet_for(request.form.get("template_id", type=int))
    if where is None or template is None:
        return redirect(url_for(".new"))
    form = InspectionForm.read(template, request.form, request.files)
    if not form.errors:
        inspection_id, failed = services.submit(current_user, template, where.place, form, device_id(), clock.now())
        if failed is None:
            flash(_("Inspection saved."), "ok")
            return redirect(url_for(".detail", inspection_id=inspection_id))
        form.errors["form"] = failed
    return _inspection_page(where, template, form, 400)


# ---- inspections and scores -------------------------------------------------------------------------------------

@bp.route("/inspections")
@allow(OVERSIGHT)
def index():
    """Inspections at the person's sites, by site and period; self-inspections apart."""
    sites = visible_sites(current_user)
    site_id = request.args.get("site", type=int)
    chosen = next((s for s in sites if s.id == site_id), None)
    start, end, since, until = flows.period((chosen or (sites[0] if sites else None)).timezone if sites else "Asia/Shanghai")
    found = queries.inspections(site_ids(current_user), chosen.id if chosen else None, since, until)
    return render("inspections/index.html", sites=sites, chosen=chosen, start=start, end=end,
                  inspections=[i for i in found if not i.self_check], self_checks=[i for i in found if i.self_check])


@bp.route("/inspections/<int:inspection_id>")
@allow(OVERSIGHT)
def detail(inspection_id: int):
    """One inspection: score, sections, failed items with notes and photos, countersignatures, signature."""
    return render("inspections/detail.html", report=flows.report(queries.inspection_in_scope(current_user, inspection_id)))


@bp.route("/sites/<int:site_id>/inspection-scores")
@allow(OVERSIGHT, site_arg="site_id")
def scores(site_id: int):
    """Average scores of a site per area, department and week; self-inspections apart."""
    site = queries.site(site_id)
    start, end, since, until = flows.period(site.timezone)
    return render("inspections/scores.html", site=site, start=start, end=end,
                  rollups=flows.rollups(queries.score_rows(site_id, since, until), site.timezone))
