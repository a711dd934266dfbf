"""MCMC with emcee: configs, the posterior, chains on disk that resume, convergence, exports.

A run is described by a YAML config (``MCMCConfig.from_file``; examples in ``chains/``)::

    output: example            # chain files <output>.h5 (+ .yaml, .txt, .paramnames, .log), relative
                               # to the config's directory
    data: [bbn, cmb, firas]    # likelihoods.combined data names
    planck_dir: null           # else $NDPCOSMO_PLANCK_DIR; cmb without either: the shipped copy; cmb_full needs it
    nature: dirac              # fixed
    flavour: mu                # fixed
    parameters:
      log10_mass_mev: {min: 1.0, max: 2.0}              # free, uniform prior
      log10_mu_muB: -10.0                               # fixed
      log10_T_RH_mev: {min: 1.0, max: 3.0}              # or T_RH_mev: 5.0 / null (no reheating limit)
      omega_b: {min: 0.018, max: 0.027}                 # default if omitted
      tau_n_s: {min: 870, max: 890, mean: 878.4, sigma: 0.5}   # default if omitted (PDG 2024 prior)
    sampler: {walkers: 16, steps: 1000, seed: 1, pool: multiprocessing, processes: null, progress: true}

A free parameter has a uniform prior on [min, max], times a Gaussian when ``mean`` and ``sigma`` are
given; ``start`` and ``start_sigma`` set the walkers' initial ball (default: the middle of the range,
1/100 of its width; clipped to the range). A number fixes the parameter. Every value is checked
before any work starts; an error names the key, the value and the allowed range.

The chain is emcee's HDF5 backend (group 'mcmc') with blobs (derived quantities, ``BLOBS``) and the
config stored beside it; it is written after every step, and a copy of the last good file is kept
(``.h5.bak``, refreshed atomically) so that a kill even during a write loses no completed step.
Running the same config again resumes where the file ends, from emcee's saved random state: the
resumed chain is step for step the chain an uninterrupted run makes. A point whose computation fails
gets log p = -inf, is logged to ``<output>.log`` and counted (blob ``failed``); sampling goes on.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .likelihoods.bbn import TAU_N_PRIOR_S
from .likelihoods.combined import CombinedLikelihood, parse_data
from .likelihoods.data import TAU_N_PRIORS, resolve
from .model import FLAVOURS, MASS_RANGE_MEV, MU_RANGE_MUB, NATURES, T_RH_RANGE_MEV

SAMPLED: dict[str, tuple[float, float]] = {
    "log10_mass_mev": (math.log10(MASS_RANGE_MEV[0]), math.log10(MASS_RANGE_MEV[1])),
    "log10_mu_muB": (math.log10(MU_RANGE_MUB[0]), math.log10(MU_RANGE_MUB[1])),
    "log10_T_RH_mev": (math.log10(T_RH_RANGE_MEV[0]), math.log10(T_RH_RANGE_MEV[1])),
    "omega_b": (0.005, 0.05),
    "tau_n_s": (800.0, 1000.0),
}
"""Parameters that may be sampled, with the range the model accepts."""

LATEX = {
    "log10_mass_mev": r"\log_{10}(M_N/\mathrm{MeV})",
    "log10_mu_muB": r"\log_{10}(\mu_\nu/\mu_B)",
    "log10_T_RH_mev": r"\log_{10}(T_\mathrm{RH}/\mathrm{MeV})",
    "omega_b": r"\Omega_b h^2",
    "tau_n_s": r"\tau_n\,[\mathrm{s}]",
}

DEFAULT_NUISANCE: dict[str, dict[str, float]] = {
    "omega_b": {"min": 0.018, "max": 0.027, "start": 0.02242, "start_sigma": 0.0002},
    "tau_n_s": {
        "min": 870.0,
        "max": 890.0,
        "mean": TAU_N_PRIOR_S[0],
        "sigma": TAU_N_PRIOR_S[1],
        "start": TAU_N_PRIOR_S[0],
        "start_sigma": 0.3,
    },
}
"""omega_b: uniform on [0.018, 0.027]; tau_n: PDG 2024's 878.4 +/- 0.5 s on [870, 890]."""

