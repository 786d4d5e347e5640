"""Errors the domain raises, each with a stable code that the web layer translates."""
from __future__ import annotations


class DomainError(ValueError):
    """A rule was broken; `code` names which, `params` fill the translated message."""

    def __init__(self, code: str, /, **params):
        super().__init__(code)
        self.code = code
        self.params = params
