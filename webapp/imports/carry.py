"""The checked table carried from the preview to the commit in a signed form field, never trusted unsigned."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "rounds.imports.checkpoints"
MAX_AGE_S = 3600  # a preview left open longer is read again from the file
MAX_FIELD = 450_000  # what a form field may carry (Werkzeug refuses fields past 500,000 bytes)


class Expired(ValueError):
    """The carried table is too old, was changed, or was meant for another site or person."""


def _serializer(salt: str = SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)  # compresses the JSON when that is shorter


def seal(table: list[list[str]], filename: str, site_id: int, person_id: int, salt: str = SALT) -> str:
    """A signed, compressed copy of the table, bound to the site and the person who previewed it."""
    return _serializer(salt).dumps({"site": site_id, "person": person_id, "file": filename, "table": table})


def unseal(token: str, site_id: int, person_id: int, salt: str = SALT) -> tuple[list[list[str]], str]:
    """The table and file name back, if the signature holds, it is fresh, and it is for this site and person."""
    try:
        data = _serializer(salt).loads(token, max_age=MAX_AGE_S)
    except BadSignature:
        raise Expired() from None
    if not isinstance(data, dict) or data.get("site") != site_id or data.get("person") != person_id:
        raise Expired()
    table = data.get("table")
    if not isinstance(table, list) or not all(isinstance(row, list) and all(isinstance(c, str) for c in row)
                                              for row in table):
        raise Expired()
    return table, str(data.get("file", ""))