BLOBS: tuple[str, ...] = ("neff_bbn", "neff_cmb", "Yp", "D_H", "He3_H", "T_dec_mev", "tau_s", "chi2", "failed")
"""Derived quantities stored with every sample (NaN where a point failed; ``failed`` 1 or 0)."""

POOLS = ("serial", "multiprocessing", "mpi")


@dataclass(frozen=True)
class Free:
    """A sampled parameter: uniform prior on [min, max], optionally times a Gaussian (mean, sigma)."""

    name: str
    min: float
    max: float
    mean: float | None = None
    sigma: float | None = None
    start: float | None = None
    start_sigma: float | None = None

    def log_prior(self, x: float) -> float:
        if not (self.min <= x <= self.max):
            return -math.inf
        if self.mean is None:
            return 0.0
        return -0.5 * ((x - self.mean) / self.sigma) ** 2

    def initial(self, rng: np.random.Generator, n: int) -> np.ndarray:
        centre = 0.5 * (self.min + self.max) if self.start is None else self.start
        width = (self.max - self.min) / 100.0 if self.start_sigma is None else self.start_sigma
        eps = 1e-9 * (self.max - self.min)
        return np.clip(centre + width * rng.standard_normal(n), self.min + eps, self.max - eps)


def _number(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{key} = {value!r}: must be a finite number")
    return float(value)


def _free(name: str, spec: dict[str, object]) -> Free:
    allowed = {"min", "max", "mean", "sigma", "start", "start_sigma"}
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise ValueError(f"parameters.{name}: unknown keys {unknown}; allowed {sorted(allowed)}")
    if "min" not in spec or "max" not in spec:
        raise ValueError(f"parameters.{name} = {spec!r}: a free parameter needs min and max")
    lo_ok, hi_ok = SAMPLED[name]
    values = {k: _number(f"parameters.{name}.{k}", v) for k, v in spec.items()}
    lo, hi = values["min"], values["max"]
    if not (lo_ok <= lo < hi <= hi_ok):
        raise ValueError(f"parameters.{name}: min = {lo}, max = {hi}: need {lo_ok:g} <= min < max <= {hi_ok:g}")
    if ("mean" in values) != ("sigma" in values) or values.get("sigma", 1.0) <= 0.0:
        raise ValueError(f"parameters.{name}: a Gaussian prior needs both mean and sigma > 0")
    if "start" in values and not lo <= values["start"] <= hi:
        raise ValueError(f"parameters.{name}.start = {values['start']}: must lie in [{lo}, {hi}]")
    if values.get("start_sigma", 1.0) <= 0.0:
        raise ValueError(f"parameters.{name}.start_sigma = {values['start_sigma']}: must be > 0")
    return Free(name, **values)


@dataclass(frozen=True)
class MCMCConfig:
    """A validated MCMC run (see the module docstring)."""

    output: Path
    data: tuple[str, ...]
    free: tuple[Free, ...]
    fixed: dict[str, object]
    """Fixed parameters in ``model_params`` form (mass_mev, mu_muB, T_RH_mev, omega_b, tau_n_s...)."""
    planck_dir: str | None = None
    walkers: int = 16
    steps: int = 1000
    seed: int = 1
    pool: str = "multiprocessing"
    processes: int | None = None
    progress: bool = True
    source: dict[str, object] = field(default_factory=dict, repr=False)

    @classmethod
    def from_file(cls, path: str | os.PathLike, **overrides: object) -> MCMCConfig:
        import yaml

        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text())
        except (OSError, yaml.YAMLError) as err:
            raise ValueError(f"config {path}: cannot be read as YAML: {err}") from err
        if not isinstance(raw, dict):
            raise ValueError(f"config {path}: must be a mapping of keys to values")
        return cls.from_dict(raw, path.parent, **overrides)

    @classmethod
    def from_dict(cls, raw: dict[str, object], base: str | os.PathLike = ".", **overrides: object) -> MCMCConfig:
        allowed = {"output", "data", "planck_dir", "nature", "flavour", "parameters", "sampler"}
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise ValueError(f"config: unknown keys {unknown}; allowed {sorted(allowed)}")
        if not isinstance(raw.get("output"), str) or not raw["output"]:
            raise ValueError(f"output = {raw.get('output')!r}: a file name (no extension) for the chain")
        data = parse_data(raw.get("data", ["bbn", "cmb", "firas"]))
        nature = raw.get("nature", "dirac")
        flavour = raw.get("flavour", "mu")
        if nature not in NATURES:
            raise ValueError(f"nature = {nature!r}: allowed {NATURES}")
        if flavour not in FLAVOURS:
            raise ValueError(f"flavour = {flavour!r}: allowed {FLAVOURS}")
        params = dict(raw.get("parameters") or {})
        allowed_params = set(SAMPLED) | {"T_RH_mev"}
        unknown = sorted(set(params) - allowed_params)
        if unknown:
            raise ValueError(f"parameters: unknown {unknown}; allowed {sorted(allowed_params)}")
        if "log10_T_RH_mev" in params and "T_RH_mev" in params:
            raise ValueError("parameters: give log10_T_RH_mev or T_RH_mev, not both")
        for name, spec in DEFAULT_NUISANCE.items():
            params.setdefault(name, dict(spec))
        if isinstance(params.get("tau_n_s"), dict) and params["tau_n_s"].get("mean") == TAU_N_PRIOR_S[0]:
            # the data's neutron-lifetime prior (data.TAU_N_PRIORS) unless the config set its own
            prior = TAU_N_PRIORS[resolve(data).tau_n]
            params["tau_n_s"] = {**params["tau_n_s"], "mean": prior.value, "sigma": prior.sigma, "start": prior.value}
        free: list[Free] = []
        fixed: dict[str, object] = {"nature": nature, "flavour": flavour, "T_RH_mev": None}
        for name in ("log10_mass_mev", "log10_mu_muB"):
            if name not in params:
                raise ValueError(f"parameters.{name}: required (a number, or {{min: ..., max: ...}})")
        for name, spec in params.items():
            if name == "T_RH_mev":
                if spec is not None:
                    lo, hi = T_RH_RANGE_MEV
                    value = _number("parameters.T_RH_mev", spec)
                    if not lo <= value <= hi:
                        raise ValueError(f"parameters.T_RH_mev = {value}: allowed [{lo:g}, {hi:g}] MeV or null")
                    fixed["T_RH_mev"] = value
                continue
            if isinstance(spec, dict):
                free.append(_free(name, spec))
                continue
            value = _number(f"parameters.{name}", spec)
            lo, hi = SAMPLED[name]
            if not lo <= value <= hi:
                raise ValueError(f"parameters.{name} = {value}: allowed [{lo:g}, {hi:g}]")
            key = name.removeprefix("log10_")
            fixed[key] = 10.0**value if name.startswith("log10_") else value
        if not free:
            raise ValueError("parameters: nothing to sample (every parameter is fixed)")
        sampler = dict(raw.get("sampler") or {})
        sampler.update({k: v for k, v in overrides.items() if v is not None})
        allowed_sampler = {"walkers", "steps", "seed", "pool", "processes", "progress"}
        unknown = sorted(set(sampler) - allowed_sampler)
        if unknown:
            raise ValueError(f"sampler: unknown keys {unknown}; allowed {sorted(allowed_sampler)}")
        walkers = int(_number("sampler.walkers", sampler.get("walkers", max(16, 4 * len(free)))))
        if walkers < 2 * len(free) or walkers % 2:
            raise ValueError(f"sampler.walkers = {walkers}: an even number >= 2 x {len(free)} free parameters")
        steps = int(_number("sampler.steps", sampler.get("steps", 1000)))
        if steps < 1:
            raise ValueError(f"sampler.steps = {steps}: must be >= 1")
        pool = sampler.get("pool", "multiprocessing")
        if pool not in POOLS:
            raise ValueError(f"sampler.pool = {pool!r}: allowed {POOLS}")
        processes = sampler.get("processes")
        if processes is not None and int(_number("sampler.processes", processes)) < 1:
            raise ValueError(f"sampler.processes = {processes}: must be >= 1 (or null: all cores)")
        planck_dir = raw.get("planck_dir")
        output = Path(base) / str(raw["output"])
        if not output.parent.is_dir():
            raise ValueError(f"output = {raw['output']!r}: the directory {output.parent} does not exist")
        return cls(
            output=output,
            data=data,
            free=tuple(free),
            fixed=fixed,
            planck_dir=None if planck_dir is None else str(Path(base) / str(planck_dir)),
            walkers=walkers,
            steps=steps,
            seed=int(_number("sampler.seed", sampler.get("seed", 1))),
            pool=str(pool),
            processes=None if processes is None else int(processes),
            progress=bool(sampler.get("progress", True)),
            source=raw,
        )

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.free)

    def identity(self) -> str:
        """What a resumed run must share with the chain on disk: everything but the step count,
        the pool and the progress bar."""
        raw = json.loads(json.dumps(self.source, default=str))
        sampler = dict(raw.get("sampler") or {})
        for key in ("steps", "pool", "processes", "progress"):
            sampler.pop(key, None)
        raw["sampler"] = sampler | {"walkers": self.walkers, "seed": self.seed}
        return json.dumps(raw, sort_keys=True)

    def model_params(self, theta: np.ndarray) -> dict[str, object]:
        """The ``interfaces.plain`` parameter dict of a sample."""
        params = dict(self.fixed)
        for p, x in zip(self.free, theta, strict=True):
            key = p.name.removeprefix("log10_")
            params[key] = 10.0 ** float(x) if p.name.startswith("log10_") else float(x)
        return params


