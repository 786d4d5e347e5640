"""The company's audit log (people are managed under set-up)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.access import allow
from webapp.extensions import db
from webapp.models import AuditEntry, Person, Role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/audit")
@allow(Role.ADMIN)
def audit():
    """The latest 200 entries of the company's audit log."""
    rows = db.session.scalars(select(AuditEntry).join(Person, AuditEntry.person_id == Person.id)
                              .where(Person.company_id == current_user.company_id)
                              .options(selectinload(AuditEntry.person)).order_by(AuditEntry.at.desc()).limit(200))
    return render_template("admin/audit.html", entries=list(rows), tz=current_app.config["DEFAULT_TIMEZONE"])
