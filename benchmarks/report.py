"""Reports: the results of a run as Markdown, and benchmarks/RESULTS.md.

`render_markdown` gives the targets table, one section per benchmark and the
machine; `write_results` puts a header with the targets (and notes on
noise) above it and writes RESULTS.md. Both read only the results dict, so
a recorded run (results.json) can be rendered again at any time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from benchmarks.config import HERE, STRATEGY
from benchmarks.district_build import render_district_build
from benchmarks.runner import CORES, QUIET_THRESHOLD, disturbed
from benchmarks.tables import load1, load_averages, load_cell, mib, si, table
from benchmarks.targets import check_targets
from benchmarks.threads_under_load import render_threads_under_load


def render_markdown(results: dict[str, Any]) -> str:
    """The results as Markdown: targets, one table per benchmark, the machine."""
    b = results.get("benchmarks", {})
    out: list[str] = []
    tick = {True: "yes", False: "**NO**", None: "n/a (size below target's)"}
    rows = [[t["target"], t["goal"], t["measured"], tick[t["met"]]]
            for t in check_targets(results)]
    out += ["### Targets", ""] + table(["target", "goal", "measured", "met"], rows) + [""]

    e = b.get("engine_throughput", {})
    if e.get("runs"):
        ident = {s["n_households"]: s["identical_daily"] and s["identical_state"]
                 for s in e["sizes"]}
        rows = [[f"{r['n_households']:,}", r["days"], r["threads"], f"{r['build_s']:.2f}",
                 f"{r.get('burn_in_s', 0.0):.2f}", f"{r['step_s']:.2f}",
                 si(r["household_steps_per_s"]),
                 si(r["household_steps_per_s_median"]), f"{r['mean_degree']:.1f}",
                 "yes" if ident[r["n_households"]] else "NO", load_cell(r)]
                for r in e["runs"]]
        out += [f"### engine_throughput ({e['strategy']}, {e['shock']})", ""]
        out += table(["households", "days", "threads", "build s", "burn-in s", "stepping s",
                       "household-steps/s (best)", "(median)", "mean degree",
                       "identical across threads", "other load"], rows)
        notes = sorted({r["note"] for r in e["runs"] if r.get("note")})
        reps = sorted({(r["n_households"], r["repeats"]) for r in e["runs"]})
        burn = e["runs"][0].get("burn_in_days", 0)
        out += ["", "Build = population + network + shock schedule; burn-in = the "
                f"{burn} unrecorded days the model runs on construction (not counted in "
                "household-steps/s, which is recorded days / stepping time). Best of "
                + ", ".join(f"{k} at {n:,}" for n, k in reps) + " repeats; warm-up "
                "(compile or cache load) excluded: "
                + ", ".join(f"{r['warmup_s']:.1f} s" for r in e["runs"][:1]) + " per process."]
        out += [f"Note: {x}." for x in notes] + [""]

    r = b.get("reference_throughput", {})
    if r.get("runs"):
        rows = []
        for x in r["runs"]:
            for t, v in x["numba"].items():
                rows.append([f"{x['n_households']:,}", x["days"],
                             f"{x['reference_step_s']:.2f}",
                             si(x["reference_household_steps_per_s"]), t,
                             f"{v['step_s']:.4f}", si(v["household_steps_per_s"]),
                             f"{v['speedup']:.0f}x",
                             "yes" if v["agrees_with_reference"] else "NO", load_cell(x)])
        out += ["### reference_throughput", ""]
        out += table(["households", "days", "reference s", "reference hh-steps/s",
                       "numba threads", "numba s", "numba hh-steps/s", "numba/reference",
                       "same daily series", "other load"], rows)
        out += ["", f"Note: {r['note']}.", ""]

    p = b.get("phase_times", {})
    if p.get("phases_s"):
        hs = p["n_households"] * p["days"]
        rows = [[k, f"{v:.3f}", f"{p['share'][k]:.1%}", f"{v / hs * 1e9:.1f}"]
                for k, v in p["phases_s"].items()]
        rows.append(["**total**", f"{p['total_s']:.3f}", "100%", f"{p['total_s'] / hs * 1e9:.1f}"])
        out += [f"### phase_times ({p['n_households']:,} households x {p['days']} days, "
                f"{p['threads']} threads; other load {load_cell(p)} cores)", ""]
        out += table(["phase", "seconds", "share", "ns per household-day"], rows) + [""]

    m = b.get("memory", {})
    if "peak_rss" in m:
        rows = [["households x days", f"{m['n_households']:,} x {m['days']}"],
                ["peak RSS (build + run)", mib(m["peak_rss"])],
                ["peak RSS after build only", mib(m["peak_rss_after_build"])],
                ["RSS after the run", mib(m["rss_after_run"])],
                ["baseline peak RSS (imports + compiled kernels)", mib(m["baseline_peak_rss"])],
                ["peak RSS per household, minus baseline",
                 f"{m['peak_rss_per_household']:.0f} B"],
                ["RSS per household after the run (steady), minus RSS before the build",
                 f"{m['steady_rss_per_household']:.0f} B"],
                ["the same after glibc malloc_trim(0) (live memory)",
                 "n/a" if m.get("live_rss_per_household") is None
                 else f"{m['live_rss_per_household']:.0f} B"],
                ["state arrays per household (state.nbytes()/n)",
                 f"{m['state_bytes_per_household']:.0f} B"],
                ["CSR arrays per household (indptr+indices+weight)",
                 f"{m['csr_bytes_per_household']:.0f} B (mean degree {m['mean_degree']:.1f})"]]
        if "save_s" in m:
            rows += [["snapshot (included in the peak): saved, file per household",
                      f"{m['save_s']:.2f} s, {m['snapshot_file_bytes_per_household']:.0f} B"],
                     ["snapshot read back into a new model", f"{m['restore_s']:.2f} s"]]
        out += ["### memory", ""] + table(["measure", "value"], rows) + [""]

    f = b.get("fork_speedup", {})
    if "forked_s" in f:
        rows = [[f"{f['runs']} ({STRATEGY}, 6 shocks and none)",
                 f"{f['n_households']:,} x {f['days']}", f"{f['straight_s']:.2f}",
                 f"{f['forked_s']:.2f}", f"{f['speedup']:.2f}x",
                 "yes" if f["identical"] else "NO"]]
        out += ["### fork_speedup", ""] + table(
            ["runs", "households x days", "straight s", "forked s", "speed-up",
             "identical series"], rows)
        out += ["", "One strategy and seed under every shock and without one, as "
                "`grassroots compare` runs them: straight through (each its own 395-day "
                "warm-up and tenure) and forked from one shared past (sim/fork.py), "
                "side by side in one process.", ""]

    s = b.get("startup", {})
    if "cached_s" in s:
        rows = [["cold (empty Numba cache)",
                 "skipped" if s["cold_s"] is None else f"{s['cold_s']:.2f} s"],
                ["cached (second of two runs)", f"{s['cached_s']:.2f} s"],
                ["second runs (retaken while other work ran)",
                 ", ".join(f"{x:.2f} s (other load {load1(y)})"
                           for x, y in zip(s["cached_runs_s"], s["cached_other_load_all"],
                                           strict=True))]]
        out += ["### startup", "", f"`{s['command']}`; {s['cache']}.", ""]
        out += table(["run", "wall time"], rows) + [""]

    a = b.get("sir_anchor", {})
    if a.get("runs"):
        rows = [[f"{x['n_nodes']:,}", x["steps"], x["threads"], f"{x['mean_degree']:.1f}",
                 f"{x['step_s']:.2f}", si(x["node_steps_per_s"]),
                 si(x["engine_household_steps_per_s"]),
                 "n/a" if x["engine_over_anchor"] is None else f"{x['engine_over_anchor']:.3f}",
                 load_cell(x)] for x in a["runs"]]
        out += ["### sir_anchor", ""]
        out += table(["nodes", "steps", "threads", "mean degree", "seconds", "node-steps/s",
                       "engine hh-steps/s", "engine / anchor", "other load"], rows)
        st = a["starsim"]
        star = (f"{si(st['agent_steps_per_s'])} agent-steps/s (Starsim {st['version']}, "
                f"{st['network']}, {st['steps']} steps)" if st["status"] == "ok"
                else st["status"])
        out += ["", f"Starsim SIR: {star}.", ""]

    w = b.get("sweep_throughput", {})
    if w.get("runs"):
        rows = [[x["executor"], x["workers"], f"{w['n_runs']}",
                 f"{w['n_households']:,} x {w['days']}", f"{x['wall_s']:.1f}",
                 f"{x['runs_per_min']:.0f}"] for x in w["runs"]]
        out += ["### sweep_throughput", ""]
        out += table(["executor", "workers", "runs", "households x days", "wall s",
                       "runs per minute"], rows)
        if "headline_compare_s" in w:
            out += ["", f"`grassroots compare` (4 strategies x 6 shocks x 20 replicates, "
                    f"10,000 households, 180 days, report and figures): "
                    f"{w['headline_compare_s']:.0f} s."]
        out += ["", "Wall time includes starting the workers and warming their kernels.", ""]

    pl = b.get("page_load", {})
    if pl.get("status") == "ok":
        out += ["### page_load", "",
                f"The workshop page (`grassroots ui --offline-assets`) in chromium with every "
                f"request outside the server blocked, 2,000 households: seconds from opening "
                f"to usable (Next day button and every chart shown), {pl['pages']} sessions "
                f"one after another: {', '.join(f'{x:.2f}' for x in pl['seconds'])} "
                f"(the first also builds the server's first session). Outside requests "
                f"blocked: {pl['outside_requests_blocked']}.", ""]
    elif pl.get("status") == "skipped":
        out += ["### page_load", "", f"Skipped: {pl['reason']}.", ""]
    db = b.get("district_build", {})
    if db.get("read_s") is not None:
        out += render_district_build(db)
    tl = b.get("threads_under_load", {})
    if tl.get("runs"):
        out += render_threads_under_load(tl)

    failed = [(k, v["error"]) for k, v in b.items() if "error" in v]
    if failed:
        out += ["### Failed", ""] + [f"- {k}: `{v.splitlines()[0]}`" for k, v in failed] + [""]

    load = [[k, str(v.get("date", "")), str(v.get("commit") or "not recorded")[:12],
             f"{v['wall_s']:.0f} s",
             "n/a" if v.get("other_load_cores") is None else f"{v['other_load_cores']:.2f}"]
            for k, v in b.items()]
    out += ["### Machine", ""] + table(["", ""], _machine_rows(results))
    out += ["", "When each benchmark started, the commit it measured, its wall time, and "
            "CPU used by other work on the machine meanwhile, in cores (\"other load\" "
            "in the tables above is the same, per "
            "measurement: a run using every core is disturbed above about "
            f"{QUIET_THRESHOLD} of it, a 1-thread run above about "
            f"{CORES - 1 + QUIET_THRESHOLD:g}):", ""]
    out += table(["benchmark", "started (UTC)", "commit", "wall", "other load (cores)"], load)
    return "\n".join(out) + "\n"


def _machine_rows(results: dict[str, Any]) -> list[list[str]]:
    """The rows of the Machine table: CPU, RAM, OS, versions, date, commit, load."""
    mi = results.get("machine", {})
    v = mi.get("versions", {})
    dirty = mi.get("git_uncommitted_outside_benchmarks") or []
    commit = (mi.get("git_commit") or "?")[:12]
    if dirty:
        commit += f" (+ uncommitted changes to {len(dirty)} file(s) outside benchmarks/)"
    return [["CPU", f"{mi.get('cpu')} ({mi.get('cores')} cores, "
             f"{mi.get('cores_usable')} usable)"],
            ["RAM", mib(mi.get("ram_bytes"))],
            ["OS", str(mi.get("os"))],
            ["Python", str(mi.get("python"))],
            ["numpy / numba / mesa / networkx",
             " / ".join(str(v.get(k)) for k in ("numpy", "numba", "mesa", "networkx"))],
            ["date (UTC)", str(mi.get("date"))],
            ["git commit", commit],
            ["load average at start / end", f"{load_averages(mi.get('load_average'))} / "
             f"{load_averages(mi.get('load_average_end'))}"],
            ["suite", f"{results.get('config', {}).get('name')} run, "
             f"{results.get('wall_s', 0):.0f} s"]]


def _is_disturbed(obj: Any) -> bool:
    """Whether any measurement kept in a benchmark's result was disturbed by other work."""
    if isinstance(obj, dict):
        if "waited_for_quiet_s" in obj and disturbed(obj.get("other_load_cores"),
                                                      obj.get("threads")):
            return True  # a worker's measurement
        if "cached_s" in obj:  # startup
            loads = obj.get("cached_other_load_all") or [None]
            load = obj.get("cached_other_load_cores", min((x or 0.0) for x in loads))
            if disturbed(load) or disturbed(obj.get("cold_other_load_cores")):
                return True
        return any(_is_disturbed(v) for v in obj.values())
    if isinstance(obj, list):
        return any(_is_disturbed(v) for v in obj)
    return False


