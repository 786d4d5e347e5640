"""Helpers for the set-up pages: a signed-in person at a desk, posting the real forms with their CSRF token."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_from, sign_in
from webapp.extensions import db
from webapp.models import AuditEntry

HX = {"HX-Request": "true"}


def text(html: str) -> str:
    """The words of a page, tags removed, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


class Desk:
    """A person signed in through the real form, who opens pages and posts forms like a browser (or like htmx)."""

    def __init__(self, client, login: str):
        self.client = client
        self.login = login
        assert sign_in(client, login).status_code == 302, f"{login} could not sign in"
        self.token = csrf_from(client.get("/", follow_redirects=True).get_data(as_text=True))

    def get(self, path: str, hx: bool = False, **kwargs):
        return self.client.get(path, headers=HX if hx else {}, **kwargs)

    def post(self, path: str, data: dict | None = None, hx: bool = False):
        """Post a form; htmx sends the token in its header (set on <body>), a plain form in the field."""
        if hx:
            return self.client.post(path, data=data or {}, headers={**HX, "X-CSRFToken": self.token})
        return self.client.post(path, data={**(data or {}), "csrf_token": self.token})


@pytest.fixture
def desk(app, world):
    """Open a desk for a login of the world: desk("manager")."""
    return lambda login: Desk(app.test_client(), login)


@pytest.fixture
def manager(desk):
    return desk("manager")


@pytest.fixture
def admin(desk):
    return desk("admin")


def audit(action: str, entity: str | None = None) -> list[tuple[AuditEntry, dict]]:
    """The audit entries of an action (and entity), oldest first, with their detail read."""
    stmt = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    db.session.expire_all()
    return [(e, json.loads(e.detail)) for e in db.session.scalars(stmt)]


def is_fragment(response) -> bool:
    """An htmx answer: a piece of the page, not a document, and a cache told that it varies with HX-Request."""
    body = response.get_data(as_text=True)
    return "<html" not in body and "HX-Request" in response.headers.get("Vary", "")


def count_queries(app, call) -> int:
    """How many SQL statements `call()` sends (the app under test shares the engine's URL, not the engine object)."""
    from sqlalchemy import event

    count = 0

    def counter(*_args):
        nonlocal count
        count += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counter)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return count
