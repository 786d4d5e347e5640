"""Online backup and restore of the database (SQLite or PostgreSQL) and the photo store.

A backup is a directory: the database (`rounds.sqlite3`, or `rounds.dump` in pg_dump's custom format),
`photos/` laid out like the photo store, and `manifest.json` (when, rows per table, photos, schema revision).
The database is copied first, from one consistent snapshot, while the app keeps writing; the photos its
rows name are copied after, from the photo store (a directory or an S3 bucket, webapp.storage). Photos are
content-addressed and written to the store before their row is committed, so every photo row of the snapshot
already has its object, and an object never changes once written.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Connection, make_url

from webapp.photos.storage import PhotoStore
from webapp.storage import LocalStore, copy_verified, fsync_directory

MANIFEST = "manifest.json"
SQLITE_FILE = "rounds.sqlite3"
POSTGRES_FILE = "rounds.dump"
PHOTOS = "photos"
FORMAT = 1

Progress = Callable[[str], None]


class BackupError(RuntimeError):
    """A backup or restore that was refused or failed; the message says why."""


@dataclass
class Manifest:
    """What a backup holds, written last: a backup without its manifest is incomplete."""

    created_at: str  # the instant of the database snapshot, UTC
    database: str  # "sqlite" or "postgresql"
    schema_revision: str | None  # Alembic's revision of the schema in the backup
    tables: dict[str, int]  # rows per table, in the snapshot
    photos: int = 0  # photo files copied (each verified against its SHA-256 name)
    thumbnails: int = 0
    photo_bytes: int = 0
    missing_photos: list[str] = field(default_factory=list)  # named by a row, absent from the store
    damaged_photos: list[str] = field(default_factory=list)  # present, but their content does not match their name
    finished_at: str | None = None
    format: int = FORMAT
    app: str = "rounds"

    def save(self, path: Path) -> None:
        """Write the manifest as JSON, durably."""
        _write_durably(path, json.dumps(asdict(self), indent=2, sort_keys=True).encode())

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read a backup's manifest, or refuse a directory that is not a complete Rounds backup."""
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise BackupError(f"{path.parent} is not a complete Rounds backup: it has no {MANIFEST}") from None
        if data.get("app") != "rounds" or data.get("format") != FORMAT:
            raise BackupError(f"{path} is not a Rounds backup manifest of format {FORMAT}")
        return cls(**data)


# --- backup ---------------------------------------------------------------------------------------------------

def backup(database_url: str | URL, photos: PhotoStore, dest: Path, *, progress: Progress | None = None) -> Manifest:
    """Back up the database and the photos its rows name into the new directory `dest`; never overwrite a backup."""
    url, dest, step = make_url(database_url), Path(dest), progress or (lambda _event: None)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} already exists and is not empty: a backup is never overwritten")
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.partial-", dir=dest.parent))
    try:
        created_at = _utc_now()
        if url.get_backend_name() == "sqlite":
            tables, revision, shas = _sqlite_snapshot(_sqlite_path(url), work / SQLITE_FILE)
        elif url.get_backend_name() == "postgresql":
            tables, revision, shas = _postgres_dump(url, work / POSTGRES_FILE)
        else:
            raise BackupError(f"cannot back up a {url.get_backend_name()} database")
        step("database")
        manifest = Manifest(created_at=created_at, database=url.get_backend_name(), schema_revision=revision, tables=tables)
        copy_photos(photos, PhotoStore(LocalStore(work / PHOTOS)), shas, manifest, step)
        manifest.finished_at = _utc_now()
        manifest.save(work / MANIFEST)
        fsync_directory(work)
        os.rename(work, dest)  # the backup appears whole, or not at all
        fsync_directory(dest.parent)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def _sqlite_snapshot(source: Path, target: Path) -> tuple[dict[str, int], str | None, set[str]]:
    """Copy a live SQLite database with its backup API (one consistent read; WAL lets writers go on)."""
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # all pages in one step, under one read transaction: a single instant of the database
        dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
        if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("the copied database fails SQLite's integrity check")
        tables = _counts(lambda sql: dst.execute(sql).fetchall(), _sqlite_tables(dst))
        revision = _revision(lambda sql: dst.execute(sql).fetchall(), tables)
        shas = _photo_hashes(lambda sql: dst.execute(sql).fetchall(), tables)
    finally:
        dst.close()
        src.close()
    _fsync_file(target)
    return tables, revision, shas


def _postgres_dump(url: URL, target: Path) -> tuple[dict[str, int], str | None, set[str]]:
    """pg_dump (custom format) of the very snapshot in which the rows are counted and the photos listed."""
    engine = create_engine(url.set(drivername="postgresql+psycopg"))
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            query = _querier(conn)
            tables = _counts(query, _postgres_tables(conn))
            revision = _revision(query, tables)
            shas = _photo_hashes(query, tables)
            args, env = _libpq(url)
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={target}", *args], env)
    finally:
        engine.dispose()
    _fsync_file(target)
    return tables, revision, shas


