"""Signing people in and out, and remembering their language; the only writer of this area."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import jsonify, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from webapp.audit import record
from webapp.extensions import db
from webapp.models import Person, utcnow


def load_person(session_id: str) -> Person | None:
    """The person behind a session, or None if they no longer exist or their sessions were ended."""
    person_id, _sep, version = session_id.partition(":")
    if not (person_id.isdigit() and version.isdigit()):
        return None
    person = db.session.get(Person, int(person_id))
    return person if person is not None and person.session_version == int(version) else None


def unauthorized():
    """Send someone who is not signed in to the sign-in page, or answer 401 to an API client."""
    if request.path.startswith("/api/"):
        return jsonify(error="unauthorized", message=_("Please sign in first.")), 401
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def safe_next(target: str | None) -> str | None:
    """A local path to return to after sign-in, or None if the target points anywhere else."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def authenticate(login: str, password: str) -> Person | None:
    """The active person with this login and password, or None; every attempt is audited."""
    login = login.strip()
    person = db.session.scalar(select(Person).where(func.lower(Person.login) == login.lower()))
    if person is None or not person.check_password(password) or not person.active:
        record(person, "sign_in_failed", "person", person.id if person else "", login=login)
        db.session.commit()
        return None
    person.last_login_at = utcnow()
    record(person, "sign_in", "person", person.id)
    db.session.commit()
    return person


def sign_out(person: Person) -> None:
    """Audit a sign-out."""
    record(person, "sign_out", "person", person.id)
    db.session.commit()


def set_language(person: Person | None, lang: str) -> None:
    """Keep a signed-in person's language choice."""
    if person is not None and person.language != lang and lang in ("zh", "en"):
        person.language = lang
        record(person, "set_language", "person", person.id, language=lang)
        db.session.commit()
