"""Secrets kept out of logs: passwords, CSRF tokens, session cookies, Authorization headers, signature images."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

MASK = "[redacted]"

# field and header names whose values are never logged (compared lower-case, "-" read as "_")
SECRET_NAMES = frozenset({
    "password", "password_confirm", "new_password", "current_password", "passwd", "pwd", "secret", "secret_key",
    "csrf_token", "x_csrftoken", "x_csrf_token", "csrf", "cookie", "set_cookie", "authorization",
    "proxy_authorization", "session", "remember_token", "signature", "api_key", "token",
})
_NAMES = r"(?:password\w*|passwd|pwd|secret\w*|csrf\w*|x-csrf-?token|session|remember_token|signature|api_key|token)"

_PATTERNS: tuple[tuple[re.Pattern, str], ...] = (
    # signature pads post their drawing as a data URL: the image itself is personal
    (re.compile(r"data:image/[\w.+-]+;base64,[A-Za-z0-9+/=%]+"), "data:image/…;base64," + MASK),
    # a whole Cookie / Set-Cookie header line, whatever its cookies are called
    (re.compile(r"(?i)\b((?:set-)?cookie['\"]?\s*[:=]\s*['\"]?)[^\r\n'\"]+"), r"\1" + MASK),
    (re.compile(r"(?i)\b((?:proxy-)?authorization['\"]?\s*[:=]\s*['\"]?)[^\r\n'\"]+"), r"\1" + MASK),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + MASK),
    # key=value, key: value, 'key': 'value', "key": "value" (form dumps, query strings, dict reprs, JSON)
    (re.compile(r"(?i)(['\"]?\b" + _NAMES + r"['\"]?\s*[:=]\s*)(['\"])(.*?)\2"), r"\1\2" + MASK + r"\2"),
    (re.compile(r"(?i)(\b" + _NAMES + r"\s*[:=]\s*)(?!['\"\[])[^\s&,;)}\]]+"), r"\1" + MASK),
    # database URLs with a password: scheme://user:password@host
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@"), r"\1" + MASK + "@"),
)


def is_secret_name(name: str | None) -> bool:
    """Whether a field or header of this name holds a secret (a field the parser left nameless is treated as one)."""
    return name is None or name.lower().replace("-", "_") in SECRET_NAMES


def redact_text(text: str, literals: Iterable[str] = ()) -> str:
    """The text with every secret-looking value, and each of `literals` wherever it appears, masked."""
    for literal in sorted(literals, key=len, reverse=True):
        if literal and len(literal) >= 4 and literal in text:
            text = text.replace(literal, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_mapping(items: Mapping | Iterable[tuple[str, str]]) -> dict:
    """Form fields, headers or query arguments as a dict, with the values of secret names masked."""
    pairs = items.items() if isinstance(items, Mapping) else items
    out: dict = {}
    for key, value in pairs:
        value = MASK if is_secret_name(str(key)) else redact_text(str(value))
        if key in out:  # a repeated field: keep every value
            out[key] = (out[key] if isinstance(out[key], list) else [out[key]]) + [value]
        else:
            out[key] = value
    return out
