"""Worked example for codes without a theory layer (MontePython, a home-made sampler): the mapping from
model parameters to CLASS inputs, and ``ndpcosmo.loglike``. Run: python docs/examples/plain_python.py

1. ``ndpcosmo.interfaces.plain.class_inputs(params)`` gives the CLASS parameters ndpcosmo sets (omega_b,
   N_ur, YHe, N_ncdm; for a late N also the dcdm and DM_decay inputs). In MontePython, put them into
   ``data.cosmo_arguments`` before CLASS runs (e.g. in a likelihood's ``loglkl`` that is evaluated
   first, or a modified ``sampler.compute_lkl``); with classy directly, ``cosmo.set({**yours, **these})``.
2. ``ndpcosmo.loglike(params, data=...)`` (or a reusable ``Loglike``) is the log-likelihood of BBN, the
   compressed Planck Gaussian and FIRAS at those parameters; add it to your code's total.
"""

from __future__ import annotations

import math
import sys

import numpy as np

import ndpcosmo
from ndpcosmo.interfaces.plain import Loglike, class_inputs


def metropolis(steps: int, seed: int = 1) -> np.ndarray:
    """A minimal Metropolis sampler over (log10 M_N, log10 mu, omega_b) with BBN + FIRAS (no Planck files)."""
    like = Loglike(("bbn", "firas"))
    rng = np.random.default_rng(seed)
    lo, hi = np.array([1.5, -10.5, 0.020]), np.array([2.0, -9.0, 0.025])

    def log_post(x: np.ndarray) -> float:
        if np.any(x < lo) or np.any(x > hi):
            return -math.inf
        return like({"mass_mev": 10 ** x[0], "mu_muB": 10 ** x[1], "omega_b": x[2]})

    x = np.array([1.7, -9.5, 0.0224])
    lp = log_post(x)
    chain = [x]
    for _ in range(steps):
        y = x + rng.normal(0.0, [0.03, 0.05, 0.0002])
        lq = log_post(y)
        if math.log(rng.uniform()) < lq - lp:
            x, lp = y, lq
        chain.append(x)
    return np.array(chain)


def main(steps: int = 20) -> dict[str, object]:
    params = {"mass_mev": 50.0, "mu_muB": 3e-10, "omega_b": 0.0224}
    inputs = class_inputs(params)  # -> {'omega_b', 'N_ur', 'YHe', 'N_ncdm'} for CLASS
    value = ndpcosmo.loglike(params, data="bbn,firas")
    chain = metropolis(steps)
    print("CLASS inputs:", inputs)
    print("log L (BBN + FIRAS):", value)
    print("chain mean:", chain.mean(axis=0))
    return {"inputs": inputs, "loglike": value, "chain": chain}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
