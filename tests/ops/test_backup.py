"""Backups taken while the guards keep scanning restore every record and photo committed before them."""
from __future__ import annotations

import hashlib
import os
import shutil
import threading
import uuid
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from tests import clock
from tests.conftest import World, make_app, tiny_jpeg
from webapp.api.schemas import PhotoUpload
from webapp.db_setup import MIGRATIONS
from webapp.extensions import db
from webapp.field import photos as field_photos
from webapp.field import services
from webapp.models import Company, Person, Photo, Scan
from webapp.ops.backup import MANIFEST, BackupError, Manifest, backup, restore, table_counts
from webapp.photos import PhotoStore
from webapp.storage import LocalStore

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _admin_url() -> str:
    """The PostgreSQL server of the test run (or the local one), through its maintenance database."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        return make_url(url).set(database="postgres").render_as_string(hide_password=False)
    return DEFAULT_PG


def _postgres_admin():
    """An autocommit engine on the server's maintenance database, or None when no server answers."""
    engine = create_engine(_admin_url(), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2})
    try:
        with engine.connect():
            return engine
    except Exception:
        engine.dispose()
        return None


class Scratch:
    """A database of our own, migrated from empty: a SQLite file, or a scratch PostgreSQL database."""

    def __init__(self, kind: str, tmp_path: Path):
        self.kind, self.admin = kind, None
        if kind == "sqlite":
            self.url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
        else:
            self.admin = _postgres_admin()
            if self.admin is None or shutil.which("pg_dump") is None:
                pytest.skip("no PostgreSQL server (or no pg_dump) to back up")
            self.name = f"rounds_ops_{uuid.uuid4().hex[:10]}"  # never `test`: CI's database
            self.create()
            self.url = make_url(_admin_url()).set(database=self.name).render_as_string(hide_password=False)
        app = make_app(self.url)
        with app.app_context():
            upgrade(directory=MIGRATIONS)
            db.engine.dispose()

    def create(self):
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))

    def drop(self):
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))

    def close(self):
        if self.admin is not None:
            self.drop()
            self.admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch(request, tmp_path):
    made = Scratch(request.param, tmp_path)
    yield made
    made.close()


class Guard(threading.Thread):
    """A guard's phone that keeps syncing scans and uploading photos through the app's own services."""

    def __init__(self, app, person_id: int, site_id: int, token: str):
        super().__init__(daemon=True)
        self.app, self.person_id, self.site_id, self.token = app, person_id, site_id, token
        self.committed: list[tuple[str, uuid.UUID]] = []  # ("scan" | "photo", client uuid), once committed
        self.errors: list[BaseException] = []
        self.stopping = threading.Event()
        self.progress = threading.Condition()

    def run(self):
        with self.app.app_context():
            person = db.session.get(Person, self.person_id)
            n = 0
            while not self.stopping.is_set():
                try:
                    self.committed_one(("photo", self.photo(person, n)) if n % 3 == 2 else ("scan", self.scan(person)))
                except BaseException as error:  # reported by the test, never swallowed
                    self.errors.append(error)
                    return
                n += 1
            db.session.remove()
            db.engine.dispose()

    def scan(self, person) -> uuid.UUID:
        key, now = uuid.uuid4(), clock.now()
        event = {"type": "scan", "client_uuid": str(key), "device_time": now.isoformat(), "token": self.token}
        outcome = services.ingest(person, {self.site_id}, "phone-1", now, [event], now=now, skew_limit_s=120)
        assert outcome.count("created") == 1, outcome.results
        return key

    def photo(self, person, n: int) -> uuid.UUID:
        key, now = uuid.uuid4(), clock.now()
        form = PhotoUpload(client_uuid=key, device_id="phone-1", site_id=self.site_id)
        field_photos.store(person, {self.site_id}, form, tiny_jpeg(color=(n % 256, 80, 160)), now=now)
        return key

    def committed_one(self, item):
        with self.progress:
            self.committed.append(item)
            self.progress.notify_all()

    def wait_for(self, count: int, timeout: float = 20):
        with self.progress:
            assert self.progress.wait_for(lambda: len(self.committed) >= count or self.errors, timeout), "the guard stalled"
        assert not self.errors, self.errors

    def snapshot(self) -> list[tuple[str, uuid.UUID]]:
        with self.progress:
            return list(self.committed)


def _local(root: Path) -> PhotoStore:
    return PhotoStore(LocalStore(root))


