"""Readings judged against their normal range, meters against their last reading: examples and properties."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.domain.errors import DomainError
from webapp.domain.readings import (
    ReadingRule,
    band_text,
    check_rule,
    evidence_missing,
    judge,
    judge_choice,
    judge_number,
    parse_number,
)

PRESSURE = ReadingRule("number", low=0.3, high=0.6)  # 水泵出口压力 0.3–0.6 MPa
TRANSFORMER = ReadingRule("number", high=85)  # 变压器温度 ≤ 85 °C
METER = ReadingRule("number", low=0, meter=True, max_jump=500)  # 电表读数 kWh rising

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


def test_a_pump_pressure_inside_its_band_is_normal_and_outside_it_is_abnormal():
    assert not judge_number(PRESSURE, 0.45).abnormal
    assert not judge_number(PRESSURE, 0.3).abnormal and not judge_number(PRESSURE, 0.6).abnormal
    assert judge_number(PRESSURE, 0.72).abnormal and judge_number(PRESSURE, 0.12).abnormal


def test_a_transformer_over_85_degrees_is_abnormal():
    assert judge_number(TRANSFORMER, 85).abnormal is False
    assert judge_number(TRANSFORMER, 86.5).abnormal is True
    assert judge_number(TRANSFORMER, -5).abnormal is False


def test_a_meter_lower_than_its_last_reading_or_jumping_is_questioned_not_abnormal():
    assert judge_number(METER, 12000, last=12345).below_last
    assert judge_number(METER, 13000, last=12345).jump
    fine = judge_number(METER, 12400, last=12345)
    assert not fine.questioned and not fine.abnormal
    assert not judge_number(METER, 1, last=None).questioned  # the first reading of a meter has nothing to compare


def test_numbers_typed_on_a_phone_are_read_and_nonsense_is_refused():
    assert parse_number(" ０.４５ ") == 0.45
    assert parse_number("0,45") == 0.45
    for bad in ("", "abc", "nan", "inf", "1e400", "--1"):
        with pytest.raises(DomainError):
            parse_number(bad)


def test_a_fault_is_abnormal_and_an_unknown_state_is_refused():
    assert judge_choice("fault").abnormal and not judge_choice("running").abnormal and not judge_choice("stopped").abnormal
    with pytest.raises(DomainError):
        judge_choice("broken")


def test_text_readings_need_text():
    assert judge(ReadingRule("text"), "  有异响 ")[1] == "有异响"
    with pytest.raises(DomainError):
        judge(ReadingRule("text"), "   ")


def test_an_abnormal_reading_needs_a_note_and_a_photo_and_a_questioned_one_a_confirmation():
    abnormal = judge_number(PRESSURE, 0.8)
    assert evidence_missing(abnormal, "", 0, False) == ["note", "photo"]
    assert evidence_missing(abnormal, "阀门已调", 1, False) == []
    assert evidence_missing(judge_number(METER, 10, last=20), "", 0, False) == ["confirm"]
    assert evidence_missing(judge_number(METER, 10, last=20), "", 0, True) == []


def test_rules_that_make_no_sense_are_refused():
    for rule in (ReadingRule("number", low=1, high=0), ReadingRule("choice", low=1), ReadingRule("gauge"),
                 ReadingRule("number", max_jump=10), ReadingRule("number", meter=True, max_jump=-1),
                 ReadingRule("number", low=math.nan)):
        with pytest.raises(DomainError):
            check_rule(rule)
    assert check_rule(METER) is METER


def test_the_band_is_written_as_people_write_it():
    assert band_text(PRESSURE) == "0.3–0.6"
    assert band_text(TRANSFORMER) == "≤ 85"
    assert band_text(ReadingRule("number", low=10)) == "≥ 10"
    assert band_text(ReadingRule("number")) == ""


@given(low=finite, width=st.floats(min_value=0, max_value=1e6), value=finite)
def test_out_of_range_is_exactly_outside_the_closed_band(low, width, value):
    rule = check_rule(ReadingRule("number", low=low, high=low + width))
    assert judge_number(rule, value).abnormal == (not (rule.low <= value <= rule.high))


@given(last=st.floats(min_value=0, max_value=1e9), rise=st.floats(min_value=-1e6, max_value=1e6),
       jump=st.floats(min_value=0.001, max_value=1e6))
def test_a_meter_is_questioned_exactly_when_it_falls_or_rises_past_its_jump(last, rise, jump):
    rule = ReadingRule("number", meter=True, max_jump=jump)
    value = last + rise
    verdict = judge_number(rule, value, last)
    assert verdict.below_last == (value < last)
    assert verdict.jump == (value - last > jump)
    assert not verdict.abnormal  # no range: a meter's slip is questioned, never abnormal equipment


@given(value=finite)
def test_every_number_written_back_reads_as_itself(value):
    number, text, _verdict = judge(ReadingRule("number"), repr(value))
    assert number == value and parse_number(text) == value
