"""Alert pages: a site's alerts with every delivery attempt, and acknowledging one."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock
from webapp.access import ALL_ROLES, FIELD, MANAGEMENT, OVERSIGHT, allow, site_ids
from webapp.alerts import forms, jobs, messages, queries, services
from webapp.alerts.forms import PERSON_FIELDS, SITE_FIELDS, PersonAlertForm, SiteAlertForm
from webapp.domain.alerts import LEVELS
from webapp.domain.sync import clock_offset_s, corrected_instant
from webapp.extensions import db
from webapp.models import Role, Site
from webapp.rendering import render

bp = Blueprint("alerts", __name__)


@bp.route("/sites/<int:site_id>/alerts")
@allow(OVERSIGHT, site_arg="site_id")
def site_alerts(site_id: int):
    """Every alert of the site, newest first, with who it went to, by what, and who acknowledged it."""
    site, now = db.get_or_404(Site, site_id), clock.now()
    return render("alerts/page.html", "alerts/_list.html", site=site, alerts=queries.site_alerts(site_id),
                  week=queries.counts(site_id, now - timedelta(days=7), now),
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


@bp.route("/sites/<int:site_id>/alerts/settings", methods=["GET", "POST"])
@allow(MANAGEMENT, site_arg="site_id")
def site_settings(site_id: int):
    """A site's alert settings: thresholds, escalation, group robots, quiet hours."""
    site, setting = db.get_or_404(Site, site_id), services.site_setting(site_id)
    form = SiteAlertForm(obj=setting)
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("alerts/settings.html", form=form, site=site, fields=SITE_FIELDS,
                               action=url_for("alerts.site_settings", site_id=site_id)), 200 if request.method == "GET" else 422
    services.save_setting(current_user, setting, {f: form[f].data for f in SITE_FIELDS})
    flash(_("Alert settings saved."), "ok")
    return redirect(url_for("alerts.site_settings", site_id=site_id))


@bp.route("/account/alerts", methods=["GET", "POST"])
@allow(ALL_ROLES)
def my_settings():
    """How I get alerts: email, notifications on this app, quiet hours."""
    setting = services.person_setting(current_user.id)
    form = PersonAlertForm(obj=setting)
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("alerts/settings.html", form=form, site=None, fields=PERSON_FIELDS,
                               action=url_for("alerts.my_settings"),
                               vapid_key=current_app.config["ALERT_VAPID_PUBLIC_KEY"]), 200 if request.method == "GET" else 422
    services.save_setting(current_user, setting, {f: form[f].data for f in PERSON_FIELDS})
    flash(_("Alert settings saved."), "ok")
    return redirect(url_for("alerts.my_settings"))


@bp.route("/account/alerts/push", methods=["POST"])
@allow(ALL_ROLES)
def subscribe():
    """Keep this phone's Web Push subscription (JSON as the browser's PushSubscription.toJSON() gives it)."""
    data = request.get_json(silent=True)
    keys = data.get("keys") if isinstance(data, dict) else None
    values = (data.get("endpoint"), keys.get("p256dh"), keys.get("auth")) if isinstance(keys, dict) else ()
    if len(values) != 3 or not all(isinstance(v, str) and 0 < len(v) <= 1000 for v in values) \
            or not values[0].startswith("https://"):
        return jsonify(error=_("Not a push subscription.")), 400
    services.subscribe(current_user, *values)
    return jsonify(ok=True), 201


@bp.route("/alerts/sos", methods=["POST"])
@allow(FIELD)
def sos():
    """An SOS from a guard's or cleaner's phone (sent first by the offline queue); a resend is the same alert."""
    call = forms.read_sos(request.get_json(silent=True), site_ids(current_user))
    if call is None:
        return jsonify(error="bad_sos", message=_("Not an SOS call.")), 400
    site = queries.site_for_call(current_user, call.site_id, site_ids(current_user), clock.now())
    if site is None:
        return jsonify(error="no_site", message=_("You work at no site.")), 400
    now = clock.now()
    alert = services.raise_sos(current_user, site, call.client_uuid, corrected_instant(call.device_time,
                               clock_offset_s(call.sent_at, now)), call.lat, call.lng, now)
    jobs.send_alerts()
    return jsonify(status="created" if alert else "duplicate", id=alert.id if alert else None), 201 if alert else 200


@bp.route("/alerts/ok", methods=["POST"])
@allow(FIELD)
def i_am_ok():
    """A lone worker answers "are you OK?": the silence starts again."""
    site = queries.site_for_call(current_user, None, site_ids(current_user), clock.now())
    if site is None:
        return jsonify(error="no_site", message=_("You work at no site.")), 400
    services.check_in(current_user, site, clock.now())
    return jsonify(ok=True)


@bp.route("/alerts/now")
@allow(FIELD | {Role.LEAD})
def now_for_me():
    """What the phone shows now: the "are you OK?" prompt (guards), open SOS calls full-screen (leads)."""
    now = clock.now()
    if current_user.role == Role.LEAD:
        calls = queries.open_sos(site_ids(current_user))
        return jsonify(prompt=False, sos=[{"id": a.id, "site_id": a.site_id, "person": a.person.name if a.person else "",
                                           "at": a.happened_at.isoformat(), **queries.params(a)} for a in calls])
    return jsonify(prompt=services.lone_worker_prompt(current_user, now), sos=[])
