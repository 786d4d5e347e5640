"""Moving to the object store: `flask storage copy --to s3` checks every hash, can run again, and resumes.

Against moto's real S3 server. Backups read the photos from whichever store the app uses, and name those it lost.
"""
from __future__ import annotations

import hashlib

import pytest
from flask import current_app

from tests.field.helpers import Phone
from tests.reports.things import ready_report
from webapp.ops.backup import MANIFEST, Manifest
from webapp.photos import PhotoStore


@pytest.fixture
def moving(app, world, s3_server, tmp_path):
    """A company on local disk with two photos and a ready report, and an empty bucket to move them to."""
    bucket = s3_server.new_bucket()
    settings = {**s3_server.settings(), "STORAGE_BACKEND": "local", "S3_BUCKET": bucket, "S3_TIMEOUT_S": 2.0,
                "PHOTO_ROOT": str(tmp_path / "photos"), "REPORT_ROOT": str(tmp_path / "reports")}
    switch(app, **settings)
    photos = [world.photo(world.site_a, world.people["guard"]), world.photo(world.site_b, world.people["guard_b"])]
    report = ready_report(world.site_a)
    return app, bucket, photos, report


def switch(app, **settings) -> None:
    """Change the settings of the app and of its twin (the CLI runs in the test's app context, the twin's)."""
    for flask_app in (app, current_app):
        flask_app.config.update(settings)
        flask_app.extensions.pop("rounds_storage", None)


def copy(app):
    return app.test_cli_runner().invoke(args=["storage", "copy", "--to", "s3"])


def test_the_copy_moves_every_photo_and_report_then_runs_again_writing_nothing(moving, s3_server):
    app, bucket, photos, report = moving
    first = copy(app)
    assert first.exit_code == 0, first.output
    assert "Copied 6 objects" in first.output and "STORAGE_BACKEND=s3" in first.output  # 2 photos, 2 thumbnails, pdf, xlsx
    keys = s3_server.keys(bucket)
    assert {f"photos/{PhotoStore.key(p.sha256)}" for p in photos} <= set(keys)
    assert f"reports/{report.pdf_sha256[:2]}/{report.pdf_sha256}.pdf" in keys and len(keys) == 6
    again = copy(app)
    assert again.exit_code == 0 and "Copied 0 objects" in again.output and "6 were there already" in again.output

    switch(app, STORAGE_BACKEND="s3")  # switched over: the app serves from the bucket
    seen = Phone(app, "lead").client.get(f"/photos/{photos[0].id}.jpg")
    assert seen.status_code == 200 and hashlib.sha256(seen.data).hexdigest() == photos[0].sha256


def test_a_copy_stopped_half_way_or_spoiled_in_the_bucket_is_completed_by_running_it_again(moving, s3_server):
    app, bucket, photos, _report = moving
    assert copy(app).exit_code == 0
    client = s3_server.client()
    client.delete_object(Bucket=bucket, Key=f"photos/{PhotoStore.key(photos[0].sha256)}")  # never got there
    client.put_object(Bucket=bucket, Key=f"photos/{PhotoStore.key(photos[1].sha256)}", Body=b"half a photo")
    resumed = copy(app)
    assert resumed.exit_code == 0 and "Copied 2 objects" in resumed.output and "4 were there already" in resumed.output
    body = client.get_object(Bucket=bucket, Key=f"photos/{PhotoStore.key(photos[1].sha256)}")["Body"].read()
    assert hashlib.sha256(body).hexdigest() == photos[1].sha256


def test_a_damaged_or_lost_file_on_disk_is_named_and_never_copied(moving, s3_server, tmp_path):
    app, bucket, photos, _report = moving
    (tmp_path / "photos" / PhotoStore.key(photos[0].sha256)).write_bytes(b"not the photo any more")
    (tmp_path / "photos" / PhotoStore.key(photos[1].sha256)).unlink()
    result = copy(app)
    assert result.exit_code == 1
    assert f"DAMAGED (content does not match its SHA-256, not copied): photos/{PhotoStore.key(photos[0].sha256)}" in result.output
    assert f"MISSING (named by a row, not in the target): photos/{PhotoStore.key(photos[1].sha256)}" in result.output
    assert f"photos/{PhotoStore.key(photos[0].sha256)}" not in s3_server.keys(bucket)


def test_a_copy_to_a_store_that_is_down_says_so_and_can_be_run_again(moving):
    app, *_ = moving
    switch(app, S3_ENDPOINT_URL="http://127.0.0.1:9", S3_TIMEOUT_S=1.0)  # nothing listens there
    result = copy(app)
    assert result.exit_code == 1 and "run the copy again" in result.output


def test_a_backup_from_the_bucket_copies_its_photos_and_names_the_one_the_store_lost(moving, s3_server, tmp_path):
    app, bucket, photos, _report = moving
    assert copy(app).exit_code == 0
    switch(app, STORAGE_BACKEND="s3")
    s3_server.client().delete_object(Bucket=bucket, Key=f"photos/{PhotoStore.key(photos[0].sha256)}")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "nightly")])
    assert result.exit_code == 1 and "missing from the store: 1" in result.output
    manifest = Manifest.load(tmp_path / "nightly" / MANIFEST)
    assert manifest.missing_photos == [photos[0].sha256] and manifest.photos == 1
    copied = tmp_path / "nightly" / "photos" / PhotoStore.key(photos[1].sha256)
    assert hashlib.sha256(copied.read_bytes()).hexdigest() == photos[1].sha256
