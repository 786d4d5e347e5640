"""Scored inspections: deductions, the 5/3/1 scale, not-applicable items, critical items, versions and roll-ups."""
import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.domain.errors import DomainError
from webapp.domain.scoring import (
    METHODS,
    SCALE,
    Answer,
    ItemSpec,
    SectionScore,
    TemplateSpec,
    average,
    is_failure,
    revise,
    rollup,
    score,
)

# a stairwell sheet (楼梯间), 100 points with deductions per fault
FLOOR, HANDRAIL, WINDOWSILL, CLUTTER, HYDRANT = 1, 2, 3, 4, 5
STAIRWELL = TemplateSpec(id=7, version=1, method="deduction", items=(
    ItemSpec(FLOOR, "Cleanliness", "Floor clean, no litter", 10),
    ItemSpec(HANDRAIL, "Cleanliness", "Handrails free of dust", 5),
    ItemSpec(WINDOWSILL, "Cleanliness", "Windowsills free of dust", 5),
    ItemSpec(CLUTTER, "Safety", "No clutter blocking the stairs", 20),
    ItemSpec(HYDRANT, "Safety", "Fire hydrant box intact and unobstructed", 10, critical=True),
))

# a guard post sheet (岗亭), each item 5/3/1
ATTIRE, POSTURE, LOG, TIDY = 11, 12, 13, 14
GUARD_POST = TemplateSpec(id=8, version=3, method="scale", pass_mark=70, items=(
    ItemSpec(ATTIRE, "Guard", "Uniform and grooming", 20),
    ItemSpec(POSTURE, "Guard", "Posture at the post", 10),
    ItemSpec(LOG, "Post", "Post log up to date", 30, critical=True),
    ItemSpec(TIDY, "Post", "Post clean and tidy", 40),
))


def marks(**values):
    """Answers by item name: every stairwell item passes unless given."""
    names = {"floor": FLOOR, "handrail": HANDRAIL, "windowsill": WINDOWSILL, "clutter": CLUTTER, "hydrant": HYDRANT}
    return [Answer(item_id, values.get(name, 1)) for name, item_id in names.items()]


def post(attire=5, posture=5, log=5, tidy=5):
    return [Answer(ATTIRE, attire), Answer(POSTURE, posture), Answer(LOG, log), Answer(TIDY, tidy)]


