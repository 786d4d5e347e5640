"""Flask commands: `flask demo` builds the demo company; `flask backup` and `flask restore` keep the records safe;
`flask storage copy` moves photos and reports to the object store."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from webapp.extensions import db


@click.command("demo")
@with_appcontext
def demo_command():
    """Build (or bring up to date) the demo company, its sites, people and a week of history."""
    from webapp.demo import build

    accounts = build()
    click.echo("Demo company ready. Sign in at /login with:")
    for login, password, role in accounts:
        click.echo(f"  {role:<11} {login:<12} {password}")


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(dest: Path):
    """Back up the database and the photos into the new directory DEST, while the app keeps running."""
    from webapp.ops import backup
    from webapp.photos import photo_store

    try:
        manifest = backup.backup(db.engine.url, photo_store(), dest)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {dest}: {sum(manifest.tables.values())} rows in {len(manifest.tables)} tables, "
               f"{manifest.photos} photos, schema {manifest.schema_revision}.")
    if manifest.missing_photos or manifest.damaged_photos:
        click.echo(f"Warning: photos missing from the store: {len(manifest.missing_photos)}, damaged: "
                   f"{len(manifest.damaged_photos)} (listed in {dest / backup.MANIFEST}).", err=True)
        raise SystemExit(1)


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore_command(src: Path, force: bool):
    """Restore the backup SRC into the configured database and photo store (stop the app first)."""
    from webapp.ops import backup
    from webapp.photos import photo_store

    url = db.engine.url
    db.engine.dispose()  # our own connections must not hold the file or the tables being replaced
    try:
        manifest = backup.restore(src, url, photo_store(), force=force)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored the backup of {manifest.created_at}: {sum(manifest.tables.values())} rows, "
               f"{manifest.photos} photos, schema {manifest.schema_revision}.")


@click.group("storage")
def storage_group():
    """Photos and report files in the object store."""


@storage_group.command("copy")
@click.option("--to", "to", type=click.Choice(["s3", "local"]), required=True,
              help="s3: from PHOTO_ROOT and REPORT_ROOT to the S3_* bucket; local: back again.")
@with_appcontext
def storage_copy_command(to: str):
    """Copy every photo and report file to the other store, checking each SHA-256; safe to run again or resume."""
    from webapp import storage
    from webapp.ops.storage_copy import copy_all

    config = current_app.config
    try:
        source = {area: storage.build(config, area, "local" if to == "s3" else "s3") for area in storage.AREAS}
        target = {area: storage.build(config, area, to) for area in storage.AREAS}
    except RuntimeError as error:  # e.g. no S3_BUCKET
        raise click.ClickException(str(error)) from None
    click.echo(f"Copying {source['photos'].describe()} and {source['reports'].describe()} "
               f"to {target['photos'].describe()} and {target['reports'].describe()}")
    seen = [0]

    def step(_area: str, _outcome: str) -> None:
        seen[0] += 1
        if seen[0] % 500 == 0:
            click.echo(f"  {seen[0]} objects checked")

    try:
        done = copy_all(source, target, step)
    except storage.StorageUnavailable as error:
        raise click.ClickException(f"{error}; run the copy again when the store is back (it resumes)") from None
    click.echo(f"Copied {done.copied} objects ({done.bytes_copied} bytes); {done.present} were there already.")
    for key in done.damaged:
        click.echo(f"DAMAGED (content does not match its SHA-256, not copied): {key}", err=True)
    for key in done.missing:
        click.echo(f"MISSING (named by a row, not in the target): {key}", err=True)
    for key in done.unnamed:
        click.echo(f"skipped (not named by a SHA-256): {key}", err=True)
    if not done.ok:
        raise SystemExit(1)
    click.echo(f"All photos and report files are in the target. Set STORAGE_BACKEND={to} and restart the app.")


def _print_verification(site, report) -> None:
    from webapp.i18n import evidence_label, label_of

    click.echo(f"{site.name} (site {site.id}): {len(report.records)} sealed handovers")
    for problem in report.problems:
        click.echo(f"  BROKEN  {problem.code}: {label_of('chain', problem.code)} {problem.detail}")
    for r in report.records:
        click.echo(f"#{r.sequence} {'OK    ' if r.ok else 'BROKEN'} {r.shift} sealed {r.sealed_at.isoformat() if r.sealed_at else '-'} "
                   f"sha256 {r.sha256} prev {r.prev_sha256 or '-'} signed by {', '.join(r.signers)}")
        for p in r.problems:
            click.echo(f"    {p.code}: {label_of('chain', p.code)}" + (f" — {evidence_label(p.detail)} ({p.detail})" if p.detail else ""))
        for key in r.late:
            click.echo(f"    arrived after sealing: {key}")


@click.command("verify-chain")
@click.argument("site")
@with_appcontext
def verify_chain_command(site: str):
    """Verify SITE's sealed handovers (by id or name): chain, evidence, photos, signatures, addenda; exit 1 on any break."""
    from sqlalchemy import or_, select

    from webapp.handover.verification import verify_site
    from webapp.models import Site

    found = db.session.scalar(select(Site).where(or_(Site.name == site, Site.id == (int(site) if site.isdigit() else -1))))
    if found is None:
        raise click.ClickException(f"no site {site!r}")
    report = verify_site(found.id)
    with current_app.test_request_context():  # labels in the default language, as a page without a visitor has them
        _print_verification(found, report)
    click.echo("intact" if report.ok else "BROKEN")
    if not report.ok:
        raise SystemExit(1)


def init_app(app) -> None:
    """Register the commands."""
    app.cli.add_command(demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(verify_chain_command)
    app.cli.add_command(storage_group)
