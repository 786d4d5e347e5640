"""Read endpoints every client needs first: who am I, which sites, which checkpoints."""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.access import ALL_ROLES, MANAGEMENT, allow, public, visible_sites
from webapp.extensions import db
from webapp.models import Checkpoint

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.route("/health")
@public
def health():
    """Liveness and database reachability, for load balancers."""
    db.session.execute(select(1))
    return jsonify(status="ok")


@bp.route("/me")
@allow(ALL_ROLES)
def me():
    """The signed-in person, their role, language and sites."""
    return jsonify(
        id=current_user.id, name=current_user.name, login=current_user.login, role=current_user.role.value,
        language=current_user.language,
        sites=[{"id": s.id, "name": s.name, "timezone": s.timezone} for s in visible_sites(current_user)],
    )


@bp.route("/sites/<int:site_id>/checkpoints")
@allow(ALL_ROLES, site_arg="site_id")
def checkpoints(site_id: int):
    """A site's active checkpoints with their checklists; QR tokens only for managers (they open scans)."""
    show_token = current_user.role in MANAGEMENT
    rows = db.session.scalars(select(Checkpoint).where(Checkpoint.site_id == site_id, Checkpoint.active)
                              .options(selectinload(Checkpoint.checklist)).order_by(Checkpoint.code))
    return jsonify(checkpoints=[
        {
            "id": c.id, "code": c.code, "name": c.name, "purpose": c.purpose.value, "area_id": c.area_id,
            "photo_required": c.photo_required, "lat": c.lat, "lng": c.lng, "radius_m": c.radius_m,
            "checklist": [{"id": i.id, "text": i.text} for i in c.checklist if i.active],
            **({"token": c.token} if show_token else {}),
        }
        for c in rows
    ])