def test_a_backup_taken_while_a_guard_keeps_syncing_restores_everything_committed_before_it(scratch, tmp_path):
    live_photos, dest = tmp_path / "live-photos", tmp_path / "backup"
    app = make_app(scratch.url, PHOTO_ROOT=str(live_photos), STORAGE_BACKEND="local")
    with app.app_context():
        world = World()
        for _ in range(2):
            world.photo(world.site_a, world.people["guard"])
        guard = Guard(app, world.people["guard"].id, world.site_a.id, world.checkpoint_a.token)
        db.session.remove()
    guard.start()
    try:
        guard.wait_for(6)
        before = guard.snapshot()  # committed before the backup started
        after_snapshot: list = []

        def progress(event: str):
            if event == "database" and not after_snapshot:  # the database is copied; the photos are not yet
                after_snapshot.append(len(guard.snapshot()))
                guard.wait_for(after_snapshot[0] + 3)  # the guard goes on writing, photos included

        manifest = backup(scratch.url, _local(live_photos), dest, progress=progress)
    finally:
        guard.stopping.set()
        guard.join(20)
    assert not guard.errors, guard.errors
    written_later = guard.snapshot()[after_snapshot[0]:]
    assert written_later, "the guard wrote nothing during the backup"
    with app.app_context():
        db.engine.dispose()

    if scratch.kind == "sqlite":
        restored_url, restored_photos = f"sqlite:///{tmp_path / 'restored' / 'rounds.sqlite3'}", tmp_path / "restored" / "photos"
    else:
        scratch.drop()  # the server lost the database: restore into a new, empty one
        scratch.create()
        restored_url, restored_photos = scratch.url, tmp_path / "restored-photos"
    assert restore(dest, restored_url, _local(restored_photos)) == Manifest.load(dest / MANIFEST)

    assert table_counts(restored_url) == manifest.tables  # the manifest describes exactly what was restored
    assert manifest.missing_photos == [] and manifest.damaged_photos == []
    restored = make_app(restored_url, PHOTO_ROOT=str(restored_photos), STORAGE_BACKEND="local")
    with restored.app_context():
        scans = set(db.session.scalars(select(Scan.client_uuid)))
        photos = {p.client_uuid: p.sha256 for p in db.session.scalars(select(Photo))}
        assert {key for kind, key in before if kind == "scan"} <= scans
        assert {key for kind, key in before if kind == "photo"} <= set(photos)
        assert not {key for _kind, key in written_later} & (scans | set(photos)), "the snapshot is one instant"
        store = _local(restored_photos)
        for sha in photos.values():
            assert hashlib.sha256(store.get(sha)).hexdigest() == sha
            assert store.objects.exists(store.key(sha, thumb=True))
        assert manifest.photos == len(set(photos.values()))
        assert manifest.schema_revision == db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        db.engine.dispose()


@pytest.fixture
def small(tmp_path):
    """A SQLite company with two photos, and the app that runs it."""
    made = Scratch("sqlite", tmp_path)
    app = make_app(made.url, PHOTO_ROOT=str(tmp_path / "photos"), STORAGE_BACKEND="local")
    with app.app_context():
        world = World()
        guard = Guard(app, world.people["guard"].id, world.site_a.id, world.checkpoint_a.token)
        person = world.people["guard"]
        shas = [db.session.scalar(select(Photo.sha256).where(Photo.client_uuid == guard.photo(person, n))) for n in (1, 2)]
        db.session.remove()
    yield app, shas
    with app.app_context():
        db.engine.dispose()


def test_the_commands_back_up_refuse_to_overwrite_and_restore_only_over_an_empty_database_unless_forced(small, tmp_path):
    app, _shas = small
    runner = app.test_cli_runner()
    dest = tmp_path / "nightly"
    made = runner.invoke(args=["backup", str(dest)])
    assert made.exit_code == 0, made.output
    assert "2 photos" in made.output and (dest / "rounds.sqlite3").is_file()

    again = runner.invoke(args=["backup", str(dest)])
    assert again.exit_code == 1 and "never overwritten" in again.output

    refused = runner.invoke(args=["restore", str(dest)])
    assert refused.exit_code == 1 and "--force" in refused.output
    with pytest.raises(BackupError, match="not a complete Rounds backup"):
        restore(tmp_path, app.config["SQLALCHEMY_DATABASE_URI"], _local(tmp_path / "elsewhere"))

    with app.app_context():
        db.session.execute(text("DELETE FROM scan"))
        db.session.add(Company(name="写在备份之后"))
        db.session.commit()
        db.engine.dispose()
    forced = runner.invoke(args=["restore", "--force", str(dest)])
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM company WHERE name = '写在备份之后'")) == 0
        db.engine.dispose()
    assert table_counts(app.config["SQLALCHEMY_DATABASE_URI"]) == Manifest.load(dest / MANIFEST).tables


def test_a_damaged_photo_in_the_store_is_named_in_the_manifest_and_not_copied(small, tmp_path):
    app, shas = small
    broken = Path(app.config["PHOTO_ROOT"]) / PhotoStore.key(shas[0])
    broken.write_bytes(b"not the photo any more")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")])
    assert result.exit_code == 1 and "damaged: 1" in result.output
    manifest = Manifest.load(tmp_path / "b" / MANIFEST)
    assert manifest.damaged_photos == [shas[0]] and manifest.photos == 1
    assert not _local(tmp_path / "b" / "photos").exists(shas[0])
