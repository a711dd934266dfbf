"""Exclusion contours by adaptive refinement: ``ndpcosmo contours CONFIG.toml``.

The config is a scan config (``scan``; docs/scans.md) whose grid is the *coarse* grid, with an optional
``[contours]`` table:

    [contours]
    tolerance = 0.01          # decades: how far a contour point may be from the boundary, in log M and log mu
    cell = 0.05               # decades: the quadtree stops at cells this size (before the edge search)
    probes = ["bbn", "cmb", "combined"]   # or any "column=level", e.g. "neff_cmb=3.344"

Per T_RH and per probe (Delta chi^2_bbn, _cmb, _total against 3.8415, i.e. the scan's ``excluded_*``; or
any numeric column of the bound table against a level, written "column=level", e.g. "neff_cmb=3.344" for
Delta N_eff = 0.3 or "delta_chi2_bbn=2.71" for BBN at 90 % CL):

1. Quadtree. The coarse grid's cells are split 2 x 2 while a boundary crosses them (the sign of
   Delta chi^2 - 3.8415 differs between any two points computed on the cell's border, for any probe), until
   they are ``cell`` decades or less (the lattice is the coarse grid halved L times, the same L for both
   axes). Each level is one batch of points.
2. Edges. On every edge of a finest boundary cell across which a probe's sign changes, the crossing is
   bracketed by bisection until the bracket is at most ``tolerance`` wide (ceil(log2(cell/tolerance))
   more points per crossing, shared between probes and neighbouring cells), then placed by linear
   interpolation of g = asinh((Delta chi^2 - 3.8415)/3.8415) inside the bracket.
3. Lines. Marching squares on the finest cells joins the crossings into ordered polylines (a cell with
   four crossings is resolved by the sign at its centre, computed for it), one ``segment`` number each.

A boundary that enters and leaves a coarse cell through the same edge without changing the sign at its
corners (a feature smaller than the coarse grid) is not seen: choose the coarse grid accordingly.
Failed points (``status`` not ok) have no sign: cells touching them are not refined and their lines stop
there; they are counted in the header.

Output: ``<output>.csv`` with the columns ``probe, T_RH_mev, segment, mass_mev, mu_muB`` (T_RH_mev empty
for no reheating limit) under a metadata header (data, precision, model, version, date, the counts),
and ``<output>.points.csv``, every point computed, as a bound table (``scan.read_table``).
Checkpointed: each finished chunk of a batch is written to ``<output>.contours-checkpoint/``; a run
started again replays the refinement from the points there (values as written, so the same decisions)
and computes only the missing ones. Points run on local processes or a dask cluster as in ``scan``.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .likelihoods.combined import DELTA_CHI2_95
from .scan import COLUMNS, ScanConfig, _execute, _format, claim_checkpoint, read_config

LEVEL = DELTA_CHI2_95
"""The 95 % CL threshold on Delta chi^2 (1 dof, 3.8415), as the scan's excluded_* columns."""
PROBE_COLUMNS = {"bbn": "delta_chi2_bbn", "cmb": "delta_chi2_cmb", "combined": "delta_chi2_total"}
_NOT_LINES = ("mass_mev", "mu_muB", "T_RH_mev", "excluded_bbn", "excluded_cmb", "excluded", "status")
LINE_COLUMNS = tuple(c for c in COLUMNS if c not in _NOT_LINES)
"""Columns a "column=level" probe may use."""


@functools.lru_cache(maxsize=64)
def probe_line(probe: str) -> tuple[str, float]:
    """(column, level) of a probe: "bbn", "cmb", "combined" (Delta chi^2 = 3.8415) or "column=level"."""
    if probe in PROBE_COLUMNS:
        return PROBE_COLUMNS[probe], LEVEL
    column, _, level = probe.partition("=")
    column = column.strip()
    try:
        value = float(level)
    except ValueError:
        value = math.nan
    if column not in LINE_COLUMNS or not math.isfinite(value) or value == 0.0:
        raise ValueError(
            f"[contours] probe {probe!r}: one of {list(PROBE_COLUMNS)} or 'column=level' with a column of "
            f"{list(LINE_COLUMNS)} and a finite non-zero level"
        )
    return column, value


