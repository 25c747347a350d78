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

import json
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import SpecError
from sim.io import atomic_write, check_out_dir, json_text, strict


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
        if not self.manifest_path.is_file():
            raise SpecError(f"{self.root} is not a results folder (no manifest.json)")
        return json.loads(self.manifest_path.read_text())

    def open(self, manifest: dict[str, Any], resume: bool) -> set[int]:
        """Prepare the folder for a sweep; return the run ids already done.

        A folder with results needs `resume`, and then the same spec."""
        check_out_dir(self.root)  # an unwritable folder is a message, before any run
        if self.manifest_path.is_file():
            old = self.manifest()
            if not resume:
                raise SpecError(f"{self.root} already holds results; use --resume to finish "
                                "them or choose another --out folder")
            if old.get("spec") != strict(manifest).get("spec"):  # as written: NaN is null
                raise SpecError(f"{self.root} holds results of a different spec; "
                                "resume needs the same spec")
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
        """Run DuckDB SQL over the views `runs` and `series`."""
        import duckdb

        self.manifest()  # a clear error if this is not a results folder
        con = duckdb.connect()
        for table in ("runs", "series"):
            files = [str(f) for f in self.files(table)]
            if files:  # an empty file list is an error in DuckDB
                con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({files!r})")
        try:
            return con.execute(sql).df()
        except duckdb.Error as e:
            raise SpecError(f"query failed: {e}") from None
        finally:
            con.close()


def load(root: str | Path) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """`experiments.load(DIR)`: (runs, series) DataFrames of a results folder."""
    return Store(root).load()
