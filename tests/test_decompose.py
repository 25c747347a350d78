"""`grassroots decompose`: Shapley values of the gap between two strategies.

The estimator's promises on toy value functions (exact: no model), then a
small real decomposition through the runner, and the refusals.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from experiments import decompose as dc
from grassroots.cli import main
from sim.params import LEVERS


def _values(n, f, seeds=3):
    """{coalition: per-seed values} of a set function f(coalition, seed) over n players."""
    return {frozenset(c): np.array([f(frozenset(c), r) for r in range(seeds)], dtype=float)
            for k in range(n + 1) for c in itertools.combinations(range(n), k)}


def test_every_lever_in_exactly_one_group():
    placed = [lv for g in dc.groups().values() for lv in g]
    assert sorted(placed) == sorted(LEVERS)


@pytest.mark.parametrize("n, sampled", [(4, False), (9, True)])
def test_toy_additive_case_recovered_exactly(n, sampled):
    effect = np.arange(1, n + 1) * (-1.0) ** np.arange(n) * 10.0
    perms = dc.orders(n, permutations=8, seed=3)
    assert (len(perms) == 8) == sampled
    att = dc.attribute([f"p{j}" for j in range(n)], perms,
                       _values(n, lambda c, r: 5.0 + r + sum(effect[j] for j in c)))
    np.testing.assert_allclose(att.shapley, effect, atol=1e-9)
    np.testing.assert_allclose(att.low, effect, atol=1e-9)  # no sampling noise at all
    assert att.interaction == pytest.approx(0.0, abs=1e-9)


def test_attributions_sum_to_the_total_exactly_with_interactions_and_sampling():
    n = 8
    rng = np.random.default_rng(0)
    table = {frozenset(c): rng.normal(size=3) * 50
             for k in range(n + 1) for c in itertools.combinations(range(n), k)}
    perms = dc.orders(n, permutations=6, seed=1)
    att = dc.attribute([str(j) for j in range(n)], perms, table)
    total = float((table[frozenset(range(n))] - table[frozenset()]).mean())
    assert att.total == total
    assert math.fsum(att.shapley) == pytest.approx(total, abs=1e-12)
    assert att.interaction == pytest.approx(total - att.alone.sum())


def test_a_lever_with_no_effect_gets_zero():
    # player 2 changes nothing; players 0 and 1 interact (only together do they act)
    att = dc.attribute(["a", "b", "dud"], dc.orders(3, 6),
                       _values(3, lambda c, r: 30.0 * (0 in c and 1 in c) + 4 * (0 in c) + r))
    assert att.shapley[2] == 0.0 and att.low[2] == 0.0 and att.high[2] == 0.0
    np.testing.assert_allclose(att.shapley[:2], [19.0, 15.0])
    assert att.interaction == pytest.approx(30.0)


def _dud_strategy(tmp_path):
    """community_resilience with depot access (a dud: nothing is pre-positioned) and a
    heavier reporting burden: two lever groups, one of which changes nothing."""
    b = tmp_path / "community_b.toml"
    b.write_text('name = "community_b"\nextends = "community_resilience"\n[governance]\n'
                 'depot_access = true\nreporting_burden = 0.6\n')
    return b


def test_a_real_decomposition_adds_up_and_a_dead_lever_gets_zero(tmp_path):
    # depot access without pre-positioning moves nothing (the depots stay empty), so its
    # group gets exactly 0 against a strategy file that differs from community_resilience
    # in it and in reporting burden only
    b = _dud_strategy(tmp_path)
    spec = dc.DecomposeSpec("community_resilience", str(b), "flood", households=1_000, days=40,
                            seeds=2)
    res = dc.run(spec, tmp_path / "out", executor="serial", progress=False)
    att = res["attribution"]
    assert set(att.names) == {"reporting and indicators", "stock pre-positioning"}
    dud = att.names.index("stock pre-positioning")
    assert att.shapley[dud] == 0.0
    assert math.fsum(att.shapley) == pytest.approx(att.total, abs=1e-9)
    assert (tmp_path / "out" / "decomposition.csv").is_file()
    assert "Which levers carry the gap" in dc.markdown(res)
    # the workshop app's explain mode reads the same folder
    from viz.components.decomposition import table_html
    from viz.decompose_data import load_decomposition

    d = load_decomposition(tmp_path / "out")
    assert (d.a, d.shock) == ("community_resilience", "flood")
    page = table_html(d.table)
    assert "reporting and indicators" in page and "interactions" in page
    from viz.decompose_figures import write_decomposition

    md = write_decomposition(res, tmp_path / "out", lang="zh")  # `decompose --lang zh`
    assert "哪些政策杠杆造成了差距" in md and "报送与考核指标" in md and "Shapley" not in md
    assert (tmp_path / "out" / "waterfall.png").stat().st_size > 1000
    zh = table_html(d.table, "zh")
    assert "报送与考核指标" in zh and "reporting" not in zh and d.worlds == 0


def _world_values(n, worlds, f):
    """({coalition: per-world values of f(coalition, world)}, per-world orders): every
    coalition valued in every world, as a world's own orders may pass through any."""
    perms = [dc.world_orders(n, w, seed=5) for w in range(worlds)]
    return _values(n, f, seeds=worlds), perms


