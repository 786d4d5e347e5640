"""Choose which labels to print, and the A4 PDF of them."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import MANAGEMENT, allow
from webapp.extensions import db
from webapp.labels import queries, services
from webapp.labels.sheet import Label, LabelFontMissing, render_sheet
from webapp.links import scan_url
from webapp.models import Site
from webapp.params import whole

bp = Blueprint("labels", __name__, url_prefix="/sites")


@bp.route("/<int:site_id>/labels")
@allow(MANAGEMENT, site_arg="site_id")
def choose(site_id: int):
    """Pick the whole site, an area or some checkpoints, then open their label sheet."""
    return _choose_page(db.get_or_404(Site, site_id))


@bp.route("/<int:site_id>/labels.pdf")
@allow(MANAGEMENT, site_arg="site_id")
def sheet(site_id: int):
    """The A4 sheet of QR labels for the chosen checkpoints (all the site's active ones by default)."""
    site = db.get_or_404(Site, site_id)
    area_ids, checkpoint_ids = _ids("area"), _ids("checkpoint")
    if len(area_ids) > 1:
        abort(400)
    try:
        checkpoints = queries.printable(site_id, area_ids[0] if area_ids else None, checkpoint_ids)
    except queries.NotOfThisSite:
        abort(404)
    if not checkpoints:
        return _choose_page(site, message=_("Nothing to print: there is no active checkpoint in what you chose."),
                            status=404)
    labels = [Label(scan_url(c.token), c.name, site.name, c.area.name if c.area else "", c.code) for c in checkpoints]
    try:
        pdf = render_sheet(labels, current_app.config["LABEL_FONT"], title=f"{site.name} QR")
    except LabelFontMissing as missing:
        current_app.logger.error("%s", missing)
        abort(503, description=_("Labels cannot be printed: the font for Chinese text is missing on the server. "
                                 "Ask your administrator to install it or set LABEL_FONT."))
    services.record_printing(current_user, site_id, checkpoints, area_ids[0] if area_ids else None)
    response = send_file(BytesIO(pdf), mimetype="application/pdf", download_name=f"labels-{site.code}.pdf")
    response.headers["Cache-Control"] = "no-store"  # the tokens on a sheet open scans: keep them out of caches
    return response


def _ids(name: str) -> list[int]:
    """The whole-number ids given as `name` in the query string (empty values ignored); 400 on anything else."""
    ids = [whole(v) for v in request.args.getlist(name) if v.strip()]
    if None in ids:
        abort(400)
    return [i for i in ids if i is not None]


def _choose_page(site: Site, message: str | None = None, status: int = 200):
    html = render_template("labels/choose.html", site=site, areas=queries.areas(site.id),
                           checkpoints=queries.active_checkpoints(site.id), message=message)
    return html, status
