"""Phone pages for the field: a label's URL records a scan or opens the cleaning check; incidents; photos."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock
from webapp.access import ALL_ROLES, OVERSIGHT, allow, site_ids
from webapp.domain.errors import DomainError
from webapp.field import flows, forms, queries, readings
from webapp.field.scan_map import scan_maps
from webapp.field.services import CLEANING_ROLES, Rejected
from webapp.i18n import domain_message
from webapp.pwa.client import nfc_targets
from webapp.rendering import render

bp = Blueprint("field", __name__)

REFUSAL_STATUS = {"token_unknown": 404, "token_replaced": 410, "checkpoint_inactive": 410, "token_foreign_site": 404,
                  "code_unknown": 404}


def refused(error: DomainError):
    """The page that says why a label or a record was refused; nothing was written."""
    return render("field/refused.html", status=REFUSAL_STATUS.get(error.code, 400), message=domain_message(error))


@bp.route("/s/<token>")
@allow(ALL_ROLES)
def open_label(token: str):
    """A checkpoint's label, opened by the phone's camera: record the scan, or open the cleaning check."""
    try:
        checkpoint = flows.resolve(current_user, token)
    except Rejected as error:
        return refused(error)
    if flows.wants_cleaning_form(current_user, checkpoint):
        return render("field/check.html", checkpoint=checkpoint, form=forms.CleaningForm.blank(checkpoint))
    if flows.wants_readings(current_user, checkpoint):
        return redirect(url_for("equipment.readings", token=token))
    return _scan(token, "qr")


def _scan(token: str, method: str):
    result = flows.scan(current_user, token, method, flows.device_id(), clock.now())
    if result.status == "rejected":
        return refused(Rejected(result.reason, **result.params))
    return redirect(url_for("field.scan_done", scan_id=result.id))


@bp.route("/scans/<int:scan_id>")
@allow(ALL_ROLES)
def scan_done(scan_id: int):
    """The confirmation after a scan: checkpoint, time, round progress, what comes next."""
    scan = queries.scan_for(scan_id)
    if scan is None or not flows.may_see(current_user, scan.person_id, scan.site_id):
        abort(404)
    off_shift = scan.shift is not None and not queries.person_on(scan.shift, scan.person)
    return render("field/scan_done.html", "field/_scan_confirmation.html", scan=scan,
                  progress=flows.progress_of(scan, clock.now()), off_shift=off_shift,
                  has_readings=bool(readings.items_at({scan.checkpoint_id})))


@bp.route("/scan/map")
@allow(ALL_ROLES)
def scan_map():
    """What the phone keeps to confirm scans without signal: per site, token hashes (never tokens), routes, rounds."""
    now = clock.now()
    response = jsonify({"made_at": now.isoformat(), "sites": scan_maps(current_user, now)})
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/scan", methods=["GET", "POST"])
@allow(ALL_ROLES)
def scan_by_code():
    """Scan help, and the short code typed in when the camera cannot read the label."""
    if request.method == "GET":
        return _scan_page(code="", error=None)
    code = request.form.get("code", "").strip()
    if not code:
        return _scan_page(status=400, code=code, error=_("Type the code printed under the QR."))
    checkpoint = queries.checkpoint_by_code(site_ids(current_user), code)
    if checkpoint is None:
        return _scan_page(status=404, code=code, error=domain_message(DomainError("code_unknown", code=code)))
    if flows.wants_cleaning_form(current_user, checkpoint):
        return redirect(url_for("field.open_label", token=checkpoint.token))
    return _scan(checkpoint.token, "code")


def _scan_page(status: int = 200, **context):
    return render("field/scan.html", status=status, nfc_targets=nfc_targets(current_user), **context)


@bp.route("/s/<token>/check", methods=["POST"])
@allow(CLEANING_ROLES)
def submit_check(token: str):
    """Store a cleaning check with its photos; on any problem show the form again with nothing lost."""
    try:
        checkpoint = flows.resolve(current_user, token)
    except Rejected as error:
        return refused(error)
    form = forms.CleaningForm.read(checkpoint, request.form, request.files)
    if form.errors:
        return render("field/check.html", status=400, checkpoint=checkpoint, form=form)
    failed = flows.submit_check(current_user, checkpoint, form, flows.device_id(), clock.now())
    if failed:
        form.errors["form"] = failed
        return render("field/check.html", status=400, checkpoint=checkpoint, form=form)
    flash(_("Cleaning check saved: %(name)s", name=checkpoint.name), "ok")
    return redirect(url_for("home.index"))


@bp.route("/incidents/new", methods=["GET", "POST"])
@allow(ALL_ROLES)
def report_incident():
    """Report a problem from anywhere: what, how bad, where, up to five photos."""
    places = queries.site_checkpoints(site_ids(current_user))
    if request.method == "GET":
        form = forms.IncidentForm.blank(request.args.get("checkpoint", type=int), site_ids(current_user))
        return render("field/incident.html", form=form, places=places)
    form = forms.IncidentForm.read(request.form, request.files, places, site_ids(current_user))
    if not form.errors:
        failed = flows.submit_incident(current_user, form, flows.device_id(), clock.now())
        if failed:
            form.errors["form"] = failed
    if form.errors:
        return render("field/incident.html", status=400, form=form, places=places)
    flash(_("Problem reported. Your lead sees it now."), "ok")
    return redirect(url_for("home.index"))


@bp.route("/incidents/<int:incident_id>")
@allow(ALL_ROLES)
def incident(incident_id: int):
    """One incident: what, how bad, where, when, who reported it, its photos, and what a lead can do about it."""
    found = queries.incident_for(incident_id)
    if found is None or not flows.may_see(current_user, found.person_id, found.site_id):
        abort(404)
    return render("field/incident_page.html", incident=found, photos=queries.incident_photos([found.id]).get(found.id, []),
                  oversee=current_user.role in OVERSIGHT)
@bp.route("/photos/<int:photo_id>")
@allow(ALL_ROLES)
def photo_page(photo_id: int):
    """A photo with where, who, and when it was taken and received, in the site's time."""
    return render("field/photo.html", photo=flows.photo_for(current_user, photo_id))


@bp.route("/photos/<int:photo_id>.jpg")
@bp.route("/photos/<int:photo_id>/thumb.jpg", endpoint="photo_thumb")
@allow(ALL_ROLES)
def photo(photo_id: int):
    """A stored photo, only for people who work at its site."""
    found = flows.photo_for(current_user, photo_id)
    thumb = request.endpoint == "field.photo_thumb"
    return flows.photo_response(found, thumb)

