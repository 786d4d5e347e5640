"""The world every test starts from: a migrated database (SQLite, or PostgreSQL through DATABASE_URL) and a fresh app."""
from __future__ import annotations

import io
import os
import re
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from flask import current_app
from flask_migrate import upgrade
from PIL import Image
from sqlalchemy import create_engine, text
from werkzeug.security import generate_password_hash

from tests import clock, s3
from tests.clock import FIXED_NOW  # noqa: F401 (tests import it from here)
from webapp import create_app
from webapp.db_setup import MIGRATIONS
from webapp.domain.timezones import shift_window, zone
from webapp.extensions import db, limiter
from webapp.models import (
    Area,
    AreaKind,
    ChecklistItem,
    Checkpoint,
    Company,
    Handover,
    Incident,
    IncidentKind,
    Person,
    Photo,
    Purpose,
    QualityStep,
    Role,
    Route,
    RouteStop,
    Scan,
    Severity,
    Shift,
    ShiftMember,
    ShiftTemplate,
    Site,
    WorkOrder,
)
from webapp.photos import PhotoLimits, photo_store, process

PASSWORD = "correct horse 7"
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")  # cheap for tests; people get scrypt


def pytest_configure(config):
    """Before anything else: the run's clock starts at its fixed instant (tests/clock.py)."""
    clock.start()


def pytest_unconfigure(config):
    clock.stop()


def tiny_jpeg(size=(64, 48), color=(40, 120, 200)) -> bytes:
    """A small real JPEG."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return _worker_database(url)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "rounds-test.sqlite3")


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own beside DATABASE_URL's (test_gw0, ...)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return url
    base, _, name = url.rpartition("/")
    own = f"{name}_{worker}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{own}"'))
    engine.dispose()
    return f"{base}/{own}"


def _empty(url: str) -> None:
    """Drop everything in the test database so migrations build it from nothing."""
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def photo_root(tmp_path_factory) -> Path:
    """Photos of the test run go to a temporary folder, never to instance/."""
    root = tmp_path_factory.mktemp("photos")
    os.environ["PHOTO_ROOT"] = str(root)
    return root


@pytest.fixture(scope="session", autouse=True)
def report_root(tmp_path_factory) -> Path:
    """Generated report files of the test run go to a temporary folder, never to instance/."""
    root = tmp_path_factory.mktemp("reports")
    os.environ["REPORT_ROOT"] = str(root)
    return root


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server, in a thread of the test process on a free loopback port, started on first use."""
    server = s3.start()
    yield server
    server.stop()


