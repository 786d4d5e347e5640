"""The quality board of a site, the monthly scorecards (考核) of its people and teams, their XLSX, and one's own card."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, current_app, request, send_file, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from webapp import clock
from webapp.access import ALL_ROLES, OVERSIGHT, QUALITY, allow, site_ids, visible_sites
from webapp.equipment import queries as equipment_queries
from webapp.models import Site
from webapp.rendering import render
from webapp.scorecards import export, months, queries
from webapp.scorecards.facts import TEAMS, month_of

bp = Blueprint("scorecards", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_template_global()
def quality_link(endpoints: str | tuple[str, ...], **values) -> str | None:
    """The address of another area's page of a record (the first of `endpoints` that exists and takes the values
    given), or None while there is none: this page never fails on a page another area has not built."""
    for endpoint in (endpoints,) if isinstance(endpoints, str) else endpoints:
        if endpoint not in current_app.view_functions:
            continue
        for rule in current_app.url_map.iter_rules(endpoint):
            if "GET" in (rule.methods or ()) and rule.arguments <= values.keys():
                try:
                    return url_for(endpoint, **{name: values[name] for name in rule.arguments})
                except BuildError:
                    continue
    return None


@bp.app_template_global()
def quality_board_site() -> int | None:
    """The site whose quality board the navigation links to: the person's first site."""
    if current_user.sites:
        return current_user.sites[0].id
    ids = site_ids(current_user)
    return min(ids) if ids else None


def _site(site_id: int) -> Site:
    return queries.site(site_id) or abort(404)


@bp.route("/sites/<int:site_id>/quality")
@allow(OVERSIGHT, site_arg="site_id")
def board(site_id: int):
    """Inspections kept or missed this week and last, overdue notices, re-checks, contested tickets, late orders, scores."""
    b = queries.board(_site(site_id), clock.now())
    maintenance = [(task, st) for task, st in equipment_queries.due_for({site_id}, b.now) if st.state == "overdue"]
    return render("scorecards/board.html", fragment="scorecards/_board.html", b=b,
                  can_see_scorecards=current_user.role in QUALITY, overdue_maintenance=maintenance)


def _month(site: Site):
    year, month = months.parse(request.args.get("month"), clock.now(), site.timezone)
    return month_of(site, year, month, clock.now())


@bp.route("/sites/<int:site_id>/scorecards")
@allow(QUALITY, site_arg="site_id")
def site_cards(site_id: int):
    """One row per person of the site and one per team for a month, with the notices and tickets behind them."""
    m = _month(_site(site_id))
    return render("scorecards/site.html", fragment="scorecards/_site.html", m=m, figures=export.FIGURES,
                  before=months.label(*months.previous(m.year, m.month)), after=months.label(*months.following(m.year, m.month)))


@bp.route("/sites/<int:site_id>/scorecards.xlsx")
@allow(QUALITY, site_arg="site_id")
def site_cards_xlsx(site_id: int):
    """The month's scorecards as a spreadsheet: people, teams, and the raw notices and tickets."""
    m = _month(_site(site_id))
    return send_file(BytesIO(export.workbook(m)), mimetype=XLSX, as_attachment=True,
                     download_name=f"scorecards-{m.site.code}-{m.label}.xlsx")


@bp.route("/scorecards/mine")
@allow(ALL_ROLES)
def mine():
    """My own scorecard at each of my sites, this month or last month."""
    has_card = current_user.role in TEAMS
    cards = [_own(site, request.args.get("month")) for site in visible_sites(current_user)] if has_card else []
    return render("scorecards/mine.html", cards=cards, has_card=has_card, figures=export.FIGURES)


def _own(site: Site, asked: str | None):
    """My month at one site, with the two months I may choose from (this month and last month)."""
    now = clock.now()
    this = months.current(now, site.timezone)
    choices = [months.label(*this), months.label(*months.previous(*this))]
    chosen = asked or choices[0]
    if chosen not in choices:
        abort(404)
    year, month = months.parse(chosen, now, site.timezone)
    return month_of(site, year, month, now, person_id=current_user.id), choices
