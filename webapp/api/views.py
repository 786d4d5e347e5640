"""The JSON API: who am I, which checkpoints, the sync batch, photo upload, and its own OpenAPI document."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from webapp import clock
from webapp.access import ALL_ROLES, MANAGEMENT, allow, public, site_ids, visible_sites
from webapp.api import openapi, schemas
from webapp.api.queries import site_checkpoints
from webapp.domain.errors import DomainError
from webapp.extensions import db
from webapp.field import photos as field_photos
from webapp.field import services
from webapp.i18n import message_for

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _answer(model: BaseModel, status: int = 200):
    return current_app.response_class(model.model_dump_json(), status=status, mimetype="application/json")


def parse(model: type[BaseModel], data) -> BaseModel:
    """Validate a request against its schema, or raise a DomainError saying what is wrong."""
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as error:
        first = error.errors()[0]
        raise DomainError("invalid_batch", detail=".".join(map(str, first["loc"])) + ": " + first["msg"]) from None


@bp.route("/openapi.json")
@public
def openapi_document():
    """The OpenAPI 3.1 document of this API."""
    return jsonify(openapi.document())


@bp.route("/health")
@public
def health():
    """Liveness and database reachability, for load balancers."""
    db.session.execute(select(1))
    return _answer(schemas.Health(status="ok"))


@bp.route("/me")
@allow(ALL_ROLES)
def me():
    """The signed-in person, their role, language, sites, and the CSRF token for their POSTs."""
    sites = [schemas.SiteRef(id=s.id, name=s.name, timezone=s.timezone) for s in visible_sites(current_user)]
    return _answer(schemas.Me(id=current_user.id, name=current_user.name, login=current_user.login,
                              role=current_user.role.value, language=current_user.language, sites=sites,
                              csrf_token=generate_csrf()))


@bp.route("/sites/<int:site_id>/checkpoints")
@allow(ALL_ROLES, site_arg="site_id")
def checkpoints(site_id: int):
    """A site's active checkpoints with their checklists; QR tokens only for managers (a token opens scans)."""
    return _answer(site_checkpoints(site_id, with_tokens=current_user.role in MANAGEMENT))


@bp.route("/sync", methods=["POST"])
@allow(ALL_ROLES)
def sync():
    """Store a batch of field events; answer event by event."""
    batch = parse(schemas.SyncBatch, request.get_json(silent=True))
    outcome = services.ingest(current_user, site_ids(current_user), batch.device_id, batch.sent_at, batch.events,
                              now=clock.now(), skew_limit_s=current_app.config["CLOCK_SKEW_LIMIT_S"], queue=batch.queue)
    return _answer(schemas.SyncAnswer(
        received_at=outcome.received_at, clock_offset_s=round(outcome.offset_s, 3), clock_skewed=outcome.skewed,
        created=outcome.count("created"), duplicates=outcome.count("duplicate"), rejected=outcome.count("rejected"),
        results=[schemas.EventResult(client_uuid=r.client_uuid, status=r.status, id=r.id, reason=r.reason,
                                     message=message_for(r.reason, r.params) if r.reason else None)
                 for r in outcome.results],
    ))


@bp.route("/photos", methods=["POST"])
@allow(ALL_ROLES)
def upload_photo():
    """Store one photo under its client id: verified, oriented, stripped, scaled, watermarked."""
    form = parse(schemas.PhotoUpload, {k: v for k, v in request.form.items() if v != ""})
    upload = request.files.get("file")
    if upload is None:
        raise DomainError("invalid_batch", detail="file: Field required")
    photo, created = field_photos.store(current_user, site_ids(current_user), form, upload.read(), now=clock.now())
    return _answer(schemas.PhotoAnswer(client_uuid=str(photo.client_uuid), status="created" if created else "duplicate",
                                       id=photo.id, sha256=photo.sha256, width=photo.width, height=photo.height),
                   201 if created else 200)
