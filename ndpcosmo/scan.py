"""Bound tables: (M_N, mu_nu) grids per reheating temperature, chunked, checkpointed, on any executor.

A scan is described by a TOML config (``ScanConfig.from_file``; the default tables' configs are in
``tables/``)::

    output = "default"                    # <output>.csv and <output>.png, relative to the config
    data = "bbn,cmb,firas"                # likelihoods.combined data names
    planck_dir = ""                       # else $NDPCOSMO_PLANCK_DIR, else the shipped compressed Planck
    nature = "dirac"
    flavour = "mu"
    reheating = "instantaneous"           # optional, or "perturbative" (DipolePortal)
    cw_over_cb = 0.0                      # optional: C_NW / C_NB above the electroweak crossover
    T_RH_mev = ["none", 1000.0, 100.0, 10.0, 5.0]
    chunk = 250                           # points per task and per checkpoint file
    [precision]                           # optional: Precision fields other than the defaults
    history_rtol = 1e-5
    [mass_mev]
    min = 0.01
    max = 300.0
    points = 100                          # log-spaced
    [mu_muB]
    min = 1e-14
    max = 1e-8
    points = 100

Each point runs the chain once (at omega_b = 0.02242, tau_n at its prior mean) and is judged with the
fast omega_b profile (``likelihoods.fast``): chi^2 and Delta chi^2 against the SM per probe and combined,
excluded at 95 % CL when Delta chi^2 > 3.84. Points are numbered in a fixed order (T_RH, then M, then
mu); chunks of ``chunk`` points are computed by local processes (default) or a dask.distributed cluster
(``scheduler``), and each finished chunk is written atomically to ``<output>.checkpoint/``. An
interrupted scan, run again, computes only the missing chunks; the merged table is the same as an
uninterrupted run's. A point that fails is a row with ``status`` = the error, counted and reported.
"""

from __future__ import annotations

import csv
import io
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .likelihoods.combined import parse_data
from .likelihoods.data import resolve
from .model import (
    FLAVOURS,
    MASS_RANGE_MEV,
    MU_RANGE_MUB,
    NATURES,
    PERTURBATIVE_T_RH_MIN_MEV,
    REHEATINGS,
    T_RH_RANGE_MEV,
    DipolePortal,
)

COLUMNS: tuple[str, ...] = (
    "mass_mev",
    "mu_muB",
    "T_RH_mev",
    "tau_s",
    "T_dec_mev",
    "neff_bbn",
    "neff_cmb",
    "Yp",
    "D_H",
    "chi2_bbn",
    "chi2_cmb",
    "chi2_total",
    "delta_chi2_bbn",
    "delta_chi2_cmb",
    "delta_chi2_total",
    "omega_b_best",
    "excluded_bbn",
    "excluded_cmb",
    "excluded",
    "status",
)
"""The table's columns (T_RH_mev empty for no reheating limit; chi2_* profiled over omega_b, delta_chi2_*
against the SM's; excluded_* true when delta_chi2 > 3.84; status 'ok' or the failure)."""


def _axis(name: str, spec: object, allowed: tuple[float, float]) -> np.ndarray:
    if not isinstance(spec, dict) or set(spec) != {"min", "max", "points"}:
        raise ValueError(f"{name} = {spec!r}: a table with min, max and points")
    lo, hi, n = spec["min"], spec["max"], spec["points"]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lo, hi, n)):
        raise ValueError(f"{name}: min, max and points must be numbers")
    if not (allowed[0] <= lo <= hi <= allowed[1]):
        raise ValueError(f"{name}: min = {lo}, max = {hi}: need {allowed[0]:g} <= min <= max <= {allowed[1]:g}")
    if int(n) != n or n < 1 or (n == 1 and lo != hi):
        raise ValueError(f"{name}.points = {n}: an integer >= 1 (1 only when min = max)")
    return np.geomspace(lo, hi, int(n))


