"""Counts read right in English (1 record, 2 records; never "record(s)") and Chinese keeps its one form; durations and
zones are written in the person's language."""
from __future__ import annotations

import pytest

from webapp.i18n import duration, gap_sentence, zone_name

NOT_ON_SHIFT = {"from": "20:02", "to": "20:10"}


@pytest.fixture
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def chinese(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        yield


def test_a_gap_counts_one_record_and_two_records_in_english(english):
    assert gap_sentence("not_on_shift", {**NOT_ON_SHIFT, "count": 1}).startswith("1 record between 20:02")
    assert gap_sentence("not_on_shift", {**NOT_ON_SHIFT, "count": 2}).startswith("2 records between 20:02")
    burst = {"count": 6, "minutes": 2, "from": "01:00", "to": "01:02", "checkpoints": 1}
    assert gap_sentence("burst", burst).endswith("at 1 checkpoint.")
    assert "(s)" not in gap_sentence("cleaning_failed", {"checkpoint": "大堂", "at": "09:00", "count": 3, "items": "地面"})


def test_chinese_has_one_form_for_every_count(chinese):
    assert gap_sentence("not_on_shift", {**NOT_ON_SHIFT, "count": 1}) == "20:02 至 20:10 有 1 条记录来自非本班人员。"
    assert gap_sentence("not_on_shift", {**NOT_ON_SHIFT, "count": 5}) == "20:02 至 20:10 有 5 条记录来自非本班人员。"


def test_durations_and_zones_read_in_the_persons_language(english):
    assert [duration(m) for m in (297.6, 1140.0, 45, 60, 90, None)] == [
        "5 hours", "19 hours", "45 minutes", "1 hour", "1.5 hours", "—"]
    assert zone_name("Asia/Shanghai") == "Beijing time" and zone_name("Europe/Berlin") == "Central European Time"


def test_durations_and_zones_in_chinese(chinese):
    assert [duration(m) for m in (297.6, 1140.0, 45, 3 * 1440)] == ["5 小时", "19 小时", "45 分钟", "3 天"]
    assert zone_name("Asia/Shanghai") == "北京时间"
