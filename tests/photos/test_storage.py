"""Photos are kept under their hash, written whole or not at all, and nothing outside the store is reachable."""
from __future__ import annotations

import hashlib
import os
from dataclasses import replace

import pytest

from webapp.photos import PhotoStore, ProcessedPhoto
from webapp.storage import LocalStore


def photo(content: bytes = b"the stored jpeg") -> ProcessedPhoto:
    return ProcessedPhoto(jpeg=content, thumb=b"thumb of " + content, sha256=hashlib.sha256(content).hexdigest(),
                          width=4, height=3, taken_at=None, taken_at_local=None, source_format="JPEG")


def local(root) -> PhotoStore:
    return PhotoStore(LocalStore(root))


def files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_photo_and_its_thumbnail_are_stored_under_the_hash(tmp_path):
    store, stored = local(tmp_path), photo()
    store.put(stored)
    sha = stored.sha256
    assert files(tmp_path) == [f"{sha[:2]}/{sha}.jpg", f"{sha[:2]}/{sha}.thumb.jpg"]
    assert store.get(sha) == stored.jpeg and store.get(sha, thumb=True) == stored.thumb
    assert store.exists(sha) and not store.exists("0" * 64)


def test_storing_the_same_photo_twice_writes_nothing_the_second_time(tmp_path, monkeypatch):
    store, stored = local(tmp_path), photo()
    store.put(stored)

    def no_writes(*args):
        raise AssertionError("rewrote a stored photo")

    monkeypatch.setattr(os, "replace", no_writes)
    store.put(stored)
    assert store.get(stored.sha256) == stored.jpeg


def test_a_failure_while_renaming_leaves_nothing_behind(tmp_path, monkeypatch):
    def broken_disk(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_disk)
    store, stored = local(tmp_path), photo()
    with pytest.raises(OSError, match="disk full"):
        store.put(stored)
    assert files(tmp_path) == [] and not store.exists(stored.sha256)


def test_a_failure_on_the_photo_removes_the_thumbnail_already_written(tmp_path, monkeypatch):
    real_replace, calls = os.replace, []

    def fails_second_time(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError("power cut")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", fails_second_time)
    store, stored = local(tmp_path), photo()
    with pytest.raises(OSError, match="power cut"):
        store.put(stored)
    assert str(calls[0]).endswith(".thumb.jpg") and files(tmp_path) == []


def test_a_failure_while_writing_leaves_no_temporary_file(tmp_path, monkeypatch):
    def fsync_fails(fd):
        raise OSError("I/O error")

    monkeypatch.setattr(os, "fsync", fsync_fails)
    with pytest.raises(OSError, match="I/O error"):
        local(tmp_path).put(photo())
    assert files(tmp_path) == []


def test_a_half_stored_photo_is_completed_by_storing_it_again(tmp_path):
    store, stored = local(tmp_path), photo()
    store.put(stored)
    (tmp_path / store.key(stored.sha256)).unlink()
    store.put(stored)
    assert store.exists(stored.sha256) and store.get(stored.sha256, thumb=True) == stored.thumb


def test_a_photo_whose_bytes_do_not_match_its_hash_is_not_stored(tmp_path):
    forged = replace(photo(), sha256=hashlib.sha256(b"something else").hexdigest())
    with pytest.raises(ValueError):
        local(tmp_path).put(forged)
    assert files(tmp_path) == []


@pytest.mark.parametrize("name", [
    "../../etc/passwd",
    "../" + "a" * 61,
    "A" * 64,
    "a" * 63,
    "a" * 65,
    "a" * 64 + "\n",
    "/" + "a" * 63,
    "g" * 64,
    "",
    None,
    64,
])
def test_anything_but_a_sha256_in_lowercase_hex_is_refused(tmp_path, name):
    store = local(tmp_path)
    for use in (store.key, store.exists, store.get, store.delete, lambda n: store.key(n, thumb=True)):
        with pytest.raises(ValueError):
            use(name)


def test_deleting_removes_both_files_and_deleting_again_is_harmless(tmp_path):
    store, stored = local(tmp_path), photo()
    store.put(stored)
    store.delete(stored.sha256)
    store.delete(stored.sha256)
    assert files(tmp_path) == [] and not store.exists(stored.sha256)