OUTPUT_COLUMNS = ("probe", "T_RH_mev", "segment", "mass_mev", "mu_muB")
Key = tuple[int, int, int]
"""(T_RH index, i, j) on the finest lattice of a run (see ``Lattice``)."""


@dataclass(frozen=True)
class ContourConfig:
    """A scan config (the coarse grid) with the refinement settings."""

    scan: ScanConfig
    tolerance: float = 0.01
    cell: float = 0.05
    probes: tuple[str, ...] = ("bbn", "cmb", "combined")

    @classmethod
    def from_file(cls, path: str | os.PathLike, **overrides: object) -> ContourConfig:
        raw = read_config(path, **overrides)
        settings = raw.get("contours", {})
        if not isinstance(settings, dict):
            raise ValueError(f"contours = {settings!r}: a table with tolerance, cell, probes")
        unknown = sorted(set(settings) - {"tolerance", "cell", "probes"})
        if unknown:
            raise ValueError(f"[contours]: unknown keys {unknown}; allowed tolerance, cell, probes")
        scan = ScanConfig.from_dict(raw, Path(path).parent)
        return cls.create(scan, **settings)

    @classmethod
    def create(cls, scan: ScanConfig, tolerance: object = 0.01, cell: object = 0.05, probes: object = None):
        for name, value, lo, hi in (("tolerance", tolerance, 1e-4, 0.5), ("cell", cell, 1e-3, 2.0)):
            if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
                raise ValueError(f"[contours] {name} = {value!r}: a number of decades in [{lo:g}, {hi:g}]")
        if cell < tolerance:
            raise ValueError(f"[contours] cell = {cell} must be >= tolerance = {tolerance}")
        data = set(scan.data)
        available = [p for p in PROBE_COLUMNS if p == "combined" or p in data]
        probes = tuple(available if probes is None else probes)  # type: ignore[arg-type]
        bad = [p for p in probes if not isinstance(p, str) or (p in PROBE_COLUMNS and p not in available)]
        if bad or not probes:
            raise ValueError(
                f"[contours] probes = {list(probes)}: allowed {available} (with data = {scan.data}) or 'column=level'"
            )
        for p in probes:
            probe_line(p)
        for name, axis in (("mass_mev", scan.masses_mev), ("mu_muB", scan.mus_muB)):
            if axis.size < 2:
                raise ValueError(f"[{name}] points = {axis.size}: the coarse grid needs at least 2")
        return cls(scan, float(tolerance), float(cell), probes)

    @property
    def checkpoint_dir(self) -> Path:
        return self.scan.output.with_name(self.scan.output.name + ".contours-checkpoint")

    def identity(self) -> str:
        return f"{self.scan.identity()}|tolerance={self.tolerance}|cell={self.cell}|probes={self.probes}"


@dataclass(frozen=True)
class Lattice:
    """The coarse grid in (log10 M, log10 mu) halved ``levels`` times for the quadtree and ``extra`` more
    times for the edge bisection: node (i, j) of the finest lattice is at x0 + i dx, y0 + j dy."""

    x0: float
    y0: float
    dx: float
    dy: float
    nx: int
    ny: int
    levels: int
    extra: int

    @classmethod
    def create(cls, config: ContourConfig) -> Lattice:
        x = np.log10(config.scan.masses_mev)
        y = np.log10(config.scan.mus_muB)
        hx, hy = (x[-1] - x[0]) / (x.size - 1), (y[-1] - y[0]) / (y.size - 1)
        levels = max(0, math.ceil(math.log2(max(hx, hy) / config.cell)))
        cell = max(hx, hy) / 2**levels
        extra = max(0, math.ceil(math.log2(cell / config.tolerance)))
        scale = 2 ** (levels + extra)
        return cls(float(x[0]), float(y[0]), hx / scale, hy / scale, x.size, y.size, levels, extra)

    @property
    def unit(self) -> int:
        """Finest-lattice steps per finest quadtree cell."""
        return 2**self.extra

    @property
    def coarse(self) -> int:
        return 2 ** (self.levels + self.extra)

    def point(self, i: int, j: int) -> tuple[float, float]:
        """(M [MeV], mu [mu_B]) of node (i, j), rounded to the 7 digits the tables keep."""
        return float(_format(10.0 ** (self.x0 + i * self.dx))), float(_format(10.0 ** (self.y0 + j * self.dy)))


