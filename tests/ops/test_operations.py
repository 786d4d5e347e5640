"""/healthz, one JSON log line per request with its id, and logs that never hold a password or a cookie."""
from __future__ import annotations

import json
import logging
import sys

import pytest
from flask import Blueprint

from tests.conftest import PASSWORD, csrf_from, make_app
from webapp.access import public
from webapp.ops.logs import JsonFormatter, SecretFilter, request_id_from
from webapp.ops.redact import MASK, redact_mapping, redact_text


def _lines(caplog, request_id: str | None = None) -> list[dict]:
    """The captured records as our JSON formatter writes them, those of one request if asked."""
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    return [line for line in lines if request_id is None or line["request_id"] == request_id]


def test_healthz_says_ok_when_the_database_answers(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok", "database": "ok"}
    assert answer.headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/health").get_json() == {"status": "ok"}  # the older check is kept as it was


def test_healthz_answers_503_with_the_reason_when_the_database_is_unreachable(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'no-such-folder' / 'rounds.sqlite3'}")
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["status"] == "unavailable" and body["database"] == "unavailable"
    assert "OperationalError" in body["reason"] and str(tmp_path) not in body["reason"]


def test_a_request_id_is_taken_from_the_client_when_sane_and_echoed(app, caplog):
    client = app.test_client()
    caplog.set_level(logging.INFO)
    answer = client.get("/login", headers={"X-Request-ID": "phone-7f3a.42"})
    assert answer.headers["X-Request-ID"] == "phone-7f3a.42"
    [line] = [x for x in _lines(caplog, "phone-7f3a.42") if x["logger"] == "rounds.request"]
    assert line["method"] == "GET" and line["path"] == "/login" and line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["level"] == "INFO" and "time" in line

    fresh = client.get("/login", headers={"X-Request-ID": "bad id\u00e9<script>" + "x" * 200})
    assert fresh.headers["X-Request-ID"] != "bad id" and len(fresh.headers["X-Request-ID"]) == 32
    assert client.get("/login").headers["X-Request-ID"] != fresh.headers["X-Request-ID"]
    assert request_id_from(None) != request_id_from(None)


def test_the_request_line_names_the_person_signed_in(world, app, caplog):
    client = app.test_client()
    caplog.set_level(logging.INFO)
    page = client.get("/login")
    client.post("/login", data={"login": "guard", "password": PASSWORD, "csrf_token": csrf_from(page.get_data(as_text=True))})
    client.get("/guard", headers={"X-Request-ID": "guard-home-1"})
    [line] = [x for x in _lines(caplog, "guard-home-1") if x["logger"] == "rounds.request"]
    assert line["person_id"] == world.people["guard"].id and line["status"] == 200


@pytest.fixture
def failing_app(database_url):
    """An app as in production (errors answered, not raised to the caller) with a route that fails."""
    app = make_app(database_url, PROPAGATE_EXCEPTIONS=False)
    broken = Blueprint("broken", __name__)

    @broken.route("/broken")
    @public
    def fail():
        logging.getLogger("webapp.test").info("about to fail")
        raise RuntimeError("the pump room sensor is on fire; password=hunter2")

    app.register_blueprint(broken)
    return app


def test_a_failing_request_logs_its_traceback_under_its_request_id(failing_app, caplog):
    caplog.set_level(logging.INFO)
    answer = failing_app.test_client().get("/broken", headers={"X-Request-ID": "fail-1"})
    assert answer.status_code == 500 and answer.headers["X-Request-ID"] == "fail-1"
    lines = _lines(caplog, "fail-1")
    assert "about to fail" in [x["message"] for x in lines]
    [error] = [x for x in lines if "traceback" in x]
    assert error["level"] == "ERROR" and "RuntimeError: the pump room sensor is on fire" in error["traceback"]
    assert "hunter2" not in json.dumps(lines)
    request_line = lines[-1]
    assert request_line["logger"] == "rounds.request" and request_line["status"] == 500 and request_line["level"] == "ERROR"


def test_a_sign_in_leaves_neither_the_password_nor_the_cookie_in_the_logs(world, database_url, caplog):
    app = make_app(database_url, LOG_LEVEL="DEBUG")  # the most talkative: headers and form fields of each request
    client = app.test_client()
    caplog.set_level(logging.DEBUG)
    page = client.get("/login")
    token = csrf_from(page.get_data(as_text=True))
    signed_in = client.post("/login", data={"login": "guard", "password": PASSWORD, "csrf_token": token},
                            headers={"X-Request-ID": "sign-in-1"})
    assert signed_in.status_code == 302
    cookie = client.get_cookie("session").value
    client.get("/guard?password=" + PASSWORD.replace(" ", "+"), headers={"X-Request-ID": "home-1",
                                                                          "Authorization": "Bearer s3cr3t-bearer-token"})
    logging.getLogger("webapp.test").warning("someone logged the form: %s", {"password": PASSWORD, "csrf_token": token})
    logged = "\n".join([caplog.text, *(JsonFormatter().format(r) for r in caplog.records)])
    assert '"login": "guard"' in logged  # the form was logged, its secrets masked
    for secret in (PASSWORD, cookie, token, "s3cr3t-bearer-token", PASSWORD.replace(" ", "+")):
        assert secret not in logged
    assert MASK in logged


def test_secrets_are_masked_in_text_mappings_and_tracebacks():
    signature = "data:image/png;base64," + "iVBORw0KGgo" * 20
    text = (f"password=hunter2 csrf_token: 'abc123'\nCookie: session=eyJfaWQiOiJ4In0.abc; remember_token=9\n"
            f"Authorization: Basic dXNlcjpwYXNz\n{signature} postgresql://rounds:pw-1234@db:5432/rounds")
    cleaned = redact_text(text)
    for secret in ("hunter2", "abc123", "eyJfaWQiOiJ4In0", "dXNlcjpwYXNz", "iVBORw0KGgo", "pw-1234"):
        assert secret not in cleaned
    assert "postgresql://rounds:" in cleaned and "@db:5432/rounds" in cleaned
    assert redact_mapping([("login", "guard"), ("password", "x"), ("signature", signature)]) == \
        {"login": "guard", "password": MASK, "signature": MASK}

    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed for %s", ({"password": "hunter2"},), None)
    try:
        raise ValueError("password=hunter2")
    except ValueError:
        record.exc_info = sys.exc_info()
    SecretFilter().filter(record)
    assert "hunter2" not in record.getMessage() and "hunter2" not in record.exc_text
