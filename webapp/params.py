"""Numbers read from URLs, query strings and forms, in one place: only what an id column can hold, written in ASCII
digits. Anything else (an id past 2^63 - 1, `²`, `١٢`) is no number at all: a 404 in a path, the default in a query."""
from __future__ import annotations

from flask import Request, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

from webapp.errors import refuse

ID_MAX = 2**63 - 1  # the largest value of a BIGINT (PostgreSQL) or INTEGER (SQLite) column


def whole(value) -> int | None:
    """A whole number from 0 to ID_MAX written in ASCII digits (spaces around allowed), or None."""
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(ID_MAX)):
        return None
    number = int(text)
    return number if number <= ID_MAX else None


def _strict_int(value) -> int:
    number = whole(value)
    if number is None:
        raise ValueError(value)
    return number


def _type(kind):
    """`type=int` of `.get()` becomes the strict reading: a bad value gives the default, as werkzeug does for 'abc'."""
    return _strict_int if kind is int else kind


class Params(ImmutableMultiDict):
    """Query and form parameters whose `.get(name, type=int)` reads ids the database can hold."""

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's own signature)
        return super().get(key, default, _type(type))


class CombinedParams(CombinedMultiDict):
    """`request.values` with the same strict reading."""

    def get(self, key, default=None, type=None):  # noqa: A002
        return super().get(key, default, _type(type))


class RoundsRequest(Request):
    """The app's request: its parameters read numbers strictly."""

    parameter_storage_class = Params

    @cached_property
    def values(self) -> CombinedParams:  # type: ignore[override]
        sources = [self.args]
        if self.method != "GET":
            sources.append(self.form)
        return CombinedParams(sources)


class IdConverter(IntegerConverter):
    """`<int:...>` in a route: an id a database column can hold; a bigger number matches no route (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=ID_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class JSONProvider(DefaultJSONProvider):
    """JSON bodies: one nested too deeply for the parser is malformed JSON (a 400), not a crash."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def _has_nul(parameters) -> bool:
    return any("\x00" in (name or "") or "\x00" in value for name, value in parameters.items(multi=True))


def refuse_nul():
    """A NUL character in a query or form parameter is bad input (a 400 saying so), never a 500 from PostgreSQL, whose
    text columns cannot hold it. No person types one: the whole request is refused, nothing of it is saved."""
    if _has_nul(request.args) or (request.method != "GET" and _has_nul(request.form)):
        return refuse(400, "nul_character", _("What you sent contains a character that cannot be stored (NUL). "
                                              "Remove it and try again."))
    return None


def init_app(app) -> None:
    """Use the strict request, the bounded `int` converter (before any route is added) and the guarded JSON reader;
    refuse NUL characters in parameters before any view reads them."""
    app.request_class = RoundsRequest
    app.url_map.converters["int"] = IdConverter
    app.json = JSONProvider(app)
    app.before_request(refuse_nul)
