"""Structured logs: one line per request, a request id on every line of that request, and no secrets."""
from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler

from webapp.ops.redact import is_secret_name, redact_mapping, redact_text

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("rounds_request_id", default=None)

_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+/=-]{0,127}")
_REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "person_id", "remote_addr", "query", "headers", "form")
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}

request_log = logging.getLogger("rounds.request")


def request_id_from(header: str | None) -> str:
    """The client's X-Request-ID when it is a sane token, else a new one."""
    if header and _SANE_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestContextFilter(logging.Filter):
    """Stamp each record with the id of the request it was logged in ("-" outside any request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get() or "-"
        return True


class SecretFilter(logging.Filter):
    """Mask passwords, CSRF tokens, cookies, Authorization headers and signature images in a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        literals = _request_secrets()
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: let the handler report it as logging always does
            return True
        record.msg, record.args = redact_text(message, literals), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text, literals)
        for key in ("query", "headers", "form"):
            value = getattr(record, key, None)
            if isinstance(value, dict):
                setattr(record, key, {k: redact_text(v, literals) if isinstance(v, str) else v for k, v in value.items()})
        return True


def _request_secrets() -> list[str]:
    """This request's secret values (cookie values, Authorization, secret form fields) to mask wherever they appear."""
    if not has_request_context():
        return []
    found = [value for value in request.cookies.values()]
    found += [value for name, value in request.headers.items() if is_secret_name(name)]
    if "form" in request.__dict__:  # only once parsed by the view: a log line must never consume the body
        found += [value for name, value in request.form.items(multi=True) if is_secret_name(name)]
    return found


_FILTERS = (RequestContextFilter(), SecretFilter())


def _record_factory(previous):
    """Wrap the record factory so every record, whichever handler gets it, carries its request id and no secrets."""

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        for rule in _FILTERS:
            rule.filter(record)
        return record

    factory.rounds = True
    return factory


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["traceback"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A readable line for a terminal, with the request id."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)-7s [%(request_id)s] %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return super().format(record)


class _Stderr(logging.StreamHandler):
    """Write to whatever sys.stderr is at the moment (test runners and servers swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def settings(config: dict) -> tuple[str, str]:
    """LOG_FORMAT (json in production, text otherwise) and LOG_LEVEL (INFO), from the app's config or the environment."""
    production = config.get("ROUNDS_ENV") == "production"
    fmt = (config.get("LOG_FORMAT") or os.environ.get("LOG_FORMAT") or ("json" if production else "text")).lower()
    level = (config.get("LOG_LEVEL") or os.environ.get("LOG_LEVEL") or "INFO").upper()
    if fmt not in ("json", "text"):
        raise RuntimeError(f"LOG_FORMAT must be json or text, not {fmt!r}")
    if not isinstance(logging.getLevelName(level), int):
        raise RuntimeError(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {level!r}")
    return fmt, level


def configure(app: Flask) -> None:
    """Send the process's logs to stderr, as JSON or text, at LOG_LEVEL; stamp and scrub every record."""
    app.config["LOG_FORMAT"], app.config["LOG_LEVEL"] = settings(app.config)
    if not getattr(logging.getLogRecordFactory(), "rounds", False):
        logging.setLogRecordFactory(_record_factory(logging.getLogRecordFactory()))
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "rounds", False)]:
        root.removeHandler(handler)
    handler = _Stderr()
    handler.rounds = True
    handler.setFormatter(JsonFormatter() if app.config["LOG_FORMAT"] == "json" else TextFormatter())
    for rule in _FILTERS:  # records made before the factory was installed, or by a foreign factory
        handler.addFilter(rule)
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.split(".")[0] in ("rounds", "webapp"):
            logger.disabled = False  # Alembic's fileConfig (migrations/env.py) disables loggers that existed before it
    app.logger.removeHandler(default_handler)  # ours on the root logger writes the app's lines too


def _start() -> None:
    g.rounds_request_id = request_id_from(request.headers.get("X-Request-ID"))
    g.rounds_request_token = request_id_var.set(g.rounds_request_id)
    g.rounds_started = time.perf_counter()


def _finish(response: Response) -> Response:
    request_id = g.get("rounds_request_id")
    if request_id is None:
        return response
    response.headers["X-Request-ID"] = request_id
    duration = round((time.perf_counter() - g.rounds_started) * 1000, 1)
    fields = {"method": request.method, "path": request.path, "status": response.status_code, "duration_ms": duration,
              "remote_addr": request.remote_addr}
    person = g.get("_login_user")  # only if this request loaded it: logging must not cost a query
    if person is not None and getattr(person, "is_authenticated", False):
        fields["person_id"] = person.id
    if request.args:
        fields["query"] = redact_mapping(request.args.items(multi=True))
    verbose = response.status_code >= 500 or request_log.isEnabledFor(logging.DEBUG)
    if verbose:  # what helps to reproduce a failure, secrets masked
        fields["headers"] = redact_mapping(request.headers.items())
        if "form" in request.__dict__ or request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            fields["form"] = redact_mapping(request.form.items(multi=True))
    level = logging.ERROR if response.status_code >= 500 else logging.INFO
    if request.path == "/healthz" and response.status_code < 500:
        level = logging.DEBUG  # load balancers ask every few seconds
    request_log.log(level, "%s %s %s %.1fms", request.method, request.path, response.status_code, duration, extra=fields)
    return response


def _end(_error=None) -> None:
    token = g.pop("rounds_request_token", None)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # torn down in another context than it started in
            request_id_var.set(None)


def init_app(app: Flask) -> None:
    """Configure logging and log every request with its id."""
    configure(app)
    app.before_request_funcs.setdefault(None, []).insert(0, _start)  # first: every later line has the id
    app.after_request(_finish)
    app.teardown_request(_end)

