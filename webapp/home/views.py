"""Phone-first home pages for the field roles and the shift lead."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from webapp import clock
from webapp.access import EVERYONE, allow, home_endpoint, site_ids
from webapp.assessments import picture
from webapp.board.queries import cover_candidates
from webapp.domain import tally
from webapp.domain.handover import handover_first
from webapp.field.queries import incident_photos
from webapp.handover.queries import lead_shifts_near, shift_in_scope, waiting_for
from webapp.home import queries
from webapp.models import Role
from webapp.rendering import render

bp = Blueprint("home", __name__)


@bp.route("/")
@allow(EVERYONE)
def index():
    """Send each person to the page of their role."""
    return redirect(url_for(home_endpoint(current_user)))


@bp.route("/guard")
@allow(Role.GUARD)
def guard():
    """A guard's shift: the next round due, its route, and their latest scans."""
    now = clock.now()
    shift = queries.current_shift(current_user, now)
    pic = picture(shift, now) if shift else None
    rounds = queries.rounds_of(shift, now, pic) if shift else []
    upcoming = next((r for r in rounds if r.state in ("open", "upcoming")), None)
    return render_template("home/guard.html", shift=shift, rounds=rounds, upcoming=upcoming,
                           figures=tally.rounds(pic.assessment.rounds).figures() if pic else None,
                           scans=queries.recent_scans(current_user), now=now)


@bp.route("/cleaner")
@allow(Role.CLEANER)
def cleaner():
    """A cleaner's shift: cleaning checks due now and next, overdue ones first in red."""
    now = clock.now()
    shift = queries.current_shift(current_user, now)
    checks = queries.cleaning_of(shift, now) if shift else []
    return render_template("home/cleaner.html", shift=shift, checks=checks, now=now)


@bp.route("/lead")
@allow(Role.LEAD)
def lead():
    """A shift lead's shift: people, rounds, cleaning, latest scans and open incidents."""
    now = clock.now()
    shift = queries.current_shift(current_user, now)
    if shift is None or shift.starts_at > now:
        shift = queries.running_shift_at(site_ids(current_user), now) or shift
    handover_shift = _handover_first(now) or shift
    if shift is None:
        return render_template("home/lead.html", shift=None, now=now, handover_shift=handover_shift,
                               waiting=waiting_for(current_user))
    pic = picture(shift, now)
    incidents = queries.open_incidents(shift.site_id)
    return render_template(
        "home/lead.html", shift=shift, now=now, handover_shift=handover_shift, waiting=waiting_for(current_user),
        figures=tally.rounds(pic.assessment.rounds).figures(), cover_people=cover_candidates(shift),
        rounds=queries.rounds_of(shift, now, pic), cleaning=queries.cleaning_of(shift, now, pic),
        scans=queries.shift_scans(shift), incidents=incidents, incident_photos=incident_photos([i.id for i in incidents]),
    )


def _handover_first(now):
    shift_id = handover_first(lead_shifts_near(current_user, now), now)
    return shift_in_scope(current_user, shift_id) if shift_id else None


@bp.route("/lead/waiting")
@allow(Role.LEAD)
def waiting():
    """The handovers waiting for this lead to take over (待接班), polled by the lead's page."""
    return render("home/_waiting.html", waiting=waiting_for(current_user))
