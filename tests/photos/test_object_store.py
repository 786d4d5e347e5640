"""The object store behind photos and reports: a directory or an S3 bucket (moto's real S3 server), one behaviour.

A guard's photo goes to the bucket before its row commits, is shown only through the app's access check, and an
unreachable store is a 503 the phone retries: nothing is saved, nothing half-written, and the retry is stored once.
"""
from __future__ import annotations

import hashlib
import uuid

import pytest
from flask import current_app
from sqlalchemy import func, select

from tests import s3
from tests.field.helpers import Phone, jpeg
from webapp.extensions import db
from webapp.models import Photo
from webapp.photos import PhotoStore, photo_store
from webapp.storage import LocalStore, S3Store, StorageUnavailable, build, copy_verified


@pytest.fixture(params=["local", "s3"])
def objects(request, tmp_path):
    """An empty store of each kind."""
    if request.param == "local":
        return LocalStore(tmp_path)
    server = request.getfixturevalue("s3_server")
    config = {**server.settings(), "S3_BUCKET": server.new_bucket(), "S3_TIMEOUT_S": 5.0}
    return build(config, "photos")


def use(flask_app, settings: dict) -> None:
    """Point an app at another store (the store is built on first use, so forget the one built before)."""
    flask_app.config.update(settings)
    flask_app.extensions.pop("rounds_storage", None)


def s3_settings(server, bucket: str) -> dict:
    return {**server.settings(), "S3_BUCKET": bucket, "S3_TIMEOUT_S": 2.0}


def unreachable() -> dict:
    """Settings of an S3 service that is down: nothing listens on its port."""
    return {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": f"http://127.0.0.1:{s3.free_port()}", "S3_BUCKET": "gone",
            "S3_REGION": "us-east-1", "S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing",
            "S3_ADDRESSING_STYLE": "path", "S3_PREFIX": "", "S3_TIMEOUT_S": 1.0}


def test_both_stores_keep_read_list_and_delete_objects_the_same_way(objects):
    key = "ab/" + "ab" * 32 + ".jpg"
    assert not objects.exists(key) and list(objects.keys()) == []
    with pytest.raises(FileNotFoundError):
        objects.get(key)
    objects.put(key, b"jpeg bytes")
    objects.put(key, b"jpeg bytes")  # content-addressed: writing again is harmless
    assert objects.exists(key) and objects.get(key) == b"jpeg bytes" and list(objects.keys()) == [key]
    objects.delete(key)
    objects.delete(key)
    assert not objects.exists(key) and list(objects.keys()) == []


def test_a_copy_checks_each_hash_skips_what_is_there_and_refuses_damaged_objects(objects, tmp_path):
    source = PhotoStore(LocalStore(tmp_path / "source"))
    good, bad = b"a good photo", b"a photo altered on disk"
    good_sha, bad_sha = hashlib.sha256(good).hexdigest(), hashlib.sha256(b"what it was").hexdigest()
    source.objects.put(PhotoStore.key(good_sha), good)
    source.objects.put(PhotoStore.key(bad_sha), bad)
    assert copy_verified(source.objects, objects, PhotoStore.key(good_sha), good_sha) == ("copied", len(good))
    assert copy_verified(source.objects, objects, PhotoStore.key(good_sha), good_sha) == ("present", len(good))
    assert copy_verified(source.objects, objects, PhotoStore.key(bad_sha), bad_sha)[0] == "damaged"
    missing = "0" * 64
    assert copy_verified(source.objects, objects, PhotoStore.key(missing), missing)[0] == "missing"
    assert not objects.exists(PhotoStore.key(bad_sha))


def test_an_s3_store_that_cannot_be_reached_says_so_quickly():
    store = build(unreachable(), "photos")
    assert isinstance(store, S3Store)
    for call in (lambda: store.put("k", b"x"), lambda: store.get("k"), lambda: store.exists("k")):
        with pytest.raises(StorageUnavailable):
            call()


def test_a_guards_photo_goes_to_the_bucket_and_is_shown_only_through_the_access_check(world, app, s3_server):
    bucket = s3_server.new_bucket()
    use(app, s3_settings(s3_server, bucket))
    use(current_app, s3_settings(s3_server, bucket))
    answer = Phone(app, "guard").upload(jpeg(), site_id=world.site_a.id)
    assert answer.status_code == 201
    photo = db.session.scalar(select(Photo))
    assert s3_server.keys(bucket) == [f"photos/{photo.sha256[:2]}/{photo.sha256}.jpg",
                                      f"photos/{photo.sha256[:2]}/{photo.sha256}.thumb.jpg"]
    seen = Phone(app, "lead").client.get(f"/photos/{photo.id}.jpg")
    assert seen.status_code == 200 and seen.mimetype == "image/jpeg"
    assert hashlib.sha256(seen.data).hexdigest() == photo.sha256 and seen.headers["X-Content-Type-Options"] == "nosniff"
    assert s3_server.endpoint not in Phone(app, "lead").client.get(f"/photos/{photo.id}").get_data(as_text=True)
    assert Phone(app, "guard_b").client.get(f"/photos/{photo.id}.jpg").status_code == 404  # another site's guard
    assert s3_server.client().get_bucket_acl(Bucket=bucket)["Grants"][0]["Grantee"].get("URI") is None  # private


def test_an_unreachable_store_is_a_503_the_phone_retries_and_the_retry_is_stored_once(world, app, s3_server):
    use(app, unreachable())
    phone, key = Phone(app, "guard"), str(uuid.uuid4())
    answer = phone.upload(jpeg(), client_uuid=key, site_id=world.site_a.id)
    assert answer.status_code == 503 and answer.get_json()["error"] == "storage_unavailable"
    assert answer.get_json()["message"].startswith("照片和文件暂时无法存取")
    assert int(answer.headers["Retry-After"]) > 0  # the phone's queue answers 5xx with "retry" and keeps the photo
    assert db.session.scalar(select(func.count(Photo.id))) == 0
    bucket = s3_server.new_bucket()
    use(app, s3_settings(s3_server, bucket))
    assert s3_server.keys(bucket) == []  # nothing half-written
    again = phone.upload(jpeg(), client_uuid=key, site_id=world.site_a.id)
    assert again.status_code == 201
    assert phone.upload(jpeg(), client_uuid=key, site_id=world.site_a.id).status_code == 200  # a duplicate
    assert db.session.scalar(select(func.count(Photo.id))) == 1 and len(s3_server.keys(bucket)) == 2


def test_a_photo_is_a_503_while_the_store_is_down_and_a_404_when_its_object_is_lost(world, app, s3_server):
    bucket = s3_server.new_bucket()
    use(app, s3_settings(s3_server, bucket))
    use(current_app, s3_settings(s3_server, bucket))
    photo = world.photo(world.site_a, world.people["guard"])
    lead = Phone(app, "lead").client
    assert lead.get(f"/photos/{photo.id}/thumb.jpg").status_code == 200
    use(app, unreachable())
    down = lead.get(f"/photos/{photo.id}/thumb.jpg")
    assert down.status_code == 503 and "Retry-After" in down.headers
    use(app, s3_settings(s3_server, bucket))
    photo_store().delete(photo.sha256)
    assert lead.get(f"/photos/{photo.id}/thumb.jpg").status_code == 404
