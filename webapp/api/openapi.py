"""The OpenAPI 3.1 document, generated from the same pydantic models that validate requests and shape answers."""
from __future__ import annotations

from functools import lru_cache

from pydantic import TypeAdapter
from pydantic.json_schema import models_json_schema

from webapp.api import schemas as s
from webapp.params import ID_MAX

REF = "#/components/schemas/{model}"
MODELS = [s.SyncBatch, s.SyncAnswer, s.PhotoUpload, s.PhotoAnswer, s.Me, s.CheckpointList, s.Health, s.Problem,
          s.ScanEvent, s.CleaningCheckEvent, s.IncidentEvent, s.InspectionEvent, s.ReadingEvent]


def _json(model: str) -> dict:
    return {"application/json": {"schema": {"$ref": REF.format(model=model)}}}


def _answers(ok_model: str, *errors: int) -> dict:
    texts = {400: "Malformed request, with the reason", 401: "Not signed in", 403: "Role not allowed",
             404: "Not found, or a site the person does not work at", 413: "Too large", 429: "Too many requests",
             503: "The database is out of reach for a moment: nothing was saved; send again after Retry-After"}
    answers = {"200": {"description": "OK (for an upload: sent before, the stored one)", "content": _json(ok_model)}}
    for status in (*errors, 503):  # every operation reads the database
        answers[str(status)] = {"description": texts[status], "content": _json("Problem")}
    answers["503"]["headers"] = {"Retry-After": {"description": "Seconds to wait before sending again", "required": True,
                                                 "schema": {"type": "integer", "minimum": 0}}}
    return answers


@lru_cache(maxsize=1)
def document() -> dict:
    """The whole document: paths, request bodies, answers and component schemas."""
    _keys, defs = models_json_schema([(m, "validation") for m in MODELS], ref_template=REF)
    components = defs["$defs"]
    components["Event"] = TypeAdapter(s.Event).json_schema(ref_template=REF)
    upload = components["PhotoUpload"]
    upload["properties"]["file"] = {"type": "string", "format": "binary", "description": "JPEG, PNG, HEIC, WebP or a still GIF"}
    upload["required"] = sorted(set(upload.get("required", [])) | {"file"})
    # a form field is sent as text or left out: it is never null
    for name, prop in upload["properties"].items():
        branches = [b for b in prop.get("anyOf", []) if b.get("type") != "null"]
        if len(branches) == 1 and len(prop["anyOf"]) == 2:
            upload["properties"][name] = {**{k: v for k, v in prop.items() if k not in ("anyOf", "default")}, **branches[0]}
    # where it was taken: a checkpoint's token or a site (the upload is refused without either)
    upload["anyOf"] = [{"required": ["token"], "properties": {"token": {"type": "string", "minLength": 1}}},
                       {"required": ["site_id"], "properties": {"site_id": {"type": "integer"}}}]
    csrf = [{"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"},
             "description": "The csrf_token from GET /api/v1/me"}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Rounds field API", "version": "1",
                 "description": "Field records from phones and other clients. Sign in with the web form; "
                                "every POST carries the X-CSRFToken header."},
        "paths": {
            "/api/v1/health": {"get": {"operationId": "health", "responses": _answers("Health")}},
            "/api/v1/me": {"get": {"operationId": "me", "responses": _answers("Me", 401)}},
            "/api/v1/sites/{site_id}/checkpoints": {"get": {
                "operationId": "checkpoints",
                "parameters": [{"name": "site_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 0, "maximum": ID_MAX}}],  # as <int:...> matches
                "responses": _answers("CheckpointList", 401, 404)}},
            "/api/v1/sync": {"post": {
                "operationId": "sync", "parameters": csrf,
                "requestBody": {"required": True, "content": _json("SyncBatch")},
                "responses": _answers("SyncAnswer", 400, 401, 413)}},
            "/api/v1/photos": {"post": {
                "operationId": "uploadPhoto", "parameters": csrf,
                "requestBody": {"required": True, "content": {
                    "multipart/form-data": {"schema": {"$ref": REF.format(model="PhotoUpload")}}}},
                "responses": {"201": {"description": "Stored", "content": _json("PhotoAnswer")},
                              **_answers("PhotoAnswer", 400, 401, 413)}}},
        },
        "components": {"schemas": components},
    }
