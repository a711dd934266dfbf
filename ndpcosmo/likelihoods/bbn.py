"""The BBN likelihood: the final abundances (after photodisintegration) against ``data`` measurements.

chi^2 = sum over the chosen measurements of (X_th - X_obs)^2 / (sigma_obs^2 + sigma_th^2), an upper limit
(3He/D) counting only X_th above X_obs. Theory errors sigma_th (REFERENCE.md sec. 7: "add a theory error,
or propagate the rate uncertainties"):

- ``theory_errors="step3"`` (default): the relative 1-sigma errors of Step 3's linear propagation of the
  nuclear-rate uncertainties — the point's own when its BBN ran with ``bbn_errors`` on, else those of the
  Standard Model computed once when the likelihood is built (they change little across models: they
  are ratios of rate sensitivities); 3He/D takes 3He's and D's in quadrature.
- ``theory_errors="reference"``: REFERENCE.md's round numbers, 0.0003 on Y_P and 3.5 % on D/H (3.5 % on
  3He/D, 10 % on 7Li).
- ``theory_errors="none"``.

The neutron lifetime: with ``fold_tau_n=True`` (for single points, where tau_n is held at its prior mean)
its prior width enters each theory error as |dX/dtau_n| sigma_tau_n, the derivatives taken at the SM —
exactly what profiling a linear response over a Gaussian prior gives. Samplers that vary tau_n set
``fold_tau_n=False`` and add the prior themselves.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np

from .data import DEFAULT_BBN_DATA, DEFAULT_TAU_N, QUANTITIES, TAU_N_PRIORS, Measurement, measurements

TAU_N_PRIOR_S: tuple[float, float] = (TAU_N_PRIORS[DEFAULT_TAU_N].value, TAU_N_PRIORS[DEFAULT_TAU_N].sigma)
"""The default neutron-lifetime Gaussian prior (mean, sigma) [s] (``data.TAU_N_PRIORS``: PDG 2024)."""

REFERENCE_THEORY_ERRORS: dict[str, float] = {"Yp": 0.0003 / 0.247, "D_H": 0.035, "He3_D": 0.035, "Li7_H": 0.10}
"""Relative theory errors of ``theory_errors="reference"`` (REFERENCE.md sec. 7; Y_P's 0.0003 absolute at
Y_P = 0.247)."""


ABUNDANCE_FLOOR = 1e-30
"""Number ratios to H below this are taken at it in the likelihood. Photodisintegration by an abundant
late N can leave D/H ~ 1e-200 (or exactly 0); the floor keeps 3He/D finite (<= ~1e26) and so every
chi^2 finite, and changes nothing else: at D/H = 1e-30 the D/H term is already its saturated
(value/sigma)^2 ~ 7700, 25 decades from any measurement."""


def observed(abundances, quantity: str):
    """The theory value of an observed quantity from a BBN or photodisintegration result (a float; an
    array where the result's fields are arrays, as in ``fast.Shifted``); number ratios floored at
    ABUNDANCE_FLOOR."""
    if quantity == "He3_D":
        value = _floored(abundances.He3_H) / _floored(abundances.D_H)
    elif quantity in ("D_H", "Li7_H"):
        value = _floored(getattr(abundances, quantity))
    elif quantity == "Yp":
        value = np.asarray(abundances.Yp_bbn, dtype=float)
    else:
        raise ValueError(f"unknown quantity {quantity!r}")
    return float(value) if value.ndim == 0 else value


def _floored(x) -> np.ndarray:
    return np.maximum(np.asarray(x, dtype=float), ABUNDANCE_FLOOR)


def _relative_step3(errors: dict[str, float]) -> dict[str, float]:
    return {
        "Yp": errors["Yp_bbn"],
        "D_H": errors["D_H"],
        "He3_D": math.hypot(errors["He3_H"], errors["D_H"]),
        "Li7_H": errors["Li7_H"],
    }


def standard_model_response(tau_n_s: float) -> dict[str, np.ndarray]:
    """At the SM (default omega_b, this tau_n): Step 3's relative rate errors and d ln X / d tau_n by
    quantity (central differences over +-2 s); ~1 s, then cached on disk (``cache``)."""
    from .. import cache
    from ..model import Cosmology, Precision
    from ..pipeline import run

    def compute() -> dict[str, np.ndarray]:
        sm = run(None, Cosmology(tau_n_s=tau_n_s), Precision(bbn_errors="linear")).final
        step = 2.0
        up = run(None, Cosmology(tau_n_s=tau_n_s + step), Precision(bbn_errors="none")).final
        down = run(None, Cosmology(tau_n_s=tau_n_s - step), Precision(bbn_errors="none")).final
        out = {f"relative_{q}": np.array(v) for q, v in _relative_step3(sm.errors).items()}
        for q in QUANTITIES:
            out[f"slope_{q}"] = np.array((math.log(observed(up, q)) - math.log(observed(down, q))) / (2.0 * step))
        return out

    return cache.cached_arrays(
        "bbn-sm-response",
        cache.fingerprint(nucleosynthesis_sources(), ("v1", tau_n_s)),
        compute,
        "the SM BBN response to the rates and tau_n (a few seconds)",
    )


def nucleosynthesis_sources(*extra: Path) -> list[Path]:
    """The source files an SM nucleosynthesis precomputation depends on (for cache fingerprints)."""
    root = Path(__file__).resolve().parents[1]
    sources = [*root.glob("bbn/*.py"), *root.glob("background/*.py"), root / "_linalg.py", root / "pipeline.py"]
    return sorted([*sources, Path(__file__), *extra])


@dataclasses.dataclass(frozen=True)
class BBNLikelihood:
    """chi^2 of the primordial abundances (see the module docstring). Build it with ``create``."""

    data: tuple[Measurement, ...]
    theory_errors: str
    relative_errors: dict[str, float]
    """The relative theory errors used when the result carries none (by quantity)."""
    tau_n_slopes: dict[str, float]
    """d ln X / d tau_n [1/s] at the SM, by quantity (for ``fold_tau_n``)."""
    fold_tau_n: bool
    tau_n_prior_s: tuple[float, float] = TAU_N_PRIOR_S

    @classmethod
    def create(
        cls,
        data: tuple[str, ...] | list[str] = DEFAULT_BBN_DATA,
        theory_errors: str = "step3",
        fold_tau_n: bool = True,
        tau_n_prior_s: tuple[float, float] = TAU_N_PRIOR_S,
    ) -> BBNLikelihood:
        """The likelihood for the named data sets (the SM response: ~1 s once, then from the disk cache)."""
        if theory_errors not in ("step3", "reference", "none"):
            raise ValueError(f"theory_errors = {theory_errors!r}: allowed 'step3', 'reference', 'none'")
        chosen = measurements(tuple(data))
        tau0, dtau = tau_n_prior_s
        if not (800.0 <= tau0 <= 1000.0 and 0.0 < dtau < 50.0):
            raise ValueError(f"tau_n_prior_s = {tau_n_prior_s!r}: mean in [800, 1000] s, sigma in (0, 50) s")
        relative = dict(REFERENCE_THEORY_ERRORS) if theory_errors == "reference" else dict.fromkeys(QUANTITIES, 0.0)
        slopes = dict.fromkeys(QUANTITIES, 0.0)
        if theory_errors == "step3" or fold_tau_n:
            sm = standard_model_response(tau0)
            if theory_errors == "step3":
                relative = {q: float(sm[f"relative_{q}"]) for q in QUANTITIES}
            if fold_tau_n:
                slopes = {q: float(sm[f"slope_{q}"]) for q in QUANTITIES}
        return cls(chosen, theory_errors, relative, slopes, fold_tau_n, (tau0, dtau))

    def theory_sigma(self, abundances, quantity: str) -> float:
        """The absolute 1-sigma theory error of ``quantity`` at this result."""
        value = observed(abundances, quantity)
        if self.theory_errors == "step3" and getattr(abundances, "errors", None):
            relative = _relative_step3(abundances.errors)[quantity]
        else:
            relative = self.relative_errors[quantity]
        if self.fold_tau_n:
            relative = math.hypot(relative, self.tau_n_slopes[quantity] * self.tau_n_prior_s[1])
        sigma = np.abs(np.asarray(value, dtype=float)) * relative
        return float(sigma) if sigma.ndim == 0 else sigma

    def chi2_terms(self, abundances) -> dict[str, float]:
        """chi^2 per measurement (by data-set name) for a BBN or photodisintegration result."""
        return {
            m.name: m.chi2(observed(abundances, m.quantity), self.theory_sigma(abundances, m.quantity))
            for m in self.data
        }

    def chi2(self, abundances) -> float:
        return float(sum(self.chi2_terms(abundances).values()))
