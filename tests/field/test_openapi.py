"""The OpenAPI document is public, covers every API route, and the answers match it."""
from __future__ import annotations

import uuid

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from tests.field.helpers import Phone, jpeg, scan_event


def _validator(document: dict, component: str) -> Draft202012Validator:
    root = Resource.from_contents({"components": document["components"], "$schema": "https://json-schema.org/draft/2020-12/schema"})
    registry = Registry().with_resource("urn:rounds", root)
    schema = {"$ref": f"urn:rounds#/components/schemas/{component}"}
    return Draft202012Validator(schema, registry=registry)


def _fix_refs(node):
    if isinstance(node, dict):
        return {k: ("urn:rounds" + v if k == "$ref" and v.startswith("#/") else _fix_refs(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_fix_refs(v) for v in node]
    return node


def test_the_document_is_readable_without_signing_in_and_lists_every_api_route(app, client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.get_json()
    assert document["openapi"].startswith("3.1")
    routes = {rule.rule.replace("<int:site_id>", "{site_id}") for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi_document"}
    assert routes == set(document["paths"])
    components = document["components"]["schemas"]
    assert {"ScanEvent", "CleaningCheckEvent", "IncidentEvent", "Event", "SyncBatch", "SyncAnswer"} <= set(components)
    assert components["SyncBatch"]["properties"]["events"]["items"] == {"$ref": "#/components/schemas/Event"}


def test_real_answers_match_their_documented_schemas(world, app):
    phone = Phone(app, "guard")
    document = _fix_refs(phone.client.get("/api/v1/openapi.json").get_json())
    checks = [
        ("Me", phone.client.get("/api/v1/me")),
        ("CheckpointList", phone.client.get(f"/api/v1/sites/{world.site_a.id}/checkpoints")),
        ("Health", phone.client.get("/api/v1/health")),
        ("SyncAnswer", phone.sync([scan_event(world.checkpoint_a.token, phone.clock()), {"type": "scan"}])),
        ("PhotoAnswer", phone.upload(jpeg(), site_id=world.site_a.id)),
        ("Problem", phone.sync([])),
        ("Problem", phone.client.get(f"/api/v1/sites/{world.site_c.id}/checkpoints")),
    ]
    for component, answer in checks:
        errors = list(_validator(document, component).iter_errors(answer.get_json()))
        assert not errors, (component, [e.message for e in errors])


def test_the_documented_event_schema_accepts_what_the_api_accepts_and_refuses_the_rest(app, client):
    document = _fix_refs(client.get("/api/v1/openapi.json").get_json())
    event = _validator(document, "Event")
    good = {"type": "scan", "client_uuid": str(uuid.uuid4()), "token": "t", "device_time": "2026-11-25T10:00:00+08:00"}
    assert event.is_valid(good)
    assert not event.is_valid({**good, "type": "teleport"})
    assert not event.is_valid({**good, "surprise": 1})
