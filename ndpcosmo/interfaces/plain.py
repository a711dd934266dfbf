"""``loglike(params) -> float`` for any sampler, and the mapping from model parameters to CLASS inputs.

Parameters (a dict; keys fixed, documented in docs/likelihoods.md):

    mass_mev   N mass M_N [MeV]                        required
    mu_muB     transition moment [Bohr magnetons]      required
    T_RH_mev   reheating temperature [MeV]             optional (default: none, no reheating limit)
    nature     'dirac' or 'majorana'                   optional (default 'dirac')
    flavour    'e', 'mu' or 'tau'                      optional (default 'mu')
    reheating  'instantaneous' or 'perturbative'       optional (default 'instantaneous'; see DipolePortal)
    cw_over_cb C_NW / C_NB of the dimension-6 operators optional (default 0: hypercharge only; production
                                                       above the electroweak crossover, see DipolePortal)
    omega_b    Omega_b h^2 today                       optional (default 0.02242)
    tau_n_s    neutron lifetime [s]                    optional (default: the prior mean 878.4 s, its prior
                                                       width folded into the BBN theory errors; when given,
                                                       the Gaussian prior 878.4 +/- 0.5 s is added instead)

log L = -chi^2/2 over the chosen data (``likelihoods.combined``: 'bbn', 'cmb', 'cmb_full', 'firas'), at
the given omega_b (no profiling: the sampler varies it). Bad parameters raise ``ValueError`` naming them;
a point the stages or CLASS cannot compute returns -inf with a warning (``Loglike`` counts them).
"""

from __future__ import annotations

import dataclasses
import math
import os
import warnings
from dataclasses import dataclass, field

from ..errors import SolverError
from ..likelihoods.bbn import TAU_N_PRIOR_S
from ..likelihoods.combined import DEFAULT_DATA, CombinedLikelihood, parse_data

REQUIRED = ("mass_mev", "mu_muB")
OPTIONAL = ("T_RH_mev", "nature", "flavour", "reheating", "cw_over_cb", "omega_b", "tau_n_s")


def model_and_cosmology(params: dict[str, object]):
    """(DipolePortal, Cosmology) from a parameter dict (see the module docstring)."""
    from ..model import Cosmology, DipolePortal

    missing = [k for k in REQUIRED if k not in params]
    unknown = sorted(set(params) - set(REQUIRED) - set(OPTIONAL))
    if missing or unknown:
        raise ValueError(
            f"params: missing {missing}, unknown {unknown}; required {list(REQUIRED)}, optional {list(OPTIONAL)}"
        )
    model = DipolePortal(
        float(params["mass_mev"]),
        float(params["mu_muB"]),
        nature=str(params.get("nature", "dirac")),
        flavour=str(params.get("flavour", "mu")),
        T_RH_mev=None if params.get("T_RH_mev") is None else float(params["T_RH_mev"]),
        reheating=str(params.get("reheating", "instantaneous")),
        cw_over_cb=params.get("cw_over_cb", 0.0),  # type: ignore[arg-type]
    )
    cosmology = Cosmology(
        omega_b=float(params.get("omega_b", Cosmology.omega_b)),
        tau_n_s=float(params.get("tau_n_s", TAU_N_PRIOR_S[0])),
    )
    return model, cosmology


def class_inputs(params: dict[str, object], massive_nu_ev: tuple[float, ...] = ()) -> dict[str, object]:
    """The CLASS parameters ndpcosmo sets for a parameter dict: omega_b, N_ur, YHe (and N_ncdm, or a
    late N's dcdm and injection inputs); merge them with the other cosmological parameters of your
    CLASS run (e.g. in MontePython's ``data.cosmo_arguments``)."""
    from .. import cmb
    from ..model import Precision
    from ..pipeline import run

    model, cosmology = model_and_cosmology(params)
    result = run(model, cosmology, Precision(bbn_errors="none"))
    return cmb.class_inputs(result, massive_nu_ev=massive_nu_ev).as_dict()


@dataclass
class Loglike:
    """A reusable log-likelihood: holds the loaded data and counts the points that failed."""

    data: tuple[str, ...] = DEFAULT_DATA
    planck_dir: str | os.PathLike | None = None
    theory_errors: str = "step3"
    precision: object | None = None
    """The chain's ``Precision`` (default ``Precision(bbn_errors="none")``)."""
    failures: int = 0
    calls: int = 0
    _likelihoods: dict[bool, CombinedLikelihood] = field(default_factory=dict, repr=False)

    def likelihood(self, fold_tau_n: bool) -> CombinedLikelihood:
        if fold_tau_n not in self._likelihoods:
            self._likelihoods[fold_tau_n] = CombinedLikelihood.create(
                self.data, planck_dir=self.planck_dir, theory_errors=self.theory_errors, fold_tau_n=fold_tau_n
            )
        return self._likelihoods[fold_tau_n]

    def chi2_terms(self, params: dict[str, object]) -> dict[str, float]:
        """chi^2 per term (with 'tau_n_prior' when tau_n_s is a parameter); raises on failure."""
        from ..model import Precision
        from ..pipeline import run

        model, cosmology = model_and_cosmology(params)
        sampled_tau_n = "tau_n_s" in params
        likelihood = self.likelihood(not sampled_tau_n)
        mean, sigma = likelihood.tau_n_prior_s()  # the data's choice (data.TAU_N_PRIORS)
        if not sampled_tau_n:
            cosmology = dataclasses.replace(cosmology, tau_n_s=mean)
        terms = likelihood.chi2_terms(run(model, cosmology, self.precision or Precision(bbn_errors="none")))
        if sampled_tau_n:
            terms["tau_n_prior"] = ((cosmology.tau_n_s - mean) / sigma) ** 2
        return terms

    def __call__(self, params: dict[str, object]) -> float:
        self.calls += 1
        try:
            chi2 = sum(self.chi2_terms(params).values())
        except SolverError as err:
            self.failures += 1
            warnings.warn(f"loglike: -inf for {params}: {err}", RuntimeWarning, stacklevel=2)
            return -math.inf
        return -0.5 * chi2 if not math.isnan(chi2) else -math.inf


def loglike(
    params: dict[str, object],
    data: str | tuple[str, ...] | list[str] = DEFAULT_DATA,
    planck_dir: str | os.PathLike | None = None,
) -> float:
    """log L of one point (see the module docstring). Loads the data on each call (a few ms once the SM
    response is cached); for many calls keep a ``Loglike(data)``."""
    return Loglike(parse_data(data), planck_dir)(params)