@dataclass
class Posterior:
    """log posterior and blobs of a sample; picklable (each process builds its likelihood once)."""

    config: MCMCConfig
    likelihood: CombinedLikelihood | None = None
    log_path: str | None = None

    def _like(self) -> CombinedLikelihood:
        if self.likelihood is None:
            fold = "tau_n_s" not in self.config.names
            self.likelihood = CombinedLikelihood.create(self.config.data, self.config.planck_dir, fold_tau_n=fold)
        return self.likelihood

    def __call__(self, theta: np.ndarray) -> tuple:
        nan = (math.nan,) * (len(BLOBS) - 1)
        log_prior = sum(p.log_prior(float(x)) for p, x in zip(self.config.free, theta, strict=True))
        if not math.isfinite(log_prior):
            return (-math.inf, *nan, 0.0)
        params = self.config.model_params(theta)
        try:
            values = self._evaluate(params)
        except Exception as err:  # noqa: BLE001 - a sampler must never stop on one point
            self._log_failure(params, err)
            return (-math.inf, *nan, 1.0)
        chi2 = values[-1]
        log_p = log_prior - 0.5 * chi2 if not math.isnan(chi2) else -math.inf
        return (log_p, *values, 0.0)

    def _evaluate(self, params: dict[str, object]) -> tuple[float, ...]:
        import warnings

        from .interfaces.plain import model_and_cosmology
        from .model import Precision
        from .pipeline import run

        model, cosmology = model_and_cosmology(params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = run(model, cosmology, Precision(bbn_errors="none"))
            chi2 = float(sum(self._like().chi2_terms(result).values()))
        final, history = result.final, result.history
        return (
            float(history.neff_bbn),
            float(history.neff_cmb),
            float(final.Yp_bbn),
            float(final.D_H),
            float(final.He3_H),
            float(result.abundance.T_dec_mev),
            float(model.tau_s),
            chi2,
        )

    def _log_failure(self, params: dict[str, object], err: Exception) -> None:
        if self.log_path is None:
            return
        with open(self.log_path, "a") as f:
            f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} failed {params}: {type(err).__name__}: {err}\n")


