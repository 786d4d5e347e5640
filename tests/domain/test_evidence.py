"""A seal commits to each record it counted: a Merkle root over leaf hashes, and the difference names each record."""
from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from webapp.domain.evidence import EMPTY_ROOT, Difference, Evidence, commitment, differences, leaf_hash, merkle_root

AT = datetime(2026, 11, 25, 1, 30, tzinfo=timezone.utc)


def _scan(n: int, checkpoint: int = 3) -> Evidence:
    return Evidence("scan", str(n), {"checkpoint_id": checkpoint, "captured_at": AT, "person_id": 7})


def test_a_leaf_changes_with_any_field_kind_or_id():
    base = leaf_hash(_scan(1))
    assert leaf_hash(_scan(1)) == base
    assert len({base, leaf_hash(_scan(2)), leaf_hash(_scan(1, checkpoint=4)),
                leaf_hash(Evidence("check", "1", _scan(1).form))}) == 4


def test_the_root_does_not_depend_on_order_and_nothing_has_a_root_of_its_own():
    records = [_scan(n) for n in range(5)]
    assert commitment(records)["root"] == commitment(list(reversed(records)))["root"]
    assert merkle_root({}) == EMPTY_ROOT != commitment(records)["root"]


@given(st.dictionaries(st.text(min_size=1, max_size=8), st.text(min_size=64, max_size=64, alphabet="0123456789abcdef"),
                       min_size=1, max_size=40), st.data())
def test_any_one_leaf_changed_removed_or_added_changes_the_root_and_is_named(leaves, data):
    key = data.draw(st.sampled_from(sorted(leaves)))
    changed = {**leaves, key: "f" * 64 if leaves[key] != "f" * 64 else "e" * 64}
    removed = {k: v for k, v in leaves.items() if k != key}
    added = {**leaves, key + "+": "a" * 64}
    root = merkle_root(leaves)
    for other in (changed, removed, added):
        assert merkle_root(other) != root
    assert differences(leaves, changed) == [Difference(key, "changed")]
    assert differences(leaves, removed) == [Difference(key, "removed")]
    assert differences(leaves, added) == [Difference(key + "+", "added")]
    assert differences(leaves, dict(leaves)) == []
