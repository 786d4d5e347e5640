"""No 5xx on odd input anywhere: every route of the URL map is walked, as a role that may use it, with hostile path
and query (and form) values: huge ids, far dates, Unicode digits, control characters, very long strings.

Each route is filled with real things of the person's own site (so the view gets past its lookups), asked once
plainly to learn which query or form parameters it reads, then each of those is given every hostile value in turn;
then each number in its path is made too big for any id column. The roles take turns so that every role walks.
Hypothesis then mixes further values. Bounded: a few minutes on two cores.
"""
from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing.converters import NumberConverter

from tests.conftest import PASSWORD, csrf_from, sign_in
from tests.web.test_access_matrix import TABLE, _setup_things, rows_of
from webapp.models import Role
from webapp.params import Params

HOSTILE = [
    "9223372036854775808", "99999999999999999999999999", "²", "١٢", "-1",
    "9999-12-31", "0001-01-01", "9999-12", "0000-13", "2026-02-30",
    "a\r\nb", "\x00", " ", "x" * 3000, "../../etc/passwd", "{}",
]
# parameters tried on every route besides the ones it is seen to read (read only on some paths through a view)
PARAMS = ["date", "from", "to", "month", "week", "period", "figure", "shift", "site", "sites", "photos", "place",
          "assignee", "person", "person_id", "state", "department", "checkpoint", "area", "inspection", "template",
          "template_id", "plan", "copied", "skipped", "next", "view", "result", "incident", "points", "kind",
          "severity", "description", "name", "login", "role", "site_ids", "language", "code", "start", "end", "day",
          "deadline", "rule", "weekday", "inspector_id", "countersign_shift", "countersign_handover", "preview_date"]
LOGINS = [r.value for r in Role]


class Reads:
    """Which parameters a request read (any `get`, `getlist`, `[...]` or `in` on its query or form)."""

    def __init__(self, monkeypatch):
        self.names: set[str] = set()
        for method in ("get", "getlist", "__getitem__", "__contains__"):
            original = getattr(Params, method)
            monkeypatch.setattr(Params, method, self._spy(original))

    def _spy(self, original):
        def spied(this, key, *args, **kwargs):
            self.names.add(key)
            return original(this, key, *args, **kwargs)
        return spied


def _rows():
    for endpoint in sorted(TABLE):
        for row in rows_of(endpoint):
            yield endpoint, row


def _login_for(row, turn: int) -> str | None:
    if row.roles is None:
        return None
    allowed = sorted(r.value for r in row.roles)
    return allowed[turn % len(allowed)]


class Walker:
    """Signed-in clients, one per role, and the real things each route needs, made once per route and role."""

    def __init__(self, app, world):
        self.app, self.world = app, world
        self.clients: dict[str | None, object] = {}
        self.tokens: dict[str | None, str] = {}
        self.filled: dict[tuple, dict] = {}

    def client(self, login: str | None):
        if login not in self.clients:
            client = self.app.test_client()
            if login:
                assert sign_in(client, login).status_code == 302
            self.clients[login] = client
            self.tokens[login] = csrf_from(client.get("/", follow_redirects=True).get_data(as_text=True)) if login else \
                csrf_from(client.get("/login").get_data(as_text=True))
        return self.clients[login]

    def values(self, login: str | None, path: str) -> dict:
        key = (login, path)
        if key not in self.filled:
            self.filled[key] = self.world.values(login, True, path) | _setup_things(self.world, True, path)
        return self.filled[key]

    def send(self, login: str | None, method: str, path: str, fields: dict):
        """The answer, or a stand-in 500 naming the exception (the test app lets exceptions through)."""
        try:
            return self._send(login, method, path, fields)
        except Exception as error:  # noqa: BLE001 (every escaping exception is a server error to report)
            return SimpleNamespace(status_code=500, error=f"{type(error).__name__}: {str(error)[:120]}")

    def _send(self, login: str | None, method: str, path: str, fields: dict):
        client = self.client(login)
        path, _sep, query = path.partition("?")  # a row's own query (e.g. ?view=row) is overridden by hostile values
        if method == "GET":
            return client.get(path, query_string=fields)
        return client.open(path, method=method, query_string=fields,
                           data={**fields, "csrf_token": self.tokens[login]})


def _fail_on_5xx(answer, what: str, failures: list) -> None:
    if answer.status_code >= 500:
        failures.append(f"{what}: {answer.status_code} {getattr(answer, 'error', '')}")


def test_every_route_with_hostile_parameters_as_a_role_that_may_use_it(world, app, monkeypatch):
    walker, failures, turn, reads = Walker(app, world), [], itertools.count(), Reads(monkeypatch)
    for _endpoint, row in _rows():
        login = _login_for(row, next(turn))
        path = row.path.format_map(walker.values(login, row.path))
        walker.client(login)
        reads.names.clear()
        _fail_on_5xx(walker.send(login, row.method, path, {}), f"{login} {row.method} {path}", failures)
        for name in sorted(n for n in reads.names - {"csrf_token"} if isinstance(n, str)):
            for value in HOSTILE:
                answer = walker.send(login, row.method, path, {name: value})
                _fail_on_5xx(answer, f"{login} {row.method} {path} with {name}={value[:30]!r}", failures)
        for value in HOSTILE:  # and everything at once, for what a view reads only when another parameter is given
            answer = walker.send(login, row.method, path, dict.fromkeys(PARAMS, value))
            _fail_on_5xx(answer, f"{login} {row.method} {path} with every parameter {value[:30]!r}", failures)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("number", ["9223372036854775808", "18446744073709551616", "99999999999999999999999999"])
