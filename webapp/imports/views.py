"""Upload a spreadsheet of checkpoints, see every row checked, then save them all at once."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, request, url_for
from flask_babel import get_locale, ngettext
from flask_login import current_user

from webapp.access import MANAGEMENT, allow
from webapp.extensions import db
from webapp.imports import carry, messages, queries, services
from webapp.imports.checkpoints import ImportRefused, check, read_table, template_csv
from webapp.models import Site
from webapp.rendering import render

bp = Blueprint("imports", __name__, url_prefix="/sites")


@bp.route("/<int:site_id>/checkpoints/import", methods=["GET", "POST"])
@allow(MANAGEMENT, site_arg="site_id")
def checkpoints(site_id: int):
    """GET: the upload form. POST a file: the preview, nothing saved. POST the preview's payload: save all rows."""
    site = db.get_or_404(Site, site_id)
    if request.method == "GET":
        return _page(site)
    if "payload" in request.form:
        return _commit(site)
    return _preview(site)


@bp.route("/<int:site_id>/checkpoints/import/template.csv")
@allow(MANAGEMENT, site_arg="site_id")
def template(site_id: int):
    """The CSV template with the header row and two examples, in the person's language (UTF-8 with BOM for Excel)."""
    response = make_response("\ufeff" + template_csv(str(get_locale())))
    response.mimetype = "text/csv"
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=checkpoints-template.csv"
    return response


def _preview(site: Site):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(site, refusal=messages.refusal("no_file"), status=400)
    limit_bytes, limit_rows = current_app.config["IMPORT_MAX_BYTES"], current_app.config["IMPORT_MAX_ROWS"]
    try:
        table = read_table(upload.stream.read(limit_bytes + 1), upload.filename, limit_bytes, limit_rows)
        preview = check(table, queries.site_facts(site.id))
    except ImportRefused as error:
        return _page(site, refusal=messages.refused(error), status=400)
    filename = upload.filename[-200:]
    payload = carry.seal(table, filename, site.id, current_user.id) if preview.ok else None
    if payload is not None and len(payload) > carry.MAX_FIELD:
        return _page(site, refusal=messages.refusal("too_big_to_carry"), status=400)
    return _page(site, preview=preview, payload=payload, filename=filename)


def _commit(site: Site):
    try:
        table, filename = carry.unseal(request.form["payload"], site.id, current_user.id)
        preview = check(table, queries.site_facts(site.id))  # checked again: the site may have changed since
    except (carry.Expired, ImportRefused):
        return _page(site, refusal=messages.refusal("expired"), status=400)
    if not preview.ok:
        return _page(site, preview=preview, filename=filename, refusal=messages.refusal("conflict"), status=409)
    try:
        count = services.import_checkpoints(site.id, current_user, preview.rows, filename)
    except services.Conflict:
        return _page(site, refusal=messages.refusal("conflict"), status=409)
    flash(ngettext("%(count)s checkpoint imported. Print its QR label next.", "%(count)s checkpoints imported. Print their QR labels next.", count, count=count), "ok")
    return redirect(url_for("imports.checkpoints", site_id=site.id), code=303)


def _page(site: Site, status: int = 200, **context):
    return render("imports/checkpoints.html", "imports/_preview.html", status=status, site=site, messages=messages,
                  max_bytes=messages.size(current_app.config["IMPORT_MAX_BYTES"]),
                  max_rows=current_app.config["IMPORT_MAX_ROWS"], **context)