def test_worlds_toy_additive_case_recovered_exactly():
    # each world has its own effects; the Shapley value of the mean gap is their mean,
    # whichever pair of orders each world draws
    n, worlds = 7, 5
    effect = np.random.default_rng(2).normal(size=(worlds, n)) * 20
    value, perms = _world_values(n, worlds, lambda c, w: 3.0 * w + sum(effect[w, j] for j in c))
    assert all(len(p) == 2 and p[1] == p[0][::-1] for p in perms)
    att = dc.attribute_worlds([f"p{j}" for j in range(n)], perms, value)
    np.testing.assert_allclose(att.shapley, effect.mean(axis=0), atol=1e-9)
    assert att.extra["worlds"] == worlds and att.orders == 2 * worlds
    assert att.interaction == pytest.approx(0.0, abs=1e-9)


def test_worlds_with_interactions_give_each_worlds_exact_shapley_value():
    # two players: a world's antithetic pair is every order, so each world's estimate
    # is its exact Shapley value, here with an interaction (only together: +c_w, split
    # evenly), and the result is their mean over the worlds
    worlds = 4
    a, b, c = np.array([3.0, -1, 5, 0]), np.array([2.0, 2, -4, 1]), np.array([6.0, 0, 2, -8])

    def v(coal, w):
        return a[w] * (0 in coal) + b[w] * (1 in coal) + c[w] * (0 in coal and 1 in coal)

    value, perms = _world_values(2, worlds, v)
    att = dc.attribute_worlds(["p", "q"], perms, value)
    np.testing.assert_allclose(att.shapley, [(a + c / 2).mean(), (b + c / 2).mean()],
                               atol=1e-12)
    assert att.interaction == pytest.approx(c.mean())
    assert att.low[0] <= att.shapley[0] <= att.high[0]


def test_an_outcome_undefined_in_a_world_is_a_clear_error():
    from sim.errors import SpecError

    value, perms = _world_values(3, 3, lambda c, w: float(len(c)))
    value[frozenset([0, 1, 2])][1] = np.nan  # e.g. a recovery time no run of world 1 has
    with pytest.raises(SpecError, match="world 1: the outcome is undefined"):
        dc.attribute_worlds(["a", "b", "c"], perms, value)


def test_worlds_attributions_sum_to_the_mean_gap_exactly():
    n, worlds = 8, 6
    rng = np.random.default_rng(4)
    table = {frozenset(c): rng.normal(size=worlds) * 50
             for k in range(n + 1) for c in itertools.combinations(range(n), k)}
    perms = [dc.world_orders(n, w, seed=1) for w in range(worlds)]
    att = dc.attribute_worlds([str(j) for j in range(n)], perms, table)
    gap = float((table[frozenset(range(n))] - table[frozenset()]).mean())
    assert att.total == pytest.approx(gap, abs=1e-12)
    assert math.fsum(att.shapley) == pytest.approx(gap, abs=1e-9)
    assert att.total_low <= gap <= att.total_high