@dataclass
class Store:
    """Every point computed, by key, with its row as written (the values the refinement decides on)."""

    rows: dict[Key, dict[str, object]] = field(default_factory=dict)

    def g(self, key: Key, probe: str) -> float:
        """asinh((value - level)/|level|) of a probe's column at a point (NaN for a failed point)."""
        row = self.rows[key]
        column, level = probe_line(probe)
        value = row.get(column)
        if row.get("status") != "ok" or value is None or value == "":
            return math.nan
        return math.asinh((float(value) - level) / abs(level))  # type: ignore[arg-type]


@dataclass(frozen=True)
class ContourResult:
    table: Path
    points_table: Path
    plot: Path | None
    points: int
    failed: int
    computed: int
    segments: int
    seconds: float

    def report(self) -> str:
        return (
            f"{self.table}: {self.segments} segments; {self.points} points ({self.failed} failed, "
            f"{self.computed} computed in this run), {self.seconds:.0f} s; points in {self.points_table}"
        )


class _Runner:
    """Computes batches of keys through the checkpoint (``_execute``: local processes or dask)."""

    def __init__(self, config: ContourConfig, lattice: Lattice, progress: bool, client) -> None:
        self.config, self.lattice, self.progress, self.client = config, lattice, progress, client
        self.store = Store()
        self.computed = 0
        checkpoint = config.checkpoint_dir
        what = "points of another contour run (grid, data, model or settings differ)"
        claim_checkpoint(checkpoint, config.identity(), what)
        for path in sorted(checkpoint.glob("batch-*.csv")):
            self._load(path)

    def _load(self, path: Path) -> None:
        with open(path) as f:
            for row in csv.DictReader(f):
                key = (int(row.pop("t")), int(row.pop("i")), int(row.pop("j")))
                self.store.rows[key] = row

    def ensure(self, keys: set[Key]) -> None:
        """Compute the keys not in the store, chunk by chunk (each chunk checkpointed when done)."""
        missing = sorted(k for k in keys if k not in self.store.rows)
        if not missing:
            return
        scan = self.config.scan
        size = scan.chunk
        groups = [missing[n : n + size] for n in range(0, len(missing), size)]
        tasks = [
            scan.task(index, [(*self.lattice.point(i, j), scan.T_RH_mev[t]) for t, i, j in group])
            for index, group in enumerate(groups)
        ]
        for index, rows in _execute(scan, tasks, self.progress, self.client):
            group = groups[index]
            digest = hashlib.sha1(repr(group).encode()).hexdigest()[:16]
            path = self.config.checkpoint_dir / f"batch-{digest}.csv"
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(("t", "i", "j", *COLUMNS))
            for key, row in zip(group, rows, strict=True):
                writer.writerow((*key, *(_format(row.get(c)) for c in COLUMNS)))
            tmp = path.with_suffix(".tmp")
            tmp.write_text(buffer.getvalue())
            os.replace(tmp, path)
            self._load(path)  # the values as written: a resumed run decides on the same numbers
            self.computed += len(group)


def _edge_points(lattice: Lattice, i0: int, j0: int, size: int) -> list[list[tuple[int, int]]]:
    """The four edges of the cell [i0, i0+size] x [j0, j0+size] as node lists at quadtree resolution."""
    step = lattice.unit
    xs = list(range(i0, i0 + size + 1, step))
    ys = list(range(j0, j0 + size + 1, step))
    return [
        [(x, j0) for x in xs],  # bottom
        [(i0 + size, y) for y in ys],  # right
        [(x, j0 + size) for x in xs][::-1],  # top
        [(i0, y) for y in ys][::-1],  # left
    ]


