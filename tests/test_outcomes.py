"""Paired outcomes and intervals: the no-shock pair, the runner's pairing, and
intervals that never leave their quantity's range (property tests)."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.analysis import add_counterfactual, paired_differences, recovery_summary
from experiments.formats import interval, number
from experiments.intervals import holm, mean_interval, median_interval, min_p, paired_p, wilson
from experiments.runners import _advance, _progress, execute
from experiments.spec import check_spec
from scenarios import make_model
from sim import metrics

STRATEGIES = ["status_quo", "top_down_digital", "community_resilience",
              "grassroots_empowerment"]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_no_shock_loss_is_zero_and_pairs_share_their_luck(strategy):
    """The no-shock run against itself (a second run with the same seed) loses
    exactly 0; a shocked run with the same seed matches it until onset."""
    def q(shock):
        m = make_model(strategy, shock, n_households=600, days=30, seed=5)
        m.run()
        return m.daily[:, metrics.COLUMNS.index("functionality")], m.schedule.onset

    none_a, _ = q("none")
    none_b, _ = q("none")
    assert metrics.counterfactual_loss(none_b, none_a, 0, 30) == 0.0
    assert metrics.counterfactual_loss(none_b, none_a, 10, 90) == 0.0
    flood, onset = q("flood")
    assert onset == 10 and np.array_equal(flood[:onset], none_a[:onset])


def test_counterfactual_through_the_store(tmp_path):
    spec = check_spec({"name": "cf", "strategies": ["status_quo", "community_resilience"],
                       "shocks": ["lockdown"], "replicates": 2, "days": 30,
                       "counterfactual": True, "window_days": 15,
                       "fixed": {"population.n_households": 300}})
    assert spec.series == ("functionality", "in_crisis")  # what the pairing reads
    store = execute(spec, tmp_path / "cf", executor="serial", progress=False)
    runs, series = store.load()
    assert len(runs) == 2 * 2 + 2 * 2 and set(runs["shock"]) == {"lockdown", "none"}
    assert set(runs.loc[runs["shock"] == "lockdown", "onset"]) == {10}
    runs = add_counterfactual(runs, series, spec.window_days)
    none = runs[runs["shock"] == "none"]
    assert (none["counterfactual_loss"] == 0.0).all()
    assert (none["excess_crisis_household_days"] == 0.0).all()
    shocked = runs[runs["shock"] == "lockdown"]
    assert shocked["counterfactual_loss"].notna().all()
    # By hand for one run: the same definition on the stored series.
    r = shocked.iloc[0]
    pair = none[(none["strategy"] == r["strategy"]) & (none["replicate"] == r["replicate"])]
    s = series[series["metric"] == "functionality"]
    qs = s[s["run_id"] == r["run_id"]].sort_values("day")["value"].to_numpy()
    qn = s[s["run_id"] == pair.iloc[0]["run_id"]].sort_values("day")["value"].to_numpy()
    assert r["counterfactual_loss"] == pytest.approx(
        np.sum(((qn - qs) / qn)[10:25]))
    # everyday hardship beside it: the pair's own crisis days in the same window, and the
    # shocked run's crisis days are the two parts added up
    c = series[series["metric"] == "in_crisis"]
    cs = c[c["run_id"] == r["run_id"]].sort_values("day")["value"].to_numpy()
    cn = c[c["run_id"] == pair.iloc[0]["run_id"]].sort_values("day")["value"].to_numpy()
    assert r["everyday_crisis_household_days"] == pytest.approx(cn[10:25].sum())
    assert r["everyday_crisis_household_days"] + r["excess_crisis_household_days"] == \
        pytest.approx(cs[10:25].sum())
    d = paired_differences(shocked, "counterfactual_loss", "status_quo")
    assert list(d["pairs"]) == [2] and {"p_holm", "distinguishable"} <= set(d.columns)
    rec = recovery_summary(shocked)
    assert set(rec["n"]) == {2} and (rec["dipped"] <= rec["n"]).all()


# --------------------------------------------------------------- intervals

RANGES = [(0.0, 1.0), (0.0, math.inf), (-1.0, 1.0), (-math.inf, math.inf)]


@settings(max_examples=60, deadline=None)
@given(r=st.sampled_from(RANGES), n=st.integers(1, 25), data=st.data())
def test_mean_interval_never_leaves_the_range(r, n, data):
    low, high = r
    lo_v = low if math.isfinite(low) else -1e6
    hi_v = high if math.isfinite(high) else 1e6
    x = data.draw(st.lists(st.floats(lo_v, hi_v, allow_nan=False), min_size=n, max_size=n))
    m, lo, hi, k = mean_interval(x, low, high)
    assert k == n and low <= m <= high
    if n > 1:
        assert low <= lo <= m <= hi <= high


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 200), data=st.data())
def test_wilson_stays_within_zero_and_one(n, data):
    k = data.draw(st.integers(0, n))
    p, lo, hi = wilson(k, n)
    if n == 0:
        assert math.isnan(p)
    else:
        assert 0.0 <= lo <= p <= hi <= 1.0


@settings(max_examples=40, deadline=None)
@given(x=st.lists(st.one_of(st.floats(0, 180, allow_nan=False), st.just(math.inf)),
                  min_size=1, max_size=20))
def test_median_interval_is_not_negative(x):
    med, lo, hi, n = median_interval(x)
    assert n == len(x) and med >= 0
    if n > 1:
        assert 0 <= lo <= med <= hi


@settings(max_examples=40, deadline=None)
@given(d=st.lists(st.floats(-1, 1, allow_nan=False), min_size=2, max_size=15))
def test_paired_share_differences_stay_within_minus_one_and_one(d):
    m, lo, hi, _ = mean_interval(d, -1.0, 1.0)
    assert -1.0 <= lo <= m <= hi <= 1.0
    p = paired_p(d)
    assert 0.0 <= p <= 1.0


def test_interval_worked_answers():
    # Wilson, 0 of 3: centre (0 + z^2/6) / (1 + z^2/3), upper 2 * centre = 0.5615.
    assert wilson(0, 3)[2] == pytest.approx(0.5615, abs=1e-4)
    assert wilson(3, 3)[1] == pytest.approx(1 - 0.5615, abs=1e-4)
    # All values equal: the interval is that value; one value: no interval.
    assert mean_interval([2.0, 2.0, 2.0]) == (2.0, 2.0, 2.0, 3)
    assert math.isnan(mean_interval([2.0])[1])
    assert mean_interval([math.nan, 1.0, 3.0])[3] == 2  # n counts defined values
    # Holm: sorted p 0.01, 0.02, 0.04 times 3, 2, 1 -> 0.03, 0.04, 0.04 (monotone).
    assert holm([0.04, 0.01, math.nan, 0.02]).tolist()[:2] == pytest.approx([0.04, 0.03])
    assert math.isnan(holm([0.04, 0.01, math.nan, 0.02])[2])
    assert min_p(5) == pytest.approx(0.0625) and paired_p([0.0, 0.0]) == 1.0
    # Censored medians: 2 of 3 not recovered -> the median is unbounded.
    assert median_interval([5.0, math.inf, math.inf])[0] == math.inf


def test_number_formats():
    assert number(78912.4) == "78,900" and number(-9.51e-05) == "-0.0000951"
    assert number(math.nan) == "n/a" and number(311.0) == "311"
    assert number(3e-13) == number(-3e-13) == number(0.0) == "0"  # a zero sum's noise
    assert interval(0.52, 0.41, 0.63) == "0.520 (0.410 to 0.630)"
    assert interval(0.0123, 0.01, 0.02, scale=100) == "1.23 (1.00 to 2.00)"


def test_one_final_progress_bar():
    from tqdm import tqdm

    buf = io.StringIO()
    bar = tqdm(total=3, file=buf, mininterval=0, ascii=True)
    for _ in range(3):
        _advance(bar)
    bar.close()
    assert buf.getvalue().count("3/3") == 1
    assert _progress(3, 0, False).disable


def test_report_without_pairs_or_a_second_strategy(tmp_path):
    """A spec without counterfactual runs reports the absolute loss; one
    strategy gives no differences section; both still read as a report."""
    from viz.report import write_report

    spec = check_spec({"name": "plain", "strategies": ["status_quo"], "shocks": ["flood"],
                       "replicates": 2, "days": 25, "series": ["functionality"],
                       "fixed": {"population.n_households": 600}})
    store = execute(spec, tmp_path / "plain", executor="serial", progress=False)
    short = write_report(store).read_text()
    assert "Days of functioning lost (against before the shock)" in short
    text = (tmp_path / "plain" / "appendix.md").read_text()  # the full numbers
    assert "Absolute loss vs pre-onset Q0 (days)" in text and "## Provenance" in text
    assert "Loss vs no-shock run" not in text and "Paired differences" not in text
    assert "With 2 replicates" not in text  # no test is run, so nothing to warn about