def refused(code, call, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code
    return caught.value.params


# ---- deduction ------------------------------------------------------------------------------------------------------

def test_a_clean_stairwell_scores_full_marks_and_passes():
    result = score(STAIRWELL, marks())
    assert (result.points, result.max_points, result.percent, result.passed) == (100.0, 100.0, 100.0, True)
    assert result.failed_items == () and result.critical_failures == ()


def test_each_failed_item_deducts_its_weight():
    result = score(STAIRWELL, marks(floor=0, handrail=0))
    assert (result.points, result.max_points, result.percent) == (85.0, 100.0, 85.0)
    assert result.failed_items == (FLOOR, HANDRAIL) and result.passed


def test_below_the_pass_mark_fails_and_exactly_the_pass_mark_passes():
    assert score(STAIRWELL, marks(clutter=0)).percent == 80.0
    assert score(STAIRWELL, marks(clutter=0)).passed
    below = score(STAIRWELL, marks(clutter=0, handrail=0))
    assert below.percent == 75.0 and not below.passed


def test_a_not_applicable_item_counts_neither_for_nor_against():
    result = score(STAIRWELL, marks(clutter=None, floor=0))
    assert (result.points, result.max_points, result.percent) == (70.0, 80.0, 87.5)
    assert result.failed_items == (FLOOR,)


def test_deductions_never_take_the_score_below_zero():
    heavy = TemplateSpec(1, 1, "deduction", (ItemSpec(1, "A", "a", 60), ItemSpec(2, "A", "b", 70)))
    result = score(heavy, [Answer(1, 0), Answer(2, 0)])
    assert (result.points, result.percent, result.passed) == (0.0, 0.0, False)


def test_a_sheet_with_nothing_applicable_scores_a_hundred_percent():
    everything_na = TemplateSpec(1, 1, "deduction", (ItemSpec(1, "A", "a", 60), ItemSpec(2, "A", "b", 70)))
    result = score(everything_na, [Answer(1, None), Answer(2, None)])
    assert (result.points, result.max_points, result.percent, result.passed) == (0.0, 0.0, 100.0, True)


def test_one_critical_failure_fails_the_inspection_whatever_the_score():
    result = score(STAIRWELL, marks(hydrant=0))
    assert result.percent == 90.0 and not result.passed
    assert result.critical_failures == (HYDRANT,) and result.failed_items == (HYDRANT,)


def test_a_critical_item_not_applicable_is_not_a_failure():
    result = score(STAIRWELL, marks(hydrant=None))
    assert result.passed and result.critical_failures == () and result.max_points == 90.0


def test_sections_come_in_the_order_of_the_sheet_with_their_own_percent():
    result = score(STAIRWELL, marks(floor=0, clutter=None))
    assert result.sections == (SectionScore("Cleanliness", 10.0, 20.0, 50.0), SectionScore("Safety", 10.0, 10.0, 100.0))


def test_points_and_percent_are_rounded_to_one_decimal():
    thirds = TemplateSpec(1, 1, "deduction", full_marks=30, items=(
        ItemSpec(1, "A", "a", 10), ItemSpec(2, "A", "b", 10), ItemSpec(3, "A", "c", 10)))
    result = score(thirds, [Answer(1, 0), Answer(2, 1), Answer(3, 1)])
    assert (result.points, result.percent) == (20.0, 66.7)


# ---- the 5/3/1 scale ------------------------------------------------------------------------------------------------

def test_the_scale_earns_value_over_five_of_each_weight():
    result = score(GUARD_POST, post(attire=3, tidy=3))
    # 20×3/5 + 10 + 30 + 40×3/5 = 12 + 10 + 30 + 24
    assert (result.points, result.max_points, result.percent, result.passed) == (76.0, 100.0, 76.0, True)
    assert result.failed_items == ()


def test_on_the_scale_a_one_is_a_failure():
    result = score(GUARD_POST, post(posture=1))
    assert result.failed_items == (POSTURE,) and result.points == 92.0 and result.passed


def test_on_the_scale_a_critical_one_fails_the_inspection():
    result = score(GUARD_POST, post(log=1))
    assert result.percent == 76.0 and result.critical_failures == (LOG,) and not result.passed


def test_on_the_scale_not_applicable_leaves_the_item_out():
    result = score(GUARD_POST, post(tidy=None, attire=1))
    assert (result.points, result.max_points, result.percent) == (44.0, 60.0, 73.3)
    assert [s.section for s in result.sections] == ["Guard", "Post"]
    assert result.sections[1] == SectionScore("Post", 30.0, 30.0, 100.0)


def test_is_failure_reads_the_mark_by_method():
    assert is_failure(STAIRWELL, Answer(FLOOR, 0)) and not is_failure(STAIRWELL, Answer(FLOOR, 1))
    assert is_failure(GUARD_POST, Answer(LOG, 1)) and not is_failure(GUARD_POST, Answer(LOG, 3))
    assert not is_failure(STAIRWELL, Answer(FLOOR, None)) and not is_failure(GUARD_POST, Answer(LOG, None))


# ---- bad input ------------------------------------------------------------------------------------------------------

def test_a_missing_item_is_refused_naming_it():
    answers = [a for a in marks() if a.item_id not in (HANDRAIL, HYDRANT)]
    assert refused("answers_mismatch", score, STAIRWELL, answers) == {"items": "2, 5"}


def test_an_item_answered_twice_or_not_on_the_sheet_is_refused():
    assert refused("answers_mismatch", score, STAIRWELL, [*marks(), Answer(FLOOR, 0)]) == {"items": "1"}
    assert refused("answers_mismatch", score, STAIRWELL, [*marks(), Answer(99, 1)]) == {"items": "99"}


@pytest.mark.parametrize("template, value", [(STAIRWELL, 2), (STAIRWELL, 5), (STAIRWELL, -1), (STAIRWELL, True),
                                             (GUARD_POST, 0), (GUARD_POST, 2), (GUARD_POST, 4), (GUARD_POST, 6)])
def test_a_mark_the_method_does_not_allow_is_refused(template, value):
    first = template.items[0].id
    answers = [Answer(item.id, value if item.id == first else (1 if template is STAIRWELL else 5)) for item in template.items]
    assert refused("invalid_mark", score, template, answers) == {"item": first}


def test_a_template_with_an_unknown_method_or_bad_numbers_is_refused():
    item = ItemSpec(1, "A", "a", 10)
    assert refused("unknown_method", TemplateSpec, 1, 1, "stars", (item,)) == {"method": "stars"}
    assert refused("duplicate_item", TemplateSpec, 1, 1, "scale", (item, item)) == {"item": 1}
    assert refused("invalid_weight", TemplateSpec, 1, 1, "scale", (ItemSpec(2, "A", "b", -1),))["item"] == 2
    assert refused("invalid_weight", TemplateSpec, 1, 1, "scale", (ItemSpec(2, "A", "b", float("nan")),))["item"] == 2
    assert refused("invalid_pass_mark", TemplateSpec, 1, 1, "scale", (item,), pass_mark=120) == {"value": 120}
    assert refused("invalid_full_marks", TemplateSpec, 1, 1, "deduction", (item,), full_marks=-5) == {"value": -5}


# ---- versions -------------------------------------------------------------------------------------------------------

def test_a_template_version_cannot_be_changed_in_place():
    with pytest.raises(dataclasses.FrozenInstanceError):
        STAIRWELL.pass_mark = 50  # type: ignore[misc]


def test_revising_a_template_makes_the_next_version_and_leaves_past_inspections_scored_as_they_were():
    answers = marks(clutter=0, handrail=0)
    before = score(STAIRWELL, answers)
    heavier = tuple(dataclasses.replace(i, weight=30) if i.id == CLUTTER else i for i in STAIRWELL.items)
    v2 = revise(STAIRWELL, heavier, pass_mark=70)
    assert (v2.id, v2.version, v2.pass_mark, v2.method) == (STAIRWELL.id, 2, 70, "deduction")
    assert STAIRWELL.version == 1 and STAIRWELL.items[3].weight == 20
    assert score(v2, answers).percent == 65.0
    assert score(STAIRWELL, answers) == before and not before.passed and before.percent == 75.0


def test_a_revision_may_add_an_item_that_past_answers_do_not_have():
    v2 = revise(STAIRWELL, (*STAIRWELL.items, ItemSpec(6, "Safety", "Emergency light works", 10)))
    assert refused("answers_mismatch", score, v2, marks()) == {"items": "6"}
    assert score(STAIRWELL, marks()).percent == 100.0


def test_a_revision_is_checked_like_any_template():
    assert refused("duplicate_item", revise, STAIRWELL, (*STAIRWELL.items, STAIRWELL.items[0])) == {"item": FLOOR}
    with pytest.raises(TypeError):
        revise(STAIRWELL, STAIRWELL.items, version=9)


# ---- roll-ups -------------------------------------------------------------------------------------------------------

def test_average_is_the_mean_to_one_decimal_or_none():
    assert average([80.0, 90.0, 95.0]) == 88.3
    assert average([]) is None and average(iter(())) is None


def test_rollup_averages_per_key_in_the_order_keys_are_first_seen():
    rows = [("Block 3", 80.0), ("Gate", 100.0), ("Block 3", 91.0), (("site", 2), 70.0)]
    assert rollup(rows) == {"Block 3": 85.5, "Gate": 100.0, ("site", 2): 70.0}
    assert list(rollup(rows)) == ["Block 3", "Gate", ("site", 2)]
    assert rollup([]) == {}


# ---- properties -----------------------------------------------------------------------------------------------------

quick = settings(max_examples=150, deadline=None)


@st.composite
def templates(draw, method=None):
    """A template of 1..8 items in up to three sections, some critical, with any method."""
    count = draw(st.integers(min_value=1, max_value=8))
    items = tuple(ItemSpec(
        id=100 + i, section=draw(st.sampled_from(("Floor", "Walls", "Safety"))), text=f"item {i}",
        weight=draw(st.one_of(st.integers(min_value=0, max_value=40).map(float),
                              st.floats(min_value=0, max_value=40, allow_nan=False))),
        critical=draw(st.booleans()),
    ) for i in range(count))
    return TemplateSpec(
        id=1, version=draw(st.integers(min_value=1, max_value=5)), method=method or draw(st.sampled_from(METHODS)),
        items=items, full_marks=draw(st.sampled_from((100.0, 50.0, 10.0, 0.0))),
        pass_mark=draw(st.sampled_from((0.0, 60.0, 80.0, 100.0))),
    )


@st.composite
def inspected(draw, method=None):
    """A template and one allowed answer (or not applicable) per item."""
    template = draw(templates(method))
    allowed = (1, 0) if template.method == "deduction" else SCALE
    answers = [Answer(item.id, draw(st.sampled_from((*allowed, None)))) for item in template.items]
    return template, answers


def fail_mark(template):
    return 0 if template.method == "deduction" else 1


@quick
@given(inspected())
def test_the_percent_is_always_between_0_and_100_and_points_never_exceed_the_maximum(case):
    template, answers = case
    result = score(template, answers)
    assert 0.0 <= result.percent <= 100.0
    assert 0.0 <= result.points <= result.max_points
    assert all(0.0 <= s.percent <= 100.0 and s.points <= s.max_points for s in result.sections)
    assert [s.section for s in result.sections] == list(dict.fromkeys(i.section for i in template.items))


@quick
@given(inspected(), st.data())
def test_failing_one_more_item_never_raises_the_score(case, data):
    template, answers = case
    index = data.draw(st.integers(min_value=0, max_value=len(answers) - 1))
    worse = list(answers)
    worse[index] = Answer(answers[index].item_id, fail_mark(template))
    before, after = score(template, answers), score(template, worse)
    if answers[index].value is not None:  # turning a mark into a failure; N/A → failure changes the maximum too
        assert after.percent <= before.percent and after.points <= before.points
    assert set(before.failed_items) <= set(after.failed_items)
    assert not (after.passed and not before.passed and answers[index].value is not None)


@quick
@given(inspected(), st.data())
def test_a_critical_failure_always_fails_the_inspection(case, data):
    template, answers = case
    index = data.draw(st.integers(min_value=0, max_value=len(answers) - 1))
    items = tuple(dataclasses.replace(item, critical=(i == index)) for i, item in enumerate(template.items))
    critical = dataclasses.replace(template, items=items)
    answers = list(answers)
    answers[index] = Answer(answers[index].item_id, fail_mark(critical))
    result = score(critical, answers)
    assert not result.passed and result.critical_failures == (items[index].id,)


@quick
@given(inspected(), st.randoms(use_true_random=False))
def test_the_order_of_the_answers_does_not_matter(case, rng):
    template, answers = case
    shuffled = list(answers)
    rng.shuffle(shuffled)
    assert score(template, shuffled) == score(template, answers)


@quick
@given(inspected(), templates())
def test_revising_a_template_never_changes_the_score_of_its_earlier_version(case, other):
    template, answers = case
    before = score(template, answers)
    revised = revise(template, other.items, method=other.method, pass_mark=other.pass_mark)
    assert revised.version == template.version + 1
    assert score(template, answers) == before


@quick
@given(st.lists(st.tuples(st.sampled_from("ABC"), st.floats(min_value=0, max_value=100)), max_size=30))
def test_a_rollup_stays_within_the_range_of_its_percents(rows):
    result = rollup(rows)
    assert set(result) == {key for key, _ in rows}
    for key, mean in result.items():
        values = [p for k, p in rows if k == key]
        assert round(min(values), 1) - 0.05 <= mean <= round(max(values), 1) + 0.05
