"""One way to answer a page request: the full page, or only its fragment when htmx asks."""
from __future__ import annotations

from flask import make_response, render_template

from webapp.extensions import htmx


def render(page: str, fragment: str | None = None, status: int = 200, **context):
    """Render `fragment` alone for an htmx request, else the full `page` (which includes it); say Vary."""
    template = fragment if (fragment and htmx) else page
    response = make_response(render_template(template, **context), status)
    response.headers.add("Vary", "HX-Request")
    return response