def run_contours(config: ContourConfig, progress: bool = True, client=None) -> ContourResult:
    """Refine, write the contour table and the points, draw the plot (module docstring)."""
    start = time.perf_counter()
    lattice = Lattice.create(config)
    runner = _Runner(config, lattice, progress, client)
    n_t = len(config.scan.T_RH_mev)
    coarse = lattice.coarse

    # 1. quadtree: leaves (t, i0, j0, size) in finest-lattice units
    leaves = {
        (t, a * coarse, b * coarse, coarse)
        for t in range(n_t)
        for a in range(lattice.nx - 1)
        for b in range(lattice.ny - 1)
    }
    runner.ensure(
        {(t, i, j) for t, i0, j0, s in leaves for i, j in ((i0, j0), (i0 + s, j0), (i0, j0 + s), (i0 + s, j0 + s))}
    )
    finest = lattice.unit
    while True:
        split = sorted(
            leaf for leaf in leaves if leaf[3] > finest and _active(runner.store, lattice, leaf, config.probes)
        )
        if not split:
            break
        new: set[Key] = set()
        for leaf in split:
            t, i0, j0, s = leaf
            leaves.remove(leaf)
            h = s // 2
            for a in (0, 1):
                for b in (0, 1):
                    leaves.add((t, i0 + a * h, j0 + b * h, h))
            new |= {(t, i0 + h, j0), (t, i0, j0 + h), (t, i0 + h, j0 + h), (t, i0 + s, j0 + h), (t, i0 + h, j0 + s)}
        runner.ensure(new)

    # 2. edges: bisection of every sign change on the edges of the finest boundary cells
    boundary = sorted(
        leaf for leaf in leaves if leaf[3] == finest and _active(runner.store, lattice, leaf, config.probes)
    )
    brackets: dict[tuple[str, Key, Key], tuple[Key, Key]] = {}
    for t, i0, j0, s in boundary:
        for edge in _edge_points(lattice, i0, j0, s):
            a, b = (t, *edge[0]), (t, *edge[-1])
            for probe in config.probes:
                ga, gb = runner.store.g(a, probe), runner.store.g(b, probe)
                if math.isfinite(ga) and math.isfinite(gb) and (ga > 0) != (gb > 0):
                    brackets[(probe, *sorted((a, b)))] = tuple(sorted((a, b)))  # type: ignore[assignment]
    for _ in range(lattice.extra):
        mids = {_mid(lo, hi) for lo, hi in brackets.values()}
        runner.ensure(mids)
        for name, (lo, hi) in list(brackets.items()):
            probe, mid = name[0], _mid(lo, hi)
            g_lo, g_mid = runner.store.g(lo, probe), runner.store.g(mid, probe)
            if not math.isfinite(g_mid):
                continue  # a failed point: keep the wider bracket
            brackets[name] = (lo, mid) if (g_lo > 0) != (g_mid > 0) else (mid, hi)
    crossings: dict[tuple[str, Key, Key], tuple[float, float]] = {}
    for name, (lo, hi) in brackets.items():
        g_lo, g_hi = runner.store.g(lo, name[0]), runner.store.g(hi, name[0])
        f = g_lo / (g_lo - g_hi)
        x = lattice.x0 + (lo[1] + f * (hi[1] - lo[1])) * lattice.dx
        y = lattice.y0 + (lo[2] + f * (hi[2] - lo[2])) * lattice.dy
        crossings[name] = (x, y)

    # 3. marching squares, saddles resolved by the centre
    saddles = []
    for leaf in boundary:
        for probe in config.probes:
            if len(_cell_crossings(runner.store, leaf, probe)) == 4:
                saddles.append((leaf, probe))
    runner.ensure({_centre(leaf) for leaf, _ in saddles})
    links: dict[tuple[str, int], list[tuple[tuple[Key, Key], tuple[Key, Key]]]] = {}
    for leaf in boundary:
        for probe in config.probes:
            edges = _cell_crossings(runner.store, leaf, probe)
            if len(edges) == 2:
                pairs = [(edges[0][1], edges[1][1])]
            elif len(edges) == 4:
                # corners in order bottom-left, bottom-right, top-right, top-left; edges bottom, right, top, left
                g_centre = runner.store.g(_centre(leaf), probe)
                g_corner = runner.store.g(edges[0][2], probe)
                if math.isfinite(g_centre) and (g_centre > 0) == (g_corner > 0):
                    pairs = [(edges[0][1], edges[1][1]), (edges[2][1], edges[3][1])]
                else:
                    pairs = [(edges[3][1], edges[0][1]), (edges[1][1], edges[2][1])]
            else:
                continue
            links.setdefault((probe, leaf[0]), []).extend(pairs)

    lines: list[tuple[str, int, int, list[tuple[float, float]]]] = []
    for (probe, t), pairs in sorted(links.items()):
        for n, chain in enumerate(_chains(pairs)):
            pts = [crossings[(probe, *e)] for e in chain if (probe, *e) in crossings]
            if len(pts) >= 2:
                lines.append((probe, t, n, pts))
    table, points_table, failed = _write(config, lattice, runner.store, lines)
    plot = None
    try:
        from .plotting import contour_plot

        plot = contour_plot(read_contours(table), config.scan.output.with_suffix(".png"))
    except (ImportError, ValueError):
        plot = None
    return ContourResult(
        table,
        points_table,
        plot,
        len(runner.store.rows),
        failed,
        runner.computed,
        len(lines),
        time.perf_counter() - start,
    )