def _backend(path: Path):
    """emcee's HDF5 backend that keeps a copy of the last good file (``.bak``)."""
    import emcee

    class SafeHDFBackend(emcee.backends.HDFBackend):
        last_copy = 0.0

        def save_step(self, state, accepted) -> None:
            super().save_step(state, accepted)
            size = os.path.getsize(self.filename)
            now = time.monotonic()
            if size < 8_000_000 or now - self.last_copy > 60.0:
                tmp = f"{self.filename}.bak.tmp"
                shutil.copyfile(self.filename, tmp)
                os.replace(tmp, f"{self.filename}.bak")
                self.last_copy = now

    return SafeHDFBackend(str(path), name="mcmc")


def _readable(path: Path) -> bool:
    import h5py

    try:
        with h5py.File(path, "r") as f:
            return "mcmc" in f and int(f["mcmc"].attrs["iteration"]) >= 0
    except (OSError, KeyError):
        return False


@dataclass(frozen=True)
class MCMCResult:
    """What a run left on disk and how far it converged."""

    chain_path: Path
    iterations: int
    failures: int
    acceptance: float
    autocorr: dict[str, float]
    converged: bool
    seconds: float

    def report(self) -> str:
        taus = ", ".join(f"{k} {v:.1f}" for k, v in self.autocorr.items())
        verdict = "converged" if self.converged else "not converged"
        return (
            f"{self.chain_path}: {self.iterations} steps, acceptance {self.acceptance:.2f}, {self.failures} failed "
            f"points; autocorrelation times (steps): {taus}; {verdict} (needs steps > 50 tau)"
        )


