"""Where files live: one interface, two backends (a local directory, or any S3-compatible object store).

Photos, thumbnails, generated reports and the photo copies of backups go through it. Objects are named by the
SHA-256 of their content and never change once written, so writing one again is harmless, and a write either
leaves the whole object or nothing (a temporary file renamed into place; an S3 PUT is atomic by nature).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

AREAS = ("photos", "reports")


class StorageUnavailable(RuntimeError):
    """The object store cannot be reached (or answers with a server error); nothing was written."""


class ObjectStore(Protocol):
    """A flat namespace of immutable objects under keys like `ab/abcdef….jpg`."""

    def put(self, key: str, data: bytes) -> None:
        """Write the object whole (or not at all)."""

    def get(self, key: str) -> bytes:
        """The object's bytes; FileNotFoundError when there is none."""

    def exists(self, key: str) -> bool:
        """Whether the object is stored."""

    def delete(self, key: str) -> None:
        """Remove the object, if present."""

    def keys(self) -> Iterator[str]:
        """Every key stored, in no particular order."""

    def describe(self) -> str:
        """Where the objects are, for messages (no credentials)."""


class LocalStore:
    """Objects as files under a directory: <root>/<key>, written atomically and made durable."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = self.root / key
        if ".." in Path(key).parts or Path(key).is_absolute():
            raise ValueError(f"not an object key: {key!r}")
        return path

    def put(self, key: str, data: bytes) -> None:
        """Write to a temporary file beside the target, flush it to disk, then rename it over the target."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, 0o640)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        fsync_directory(target.parent)

    def get(self, key: str) -> bytes:
        """The file's bytes."""
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        """Whether the file is there."""
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove the file, if present."""
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        """Every file's key (temporary files of unfinished writes left out)."""
        if not self.root.is_dir():
            return
        for path in self.root.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                yield path.relative_to(self.root).as_posix()

    def describe(self) -> str:
        """The directory."""
        return str(self.root)


class S3Store:
    """Objects in a bucket of an S3-compatible service (AWS S3, 阿里云 OSS, 腾讯云 COS, MinIO), under a prefix."""

    def __init__(self, client, bucket: str, prefix: str = ""):
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def _call(self, method: str, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            if code in {"NoSuchKey", "404", "NotFound"} or status == 404:
                raise FileNotFoundError(kwargs.get("Key", "")) from None
            if status >= 500 or status == 0:
                raise StorageUnavailable(f"the object store answered {status} {code}") from None
            raise
        except BotoCoreError as error:  # connection refused, timeouts, DNS: the store is out of reach
            raise StorageUnavailable(f"the object store cannot be reached: {type(error).__name__}") from None

    def put(self, key: str, data: bytes) -> None:
        """PUT the object (S3 stores it whole or not at all); its MD5 is checked by the service."""
        import base64

        md5 = base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()
        self._call("put_object", Key=self.prefix + key, Body=data, ContentMD5=md5)

    def get(self, key: str) -> bytes:
        """GET the object."""
        return self._call("get_object", Key=self.prefix + key)["Body"].read()

    def exists(self, key: str) -> bool:
        """HEAD the object."""
        try:
            self._call("head_object", Key=self.prefix + key)
        except FileNotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        """DELETE the object (S3 answers the same whether it was there or not)."""
        self._call("delete_object", Key=self.prefix + key)

    def keys(self) -> Iterator[str]:
        """Every key under the prefix, listed a thousand at a time."""
        token = None
        while True:
            page = self._call("list_objects_v2", Prefix=self.prefix, **({"ContinuationToken": token} if token else {}))
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix):]
            if not page.get("IsTruncated"):
                return
            token = page["NextContinuationToken"]

    def describe(self) -> str:
        """The bucket and prefix."""
        return f"s3://{self.bucket}/{self.prefix}"


def s3_client(config: dict):
    """A boto3 client for the configured S3-compatible service; short time-outs, so an outage answers 503 quickly."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=config["S3_ENDPOINT_URL"] or None,
        region_name=config["S3_REGION"] or None,
        aws_access_key_id=config["S3_ACCESS_KEY_ID"] or None,
        aws_secret_access_key=config["S3_SECRET_ACCESS_KEY"] or None,
        config=Config(s3={"addressing_style": config["S3_ADDRESSING_STYLE"]}, signature_version="s3v4",
                      connect_timeout=config["S3_TIMEOUT_S"], read_timeout=config["S3_TIMEOUT_S"],
                      retries={"max_attempts": 2, "mode": "standard"}, max_pool_connections=32),
    )


def build(config: dict, area: str, backend: str | None = None) -> ObjectStore:
    """The store of one area ("photos" or "reports") for a configuration: its directory, or its prefix in the bucket."""
    if area not in AREAS:
        raise ValueError(area)
    backend = backend or config["STORAGE_BACKEND"]
    if backend == "local":
        return LocalStore(config["PHOTO_ROOT"] if area == "photos" else config["REPORT_ROOT"])
    if backend == "s3":
        if not config["S3_BUCKET"]:
            raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        return S3Store(s3_client(config), config["S3_BUCKET"], f"{config['S3_PREFIX']}{area}/")
    raise RuntimeError(f"STORAGE_BACKEND must be 'local' or 's3', not {backend!r}")


def store(area: str) -> ObjectStore:
    """The current app's store of an area, built once per app (boto3 clients are thread-safe and keep connections)."""
    from flask import current_app

    stores = current_app.extensions.setdefault("rounds_storage", {})
    if area not in stores:
        stores[area] = build(current_app.config, area)
    return stores[area]


def fsync_directory(directory: Path) -> None:
    """Make the renames in a directory durable (a no-op where directories cannot be opened)."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def copy_verified(source: ObjectStore, target: ObjectStore, key: str, sha: str | None) -> tuple[str, int]:
    """Copy one object, checking its SHA-256 when it is named by one: ("copied" | "present" | "missing" | "damaged", bytes).

    An object the target already holds with the right content is left alone, so a copy can be run again, or resumed
    after it stopped, and only what is missing or wrong is written.
    """
    try:
        data = source.get(key)
    except FileNotFoundError:
        return "missing", 0
    if sha is not None and hashlib.sha256(data).hexdigest() != sha:
        return "damaged", len(data)
    try:
        held = target.get(key)
    except FileNotFoundError:
        held = None
    if held is not None and (held == data if sha is None else hashlib.sha256(held).hexdigest() == sha):
        return "present", len(data)
    target.put(key, data)
    return "copied", len(data)