def read_config(path: str | os.PathLike, **overrides: object) -> dict[str, object]:
    """A TOML config as a dict, with ``overrides`` (those not None) replacing its keys."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ValueError(f"config {path}: cannot be read as TOML: {err}") from err
    raw.update({k: v for k, v in overrides.items() if v is not None})
    return raw


@dataclass(frozen=True)
class ScanConfig:
    """A validated scan (see the module docstring)."""

    output: Path
    data: tuple[str, ...]
    masses_mev: np.ndarray = field(repr=False)
    mus_muB: np.ndarray = field(repr=False)
    T_RH_mev: tuple[float | None, ...]
    nature: str = "dirac"
    flavour: str = "mu"
    reheating: str = "instantaneous"
    cw_over_cb: float = 0.0
    planck_dir: str | None = None
    chunk: int = 250
    processes: int | None = None
    scheduler: str | None = None
    precision: dict[str, object] = field(default_factory=dict)
    """``Precision`` fields that differ from the defaults (e.g. history_rtol)."""

    def task(self, index: int, points: list[tuple[float, float, float | None]]) -> ChunkTask:
        """The worker's task for these (M, mu, T_RH) points with this scan's data, model and precision."""
        return ChunkTask(
            index,
            points,
            self.data,
            self.planck_dir,
            self.nature,
            self.flavour,
            self.precision,
            self.reheating,
            self.cw_over_cb,
        )

    @classmethod
    def from_file(cls, path: str | os.PathLike, **overrides: object) -> ScanConfig:
        return cls.from_dict(read_config(path, **overrides), Path(path).parent)

    @classmethod
    def from_dict(cls, raw: dict[str, object], base: str | os.PathLike = ".") -> ScanConfig:
        allowed = {
            "output",
            "data",
            "planck_dir",
            "nature",
            "flavour",
            "reheating",
            "cw_over_cb",
            "T_RH_mev",
            "chunk",
            "processes",
            "scheduler",
            "mass_mev",
            "mu_muB",
            "precision",
            "contours",  # the refinement settings of ``ndpcosmo contours`` (refine), not used by a scan
        }
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise ValueError(f"config: unknown keys {unknown}; allowed {sorted(allowed)}")
        if not isinstance(raw.get("output"), str) or not raw["output"]:
            raise ValueError(f"output = {raw.get('output')!r}: a file name (no extension) for the table")
        output = Path(base) / str(raw["output"])
        if not output.parent.is_dir():
            raise ValueError(f"output = {raw['output']!r}: the directory {output.parent} does not exist")
        data = parse_data(raw.get("data", "bbn,cmb,firas"))
        if "cmb_full" in data:
            raise ValueError("data: scans take 'bbn', 'cmb' and 'firas' ('cmb_full' needs classy at every point)")
        nature, flavour = raw.get("nature", "dirac"), raw.get("flavour", "mu")
        if nature not in NATURES:
            raise ValueError(f"nature = {nature!r}: allowed {NATURES}")
        if flavour not in FLAVOURS:
            raise ValueError(f"flavour = {flavour!r}: allowed {FLAVOURS}")
        reheating = raw.get("reheating", "instantaneous")
        if reheating not in REHEATINGS:
            raise ValueError(f"reheating = {reheating!r}: allowed {REHEATINGS}")
        trh_raw = raw.get("T_RH_mev", ["none"])
        if not isinstance(trh_raw, list) or not trh_raw:
            raise ValueError(f"T_RH_mev = {trh_raw!r}: a list of temperatures in MeV or 'none'")
        trh: list[float | None] = []
        for value in trh_raw:
            if value == "none":
                trh.append(None)
            elif isinstance(value, int | float) and T_RH_RANGE_MEV[0] <= value <= T_RH_RANGE_MEV[1]:
                trh.append(float(value))
            else:
                raise ValueError(
                    f"T_RH_mev: {value!r} is neither 'none' nor a temperature in "
                    f"[{T_RH_RANGE_MEV[0]:g}, {T_RH_RANGE_MEV[1]:g}] MeV"
                )
        if reheating == "perturbative" and any(t is None or t < PERTURBATIVE_T_RH_MIN_MEV for t in trh):
            raise ValueError(
                f"reheating = 'perturbative' needs every T_RH_mev >= {PERTURBATIVE_T_RH_MIN_MEV:g} MeV (no 'none'); "
                f"got {trh_raw!r}"
            )
        cw_over_cb = raw.get("cw_over_cb", 0.0)
        DipolePortal(1.0, 1e-10, cw_over_cb=cw_over_cb)  # its own check, with the allowed range
        chunk = raw.get("chunk", 250)
        if not isinstance(chunk, int) or chunk < 1:
            raise ValueError(f"chunk = {chunk!r}: an integer >= 1")
        processes = raw.get("processes")
        if processes is not None and (not isinstance(processes, int) or processes < 1):
            raise ValueError(f"processes = {processes!r}: an integer >= 1 (or absent: all cores)")
        precision = dict(raw.get("precision") or {})
        if "bbn_errors" in precision:
            raise ValueError("precision.bbn_errors: scans take the theory errors from the likelihood (none here)")
        try:
            from .model import Precision

            Precision(**precision)
        except TypeError as err:
            raise ValueError(f"precision = {precision!r}: {err}") from err
        scheduler = raw.get("scheduler") or None
        planck_dir = raw.get("planck_dir") or None
        return cls(
            output=output,
            data=data,
            masses_mev=_axis("mass_mev", raw.get("mass_mev"), MASS_RANGE_MEV),
            mus_muB=_axis("mu_muB", raw.get("mu_muB"), MU_RANGE_MUB),
            T_RH_mev=tuple(trh),
            nature=str(nature),
            flavour=str(flavour),
            reheating=str(reheating),
            cw_over_cb=float(cw_over_cb),
            planck_dir=None if planck_dir is None else str(Path(base) / str(planck_dir)),
            chunk=chunk,
            processes=processes,
            scheduler=None if scheduler is None else str(scheduler),
            precision=precision,
        )

    def points(self) -> list[tuple[float, float, float | None]]:
        """Every (M_N, mu, T_RH), in the table's order."""
        return [(float(m), float(u), t) for t in self.T_RH_mev for m in self.masses_mev for u in self.mus_muB]

    def chunks(self) -> list[list[tuple[float, float, float | None]]]:
        pts = self.points()
        return [pts[i : i + self.chunk] for i in range(0, len(pts), self.chunk)]

    @property
    def checkpoint_dir(self) -> Path:
        return Path(f"{self.output}.checkpoint")

    def identity(self) -> str:
        """What a resumed scan must share with its checkpoints."""
        return repr(
            (
                self.data,
                self.masses_mev.tolist(),
                self.mus_muB.tolist(),
                self.T_RH_mev,
                self.nature,
                self.flavour,
                *(() if self.reheating == "instantaneous" else (self.reheating,)),
                *(() if self.cw_over_cb == 0.0 else (("cw_over_cb", self.cw_over_cb),)),
                self.chunk,
                sorted(self.precision.items()),
            )
        )


