"""A closed handover is canonical JSON plus a SHA-256 chained to the site's previous one; tampering shows."""
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.domain.handover import (
    Sealed,
    addendum_hash,
    canonical_json,
    chained_hash,
    rate,
    seal,
    verify_chain,
)

UTC = timezone.utc


def _chain(n: int) -> list[Sealed]:
    records, prev = [], None
    for i in range(1, n + 1):
        text, sha = seal({"shift": i, "lead": "张伟", "done": i * 3}, prev)
        records.append(Sealed(i, i, text, sha, prev))
        prev = sha
    return records


def test_the_same_content_in_any_key_order_seals_to_the_same_text_and_hash():
    a = {"b": 1, "a": {"y": "夜班", "x": [1, 2]}, "at": datetime(2026, 11, 25, 0, 0, tzinfo=UTC)}
    b = {"at": datetime(2026, 11, 25, 8, 0, tzinfo=timezone(timedelta(hours=8))).astimezone(UTC), "a": {"x": [1, 2], "y": "夜班"}, "b": 1}
    assert canonical_json(a) == canonical_json(b) == '{"a":{"x":[1,2],"y":"夜班"},"at":"2026-11-25T00:00:00+00:00","b":1}'
    assert seal(a, "0" * 64) == seal(b, "0" * 64)


def test_naive_times_and_strange_values_cannot_be_sealed():
    with pytest.raises(ValueError):
        canonical_json({"at": datetime(2026, 11, 25)})
    with pytest.raises(TypeError):
        canonical_json({"x": object()})
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_an_intact_chain_verifies():
    report = verify_chain(_chain(5))
    assert report.ok and report.checked == 5


def test_an_altered_record_is_found():
    records = _chain(4)
    tampered = records[2]
    records[2] = Sealed(tampered.handover_id, tampered.sequence, tampered.content_json.replace('"done":9', '"done":12'),
                        tampered.sha256, tampered.prev_sha256)
    assert verify_chain(records).problems == [(3, "altered")]


def test_an_altered_record_rehashed_still_breaks_the_next_link():
    records = _chain(4)
    t = records[1]
    text = t.content_json.replace('"done":6', '"done":7')
    records[1] = Sealed(t.handover_id, t.sequence, text, chained_hash(text, t.prev_sha256), t.prev_sha256)
    assert verify_chain(records).problems == [(3, "broken_link")]


def test_a_deleted_record_is_found():
    records = _chain(4)
    del records[1]
    assert (3, "missing_before") in verify_chain(records).problems and (3, "broken_link") in verify_chain(records).problems


def test_an_addendum_is_bound_to_its_record():
    at = datetime(2026, 11, 25, 1, tzinfo=UTC)
    assert addendum_hash("a" * 64, 7, "补充：水泵房钥匙在工程部", at) != addendum_hash("b" * 64, 7, "补充：水泵房钥匙在工程部", at)


def test_rates_count_nothing_due_as_no_rate():
    assert rate(5, 6) == 83.3 and rate(0, 0) is None


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), lambda c: st.lists(c) | st.dictionaries(st.text(), c),
                    max_leaves=20))
def test_canonical_json_is_stable(value):
    assert canonical_json({"v": value}) == canonical_json({"v": value})
