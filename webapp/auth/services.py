"""Signing people in and out, and remembering their language; the only writer of this area."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, jsonify, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from webapp import clock
from webapp.access import home_zone
from webapp.audit import record
from webapp.domain.passwords import lock_for
from webapp.extensions import db
from webapp.i18n import site_time
from webapp.models import Person, PersonSession, utcnow


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def load_person(session_id: str) -> Person | None:
    """The person behind a session cookie, or None unless their session is open in the database (one query).

    A session ends at sign-out, when the person's password changes and when a manager ends all their sessions;
    from then on a copy of its cookie signs nobody in.
    """
    person_id, _sep, key = session_id.partition(":")
    if not (person_id.isascii() and person_id.isdigit() and len(person_id) < 19 and key):
        return None
    # the wall clock, as for the cookie's own expiry (a test's pinned ROUNDS_NOW moves the domain's "now", not sessions)
    started_after = utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    person = db.session.scalar(
        select(Person).join(PersonSession, PersonSession.person_id == Person.id)
        .where(Person.id == int(person_id), PersonSession.key_sha256 == _digest(key), PersonSession.ended_at.is_(None),
               PersonSession.started_at > started_after))
    if person is not None:
        person.session_key = key
    return person


def start_session(person: Person) -> None:
    """Open a new session for a person who has just proved who they are; its key goes into their cookie."""
    key = secrets.token_urlsafe(32)
    db.session.add(PersonSession(person_id=person.id, key_sha256=_digest(key), started_at=utcnow()))
    db.session.commit()
    person.session_key = key


def end_sessions(person: Person, why: str, keep: str = "") -> None:
    """End the person's open sessions (all but the one whose key is `keep`); the caller commits."""
    query = update(PersonSession).where(PersonSession.person_id == person.id, PersonSession.ended_at.is_(None))
    if keep:
        query = query.where(PersonSession.key_sha256 != _digest(keep))
    db.session.execute(query.values(ended_at=utcnow(), ended_why=why))


def unauthorized():
    """Send someone who is not signed in to the sign-in page, or answer 401 to an API client."""
    if request.path.startswith("/api/"):
        return jsonify(error="unauthorized", message=_("Please sign in first.")), 401
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def safe_next(target: str | None) -> str | None:
    """A local path to return to after sign-in, or None if the target points anywhere else (or is not a path)."""
    if not target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):  # a newline would split the header
        return None
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. "//[" (an unclosed IPv6 host)
        return None
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


class Locked(Exception):
    """Sign-in refused: the account is locked after too many failed sign-ins in a row."""

    def __init__(self, person: Person, until: datetime):
        super().__init__(str(until))
        self.until = until
        zone = home_zone(person)
        with force_locale(person.language):  # the person's own language, whoever reads the sign-in page
            self.message = _("Too many wrong passwords: this account is locked until %(time)s. Try again then, "
                             "or ask your manager for a new password.", time=site_time(until, zone))


def authenticate(login: str, password: str) -> Person | None:
    """The active person with this login and password, or None; raises Locked while locked; every attempt is audited."""
    login = login.strip()
    person = db.session.scalar(select(Person).where(func.lower(Person.login) == login.lower()))
    now = clock.now()
    if person is not None and person.locked_until is not None and person.locked_until > now:
        record(person, "sign_in_failed", "person", person.id, login=login, reason="locked")
        db.session.commit()
        raise Locked(person, person.locked_until)  # even the right password waits for the end of the lock
    if person is None or not person.check_password(password) or not person.active:
        record(person, "sign_in_failed", "person", person.id if person else "", login=login)
        until = _count_failure(person, now) if person is not None else None
        db.session.commit()
        if until is not None:
            raise Locked(person, until)
        return None
    person.last_login_at = now
    person.failed_logins, person.locked_until = 0, None
    record(person, "sign_in", "person", person.id)
    db.session.commit()
    return person


def _count_failure(person: Person, now: datetime) -> datetime | None:
    """One more failed sign-in in a row; lock the account when there have been too many (audited): until when."""
    person.failed_logins = (person.failed_logins or 0) + 1
    lock = lock_for(person.failed_logins)
    if lock is None:
        return None
    person.locked_until = now + lock
    record(person, "sign_in_locked", "person", person.id, failures=person.failed_logins,
           minutes=int(lock.total_seconds() // 60), until=person.locked_until.isoformat())
    return person.locked_until


def sign_out(person: Person) -> None:
    """End this session (its cookie is useless from now on) and audit the sign-out."""
    if person.session_key:
        db.session.execute(update(PersonSession).where(PersonSession.key_sha256 == _digest(person.session_key),
                                                       PersonSession.ended_at.is_(None))
                           .values(ended_at=utcnow(), ended_why="sign_out"))
    record(person, "sign_out", "person", person.id)
    db.session.commit()


def change_own_password(person: Person, current: str, new: str) -> bool:
    """Change a person's password if `current` is theirs (False if not); every other session of theirs ends."""
    if not person.check_password(current):
        record(person, "change_password_failed", "person", person.id)
        db.session.commit()
        return False
    person.set_password(new)
    end_sessions(person, "password", keep=person.session_key)
    record(person, "change_password", "person", person.id)
    db.session.commit()
    return True


def set_language(person: Person | None, lang: str) -> None:
    """Keep a signed-in person's language choice."""
    if person is not None and person.language != lang and lang in ("zh", "en"):
        person.language = lang
        record(person, "set_language", "person", person.id, language=lang)
        db.session.commit()
