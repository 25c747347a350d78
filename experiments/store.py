"""The results store: one folder per experiment, Parquet tables and a manifest.

    DIR/manifest.json      spec, tasks' parameters and seeds, versions, git commit
    DIR/runs.parquet       one row per run: inputs and outcomes
    DIR/series.parquet     run_id, day, metric, value (when the spec keeps series)
    DIR/parts/             one file per finished run while a sweep is under way

Each run is written atomically (temporary file, then rename), so a sweep
killed at any moment leaves only whole runs; `--resume` runs what is missing
and `compact()` folds the parts into the two tables, dropping duplicates.
Query with DuckDB (`query`) or load as DataFrames (`load`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import SpecError, shown
from sim.io import atomic_write, check_out_dir, is_dir, is_file, json_text, read_json, strict


class Store:
    """A results folder."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.parts = self.root / "parts"

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def manifest(self) -> dict[str, Any]:
        """The manifest; an error if the folder holds none."""
        if not is_dir(self.root):
            what = "it is a file" if is_file(self.root) else "it does not exist"
            raise SpecError(f"{shown(str(self.root), 200)} is not a results folder: {what}")
        if not is_file(self.manifest_path):
            raise SpecError(f"{shown(str(self.root), 200)} is not a results folder "
                            "(no manifest.json)")
        doc = read_json(self.manifest_path, SpecError, "manifest (manifest.json)")
        if not isinstance(doc, dict) or not isinstance(doc.get("spec"), dict):
            raise SpecError(f"{self.manifest_path}: not a results manifest (needs a spec)")
        return doc

    def discard_if_empty(self) -> None:
        """Remove what `open` wrote when no run has finished: the manifest, an
        empty parts/ folder and the folder itself if that leaves it empty. A
        command that failed before any run thus leaves nothing, and its rerun
        shows the real error, not 'already holds results'."""
        try:
            if self.done_ids():
                return
        except Exception:  # noqa: BLE001 - a broken part: keep everything for a look
            return
        for p in (self.manifest_path, self.root / "robustness.json"):
            if p.is_file():
                p.unlink()
        for d in (self.parts, self.root):
            try:
                d.rmdir()
            except OSError:
                pass

    def open(self, manifest: dict[str, Any], resume: bool) -> set[int]:
        """Prepare the folder for a sweep; return the run ids already done.

        A folder with results needs `resume`, and then the same spec."""
        check_out_dir(self.root)  # an unwritable folder is a message, before any run
        if self.manifest_path.is_file():
            old = self.manifest()
            if not resume:
                raise SpecError(f"{self.root} already holds results; use --resume to finish "
                                "them or choose another --out folder")
            a, b = old.get("spec") or {}, strict(manifest).get("spec") or {}
            if a != b:  # as written: NaN is null
                raise SpecError(f"{self.root} holds results of a different spec "
                                f"({spec_difference(a, b)}); resume needs the same spec")
        else:
            self.root.mkdir(parents=True, exist_ok=True)
            atomic_write(self.manifest_path,
                         lambda p: Path(p).write_text(json_text(manifest)))
        return self.done_ids()

    def done_ids(self) -> set[int]:
        """Run ids present in the compacted table or as parts."""
        done: set[int] = set()
        if (self.root / "runs.parquet").is_file():
            done |= set(pd.read_parquet(self.root / "runs.parquet", columns=["run_id"])
                        ["run_id"].tolist())
        if self.parts.is_dir():
            for f in self.parts.glob("runs-*.parquet"):
                done.add(int(f.stem.split("-")[1]))
        return done

    def write_run(self, run_id: int, row: dict[str, Any], series: pd.DataFrame | None) -> None:
        """One run's row (and series): the series first, so a row implies its series."""
        if series is not None and len(series):
            atomic_write(self.parts / f"series-{run_id:07d}.parquet",
                         lambda p: series.to_parquet(p, index=False))
        import pyarrow as pa
        import pyarrow.parquet as pq

        # straight to Arrow: half the time of a one-row DataFrame's to_parquet,
        # which is a few percent of a 5,000-household run (benchmarks/RESULTS.md)
        table = pa.Table.from_pylist([row])
        atomic_write(self.parts / f"runs-{run_id:07d}.parquet",
                     lambda p: pq.write_table(table, p))

    def compact(self) -> None:
        """Fold parts into runs.parquet and series.parquet (deduplicated, sorted)."""
        for table in ("runs", "series"):
            target = self.root / f"{table}.parquet"
            parts = sorted(self.parts.glob(f"{table}-*.parquet")) if self.parts.is_dir() else []
            if not parts:  # nothing new since the last compaction
                continue
            frames = [pd.read_parquet(target)] if target.is_file() else []
            frames += [pd.read_parquet(p) for p in parts]
            if not frames:
                continue
            df = pd.concat(frames, ignore_index=True)
            keys = ["run_id"] if table == "runs" else ["run_id", "day", "metric"]
            df = df.drop_duplicates(subset=keys, keep="last").sort_values(keys)
            atomic_write(target, lambda p, df=df: df.to_parquet(p, index=False))
            for p in parts:
                p.unlink()
        if self.parts.is_dir() and not any(self.parts.iterdir()):
            self.parts.rmdir()

    def files(self, table: str) -> list[Path]:
        """The Parquet files holding `table` ('runs' or 'series'): compacted and parts."""
        main = self.root / f"{table}.parquet"
        files = [main] if main.is_file() else []
        if self.parts.is_dir():
            files += sorted(self.parts.glob(f"{table}-*.parquet"))
        return files

    def load(self) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """(runs, series) as DataFrames, including parts not yet compacted."""
        out = []
        for table in ("runs", "series"):
            files = self.files(table)
            out.append(pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
                       if files else None)
        if out[0] is None:
            raise SpecError(f"{self.root} holds no finished runs yet")
        return out[0], out[1]

    def query(self, sql: str) -> pd.DataFrame:
        """Run one DuckDB SELECT over the views `runs` and `series`, read-only.

        The SQL must be one SELECT (WITH, FROM, VALUES, DESCRIBE and SUMMARIZE
        are SELECTs too); COPY, ATTACH, CREATE, SET, PRAGMA and the rest are
        refused before anything runs. The connection may read only this
        folder's Parquet files (`allowed_paths`), external access is off
        (`enable_external_access`) and the configuration locked
        (`lock_configuration`), so no query reads or writes any other file.
        Empty SQL, a missing table and a broken file each get one message."""
        import duckdb

        self.manifest()  # a clear error if this is not a results folder
        try:
            statements = duckdb.extract_statements(sql)
        except duckdb.Error as e:
            raise SpecError(f"query failed: {str(e).splitlines()[0][:300]}") from None
        if not statements:
            raise SpecError("query: the SQL is empty (or only comments); e.g. "
                            "\"SELECT strategy, avg(resilience_loss) FROM runs GROUP BY 1\"")
        kinds = [str(st.type).rsplit(".", 1)[-1] for st in statements]
        if kinds != ["SELECT"]:
            raise SpecError(f"query: give one SELECT statement, got {', '.join(kinds)}: "
                            "queries over results are read-only")
        files = {table: self.files(table) for table in ("runs", "series")}
        if not files["runs"]:
            raise SpecError(f"{self.root} holds no finished runs yet: there is no table to "
                            "query")
        con = duckdb.connect(":memory:")
        try:
            paths = [str(f.resolve()) for fs in files.values() for f in fs]
            con.execute("SET allowed_paths = " + _sql_list(paths))
            con.execute("SET enable_external_access = false")
            con.execute("SET autoinstall_known_extensions = false")
            con.execute("SET lock_configuration = true")
            for table, fs in files.items():
                if not fs:  # an empty file list is an error in DuckDB
                    continue
                for f in fs:
                    try:
                        con.execute("SELECT * FROM read_parquet("
                                    + _sql_string(str(f.resolve())) + ") LIMIT 0")
                    except duckdb.Error as e:
                        raise SpecError(f"{f}: not a readable Parquet file "
                                        f"({str(e).splitlines()[0][:160]}); the results "
                                        "folder is damaged") from None
                con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet("
                            + _sql_list([str(f.resolve()) for f in fs]) + ")")
            tables = " and ".join(t for t, fs in files.items() if fs)
            try:
                return con.execute(sql).df()
            except duckdb.CatalogException as e:
                raise SpecError(f"query failed: {str(e).splitlines()[0][:200]}; the tables of "
                                f"{self.root} are {tables}") from None
            except duckdb.Error as e:
                raise SpecError(f"query failed: {str(e).splitlines()[0][:300]} (queries "
                                f"read only the tables {tables})") from None
        finally:
            con.close()


