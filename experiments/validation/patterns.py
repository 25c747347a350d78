"""Patterns: the full model at its default parameters against events seen in real crises.

(a) a flood (Kobe 1995: most help comes from households and neighbours),
(b) a platform outage (the dashboard's illusion gap rises), (c) a city-wide
lockdown (neighbour aid runs dry, formal delivery does not). Each runs
`sim.model.ResilienceModel` under strategy status_quo; a failure is a finding
about the model, never a reason to tune it. Part of `experiments.validation`
(docs/validation.md, section 6).
"""

from __future__ import annotations

import math
import time

import numpy as np

from .report import FULL, PATTERN, Check, Sizes

KOBE_SOURCE = (
    "Great Hanshin-Awaji (Kobe) earthquake, 1995. University of Tokyo Institute of "
    "Socio-Information survey of Kobe and Nishinomiya residents: of 43 people rescued by "
    "others, 1 was rescued by police, fire brigade or Self-Defense Forces, i.e. about 96% of "
    "rescues were by residents (reported in Yoshii 1996, Toshi Bosai); Japan Association for "
    "Fire Science survey (1996): about two thirds of those trapped got out by themselves or "
    "with family, about 30% were rescued by friends, neighbours or passers-by; Shaw & Goda "
    "2004, Disasters 28(1)")
KOBE_OFFICIAL_SHARE = 1 / 43  # official rescuers' share of rescues by others (UTokyo survey)


PATTERN_DAYS = 60


def _model(shock: str, n: int, seed: int, days: int = PATTERN_DAYS):
    from scenarios import make_model  # imported here: the model is heavy to import

    return make_model("status_quo", shock, n_households=n, days=days, seed=seed)


def _event_window(model) -> tuple[int, int]:
    """(first day, one past the last day) of the shock's first event, recovery excluded."""
    ev = model.shock.events[0]
    return ev.start, ev.start + ev.days


def flood_help(n: int, seed: int) -> dict:
    """Essentials received by source over the flood days: city-wide (the daily
    series) and in the flooded grids only (read from the state each day)."""
    m = _model("flood", n, seed)
    start, stop = _event_window(m)
    flooded_grids = m.schedule.hazard[start] > 0.0
    h = m.state.households
    in_flood = flooded_grids[h.grid]
    flooded = dict.fromkeys(("self", "neighbours", "volunteers", "departments"), 0.0)
    while m.day < PATTERN_DAYS:
        d = m.day
        m.step()
        if start <= d < stop:
            flooded["self"] += float(h.bought_today[in_flood].sum())
            flooded["neighbours"] += float(h.aid_in_today[in_flood].sum())
            flooded["volunteers"] += float(h.volunteer_in_today[in_flood].sum())
            flooded["departments"] += float(h.department_in_today[in_flood].sum())
    df = m.series().iloc[start:stop]
    city = {"self": float(df["help_self_days"].sum()),
            "neighbours": float(df["help_neighbours_days"].sum()),
            "volunteers": float(df["help_volunteers_days"].sum()),
            "departments": float(df["help_departments_days"].sum())}
    return {"city": city, "flooded": flooded, "households_flooded": int(in_flood.sum()),
            "window": (start, stop - 1)}


def _share_community(h: dict) -> float:
    total = sum(h.values())
    return (h["self"] + h["neighbours"] + h["volunteers"]) / total if total else math.nan