RESULTS_HEADER = """\
# Benchmark results

Written by `python -m benchmarks --write-results` from the latest run; do not
edit by hand (benchmarks/README.md says what each benchmark measures).

Targets:

- **Throughput**: at least 10 million household-steps per second for the full
  model (strategy status_quo, shock flood) at 1 million households.
- **Against the reference**: the Numba engine at least 200 times as fast as the
  reference engine (plain Mesa agents) at 10,000 households.
- **Memory**: at most 400 bytes per household, plus the network's CSR arrays.
- **Start-up**: a fresh process that imports the model and runs 1,000
  households for 5 days takes at most 3 s once the kernels are cached.
- **Determinism**: identical daily results and final state at 1 and 2 threads.
"""


# RESULTS.md from this heading on is measured by other scripts (for example
# benchmarks/robustness_throughput.py) and kept when the suite rewrites the file.
KEPT = "## Measured separately"


def write_results(results: dict[str, Any], path: str | os.PathLike = HERE / "RESULTS.md",
                  notes: list[str] | None = None) -> Path:
    """Rewrite RESULTS.md: header with the targets, then the latest run."""
    cfg = results.get("config", {}).get("name")
    head = [RESULTS_HEADER]
    if cfg != "full":
        head.append(f"**This is a `{cfg}` run at small sizes: its numbers do not test the "
                    "targets.**\n")
    b = results.get("benchmarks", {})
    noisy = [k for k, v in b.items() if k != "memory" and _is_disturbed(v)]
    if noisy:
        head.append("**Noise**: other work competed for the CPU during some measurements of "
                    + ", ".join(noisy) + " (the \"other load\" columns; the machine has "
                    f"{results.get('machine', {}).get('cores')} cores and is shared), so "
                    "those timings may be low.\n")
    dates = sorted({str(v.get("date", ""))[:16] for v in b.values()})
    if results.get("updated"):
        head.append(f"Some benchmarks were retaken later (`--update`): the run spans "
                    f"{dates[0]} to {dates[-1]} UTC; the last table dates each one.\n")
    head += [f"{x}\n" for x in notes or []]
    date = results.get("machine", {}).get("date", "")
    text = "\n".join(head) + f"\n## Latest run ({date})\n\n" + render_markdown(results)
    path = Path(path)
    if path.is_file():  # sections measured by other scripts stay across rewrites
        old = path.read_text()
        if KEPT in old:
            text = text.rstrip("\n") + "\n\n" + old[old.index(KEPT):]
    path.write_text(text)
    return path