@pytest.fixture(scope="session", autouse=True)
def storage_backend(request, photo_root, report_root) -> str:
    """ROUNDS_TEST_STORAGE=s3 sends every test's photos and reports to moto's S3 server instead of a directory."""
    if os.environ.get("ROUNDS_TEST_STORAGE", "local") != "s3":
        yield "local"
        return
    saved = {name: os.environ.get(name) for name in s3.S3Server("", "").settings()}
    os.environ.update(request.getfixturevalue("s3_server").settings())
    yield "s3"
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def seal_anchors(tmp_path_factory) -> Path:
    """Seals of the test run are signed with a key made for the run; witnessed heads go to a file the app fixture empties."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    root = tmp_path_factory.mktemp("anchors")
    pem = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption())
    (root / "seal.pem").write_bytes(pem)
    os.environ["SEAL_KEY_FILE"] = str(root / "seal.pem")
    os.environ["CHAIN_WITNESS_FILE"] = str(root / "witness.jsonl")
    return root / "witness.jsonl"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The test database, built from empty by the migrations once per run."""
    url = _database_url(tmp_path_factory)
    _empty(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
    return url


def make_app(database_url: str, **overrides):
    """A fresh app bound to the test database."""
    config = {"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "LOGIN_RATE_LIMIT": "1000 per minute",
              "SERVER_NAME": None, **overrides}
    return create_app(config)


def _wipe() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def app(database_url):
    """An app whose database is empty at the start of the test.

    The test body works in the context of a twin app on the same database, so that each request of
    the app under test gets an app context (and `g`) of its own, as it would in production.
    """
    app = make_app(database_url)
    twin = make_app(database_url)
    Path(app.config["CHAIN_WITNESS_FILE"]).unlink(missing_ok=True)  # heads witnessed for the previous test's database
    with twin.app_context():
        _wipe()
        limiter.reset()
        yield app
        db.session.remove()
        _wipe()
        db.engine.dispose()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


_DEMO_ROWS: dict[datetime, dict[str, list[dict]]] = {}


def demo_at(now: datetime) -> None:
    """The demo company as `flask demo` builds it at `now`, in the test's empty database.

    The demo is built once per test process and instant; the next test that asks gets the same rows copied back, which
    takes a tenth of the time. Tests of the build itself (tests/test_demo.py) call webapp.demo.build instead."""
    from webapp.demo import build

    rows = _DEMO_ROWS.get(now)
    if rows is None:
        build(now)
        _DEMO_ROWS[now] = {t.name: [dict(r._mapping) for r in db.session.execute(t.select())]
                           for t in db.metadata.sorted_tables}
        return
    conn = db.session.connection()
    postgres = conn.dialect.name == "postgresql"
    # the tables go in dependency order; constraints are checked at commit (SQLite) or not at all for this copy of
    # rows that once passed them (PostgreSQL), so that references which go both ways load too
    conn.execute(text("SET LOCAL session_replication_role = replica" if postgres else "PRAGMA defer_foreign_keys = ON"))
    for table in db.metadata.sorted_tables:
        if rows[table.name]:
            conn.execute(table.insert(), rows[table.name])
        if postgres and "id" in table.c and rows[table.name]:  # the next id after the copied ones
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), MAX(id)) "
                              f'FROM "{table.name}"'))
    db.session.commit()