@dataclass(frozen=True)
class ChunkTask:
    """What a worker needs to compute one chunk (picklable; no state shared with the driver)."""

    index: int
    points: list[tuple[float, float, float | None]]
    data: tuple[str, ...]
    planck_dir: str | None
    nature: str
    flavour: str
    precision: dict[str, object] = field(default_factory=dict)
    reheating: str = "instantaneous"
    cw_over_cb: float = 0.0


def compute_chunk(task: ChunkTask) -> tuple[int, list[dict[str, object]]]:
    """The table rows of one chunk (runs in a worker: builds its likelihood and profiler itself)."""
    import warnings

    from .likelihoods.combined import CombinedLikelihood, default_cosmology
    from .likelihoods.fast import FastProfiler
    from .model import DipolePortal, Precision
    from .pipeline import run

    warnings.simplefilter("ignore")
    likelihood = CombinedLikelihood.create(task.data, planck_dir=task.planck_dir)
    profiler = FastProfiler.create(likelihood)
    cosmology, precision = default_cosmology(likelihood), Precision(**{**task.precision, "bbn_errors": "none"})
    rows = []
    for mass, mu, trh in task.points:
        row: dict[str, object] = {"mass_mev": mass, "mu_muB": mu, "T_RH_mev": trh}
        try:
            model = DipolePortal(
                mass,
                mu,
                nature=task.nature,
                flavour=task.flavour,
                T_RH_mev=trh,
                reheating=task.reheating,
                cw_over_cb=task.cw_over_cb,
            )
            result = run(model, cosmology, precision)
            verdict = profiler.assess(result)
            row.update(
                tau_s=model.tau_s,
                T_dec_mev=result.abundance.T_dec_mev,
                neff_bbn=result.history.neff_bbn,
                neff_cmb=result.history.neff_cmb,
                Yp=result.final.Yp_bbn,
                D_H=result.final.D_H,
                omega_b_best=verdict["omega_b_best"]["total"],
                status="ok",
            )
            for probe in ("bbn", "cmb", "total"):
                if probe in verdict["chi2"]:
                    row[f"chi2_{probe}"] = verdict["chi2"][probe]
                    row[f"delta_chi2_{probe}"] = verdict["delta_chi2"][probe]
            row.update(
                excluded_bbn=verdict["excluded"].get("bbn"),
                excluded_cmb=verdict["excluded"].get("cmb"),
                excluded=verdict["excluded"]["total"],
            )
        except Exception as err:  # noqa: BLE001 - a scan never stops on one point
            row["status"] = f"failed: {type(err).__name__}: {err}".replace("\n", " ")
        rows.append(row)
    return task.index, rows