def _make_pool(config: MCMCConfig):
    if config.pool == "serial":
        return None
    if config.pool == "mpi":
        try:
            from schwimmbad import MPIPool
        except ImportError as err:
            raise ImportError("pool 'mpi' needs schwimmbad and mpi4py: pip install 'ndpcosmo[mpi]'") from err
        return MPIPool()
    import multiprocessing

    return multiprocessing.get_context("spawn").Pool(config.processes)


def run_mcmc(config: MCMCConfig) -> MCMCResult | None:
    """Run (or resume) the chain of ``config`` up to ``config.steps`` steps; returns None on MPI workers."""
    import emcee

    start = time.perf_counter()
    pool = _make_pool(config)
    if config.pool == "mpi" and not pool.is_master():
        pool.wait()
        return None
    try:
        h5 = config.output.with_suffix(".h5")
        backup = Path(f"{h5}.bak")
        if h5.exists() and not _readable(h5):
            if backup.exists() and _readable(backup):
                shutil.copyfile(backup, h5)  # the write in progress when the run was killed is redone
            else:
                raise ValueError(f"{h5} is damaged and has no readable backup: move it away to start afresh")
        backend = _backend(h5)
        done = 0
        if h5.exists():
            import h5py

            with h5py.File(h5, "r") as f:
                stored = f["mcmc"].attrs.get("ndpcosmo_config", "")
            if stored != config.identity():
                raise ValueError(
                    f"{h5} was made with another config (parameters, data, walkers or seed differ): "
                    "choose a new output or move the file away"
                )
            done = backend.iteration
        else:
            backend.reset(config.walkers, len(config.free))
            import h5py

            with h5py.File(h5, "a") as f:
                f["mcmc"].attrs["ndpcosmo_config"] = config.identity()
                f["mcmc"].attrs["parameters"] = json.dumps(list(config.names))
                f["mcmc"].attrs["blobs"] = json.dumps(list(BLOBS))
        config.output.with_suffix(".yaml").write_text(_yaml_dump(config.source))
        posterior = Posterior(config, log_path=str(config.output.with_suffix(".log")))
        sampler = emcee.EnsembleSampler(
            config.walkers,
            len(config.free),
            posterior,
            pool=pool,
            backend=backend,
            blobs_dtype=[(name, float) for name in BLOBS],
        )
        remaining = config.steps - done
        if remaining > 0:
            if done == 0:
                rng = np.random.default_rng(config.seed)
                initial = np.column_stack([p.initial(rng, config.walkers) for p in config.free])
                sampler.random_state = np.random.RandomState(config.seed).get_state()  # emcee's own generator
                sampler.run_mcmc(initial, remaining, progress=config.progress)
            else:
                sampler.run_mcmc(None, remaining, progress=config.progress)
    finally:
        if pool is not None:
            pool.close()
    export_getdist(h5)
    return summarise(h5, time.perf_counter() - start)