def copy_photos(source: PhotoStore, target: PhotoStore, shas: Iterable[str], manifest: Manifest,
                step: Progress = lambda _event: None) -> None:
    """Copy each named photo (verified against its hash) and its thumbnail; skip objects the target already has."""
    for sha in sorted(shas):
        try:
            key = PhotoStore.key(sha)
        except ValueError:
            manifest.damaged_photos.append(sha)
            continue
        outcome, size = copy_verified(source.objects, target.objects, key, sha)
        if outcome in ("missing", "damaged"):
            (manifest.missing_photos if outcome == "missing" else manifest.damaged_photos).append(sha)
            continue
        manifest.photos += 1
        manifest.photo_bytes += size
        if copy_verified(source.objects, target.objects, PhotoStore.key(sha, thumb=True), None)[0] != "missing":
            manifest.thumbnails += 1
        step("photo")


# --- restore --------------------------------------------------------------------------------------------------

def restore(source: Path, database_url: str | URL, photos: PhotoStore, *, force: bool = False,
            progress: Progress | None = None) -> Manifest:
    """Restore a backup into the database and photo store (a directory or a bucket); refuse a database that holds data unless forced."""
    url, source, step = make_url(database_url), Path(source), progress or (lambda _event: None)
    manifest = Manifest.load(source / MANIFEST)
    kind = url.get_backend_name()
    if manifest.database != kind:
        raise BackupError(f"this is a backup of a {manifest.database} database; the target is {kind}")
    if not force and not database_is_empty(url):
        raise BackupError("the target database already holds data; restore over it with --force")
    copies = PhotoStore(LocalStore(source / PHOTOS))
    copied = Manifest(created_at=manifest.created_at, database=kind, schema_revision=None, tables={})
    copy_photos(copies, photos, copies.shas(), copied, step)  # photos first: no row ever lacks its file
    if copied.damaged_photos or copied.photos != manifest.photos:
        raise BackupError(f"the backup's photos are damaged or missing: {sorted(copied.damaged_photos)[:5]}")
    if kind == "sqlite":
        _sqlite_restore(source / SQLITE_FILE, _sqlite_path(url), manifest)
    else:
        args, env = _libpq(url)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", *args, str(source / POSTGRES_FILE)], env)
    step("database")
    restored = table_counts(url)
    wrong = {t: (n, restored.get(t)) for t, n in manifest.tables.items() if restored.get(t) != n}
    if wrong:
        raise BackupError(f"the restored database does not match the manifest (table: expected, found): {wrong}")
    return manifest


def _sqlite_restore(backup_file: Path, target: Path, manifest: Manifest) -> None:
    """Check the backup's copy in a temporary file beside the target, then move it over the target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.restore-{uuid.uuid4().hex}"
    try:
        shutil.copyfile(backup_file, temporary)
        _fsync_file(temporary)
        check = sqlite3.connect(temporary)
        try:
            ok = check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            counts = _counts(lambda sql: check.execute(sql).fetchall(), _sqlite_tables(check))
        finally:
            check.close()
        if not ok or counts != manifest.tables:
            raise BackupError("the backup's database is damaged: it fails the integrity check or its manifest")
        if target.exists():  # fold the old write-ahead log in, so no stale log is replayed over the new file
            old = sqlite3.connect(target, timeout=30)
            try:
                old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                old.close()
        os.replace(temporary, target)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        fsync_directory(target.parent)
    finally:
        temporary.unlink(missing_ok=True)


# --- reading databases ----------------------------------------------------------------------------------------

def database_is_empty(database_url: str | URL) -> bool:
    """Whether the database has no rows in any table but Alembic's (a new, or freshly migrated, database)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and not _sqlite_path(url).exists():
        return True
    return not any(n for table, n in table_counts(url).items() if table != "alembic_version")


def table_counts(database_url: str | URL) -> dict[str, int]:
    """Rows per table of a database."""
    engine = create_engine(make_url(database_url))
    try:
        with engine.connect() as conn:
            return _counts(_querier(conn), sorted(inspect(conn).get_table_names()))
    finally:
        engine.dispose()


def _querier(conn: Connection) -> Callable[[str], list]:
    return lambda sql: list(conn.execute(text(sql)).all())


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [name for (name,) in rows]


def _postgres_tables(conn: Connection) -> list[str]:
    rows = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"))
    return [name for (name,) in rows]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _counts(query: Callable[[str], list], tables: Iterable[str]) -> dict[str, int]:
    return {table: query(f"SELECT count(*) FROM {_quote(table)}")[0][0] for table in tables}  # noqa: S608  names from the catalogue, quoted


def _revision(query: Callable[[str], list], tables: dict[str, int]) -> str | None:
    if "alembic_version" not in tables:
        return None
    rows = query("SELECT version_num FROM alembic_version")
    return ",".join(sorted(r[0] for r in rows)) or None


def _photo_hashes(query: Callable[[str], list], tables: dict[str, int]) -> set[str]:
    return {r[0] for r in query("SELECT DISTINCT sha256 FROM photo")} if "photo" in tables else set()


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore arguments for a database URL; the password goes through the environment, not argv."""
    args = [f"--dbname={url.database}"]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    for key, value in url.query.items():  # e.g. ?sslmode=require
        if isinstance(value, str) and key.isidentifier():
            env[f"PG{key.upper()}"] = value
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client, of the server's major version)")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603  a fixed program, no shell
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


# --- files ----------------------------------------------------------------------------------------------------

def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as file:
        os.fsync(file.fileno())