def _format(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return "inf" if math.isinf(value) else f"{float(value):.7g}"  # 7 significant digits
    return str(value)


def _write_rows(path: Path, rows: list[dict[str, object]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([_format(row.get(c)) for c in COLUMNS])
    tmp = path.with_suffix(".tmp")
    tmp.write_text(buffer.getvalue())
    os.replace(tmp, path)


@dataclass(frozen=True)
class ScanResult:
    table: Path
    plot: Path | None
    points: int
    failed: int
    computed_chunks: int
    seconds: float

    def report(self) -> str:
        return (
            f"{self.table}: {self.points} points ({self.failed} failed), {self.computed_chunks} chunks computed "
            f"in this run, {self.seconds:.0f} s"
        )


def claim_checkpoint(directory: Path, identity: str, what: str) -> None:
    """Make ``directory`` this run's checkpoint, refusing one stamped with another identity."""
    directory.mkdir(exist_ok=True)
    stamp = directory / "identity"
    if stamp.exists() and stamp.read_text() != identity:
        raise ValueError(f"{directory} holds {what}: move it away or choose another output")
    stamp.write_text(identity)


def run_scan(config: ScanConfig, progress: bool = True, client=None) -> ScanResult:
    """Compute the missing chunks, then merge the table and draw the plot. ``client``: a
    dask.distributed Client to use instead of ``config.scheduler`` or local processes."""
    start = time.perf_counter()
    checkpoint = config.checkpoint_dir
    claim_checkpoint(checkpoint, config.identity(), "chunks of another scan (grid, data, model or chunk size differ)")
    chunks = config.chunks()
    missing = [config.task(i, pts) for i, pts in enumerate(chunks) if not (checkpoint / f"chunk-{i:05d}.csv").exists()]
    for index, rows in _execute(config, missing, progress, client):
        _write_rows(checkpoint / f"chunk-{index:05d}.csv", rows)
    table, failed = _merge(config, len(chunks))
    plot = None
    try:
        from .plotting import exclusion_plot

        plot = exclusion_plot(read_table(table), config.output.with_suffix(".png"))
    except ValueError:
        plot = None
    return ScanResult(table, plot, len(config.points()), failed, len(missing), time.perf_counter() - start)


def _execute(config: ScanConfig, tasks: list[ChunkTask], progress: bool, client=None):
    """Yield (index, rows) as chunks finish: on a dask cluster (``client``, or ``config.scheduler``'s),
    else on local processes."""
    if not tasks:
        return
    from tqdm import tqdm

    bar = tqdm(total=len(tasks), unit="chunk", disable=not progress)
    if client is not None or config.scheduler:
        try:
            from dask.distributed import Client, as_completed
        except ImportError as err:
            raise ImportError("a dask scheduler needs dask.distributed: pip install 'ndpcosmo[dist]'") from err
        own = client is None
        client = Client(config.scheduler) if own else client
        try:
            for future in as_completed(client.map(compute_chunk, tasks, pure=False)):
                yield future.result()
                bar.update()
        finally:
            if own:
                client.close()
    elif config.processes == 1:
        for task in tasks:
            yield compute_chunk(task)
            bar.update()
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=config.processes, mp_context=context) as pool:
            for future in as_completed([pool.submit(compute_chunk, t) for t in tasks]):
                yield future.result()
                bar.update()
    bar.close()


def _merge(config: ScanConfig, n_chunks: int) -> tuple[Path, int]:
    """Concatenate the chunks in order under the metadata header; returns the table and the failures."""
    from . import __version__

    lines: list[str] = []
    for i in range(n_chunks):
        lines += (config.checkpoint_dir / f"chunk-{i:05d}.csv").read_text().splitlines()
    failed = sum(1 for line in lines if ",failed: " in line or '"failed: ' in line)
    header = [
        f"# ndpcosmo {__version__} bound table: Delta chi^2 against the Standard Model, omega_b profiled",
        f"# data: {','.join(config.data)} = {','.join(resolve(config.data).resolved)} (likelihoods.data; "
        "theory errors: step3)",
        f"# precision: ndpcosmo defaults{''.join(f', {k} = {v}' for k, v in sorted(config.precision.items()))}, "
        "bbn_errors = none (Step 3 SM theory errors in the likelihood); omega_b profile: likelihoods.fast",
        f"# model: nature = {config.nature}, flavour = {config.flavour}, reheating = {config.reheating}, "
        f"cw_over_cb = {config.cw_over_cb:g}; "
        "tau_n = 878.4 s (its prior folded)",
        f"# grid: M_N {config.masses_mev[0]:g}-{config.masses_mev[-1]:g} MeV x {config.masses_mev.size}, mu "
        f"{config.mus_muB[0]:g}-{config.mus_muB[-1]:g} mu_B x {config.mus_muB.size} (log), T_RH_mev "
        f"{['none' if t is None else t for t in config.T_RH_mev]} (empty = none)",
        "# excluded_*: Delta chi^2 > 3.84 (95 % CL, 1 dof); chi2_* empty where a probe is not in the data",
        f"# date: {time.strftime('%Y-%m-%d')}; failed points: {failed}",
        ",".join(COLUMNS),
    ]
    table = config.output.with_suffix(".csv")
    tmp = table.with_suffix(".csv.tmp")
    tmp.write_text("\n".join(header + lines) + "\n")
    os.replace(tmp, table)
    return table, failed


def read_table(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """A bound table as columns (floats; booleans as 0/1; NaN where empty)."""
    with open(path) as f:
        lines = [line for line in f if not line.startswith("#")]
    reader = csv.DictReader(lines)
    rows = list(reader)
    out: dict[str, np.ndarray] = {}
    for column in reader.fieldnames or []:
        if column == "status":
            out[column] = np.array([r[column] for r in rows], dtype=object)
            continue
        values = []
        for r in rows:
            v = r[column]
            values.append(math.nan if v == "" else 1.0 if v == "true" else 0.0 if v == "false" else float(v))
        out[column] = np.array(values)
    return out


def grid_of(table: dict[str, np.ndarray], column: str, T_RH_mev: float | None = None):
    """One T_RH slice of a bound table (``read_table``) as a grid: the masses [MeV], the moments [mu_B]
    and column[mu, mass] (NaN where a point failed or is missing). ``T_RH_mev=None``: no reheating limit."""
    if column not in table:
        raise ValueError(f"column = {column!r}: the table has {sorted(table)}")
    trh = table["T_RH_mev"]
    rows = np.isnan(trh) if T_RH_mev is None else np.isclose(trh, T_RH_mev, rtol=1e-9, atol=0.0)
    if not np.any(rows):
        present = sorted({None if math.isnan(v) else float(v) for v in trh.tolist()}, key=lambda v: (v is None, v))
        raise ValueError(f"T_RH_mev = {T_RH_mev!r}: not in the table (it has {present})")
    masses, mus = np.unique(table["mass_mev"][rows]), np.unique(table["mu_muB"][rows])
    grid = np.full((mus.size, masses.size), np.nan)
    grid[np.searchsorted(mus, table["mu_muB"][rows]), np.searchsorted(masses, table["mass_mev"][rows])] = table[column][
        rows
    ]
    return masses, mus, grid


def contours(
    table: dict[str, np.ndarray], column: str, level: float, T_RH_mev: float | None = None
) -> list[np.ndarray]:
    """The lines where ``column`` crosses ``level`` in one T_RH slice of a bound table, e.g.
    ``contours(t, "delta_chi2_bbn", 3.84)`` for the 95 % CL BBN boundary or ``("neff_cmb", 3.044 + 0.3)``:
    a list of (n, 2) arrays of (M_N [MeV], mu [mu_B]), linear interpolation of the column between
    grid points in (log M, log mu) (contourpy's marching squares; failed points leave holes)."""
    import contourpy

    masses, mus, grid = grid_of(table, column, T_RH_mev)
    if masses.size < 2 or mus.size < 2:
        raise ValueError("contours: the slice needs at least 2 x 2 points")
    finite = np.isfinite(grid)
    z = np.ma.masked_array(np.where(finite, grid, 0.0), mask=~finite)
    generator = contourpy.contour_generator(np.log10(masses), np.log10(mus), z, line_type="Separate")
    return [10.0**line for line in generator.lines(level) if len(line) > 1]
