"""Anchors of the handover chain outside the database: the Ed25519 sealing key and the append-only file of witnessed heads."""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

from webapp.domain.handover import Witnessed

log = logging.getLogger("rounds.anchors")


class SealKeyError(RuntimeError):
    """The configured sealing key cannot be read."""


def _private_key() -> Ed25519PrivateKey | None:
    text, path = current_app.config.get("SEAL_KEY", ""), current_app.config.get("SEAL_KEY_FILE", "")
    if not text and path:
        text = Path(path).read_text(encoding="ascii")
    if not text:
        return None
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error) as error:
        raise SealKeyError(f"the sealing key cannot be read: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SealKeyError("the sealing key is not an Ed25519 key")
    return key


def public_key() -> Ed25519PublicKey | None:
    """The public half of the sealing key, or None when no key is configured."""
    key = _private_key()
    return key.public_key() if key else None


def public_key_text() -> str | None:
    """The public key as base64 of its 32 raw bytes, as the verify page shows it."""
    key = public_key()
    if key is None:
        return None
    return base64.b64encode(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode("ascii")


def fingerprint(text: str) -> str:
    """A short SHA-256 fingerprint of a public key, to compare by eye."""
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:16]


def sign(message: bytes) -> str | None:
    """The base64 Ed25519 signature of a message, or None when no key is configured."""
    key = _private_key()
    return base64.b64encode(key.sign(message)).decode("ascii") if key else None


def signature_holds(key: Ed25519PublicKey, message: bytes, signature: str | None) -> bool:
    """Whether a stored signature is the key's signature of the message."""
    if not signature:
        return False
    try:
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def _witness_path() -> Path | None:
    path = current_app.config.get("CHAIN_WITNESS_FILE", "")
    return Path(path) if path else None


def witness(kind: str, site_id: int, sequence: int, sha256: str, at: datetime, addenda: int = 0, **extra) -> None:
    """Append a head of a site's chain to the witness file (one JSON line, written through to the disk)."""
    path = _witness_path()
    if path is None:
        return
    line = json.dumps({"kind": kind, "site": site_id, "sequence": sequence, "sha256": sha256, "addenda": addenda,
                       "at": at.isoformat(), **extra}, ensure_ascii=False, sort_keys=True) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:  # the record is sealed in the database already; a missing witness line is logged, not fatal
        log.exception("cannot append to the chain witness file %s", path)


def witnessed(site_id: int) -> list[Witnessed]:
    """Every head of the site witnessed in the file (unreadable lines are skipped)."""
    path = _witness_path()
    if path is None or not path.is_file():
        return []
    heads = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
            if entry["site"] == site_id:
                heads.append(Witnessed(int(entry["sequence"]), str(entry["sha256"]), int(entry.get("addenda", 0))))
        except (ValueError, KeyError, TypeError):
            continue
    return heads
