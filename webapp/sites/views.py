"""Overview of a person's sites, and one site as its manager described it."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from webapp import clock
from webapp.access import OVERSIGHT, allow, visible_sites
from webapp.sites import queries

bp = Blueprint("sites", __name__, url_prefix="/sites")


@bp.route("/")
@allow(OVERSIGHT)
def overview():
    """The sites a person oversees, with the figures of the last day and week."""
    figures = queries.overview(visible_sites(current_user), clock.now())
    return render_template("sites/overview.html", figures=figures)


@bp.route("/<int:site_id>")
@allow(OVERSIGHT, site_arg="site_id")
def detail(site_id: int):
    """One site: areas, checkpoints, routes, plans, shift templates and the roster around now."""
    now = clock.now()
    return render_template("sites/detail.html", d=queries.describe(site_id, now), now=now)
