"""The API fuzzed against its own OpenAPI document: no answer is a 500, and every answer is one the document describes."""
from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from tests import clock
from tests.conftest import tiny_jpeg
from tests.field.helpers import CST, Phone

DOCUMENT = "/api/v1/openapi.json"
PICTURE = tiny_jpeg()


def refused_as_documented(ctx, response, case):
    """What the document forbids is refused: with a 4xx, or, for one event of a sync batch, as that event's own refusal
    in a 200 (one bad event never sinks the batch, and the document says the answer is per event)."""
    try:
        return negative_data_rejection(ctx, response, case)
    except AcceptedNegativeData as failure:
        in_an_event = "/properties/events/items" in failure.message
        if in_an_event and case.operation.path.endswith("/sync") and response.status_code == 200 \
                and response.json()["rejected"] >= 1:
            return None
        raise


# what no schema can say about an upload: its bytes are no usable picture, or its place is not the person's
BEYOND_THE_SCHEMA = {"photo_not_an_image", "photo_too_large", "photo_too_many_pixels", "photo_truncated",
                     "photo_unsupported", "photo_uuid_taken", "token_unknown", "token_replaced", "token_foreign_site",
                     "checkpoint_inactive"}


def accepted_as_documented(ctx, response, case):
    """What the document allows is accepted, unless a photo is refused for its bytes or its place (said in the 400)."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if case.operation.path.endswith("/photos") and response.status_code == 400 \
                and response.json().get("error") in BEYOND_THE_SCHEMA:
            return None
        raise


# the document and the validators agree both ways: what it allows is accepted, what it forbids is refused (issue 18)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance, accepted_as_documented, refused_as_documented, unsupported_method]
OPERATIONS = [("GET", "/api/v1/health"), ("GET", "/api/v1/me"), ("GET", "/api/v1/sites/{site_id}/checkpoints"),
              ("POST", "/api/v1/sync"), ("POST", "/api/v1/photos")]
# answers uncompressed: the checks read the JSON bodies (compression has its own tests in tests/perf)
PLAIN = {"Accept-Encoding": "identity"}
FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


def _cases(operation, world, csrf: str):
    """Requests the document allows and requests it forbids, with the guard's CSRF token on each."""
    fixed = {"headers": {"X-CSRFToken": csrf}} if operation.method.upper() == "POST" else {}
    strategies = [operation.as_strategy(GenerationMode.POSITIVE, **fixed),
                  operation.as_strategy(GenerationMode.NEGATIVE, **fixed)]
    if "{site_id}" in operation.path:
        for site in (world.site_a, world.site_b, world.site_c):  # their own site, another team's, another company's
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters={"site_id": site.id}))
    if operation.path.endswith("/sync"):  # batches sent now, some at the guard's own checkpoint: created and duplicates
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, **fixed).map(lambda case: _sent_now(case, world)))
    if operation.path.endswith("/photos"):  # a real picture, for the 201 and the 200 of a resend
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, **fixed).map(lambda case: _real_photo(case, world)))
    return st.one_of(strategies)


def _sent_now(case, world):
    now = clock.now(CST)
    case.body["sent_at"] = now.isoformat()
    for event in case.body["events"]:
        if isinstance(event, dict):
            event["device_time"] = (now - timedelta(minutes=1)).isoformat()
            if event.get("token"):
                event["token"] = world.checkpoint_a.token
    return case


def _real_photo(case, world):
    case.body.update(file=PICTURE, site_id=world.site_a.id)
    case.body.pop("token", None)
    case.body.pop("sent_at", None)
    return case


def test_every_documented_operation_is_covered():
    from webapp.api.openapi import document

    assert {(method.upper(), path) for path, item in document()["paths"].items() for method in item} == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_a_signed_in_guard_gets_only_documented_answers(world, app, method, path):
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)
    operation = schema[path][method]
    phone = Phone(app, "guard")

    @FUZZ
    @given(case=_cases(operation, world, phone.token))
    def fuzz(case):
        case.call_and_validate(session=phone.client, headers={"X-CSRFToken": phone.token, **PLAIN}, checks=CHECKS)

    fuzz()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_someone_not_signed_in_gets_only_documented_answers(world, app, method, path):
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)
    operation = schema[path][method]
    client = app.test_client()

    @settings(FUZZ, max_examples=10)
    @given(case=operation.as_strategy())
    def fuzz(case):
        case.call_and_validate(session=client, headers=PLAIN, checks=CHECKS)

    fuzz()


@pytest.mark.parametrize("path", ["/api/v1/sync", "/api/v1/me", "/api/v1/photos", "/login"])
def test_an_unsupported_method_gets_405_with_the_methods_allowed(world, app, path):
    answer = app.test_client().open(path, method="TRACE")
    assert answer.status_code == 405 and answer.headers["Allow"], answer.headers
    assert "TRACE" not in answer.headers["Allow"]


def test_the_validators_limits_are_in_the_document():
    """A year the server refuses, an id too big for a column, a photo without a place: the document says so too."""
    from webapp.api.openapi import document

    schemas = document()["components"]["schemas"]
    assert schemas["SyncBatch"]["properties"]["sent_at"]["pattern"] == "^(19|20|21)[0-9]{2}-"
    upload = schemas["PhotoUpload"]
    assert [branch["required"] for branch in upload["anyOf"]] == [["token"], ["site_id"]]
    site_id = upload["properties"]["site_id"]
    assert (site_id["type"], site_id["maximum"]) == ("integer", 2**63 - 1) and "anyOf" not in site_id  # never null