def test_every_id_in_every_path_too_big_for_an_id_column(world, app, number):
    walker, failures, turn = Walker(app, world), [], itertools.count()
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for endpoint, row in _rows():
        rule = rules[endpoint]
        numbers = [name for name, conv in rule._converters.items() if isinstance(conv, NumberConverter)]
        if not numbers:
            continue
        login = _login_for(row, next(turn))
        values = dict(walker.values(login, row.path))
        for name in values:
            if isinstance(values[name], int):
                values[name] = number
        path = row.path.format_map(values)
        answer = walker.send(login, row.method, path, {})
        _fail_on_5xx(answer, f"{login} {row.method} {path}", failures)
        if answer.status_code != 404 and row.method == "GET":
            failures.append(f"{login} {path}: {answer.status_code}, expected 404 (no such record can exist)")
    assert not failures, "\n".join(failures)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_hypothesis_mixes_hostile_values_on_random_routes(world, app, data):
    walker = getattr(world, "walker", None) or Walker(app, world)
    world.walker = walker
    endpoint, row = data.draw(st.sampled_from(list(_rows())))
    login = _login_for(row, data.draw(st.integers(0, len(LOGINS))))
    path = row.path.format_map(walker.values(login, row.path))
    value = data.draw(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40),
                                st.integers(2**63 - 2, 2**70).map(str), st.dates().map(str)))
    name = data.draw(st.sampled_from(PARAMS))
    answer = walker.send(login, row.method, path, {name: value, "period": data.draw(st.sampled_from(["custom", "day"]))})
    assert answer.status_code < 500, f"{login} {row.method} {path} with {name}={value!r}: {getattr(answer, 'error', '')}"


def test_a_newline_in_the_sign_in_next_is_no_place_to_go(world, app):
    client = app.test_client()
    page = client.get("/login?next=/guard%0d%0aSet-Cookie:%20x=1")
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    nul = client.post("/login", data={"login": "guard", "password": PASSWORD, "csrf_token": token, "next": "/guard\x00"})
    assert nul.status_code == 400 and "Location" not in nul.headers  # a NUL anywhere in a form is refused outright
    assert client.get("/guard").status_code == 302  # and nobody was signed in by it
    for target in ("/guard\nX-Injected: 1", "/guard\r\nSet-Cookie: x=1", "/\t/evil.example"):
        answer = client.post("/login", data={"login": "guard", "password": PASSWORD, "csrf_token": token, "next": target})
        assert answer.status_code == 302 and answer.headers["Location"] == "/guard", (target, answer.headers)
        assert "X-Injected" not in answer.headers and "x=1" not in answer.headers.get("Set-Cookie", "")
        client.post("/logout", data={"csrf_token": csrf_from(client.get("/guard").get_data(as_text=True))})
        token = csrf_from(client.get("/login").get_data(as_text=True))


def test_deeply_nested_json_to_sync_is_refused_with_a_reason(world, app):
    client = app.test_client()
    sign_in(client, "guard")
    token = client.get("/api/v1/me").get_json()["csrf_token"]
    nested = "[" * 100_000 + "]" * 100_000
    body = '{"device_id": "p", "sent_at": "2026-11-25T10:00:00+08:00", "events": [{"client_uuid": ' + nested + "}]}"
    for data in (nested, body):
        answer = client.post("/api/v1/sync", data=data, content_type="application/json", headers={"X-CSRFToken": token})
        assert answer.status_code == 400 and answer.get_json()["message"], answer.status_code


@pytest.mark.parametrize("path", [
    "/photos/9223372036854775808.jpg", "/shifts/9223372036854775808/handover",
    "/sites/{site}/board?shift=9223372036854775808", "/sites/{site}/reports?period=day&date=9999-12-31",
    "/sites/{site}/reports?period=month&date=0001-01-01", "/sites/{site}/meeting-pack?month=9999-12",
    "/sites/{site}/scorecards?month=9999-12", "/sites/{site}/setup/roster?week=9999-12-31",
    "/sites/{site}/inspection-scores?from=0001-01-01&to=9999-12-31", "/reports/group?sites=²&period=month",
    "/sites/{site}/reports.pdf?photos=²", "/orders?assignee=²",
])
def test_the_inputs_named_in_issue_18_get_an_answer_not_a_crash(world, app, path):
    client = app.test_client()
    sign_in(client, "manager")
    answer = client.get(path.format(site=world.site_a.id))
    assert answer.status_code in (200, 400, 404), (path, answer.status_code)
