"""The rules of a new password and the length of a lock-out: plain functions, no app."""
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.domain.passwords import COMMON, MIN_LENGTH, lock_for, weakness

DEMO = ["Rounds-admin-1", "Rounds-manager-1", "Rounds-super-1", "Rounds-lead-1", "Rounds-lead-2", "Rounds-guard-1",
        "Rounds-guard-2", "Rounds-cleaner-1", "Rounds-cleaner-2", "Rounds-bjlead-1", "Rounds-bjguard-1",
        "Rounds-engineer-1", "Rounds-desk-1", "Rounds-client-1"]


@pytest.mark.parametrize("password", DEMO + ["correct horse 7", "巡更密码很长很长很长很长", "first-pass-1"])
def test_good_passwords_pass(password):
    assert weakness(password, "guard", "刘洋") is None


@pytest.mark.parametrize("password,login,name,code", [
    ("short-1", "", "", "password_too_short"),
    ("123456789", "", "", "password_too_short"),
    ("13800001111", "", "", "password_only_digits"),
    ("zhangwei-lead", "ZhangWei-Lead", "", "password_is_login"),
    ("Wang Jianguo", "wjg", "wang jianguo", "password_is_name"),
    ("123456789a", "", "", "password_common"),
    ("PASSWORD123", "", "", "password_common"),
    ("qwertyuiop", "", "", "password_common"),
    ("1qaz2wsx3edc", "", "", "password_common"),
    ("a888888888", "", "", "password_common"),
    ("zzzzzzzzzzzz", "", "", "password_common"),
])
def test_weak_passwords_are_refused_with_the_reason(password, login, name, code):
    assert weakness(password, login, name)[0] == code


def test_the_short_rule_names_the_minimum():
    assert weakness("abc") == ("password_too_short", {"min": MIN_LENGTH})
    assert all(len(p) >= MIN_LENGTH for p in COMMON)  # shorter ones are refused anyway


@given(st.text(min_size=0, max_size=40))
def test_any_text_gets_an_answer_and_digits_only_never_pass(password):
    answer = weakness(password, "guard", "刘洋")
    assert answer is None or answer[0].startswith("password_")
    if password.isdigit():
        assert answer is not None


def test_a_lock_starts_at_five_failures_doubles_and_stops_at_thirty_minutes():
    assert [lock_for(n) for n in range(5)] == [None] * 5
    assert [lock_for(n) for n in (5, 6, 7, 8, 9)] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    assert lock_for(10) == lock_for(50) == lock_for(10**6) == timedelta(minutes=30)
