"""Alert pages: a site's alerts with every delivery attempt, and acknowledging one."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock
from webapp.access import OVERSIGHT, allow
from webapp.alerts import messages, queries, services
from webapp.domain.alerts import LEVELS
from webapp.extensions import db
from webapp.models import Site
from webapp.rendering import render

bp = Blueprint("alerts", __name__)


@bp.route("/sites/<int:site_id>/alerts")
@allow(OVERSIGHT, site_arg="site_id")
def site_alerts(site_id: int):
    """Every alert of the site, newest first, with who it went to, by what, and who acknowledged it."""
    site = db.get_or_404(Site, site_id)
    return render("alerts/page.html", "alerts/_list.html", site=site, alerts=queries.site_alerts(site_id),
                  title_of=messages.title, severity_label=messages.severity_label, levels=LEVELS,
                  alert_label=messages.label)


@bp.route("/sites/<int:site_id>/alerts/acknowledge", methods=["POST"])
@allow(OVERSIGHT, site_arg="site_id")
def acknowledge(site_id: int):
    """Acknowledge one alert of the site: who and when are recorded; escalation stops."""
    alert = queries.alert_of(site_id, request.form.get("alert", type=int) or 0)
    if alert is None:
        abort(400)
    if services.acknowledge(alert, current_user, clock.now()):
        flash(_("Alert acknowledged."), "ok")
    return redirect(url_for("alerts.site_alerts", site_id=site_id) + f"#alert-{alert.id}")