def _sql_string(text: str) -> str:
    """`text` as an SQL string literal: single quotes doubled, nothing else special."""
    return "'" + text.replace("'", "''") + "'"


def _sql_list(texts: list[str]) -> str:
    """An SQL list of string literals."""
    return "[" + ", ".join(map(_sql_string, texts)) + "]"


def load(root: str | Path) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """`experiments.load(DIR)`: (runs, series) DataFrames of a results folder."""
    return Store(root).load()


def spec_difference(old: dict[str, Any], new: dict[str, Any], most: int = 4) -> str:
    """What differs between a folder's spec and this one, in a few words: the top-level
    keys, and inside a table (`fixed`, a robustness spec's `uncertain`) the entries, with
    the folder's value and this one's (a preset held or not, e.g. the calibrated default
    against `--params defaults`)."""
    parts = []
    for k in sorted(set(old) | set(new)):
        if old.get(k) == new.get(k):
            continue
        if isinstance(old.get(k), dict) and isinstance(new.get(k), dict):
            fo, fn = old[k], new[k]
            head = "" if k == "fixed" else f"{k}."  # held parameters read by their names
            parts += [f"{head}{name}: {fo.get(name, 'default')} in the folder, "
                      f"{fn.get(name, 'default')} now" for name in sorted(set(fo) | set(fn))
                      if fo.get(name) != fn.get(name)]
        else:
            parts.append(f"{k}")
    more = f" and {len(parts) - most} more" if len(parts) > most else ""
    return "; ".join(parts[:most]) + more