def _yaml_dump(raw: dict[str, object]) -> str:
    import yaml

    return yaml.safe_dump(raw, sort_keys=False)


def read_chain(h5: str | os.PathLike) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray]:
    """(parameter names, chain (steps, walkers, ndim), log_prob (steps, walkers), blobs (structured))."""
    import emcee
    import h5py

    with h5py.File(h5, "r") as f:
        names = tuple(json.loads(f["mcmc"].attrs["parameters"]))
    backend = emcee.backends.HDFBackend(str(h5), name="mcmc", read_only=True)
    return names, backend.get_chain(), backend.get_log_prob(), backend.get_blobs()


def summarise(h5: str | os.PathLike, seconds: float = 0.0) -> MCMCResult:
    """Steps, failures, acceptance and autocorrelation of a chain file."""
    import emcee

    backend = emcee.backends.HDFBackend(str(h5), name="mcmc", read_only=True)
    names, chain, _, blobs = read_chain(h5)
    steps = chain.shape[0]
    with np.errstate(invalid="ignore", divide="ignore"):  # a constant short chain has no autocorrelation
        tau = emcee.autocorr.integrated_time(chain, tol=0) if steps > 1 else np.full(len(names), np.nan)
    failures = int(np.nansum(blobs["failed"])) if blobs is not None and steps else 0
    acceptance = float(np.mean(backend.accepted) / max(steps, 1))
    return MCMCResult(
        chain_path=Path(h5),
        iterations=steps,
        failures=failures,
        acceptance=acceptance,
        autocorr={n: float(t) for n, t in zip(names, tau, strict=True)},
        converged=bool(steps > 0 and np.all(np.isfinite(tau)) and steps > 50 * np.max(tau)),
        seconds=seconds,
    )


def export_getdist(h5: str | os.PathLike, burn_in: float = 0.0) -> Path:
    """Write ``<root>.txt`` (columns: weight, -log posterior, parameters, derived blobs) and
    ``<root>.paramnames`` beside the chain, as getdist reads them (``loadMCSamples(root)``); the first
    ``burn_in`` fraction of the steps is dropped."""
    names, chain, log_prob, blobs = read_chain(h5)
    root = Path(h5).with_suffix("")
    first = int(burn_in * chain.shape[0])
    samples = chain[first:].reshape(-1, chain.shape[2])
    lp = log_prob[first:].reshape(-1)
    columns = [np.ones_like(lp), -lp, *samples.T]
    derived = [b for b in BLOBS if b not in ("failed",)]
    if blobs is not None:
        flat = blobs[first:].reshape(-1)
        columns += [flat[b] for b in derived]
    keep = np.isfinite(lp)
    np.savetxt(f"{root}.txt", np.column_stack(columns)[keep], fmt="%.10e")
    lines = [f"{n}\t{LATEX[n]}" for n in names]
    if blobs is not None:
        lines += [f"{b}*\t{b}" for b in derived]
    Path(f"{root}.paramnames").write_text("\n".join(lines) + "\n")
    return Path(f"{root}.txt")


__all__ = [
    "BLOBS",
    "MCMCConfig",
    "MCMCResult",
    "Posterior",
    "export_getdist",
    "read_chain",
    "run_mcmc",
    "summarise",
]
