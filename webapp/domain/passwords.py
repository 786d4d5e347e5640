"""The rules a new password must follow, and how long an account stays locked after failed sign-ins."""
from __future__ import annotations

from datetime import timedelta

MIN_LENGTH = 10

# Passwords seen first in every leaked list (English and Chinese keyboards alike), of the length we would accept.
COMMON = frozenset({
    "123456789a", "a123456789", "1234567890a", "password123", "password1234", "password12", "passw0rd123",
    "qwertyuiop", "qwertyuiop123", "qwerty1234", "qwerty12345", "1qaz2wsx3edc", "1qaz2wsx3e", "1q2w3e4r5t",
    "1q2w3e4r5t6y", "zaq12wsxcde3", "a888888888", "a1234567890", "abc1234567", "abcd123456", "abcdefghij",
    "iloveyou12", "iloveyou123", "woaini1314", "woaini520520", "5201314520", "admin12345", "admin123456",
    "administrator", "welcome123", "letmein123", "asdfghjkl1", "asdfghjkl123", "zxcvbnm123", "1234qwer!@#$",
    "qazwsxedc123", "11111111aa", "aa11111111", "abc123456789",
})


def weakness(password: str, login: str = "", name: str = "") -> tuple[str, dict] | None:
    """Why a new password may not be used, as (code, params), or None when it is good enough."""
    folded = password.strip().casefold()
    if len(password) < MIN_LENGTH:
        return "password_too_short", {"min": MIN_LENGTH}
    if password.isdigit():
        return "password_only_digits", {}
    if login and folded == login.strip().casefold():
        return "password_is_login", {}
    if name and folded == name.strip().casefold():
        return "password_is_name", {}
    if folded in COMMON or len(set(folded)) == 1:
        return "password_common", {}
    return None


LOCK_AFTER = 5  # failed sign-ins in a row
FIRST_LOCK = timedelta(minutes=1)
LONGEST_LOCK = timedelta(minutes=30)


def lock_for(failures: int) -> timedelta | None:
    """How long an account is locked after `failures` failed sign-ins in a row: 1 min at 5, doubling, at most 30."""
    if failures < LOCK_AFTER:
        return None
    return min(FIRST_LOCK * 2 ** min(failures - LOCK_AFTER, 10), LONGEST_LOCK)
