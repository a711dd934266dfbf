"""Cobaya components (``pip install 'ndpcosmo[cobaya]'``): CLASS fed by ndpcosmo, and the BBN likelihood.

``ClassyN`` is Cobaya's own ``classy`` theory with the dipole portal in front of it. Its input parameters
are the model's — ``log10_mass_mev`` (or ``mass_mev``), ``log10_mu_muB`` (or ``mu_muB``), optionally
``log10_T_RH_mev`` (or the option ``T_RH_mev``) and ``tau_n_s`` — plus every CLASS parameter. For each
point it runs ndpcosmo's chain (model options ``nature``, ``flavour``, ``T_RH_mev``, ``reheating`` and
``cw_over_cb`` as in ``DipolePortal``) at the sampled ``omega_b`` and hands CLASS ``omega_b``, ``N_ur`` and
``YHe`` (and, where the model needs them, the massive neutrinos and a late N's decaying dark matter and
energy injection; ``cmb.class_inputs``). It refuses, at initialisation, ``extra_args`` that would set
any of these (Cobaya's classy lets ``extra_args`` override the parameters), and refuses ``YHe`` or
``N_ur`` as parameters: CLASS can never fall back to its own BBN helium or to N_ur = 3.044. It also
provides the whole ``ndpcosmo_result`` to likelihoods that ask for it.

``BBN`` is a Cobaya likelihood: Y_P, D/H and 3He/D (``likelihoods.bbn``) of that result.

Example (YAML):

    theory:
      ndpcosmo.interfaces.cobaya.ClassyN:
        nature: dirac
        flavour: mu
        extra_args: {output: "tCl,pCl,lCl", lensing: "yes", l_max_scalars: 2508}
    likelihood:
      ndpcosmo.interfaces.cobaya.BBN: null
    params:
      log10_mass_mev: {prior: {min: 1, max: 2}}
      log10_mu_muB: {prior: {min: -11, max: -9}}
      omega_b: {prior: {min: 0.019, max: 0.025}, ref: 0.0224}
      ...
"""

from __future__ import annotations

import math

from cobaya.likelihood import Likelihood
from cobaya.log import LoggedError
from cobaya.theories.classy import classy

from ..errors import SolverError
from ..likelihoods.bbn import DEFAULT_BBN_DATA, TAU_N_PRIOR_S, BBNLikelihood

N_PARAMS = ("mass_mev", "mu_muB", "log10_mass_mev", "log10_mu_muB", "log10_T_RH_mev", "tau_n_s")
"""The model's input parameters (plain or log10)."""

SET_BY_NDPCOSMO = (
    "YHe",
    "N_ur",
    "N_eff",
    "Neff",
    "omega_b",
    "Omega_b",
    "N_ncdm",
    "m_ncdm",
    "T_ncdm",
    "omega_ini_dcdm",
    "Gamma_dcdm",
    "DM_decay_fraction",
    "DM_decay_Gamma",
)
"""CLASS parameters ndpcosmo sets: never from ``extra_args``."""


class ClassyN(classy):
    """Cobaya's classy with omega_b, N_ur and YHe (and the rest of ``cmb.class_inputs``) from ndpcosmo."""

    nature: str = "dirac"
    flavour: str = "mu"
    T_RH_mev: float | None = None
    reheating: str = "instantaneous"
    cw_over_cb: float = 0.0
    massive_nu_ev: list | None = None

    def initialize(self) -> None:
        super().initialize()
        clash = sorted(set(self.extra_args) & set(SET_BY_NDPCOSMO))
        if clash:
            raise LoggedError(self.log, f"extra_args may not set {clash}: ndpcosmo computes them for each point")

    def get_can_support_params(self) -> list[str]:
        return [*super().get_can_support_params(), *N_PARAMS]

    def must_provide(self, **requirements):
        requirements.pop("ndpcosmo_result", None)  # ours, not a CLASS product
        return super().must_provide(**requirements)

    def get_can_provide(self) -> list[str]:
        return [*super().get_can_provide(), "ndpcosmo_result"]

    def get_ndpcosmo_result(self):
        """The ``pipeline.Result`` of the current point."""
        return self.current_state["ndpcosmo_result"]

    def calculate(self, state, want_derived=True, **params_values_dict):
        from ..cmb import class_inputs
        from ..model import Cosmology, DipolePortal, Precision
        from ..pipeline import run

        params = dict(params_values_dict)
        given = {k: params.pop(k) for k in N_PARAMS if k in params}
        clash = sorted(k for k in params if self.translate_param(k) in ("YHe", "N_ur", "N_eff", "Neff"))
        if clash:
            raise LoggedError(self.log, f"parameters {clash} are computed by ndpcosmo: remove them from 'params'")
        if "omega_b" not in {self.translate_param(k) for k in params}:
            raise LoggedError(self.log, "omega_b (or omegabh2) must be a parameter: BBN and CLASS share it")
        omega_b = next(v for k, v in params.items() if self.translate_param(k) == "omega_b")
        mass = given.get("mass_mev", 10.0 ** given["log10_mass_mev"] if "log10_mass_mev" in given else None)
        mu = given.get("mu_muB", 10.0 ** given["log10_mu_muB"] if "log10_mu_muB" in given else None)
        if mass is None or mu is None:
            raise LoggedError(self.log, f"give (log10_)mass_mev and (log10_)mu_muB as parameters; got {given}")
        trh = 10.0 ** given["log10_T_RH_mev"] if "log10_T_RH_mev" in given else self.T_RH_mev
        try:
            model = DipolePortal(
                float(mass),
                float(mu),
                nature=self.nature,
                flavour=self.flavour,
                T_RH_mev=trh,
                reheating=self.reheating,
                cw_over_cb=self.cw_over_cb,
            )
            cosmology = Cosmology(omega_b=float(omega_b), tau_n_s=float(given.get("tau_n_s", TAU_N_PRIOR_S[0])))
            result = run(model, cosmology, Precision(bbn_errors="none"))
            cdm = next((v for k, v in params.items() if self.translate_param(k) == "omega_cdm"), None)
            inputs = class_inputs(result, massive_nu_ev=tuple(self.massive_nu_ev or ())).as_dict(omega_cdm=cdm)
        except (SolverError, ValueError) as err:
            self.log.debug("ndpcosmo could not compute this point: %s", err)
            return False
        inputs.pop("omega_b")
        params.update(inputs)
        state["ndpcosmo_result"] = result
        return super().calculate(state, want_derived, **params)


class BBN(Likelihood):
    """The BBN likelihood of ``likelihoods.bbn`` on ``ClassyN``'s result (or any theory that provides
    ``ndpcosmo_result``). Options: ``data`` (data-set names), ``theory_errors``, ``fold_tau_n`` (set it
    to False when tau_n_s is sampled with its prior)."""

    data: list | None = None
    theory_errors: str = "step3"
    fold_tau_n: bool = True

    def initialize(self) -> None:
        names = tuple(self.data) if self.data else DEFAULT_BBN_DATA
        self._likelihood = BBNLikelihood.create(names, self.theory_errors, self.fold_tau_n)

    def get_requirements(self) -> dict:
        return {"ndpcosmo_result": None}

    def logp(self, **params_values) -> float:
        chi2 = self._likelihood.chi2(self.provider.get_ndpcosmo_result().final)
        return -0.5 * chi2 if not math.isnan(chi2) else -math.inf