def _mid(a: Key, b: Key) -> Key:
    return (a[0], (a[1] + b[1]) // 2, (a[2] + b[2]) // 2)


def _centre(leaf: tuple[int, int, int, int]) -> Key:
    t, i0, j0, s = leaf
    return (t, i0 + s // 2, j0 + s // 2)


def _active(store: Store, lattice: Lattice, leaf: tuple[int, int, int, int], probes: tuple[str, ...]) -> bool:
    """A sign change of any probe between the points known on the cell's border (NaN: no sign)."""
    t, i0, j0, s = leaf
    border = [(t, i, j) for edge in _edge_points(lattice, i0, j0, s) for i, j in edge]
    known = [k for k in border if k in store.rows]
    for probe in probes:
        signs = {store.g(k, probe) > 0 for k in known if math.isfinite(store.g(k, probe))}
        if len(signs) == 2:
            return True
    return False


def _cell_crossings(store: Store, leaf: tuple[int, int, int, int], probe: str):
    """[(edge number, (lo, hi) bracket key, first corner)] of the finest cell's edges a probe's sign changes on."""
    t, i0, j0, s = leaf
    corners = [(t, i0, j0), (t, i0 + s, j0), (t, i0 + s, j0 + s), (t, i0, j0 + s)]
    g = [store.g(k, probe) for k in corners]
    if not all(math.isfinite(v) for v in g):
        return []
    out = []
    for n in range(4):
        a, b = corners[n], corners[(n + 1) % 4]
        if (g[n] > 0) != (g[(n + 1) % 4] > 0):
            out.append((n, tuple(sorted((a, b))), corners[0]))
    return out


def _chains(pairs: list[tuple[tuple[Key, Key], tuple[Key, Key]]]) -> list[list[tuple[Key, Key]]]:
    """Join links between edges into ordered chains (open ones from an end, then closed loops)."""
    neighbours: dict[tuple[Key, Key], list[tuple[Key, Key]]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    seen: set[tuple[Key, Key]] = set()
    chains = []
    starts = sorted(n for n, nb in neighbours.items() if len(nb) == 1) + sorted(neighbours)
    for start in starts:
        if start in seen:
            continue
        chain, node = [start], start
        seen.add(start)
        while True:
            nxt = [n for n in sorted(neighbours[node]) if n not in seen]
            if not nxt:
                break
            node = nxt[0]
            seen.add(node)
            chain.append(node)
        if len(neighbours[start]) == 2 and start in neighbours[chain[-1]] and len(chain) > 2:
            chain.append(start)  # a closed loop
        chains.append(chain)
    return chains


def _write(config: ContourConfig, lattice: Lattice, store: Store, lines) -> tuple[Path, Path, int]:
    from . import __version__
    from .likelihoods.data import resolve

    scan = config.scan
    keys = sorted(store.rows)
    failed = sum(1 for k in keys if store.rows[k].get("status") != "ok")
    header = [
        f"# ndpcosmo {__version__} contours (bbn, cmb, combined: 95 % CL, Delta chi^2 = {LEVEL:.4f} against the "
        "Standard Model, omega_b profiled; column=level: that column's level line; ndpcosmo.refine)",
        f"# data: {','.join(scan.data)} = {','.join(resolve(scan.data).resolved)} "
        "(likelihoods.data; theory errors: step3)",
        f"# precision: ndpcosmo defaults{''.join(f', {k} = {v}' for k, v in sorted(scan.precision.items()))}, "
        "bbn_errors = none; omega_b profile: likelihoods.fast",
        f"# model: nature = {scan.nature}, flavour = {scan.flavour}, reheating = {scan.reheating}, "
        f"cw_over_cb = {scan.cw_over_cb:g}; tau_n = 878.4 s (its prior folded)",
        f"# coarse grid: M_N {scan.masses_mev[0]:g}-{scan.masses_mev[-1]:g} MeV x {scan.masses_mev.size}, mu "
        f"{scan.mus_muB[0]:g}-{scan.mus_muB[-1]:g} mu_B x {scan.mus_muB.size} (log), T_RH_mev "
        f"{['none' if t is None else t for t in scan.T_RH_mev]} (empty = none)",
        f"# refinement: tolerance {config.tolerance:g} decade (final brackets {lattice.dx:.4g} in log M, "
        f"{lattice.dy:.4g} in log mu), finest cells {lattice.dx * lattice.unit:.4g} x {lattice.dy * lattice.unit:.4g} "
        f"decade, probes {list(config.probes)}",
        f"# points computed: {len(keys)} ({failed} failed); segments: {len(lines)}; date: {time.strftime('%Y-%m-%d')}",
        ",".join(OUTPUT_COLUMNS),
    ]
    body = []
    for probe, t, n, pts in lines:
        trh = scan.T_RH_mev[t]
        for x, y in pts:
            body.append(f"{probe},{_format(trh)},{n},{_format(10.0**x)},{_format(10.0**y)}")
    table = scan.output.with_suffix(".csv")
    _atomic(table, "\n".join(header + body) + "\n")
    points_header = [
        f"# ndpcosmo {__version__} points computed for the contours of {table.name} (a bound table, scan.read_table)",
        *header[1:5],
        f"# date: {time.strftime('%Y-%m-%d')}; failed points: {failed}",
        ",".join(COLUMNS),
    ]
    points = [",".join(_format_cell(store.rows[k].get(c)) for c in COLUMNS) for k in keys]
    points_table = scan.output.with_suffix(".points.csv")
    _atomic(points_table, "\n".join(points_header + points) + "\n")
    return table, points_table, failed


def _format_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f'"{text}"' if "," in text else text


def _atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def read_contours(path: str | os.PathLike) -> list[dict[str, object]]:
    """The segments of a contour table: dicts with probe, T_RH_mev (None: no limit), segment and the
    (n, 2) array ``line`` of (M_N [MeV], mu [mu_B]) in order."""
    with open(path) as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    out: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    for r in rows:
        out.setdefault((r["probe"], r["T_RH_mev"], r["segment"]), []).append((float(r["mass_mev"]), float(r["mu_muB"])))
    return [
        {"probe": p, "T_RH_mev": None if t == "" else float(t), "segment": int(s), "line": np.array(line)}
        for (p, t, s), line in out.items()
    ]