class World:
    """A small company: site A with one person of every role, site B with its own guard."""

    def __init__(self):
        self.company = Company(name="测试物业")
        db.session.add(self.company)
        db.session.flush()
        self.site_a = Site(company_id=self.company.id, code="A", name="A 小区", timezone="Asia/Shanghai")
        self.site_b = Site(company_id=self.company.id, code="B", name="B 大厦", timezone="Asia/Shanghai")
        db.session.add_all([self.site_a, self.site_b])
        db.session.flush()
        self.people: dict[str, Person] = {}
        for role in Role:
            self.person(role.value, role, [] if role == Role.ADMIN else [self.site_a])
        self.person("guard_b", Role.GUARD, [self.site_b])
        self.person("lead_b", Role.LEAD, [self.site_b])
        self.checkpoint_a = self.checkpoint(self.site_a, "A01", "A 北门")
        self.checkpoint_b = self.checkpoint(self.site_b, "B01", "B 大堂")
        # another company, whose site nobody here works at (not even our administrator)
        self.other_company = Company(name="别家物业")
        db.session.add(self.other_company)
        db.session.flush()
        self.site_c = Site(company_id=self.other_company.id, code="C", name="C 花园", timezone="Asia/Shanghai")
        db.session.add(self.site_c)
        db.session.flush()
        self.checkpoint_c = self.checkpoint(self.site_c, "C01", "C 门岗")
        self.outsider = Person(company_id=self.other_company.id, login="outsider", name="外人", role=Role.GUARD,
                               password_hash=_HASH, sites=[self.site_c])
        db.session.add(self.outsider)
        db.session.commit()

    def person(self, login: str, role: Role, sites: list[Site], language: str = "zh") -> Person:
        p = Person(company_id=self.company.id, login=login, name=f"{login} 名字", role=role, language=language, sites=sites)
        p.password_hash = _HASH
        db.session.add(p)
        db.session.flush()
        self.people[login] = p
        return p

    def checkpoint(self, site: Site, code: str, name: str) -> Checkpoint:
        area = Area(site_id=site.id, name=f"{name} 区", kind=AreaKind.GATE)
        db.session.add(area)
        db.session.flush()
        cp = Checkpoint(site_id=site.id, area_id=area.id, code=code, name=name, purpose=Purpose.BOTH,
                        checklist=[ChecklistItem(position=0, text="地面干净")])
        db.session.add(cp)
        db.session.flush()
        return cp

    def scan(self, checkpoint: Checkpoint, person: Person, at: datetime | None = None) -> Scan:
        """A scan stored directly, as if synced earlier, captured `at` (default: the run's clock, tests/clock.py)."""
        at = at or clock.now()
        scan = Scan(client_uuid=uuid.uuid4(), site_id=checkpoint.site_id, person_id=person.id, checkpoint_id=checkpoint.id,
                    device_time=at, captured_at=at, received_at=at)
        db.session.add(scan)
        db.session.commit()
        return scan

    def photo(self, site: Site, person: Person, at: datetime | None = None) -> Photo:
        """A real photo, processed and stored like an upload, taken `at` (default: the run's clock, tests/clock.py)."""
        processed = process(tiny_jpeg(), limits=PhotoLimits(max_bytes=10_000_000, max_pixels=10_000_000),
                            watermark=[site.name], font_path=current_app.config["PHOTO_FONT"])
        photo_store().put(processed)
        now = at or clock.now()
        photo = Photo(client_uuid=uuid.uuid4(), site_id=site.id, person_id=person.id, device_time=now, captured_at=now,
                      received_at=now, sha256=processed.sha256, content_type="image/jpeg", width=processed.width,
                      height=processed.height, size_bytes=len(processed.jpeg))
        db.session.add(photo)
        db.session.commit()
        return photo

    def incident(self, site: Site, person: Person, at: datetime | None = None, photos: int = 0) -> Incident:
        """An open incident reported by a person at a site `at` (default: the run's clock), with real photos."""
        now = at or clock.now()
        found = Incident(client_uuid=uuid.uuid4(), site_id=site.id, person_id=person.id, device_time=now, captured_at=now,
                         received_at=now, kind=IncidentKind.LEAK, severity=Severity.HIGH, description="地下室漏水",
                         location_text="2 号楼地下室")
        db.session.add(found)
        db.session.commit()
        for _n in range(photos):
            self.photo(site, person, now).incident_id = found.id
        db.session.commit()
        return found

    def values(self, login: str | None, own_site: bool, path: str) -> dict:
        """What fills a route's placeholders: things of the person's own site, or of a site they do not work at."""
        person = self.people.get(login) if login else self.people["guard"]
        site, checkpoint = (self.site_a, self.checkpoint_a) if own_site else (self.site_c, self.checkpoint_c)
        author = person if own_site else self.outsider
        values = {"site": site.id, "token": checkpoint.token}
        if "{scan}" in path:
            values["scan"] = self.scan(checkpoint, author).id
        if "{photo}" in path:
            values["photo"] = self.photo(site, author).id
        if "{inspection" in path:  # a scoring sheet, an inspection plan and an inspection (tests/inspections/things.py)
            from tests.inspections.things import matrix_values

            values.update(matrix_values(self, site, author))
        if "{notice}" in path or "{violation}" in path:
            values |= self.quality_records(person if own_site else self.outsider, site)
        if "{generated}" in path:  # a generated report, ready with its files (tests/reports/things.py)
            from tests.reports.things import ready_report

            values["generated"] = ready_report(site).id
        if "{incident}" in path:
            values["incident"] = self.incident(site, author).id
        if "{order}" in path:
            values["order"] = self.work_order(site, author).id
        if "{shift}" in path or "{handover}" in path:
            shift = self.shift_at(site)
            values["shift"] = shift.id
            if "{handover}" in path:
                handover = Handover(site_id=site.id, shift_id=shift.id, outgoing_lead_id=shift.lead_id)
                db.session.add(handover)
                db.session.commit()
                values["handover"] = handover.id
        return values

    def quality_records(self, person: Person, site: Site, at: datetime | None = None) -> dict:
        """A rectification notice given to this person and a violation ticket against them, at this site, issued `at`."""
        from webapp.models import QualityStep, RectificationNotice, ViolationTicket

        issuer = self.people["manager" if person.login == "supervisor" else "supervisor"] if site.id == self.site_a.id else person
        now = at or clock.now()
        notice = RectificationNotice(site_id=site.id, source="manual", description="楼道杂物", location_text="3 号楼",
                                     issuer_id=issuer.id, assignee_id=person.id, issued_at=now, deadline=now + timedelta(days=3))
        ticket = ViolationTicket(site_id=site.id, person_id=person.id, issuer_id=issuer.id, rule="uniform", points=5,
                                 issued_at=now, description="未穿制服")
        db.session.add_all([notice, ticket])
        db.session.flush()
        db.session.add_all([QualityStep(subject="notice", subject_id=notice.id, action="issue", person_id=issuer.id, at=now,
                                        deadline=notice.deadline, assignee_id=person.id),
                            QualityStep(subject="violation", subject_id=ticket.id, action="issue", person_id=issuer.id,
                                        at=now, value="5")])
        db.session.commit()
        return {"notice": notice.id, "violation": ticket.id}

    def work_order(self, site: Site, raised_by: Person, at: datetime | None = None) -> WorkOrder:
        """A repair work order received `at` (default: the run's clock) at a site (ours or another company's), nobody assigned."""
        now = at or clock.now()
        order = WorkOrder(site_id=site.id, category="ordinary", description="水龙头漏水", location_text="1 栋 101",
                          raised_by_id=raised_by.id, raised_at=now, due_at=now + timedelta(hours=24))
        db.session.add(order)
        db.session.flush()
        db.session.add(QualityStep(subject="work_order", subject_id=order.id, action="raise", person_id=raised_by.id, at=now,
                                   value="ordinary"))
        db.session.commit()
        return order

    def shift_at(self, site: Site, at: datetime | None = None) -> Shift:
        """The day shift of the day of `at` (default: the run's clock) at any site, with no one on it."""
        template = ShiftTemplate(site_id=site.id, name=f"白班 {uuid.uuid4().hex[:6]}", start_local=time(8), end_local=time(20))
        db.session.add(template)
        db.session.flush()
        day = (at or clock.now()).astimezone(zone(site.timezone)).date()
        start, end = shift_window(day, template.start_local, template.end_local, zone(site.timezone))
        shift = Shift(site_id=site.id, template_id=template.id, local_date=day, starts_at=start, ends_at=end)
        db.session.add(shift)
        db.session.commit()
        return shift

    def night_shift(self, day: date, lead: str = "lead", staff: tuple[str, ...] = ("guard",)) -> Shift:
        template = ShiftTemplate(site_id=self.site_a.id, name=f"夜班 {day}", start_local=time(20), end_local=time(8))
        db.session.add(template)
        db.session.flush()
        start, end = shift_window(day, template.start_local, template.end_local, zone(self.site_a.timezone))
        shift = Shift(site_id=self.site_a.id, template_id=template.id, local_date=day, starts_at=start, ends_at=end,
                      lead_id=self.people[lead].id, members=[ShiftMember(person_id=self.people[s].id) for s in staff])
        route = Route(site_id=self.site_a.id, name=f"路线 {day}",
                      stops=[RouteStop(checkpoint_id=self.checkpoint_a.id, position=0, min_walk_minutes=0)])
        db.session.add_all([shift, route])
        db.session.commit()
        return shift


@pytest.fixture
def world(app) -> World:
    return World()


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(client, login: str, password: str = PASSWORD):
    """Sign in through the real form, CSRF token included; returns the response."""
    page = client.get("/login")
    return client.post("/login", data={"login": login, "password": password, "csrf_token": csrf_from(page.get_data(as_text=True))})

