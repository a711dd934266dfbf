"""Stage 5 (first part): the inputs CLASS needs from a ``Result``, and classy runs.

What the CMB sees of the dipole portal (REFERENCE.md sec. 6; CLASS v3 parameter names):

- ``omega_b``: today's baryon density, ``Cosmology.omega_b`` (the history carries the change of eta
  between BBN and recombination, so the BBN stage already used eta_BBN = eta_CMB / eta_ratio);
- ``N_ur``: all the free-streaming radiation at recombination in units of one SM neutrino,
  ``ThermalHistory.neff_cmb`` (SM neutrinos with their heating, decay neutrinos, and N while still
  relativistic: (8/7)(11/4)^(4/3)(rho_nu + 3 P_N)/rho_gamma at z = 1100); all three neutrinos are
  taken massless (CLASS's ``N_ncdm = 0``);
- ``YHe``: the helium mass fraction from the project's own BBN after photodisintegration
  (``Result.final.Yp``), never CLASS's ``'BBN'`` (its fit assumes the SM relation between eta and N_eff
  at BBN and at recombination, which N breaks).

An N still present around recombination (tau_N >~ 1e12 s) needs CLASS's decaying-species and energy-
injection inputs (``omega_ini_dcdm``/``Gamma_dcdm``, ``DM_decay_fraction``/``DM_decay_Gamma``): not
built yet (issue 6), so ``class_inputs`` refuses such points with an error that says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

TAU_RECOMBINATION_S = 1e12
"""N lifetimes above which N (or its decays) matters at recombination beyond N_ur."""


@dataclass(frozen=True)
class ClassInputs:
    """The CLASS parameters ndpcosmo sets for one model point."""

    omega_b: float
    N_ur: float
    YHe: float

    def as_dict(self) -> dict[str, float]:
        """The CLASS parameter dictionary (merge it with the rest of the cosmology)."""
        return {"omega_b": self.omega_b, "N_ur": self.N_ur, "YHe": self.YHe, "N_ncdm": 0}


@dataclass(frozen=True)
class ClassRun:
    """A classy run: the lensed spectra D_ell = l(l+1) C_l / 2 pi [muK^2] for ell = 2 ... l_max, the
    derived quantities CLASS reports, the inputs, and the wall time [s]."""

    ell: np.ndarray = field(repr=False)
    tt: np.ndarray = field(repr=False)
    te: np.ndarray = field(repr=False)
    ee: np.ndarray = field(repr=False)
    derived: dict[str, float]
    inputs: dict[str, object]
    seconds: float


def class_inputs(result) -> ClassInputs:
    """omega_b, N_ur and YHe for CLASS from a ``pipeline.Result`` (see the module docstring; the
    Standard Model when ``result.model`` is None)."""
    tau = result.model.tau_s if result.model is not None else 0.0
    if tau >= TAU_RECOMBINATION_S:
        raise NotImplementedError(
            f"tau_N = {tau:.3g} s >= {TAU_RECOMBINATION_S:g} s: N decays around or after recombination, which "
            "needs CLASS's decaying-species and energy-injection inputs (not built yet: issue 6); "
            "class_inputs covers tau_N < 1e12 s"
        )
    return ClassInputs(
        omega_b=float(result.cosmology.omega_b),
        N_ur=float(result.history.neff_cmb),
        YHe=float(result.final.Yp),
    )


def run_class(result, settings: dict[str, object] | None = None, l_max: int = 2500) -> ClassRun:
    """Run classy (``pip install ndpcosmo[cmb]``) for ``result``: ``class_inputs`` plus ``settings``
    (the other cosmological parameters, CLASS's defaults otherwise; they may not override the three
    inputs ndpcosmo sets), lensed TT, TE, EE up to ``l_max``."""
    try:
        import classy
    except ImportError as err:  # pragma: no cover - depends on the installation
        raise ImportError("run_class needs classy: pip install 'ndpcosmo[cmb]' (or pip install classy)") from err
    inputs = class_inputs(result).as_dict()
    settings = dict(settings or {})
    clash = sorted(set(settings) & set(inputs))
    if clash:
        raise ValueError(f"settings may not set {clash}: ndpcosmo sets them from the model ({inputs})")
    params: dict[str, object] = {"output": "tCl,pCl,lCl", "lensing": "yes", "l_max_scalars": l_max}
    params.update(settings)
    params.update(inputs)
    cosmo = classy.Class()
    cosmo.set(params)
    start = time.perf_counter()
    try:
        cosmo.compute()
        elapsed = time.perf_counter() - start
        cl = cosmo.lensed_cl(l_max)
        T_muK = cosmo.T_cmb() * 1e6
        ell = np.asarray(cl["ell"][2:], dtype=float)
        factor = ell * (ell + 1.0) / (2.0 * np.pi) * T_muK**2
        derived = cosmo.get_current_derived_parameters(["YHe", "Neff", "100*theta_s", "z_rec", "tau_rec", "tau_reio"])
    finally:
        cosmo.struct_cleanup()
        cosmo.empty()
    return ClassRun(
        ell=ell,
        tt=factor * np.asarray(cl["tt"][2:]),
        te=factor * np.asarray(cl["te"][2:]),
        ee=factor * np.asarray(cl["ee"][2:]),
        derived={k: float(v) for k, v in derived.items()},
        inputs=params,
        seconds=elapsed,
    )
