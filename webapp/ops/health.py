"""/healthz: is this process able to serve, database included."""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from webapp.access import public
from webapp.extensions import db

bp = Blueprint("ops", __name__)
log = logging.getLogger("rounds.health")


@bp.route("/healthz")
@public
def healthz():
    """200 when a `SELECT 1` works, 503 with the reason when it does not (for load balancers and monitors)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any failure of the database makes this instance unfit to serve
        db.session.remove()
        log.warning("health check: the database did not answer: %s", error)
        answer = jsonify(status="unavailable", database="unavailable", reason=_reason(error))
        answer.status_code = 503
        answer.headers["Retry-After"] = "5"
    else:
        answer = jsonify(status="ok", database="ok")
    answer.headers["Cache-Control"] = "no-store"
    return answer


def _reason(error: Exception) -> str:
    """What went wrong, by kind only: the error's own text may name hosts or users."""
    original = getattr(error, "orig", None) or error
    return f"database error: {type(original).__module__.split('.')[0]}.{type(original).__name__}"