def test_a_decomposition_over_worlds_runs_each_world_on_its_own_draws(tmp_path):
    # a dud group (depot access without pre-positioning) gets exactly 0 in every world;
    # the worlds draw the uncertainty table, so their gaps differ
    b = _dud_strategy(tmp_path)
    spec = dc.DecomposeSpec("community_resilience", str(b), "flood", households=1_000, days=30,
                            worlds=3)
    pl, perms, coals, tasks = dc.plan(spec)
    assert len(perms) == 3 and {t.replicate for t in tasks} == {0, 1, 2}
    assert {t.seed for t in tasks} == {1, 2, 3}
    drawn = [{k: v for k, v in t.params.items() if k.startswith("behaviour.")}
             for t in tasks if t.point == 0]
    assert drawn[0] != drawn[-1]  # world 0 and world 2 are different worlds
    res = dc.run(spec, tmp_path / "out", executor="serial", progress=False)
    att = res["attribution"]
    assert att.shapley[att.names.index("stock pre-positioning")] == 0.0
    assert math.fsum(att.shapley) == pytest.approx(att.total, abs=1e-9)
    assert "over 3 plausible worlds" in dc.markdown(res)


def test_ui_refuses_a_folder_that_is_not_a_decomposition(tmp_path, capsys):
    assert main(["ui", "--decomposition", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "not a finished decomposition folder" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("argv, words", [
    (["decompose", "top_down_digital", "nosuch", "--shock", "flood"], "unknown strategy 'nosuch'"),
    (["decompose", "top_down_digital", "community_resilience"], "needs --shock"),
    (["decompose", "top_down_digital", "community_resilience", "--shock", "nosuch"],
     "unknown shock 'nosuch'"),
    (["decompose", "community_resilience", "community_resilience", "--shock", "flood"],
     "set every lever the same"),
    (["decompose", "top_down_digital", "community_resilience", "--shock", "flood",
      "--worlds", "1"], "--worlds 1: allowed: a whole number from 2"),
    (["decompose", "top_down_digital", "community_resilience", "--shock", "flood",
      "--worlds", "4", "--seeds", "2"], "each world has its own seed"),
])
def test_refusals_are_one_clear_line(argv, words, capsys, tmp_path):
    assert main(argv + ["--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_waterfall_draws_an_interval_that_misses_its_estimate(tmp_path):
    """A percentile bootstrap over few seeds can leave the estimate outside its own
    interval; the waterfall draws it (its bar reaches the interval's near end) instead
    of failing, as it once did after a whole comparison had run."""
    from experiments.decompose import Attribution
    from viz.decompose_figures import save_waterfall

    att = Attribution(names=["a", "b"], total=3.0, total_low=3.5, total_high=4.0,
                      shapley=np.array([2.0, 1.0]), low=np.array([2.5, 0.5]),
                      high=np.array([3.0, 1.5]), alone=np.array([2.0, 1.0]), interaction=0.0,
                      orders=2, seeds=3, exact_orders=True)
    save_waterfall(att, tmp_path / "w.png", "t", "days")
    assert (tmp_path / "w.png").stat().st_size > 1000


def test_a_resume_refused_says_what_differs(tmp_path):
    """A folder holding another decomposition is refused on --resume, naming the
    option that differs (for instance the preset's values held, or the city size)."""
    import json

    from experiments.decompose import DecomposeSpec, run
    from sim.errors import SpecError

    spec = DecomposeSpec("top_down_digital", "community_resilience", "flood", households=600,
                         days=20, overrides=(("population.reserve_days", 9.0),))
    (tmp_path / "decompose.json").write_text(json.dumps(
        {"spec": {**spec.to_dict(), "households": 800, "overrides": []}}))
    with pytest.raises(SpecError, match=r"different decomposition \(households; overrides\)"):
        run(spec, tmp_path, resume=True, progress=False)

