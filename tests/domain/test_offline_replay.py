"""Replayed nights with offline phones and out-of-order delivery: no miss is shown as final at shift end unless it is
true, and after every late sync each verdict is right (the smaller version of bench/offline_replay.py)."""
from bench.offline_replay import replay


def test_with_the_queue_state_no_final_miss_at_shift_end_is_false_and_late_syncs_leave_every_verdict_right():
    figures = replay(shifts=80, seed=5)
    assert figures.out_of_order > 20 and figures.true_missing > 50  # the replay does exercise late and missing scans
    assert figures.final_at_end > 10 and figures.false_final_at_end == 0
    assert figures.false_after_sync == 0 and figures.unflagged_after_sync == 0


def test_the_last_sync_alone_would_have_shown_false_final_misses():
    assert replay(shifts=80, seed=5, queue_rule=False).false_final_at_end > 0