def check_flood_pattern(sizes: Sizes = FULL) -> list[Check]:
    """(a) Sudden local disaster: most help in the first days is self-rescue and neighbours."""
    t0 = time.perf_counter()
    runs = [flood_help(sizes.households, s) for s in range(sizes.seeds)]
    agg = {scope: {k: float(np.mean([r[scope][k] for r in runs]))
                   for k in runs[0][scope]} for scope in ("city", "flooded")}
    share_city = _share_community(agg["city"])
    share_flooded = _share_community(agg["flooded"])
    ext_f = agg["flooded"]
    peer = ext_f["neighbours"] + ext_f["volunteers"]
    peer_share = peer / (peer + ext_f["departments"]) if peer + ext_f["departments"] else math.nan
    peer_by_seed = [(r["flooded"]["neighbours"] + r["flooded"]["volunteers"])
                    / max(1e-12, r["flooded"]["neighbours"] + r["flooded"]["volunteers"]
                          + r["flooded"]["departments"]) for r in runs]
    d0, d1 = runs[0]["window"]
    seconds = time.perf_counter() - t0
    common = {"households": sizes.households, "seeds": sizes.seeds,
              "flood days": f"{d0}-{d1}",
              "households in flooded grids": runs[0]["households_flooded"]}

    def row(h):
        return {f"{k} (days of essentials)": v for k, v in h.items()}

    main = Check(
        "Patterns (full model, status_quo defaults)",
        "(a) flood: help in the flood days comes mostly from households and neighbours",
        PATTERN, share_flooded > 0.5 and share_city > 0.5,
        "self + neighbours + volunteers > 50% of all essentials received in the flood days, "
        "both city-wide (the daily series) and in the flooded grids",
        KOBE_SOURCE,
        {**common, "community share, city-wide": share_city,
         "community share, flooded grids": share_flooded,
         **{f"flooded grids: {k}": v for k, v in row(agg["flooded"]).items()},
         **{f"city: {k}": v for k, v in row(agg["city"]).items()}},
        note=("Self-rescue here is mostly households buying their own essentials (including "
              "routine shopping at the cut supply and stocking up), so this share is large "
              "by construction; the stricter check below compares the help households get "
              "from others."),
        seconds=seconds)
    dept_share = 1.0 - peer_share
    agree = len({x > 0.5 for x in peer_by_seed}) == 1
    strict = Check(
        "Patterns (full model, status_quo defaults)",
        "(a') flood, stricter: help from others comes from neighbours and volunteers more "
        "than from departments", PATTERN, peer_share > 0.5,
        "in the flooded grids over the flood days, neighbours + volunteers > 50% of the "
        "essentials delivered by others (neighbours + volunteers + departments)",
        KOBE_SOURCE,
        {**common, "neighbours + volunteers share": peer_share,
         "share by seed": ", ".join(f"{x:.3f}" for x in peer_by_seed),
         "departments' share of help from others": dept_share,
         "Kobe: official rescuers' share of rescues by others": KOBE_OFFICIAL_SHARE,
         "neighbours": ext_f["neighbours"], "volunteers": ext_f["volunteers"],
         "departments": ext_f["departments"]},
        note=_flood_strict_note(peer_share > 0.5, agree, dept_share),
        seconds=0.0)
    return [main, strict]


def _flood_strict_note(passed: bool, seeds_agree: bool, dept_share: float) -> str:
    verdict = ("Borderline: the seeds fall on both sides of 50%. " if not seeds_agree else
               "" if passed else "Departments out-deliver neighbours and volunteers. ")
    return (verdict + f"Departments give {dept_share:.0%} of the help households get from "
            f"others, against about {KOBE_OFFICIAL_SHARE:.0%} of rescues in Kobe: each "
            "served case gets dept_delivery_days = 7 days of essentials at once, while "
            "neighbours give only what asking households still lack that day, keep "
            "aid_keep_days for themselves and are mostly flooded too (most ties of the "
            "layered network lie inside the household's own grid); status_quo has no "
            "volunteer coordination or chat groups. The model moves essentials, not "
            "rescues, so Kobe's shares are a loose yardstick here.")


def outage_gap(n: int, seed: int) -> dict:
    m = _model("platform_outage", n, seed)
    start, stop = _event_window(m)
    m.run()
    base = _model("none", n, seed)
    base.run()
    df, df0 = m.series(), base.series()
    gap = df["illusion_gap"].to_numpy()
    gap0 = df0["illusion_gap"].to_numpy()
    out = df.iloc[start:stop]
    return {"before": float(gap[:start].mean()), "during": float(gap[start:stop].mean()),
            "none_during": float(gap0[start:stop].mean()),
            "after": float(gap[stop:stop + 7].mean()),
            "true_before": float(df["true_need_share"][:start].mean()),
            "true_during": float(out["true_need_share"].mean()),
            "dash_during": float(out["dashboard_need_share"].mean()),
            "dash_during_range": float(out["dashboard_need_share"].max()
                                       - out["dashboard_need_share"].min()),
            "dept_during": float(out["help_departments_days"].mean()),
            "dept_none": float(df0["help_departments_days"][start:stop].mean()),
            "window": (start, stop - 1)}


def check_outage_pattern(sizes: Sizes = FULL) -> Check:
    """(b) Platform outage: the dashboard freezes, the illusion gap rises."""
    t0 = time.perf_counter()
    runs = [outage_gap(sizes.households, s) for s in range(sizes.seeds)]
    mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0] if k != "window"}
    rises = all(r["during"] > r["before"] and r["during"] > r["none_during"] for r in runs)
    d0, d1 = runs[0]["window"]
    return Check(
        "Patterns (full model, status_quo defaults)",
        "(b) platform outage: the dashboard's illusion gap rises", PATTERN, rises,
        "in every seed, mean illusion gap (true minus dashboard need share) during the outage "
        "exceeds its mean before the outage and its mean over the same days with no shock "
        "(same seed)",
        "the essay by 彭勃 (Peng Bo, Shanghai Jiao Tong University), "
        "【大國基理】保持基層治理韌性 促進經濟社會健康發展, column 大國基理 (大國新村): "
        'its claim of the "illusion of governance safety" (治理幻觉); a frozen dashboard '
        "cannot see new need (Platform phase 9)",
        {"households": sizes.households, "seeds": sizes.seeds, "outage days": f"{d0}-{d1}",
         "gap before (days 0-9)": mean["before"], "gap during outage": mean["during"],
         "gap, no shock, same days": mean["none_during"],
         "gap, week after": mean["after"],
         "during by seed": ", ".join(f"{r['during']:.4f}" for r in runs),
         "true need share before / during": f"{mean['true_before']:.4f} / "
                                            f"{mean['true_during']:.4f}",
         "dashboard during (frozen; max - min)": f"{mean['dash_during']:.4f} "
                                                 f"({mean['dash_during_range']:.4f})",
         "department deliveries/day during / no shock": f"{mean['dept_during']:.1f} / "
                                                        f"{mean['dept_none']:.1f}"},
        note=("The dashboard stays frozen at its last value while true need grows: with "
              "central dispatch (status_quo) no new case is sent to a department while the "
              "platform is down (deliveries fall to those dispatched before it: "
              f"{mean['dept_during']:.0f} a day against {mean['dept_none']:.0f} with no "
              "shock), so households in need wait. The gap is small in absolute terms "
              f"because only {mean['true_during']:.1%} of households are in need during the "
              "outage. After the outage the gap turns negative for a while: the dashboard "
              "resumes with cases still open from before."),
        seconds=time.perf_counter() - t0)


def lockdown_help(n: int, seed: int) -> dict:
    from scenarios import load_shock

    # the run covers the whole lockdown (65 days from day 10 since the lockdown as it ran),
    # so that its last week is inside the record
    first = load_shock("lockdown").events[0]
    m = _model("lockdown", n, seed, days=max(PATTERN_DAYS, first.start + first.days))
    start, stop = _event_window(m)
    m.run()
    df = m.series()
    early = df.iloc[start:start + 7]
    late = df.iloc[stop - 7:stop]
    before = df.iloc[start - 7:start]
    return {"neigh_early": float(early["help_neighbours_days"].mean()),
            "neigh_late": float(late["help_neighbours_days"].mean()),
            "neigh_before": float(before["help_neighbours_days"].mean()),
            "dept_early": float(early["help_departments_days"].mean()),
            "dept_late": float(late["help_departments_days"].mean()),
            "dept_before": float(before["help_departments_days"].mean()),
            "vol_early": float(early["help_volunteers_days"].mean()),
            "vol_late": float(late["help_volunteers_days"].mean()),
            "in_need_late": float(late["true_need_share"].mean()),
            "dept_full": float(m.state.department_capacity.sum()
                               * m.params.governance.dept_delivery_days),
            "window": (start, stop - 1)}


def check_lockdown_pattern(sizes: Sizes = FULL) -> Check:
    """(c) City-wide lockdown: neighbour aid runs dry, formal delivery does not."""
    t0 = time.perf_counter()
    runs = [lockdown_help(sizes.households, s) for s in range(sizes.seeds)]
    mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0] if k != "window"}
    ok = all(r["neigh_late"] <= 0.5 * r["neigh_early"] and r["dept_late"] >= 0.9 * r["dept_early"]
             for r in runs)
    d0, d1 = runs[0]["window"]
    return Check(
        "Patterns (full model, status_quo defaults)",
        "(c) lockdown: neighbour aid runs dry, formal delivery does not", PATTERN, ok,
        "in every seed, neighbour aid in the last lockdown week <= 50% of the first week's, "
        "and department deliveries in the last week >= 90% of the first week's",
        "Shanghai lockdown, spring 2022, as described in press accounts (qualitative, no "
        "survey): neighbours' sharing and group buying carried the first weeks, then home "
        "stocks ran low city-wide while official deliveries went on; in a city-wide shock "
        "ties have no outside surplus to draw on (cf. Aldrich 2012 on bonding, bridging and "
        "linking ties)",
        {"households": sizes.households, "seeds": sizes.seeds, "lockdown days": f"{d0}-{d1}",
         "neighbours, week before (days/day)": mean["neigh_before"],
         "neighbours, first week": mean["neigh_early"],
         "neighbours, last week": mean["neigh_late"],
         "departments, week before": mean["dept_before"],
         "departments, first week": mean["dept_early"],
         "departments, last week": mean["dept_late"],
         "volunteers, first week": mean["vol_early"], "volunteers, last week": mean["vol_late"],
         "share in need, last week": mean["in_need_late"]},
        note=(f"In the last week departments deliver {mean['dept_late']:.0f} days of "
              f"essentials a day, {mean['dept_late'] / mean['dept_full']:.0%} of their "
              f"full capacity ({mean['dept_full']:.0f}: 4 departments x "
              "dept_capacity_per_10k x dept_delivery_days), while "
              f"{mean['in_need_late']:.0%} of households are in need: "
              + ("formal delivery holds up but covers a small part of the need. "
                 if mean["dept_late"] >= 0.9 * mean["dept_early"] else
                 "formal delivery does not hold up (the city warehouse, which feeds both "
                 "department trips and food packages, runs dry). ")
              + "Volunteers deliver "
              f"{mean['vol_late']:.0f} a day by then, against {mean['vol_early']:.0f} in the "
              "first week."),
        seconds=time.perf_counter() - t0)

