"""Stage 5 (first part): the inputs CLASS needs from a ``Result``, and classy runs.

What the CMB sees of the dipole portal (REFERENCE.md sec. 6; CLASS v3 parameter names):

- ``omega_b``: today's baryon density, ``Cosmology.omega_b`` (the history carries the change of eta
  between BBN and recombination, so the BBN stage already used eta_BBN = eta_CMB / eta_ratio);
- ``N_ur``: all the free-streaming radiation at recombination in units of one SM neutrino,
  ``ThermalHistory.neff_cmb`` (SM neutrinos with their heating, decay neutrinos, and N while still
  relativistic: (8/7)(11/4)^(4/3)(rho_nu + 3 P_N)/rho_gamma at z = 1100), less what CLASS counts
  elsewhere: massive neutrinos (below) and the dark radiation of a late N (below);
- ``YHe``: the helium mass fraction from the project's own BBN after photodisintegration
  (``Result.final.Yp``), never CLASS's ``'BBN'`` (its fit assumes the SM relation between eta and N_eff
  at BBN and at recombination, which N breaks).

Massive neutrinos (``massive_nu_ev``, e.g. (0.06,) as in Planck's baseline): ``N_ncdm`` species of
those masses at our own late neutrino temperature, ``T_ncdm`` = T_nu/T_gamma of the history (CLASS's
default 0.71611 is the SM value); each carries (T_ncdm/(4/11)^(1/3))^4 of N_eff while relativistic,
taken off N_ur so that the radiation at recombination is unchanged.

An N still present around recombination (tau_N >= 1e12 s, ``TAU_RECOMBINATION_S``) is handed to CLASS:
- its density as decaying cold dark matter decaying into dark radiation: ``omega_ini_dcdm`` =
  M_N n_N a^3 e^(t/tau_N) in units of rho_crit/h^2 (the density it would have today without decays;
  from the history's last node, where N is non-relativistic) and ``Gamma_dcdm`` = 1/tau_N in km/s/Mpc.
  CLASS turns all of the decay energy into free-streaming dark radiation: right for the neutrino and
  for the photon after recombination (a ~MeV photon then free-streams), while the photons of earlier
  decays were absorbed by the plasma (the history's heating of T_gamma). So that the free-streaming
  radiation at recombination is the history's, N_ur is lowered by the dark radiation CLASS has made by
  z = 1100: Delta N_dr = (8/7)(11/4)^(4/3) rho_dr/rho_gamma with a^4 rho_dr = Gamma int a(t)
  (a^3 rho_ini) e^(-Gamma t) dt on the history's a(t);
- its electromagnetic energy injection (ionisation, heating, spectral distortions): CLASS's
  ``DM_decay_fraction`` x rho_cdm x ``DM_decay_Gamma`` e^(-Gamma t) with DM_decay_fraction =
  f_gamma omega_ini_dcdm / omega_cdm, f_gamma = 1/2 (N -> nu gamma at rest gives the photon half of
  M_N) and DM_decay_Gamma = 1/tau_N [1/s]. CLASS deposits it with its defaults (``f_eff_type =
  on_the_spot``, f_eff = 1, ``chi_type = CK_2004``): all of a ~MeV photon's energy deposited at once,
  which overstates the effect after recombination, where such photons deposit a fraction f_eff(z) < 1
  (Slatyer 2016, arXiv:1506.03812); pass ``f_eff`` or ``f_eff_type = from_file`` in the settings to
  choose otherwise. The injection can also be asked for at shorter lifetimes (``energy_injection=True``),
  e.g. for CLASS's own spectral distortions (``Sd``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from . import constants as c
from .background.equations import RHO_GAMMA_PER_T4
from .background.solver import NEFF_NORM
from .errors import SolverError

TAU_RECOMBINATION_S = 1e12
"""N lifetimes from which N is handed to CLASS as decaying dark matter with its energy injection."""

T_NU_STANDARD = (4.0 / 11.0) ** (1.0 / 3.0)
"""T_nu/T_gamma of instantaneous decoupling: the unit of CLASS's T_ncdm per N_eff."""

NONRELATIVISTIC = 1.01
"""rho_N / (M_N n_N) below which N counts as non-relativistic (its kinetic energy < 1 %)."""


@dataclass(frozen=True)
class ClassInputs:
    """The CLASS parameters ndpcosmo sets for one model point (see the module docstring).

    omega_b, N_ur, YHe: always. m_ncdm_ev, T_ncdm: massive neutrinos (none by default).
    omega_ini_dcdm, Gamma_dcdm_km_s_mpc: a late N as decaying dark matter (0 when N is gone by
    recombination). omega_em, DM_decay_Gamma_per_s: the density whose decay injects electromagnetic
    energy (f_gamma omega_ini_dcdm) and its rate (0: no injection). omega_cdm: the cold dark matter that
    CLASS's DM_decay_fraction is relative to (the Cosmology's unless the run sets its own)."""

    omega_b: float
    N_ur: float
    YHe: float
    m_ncdm_ev: tuple[float, ...] = ()
    T_ncdm: float = 0.0
    omega_ini_dcdm: float = 0.0
    Gamma_dcdm_km_s_mpc: float = 0.0
    omega_em: float = 0.0
    DM_decay_Gamma_per_s: float = 0.0
    omega_cdm: float = 0.12

    def as_dict(self, omega_cdm: float | None = None) -> dict[str, object]:
        """The CLASS parameter dictionary (merge it with the rest of the cosmology); ``omega_cdm`` is
        the run's cold dark matter when it differs from the Cosmology's (it scales DM_decay_fraction)."""
        out: dict[str, object] = {"omega_b": self.omega_b, "N_ur": self.N_ur, "YHe": self.YHe}
        if self.m_ncdm_ev:
            out.update(
                N_ncdm=len(self.m_ncdm_ev),
                m_ncdm=",".join(f"{m:.10g}" for m in self.m_ncdm_ev),
                T_ncdm=",".join([f"{self.T_ncdm:.10g}"] * len(self.m_ncdm_ev)),
            )
        else:
            out["N_ncdm"] = 0
        if self.omega_ini_dcdm > 0.0:
            out.update(omega_ini_dcdm=self.omega_ini_dcdm, Gamma_dcdm=self.Gamma_dcdm_km_s_mpc)
        if self.omega_em > 0.0:
            cdm = self.omega_cdm if omega_cdm is None else omega_cdm
            out.update(DM_decay_fraction=self.omega_em / cdm, DM_decay_Gamma=self.DM_decay_Gamma_per_s)
        return out


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


def _a_today(history, cosmology) -> float:
    """a today on the history's scale (a_h = 1): a T_gamma is conserved after the last node."""
    return float(history.a[-1] * history.T_gamma_mev[-1] / (cosmology.T_cmb_K * c.K_B_MEV_PER_K))


def omega_ini(history, cosmology, mass_mev: float, tau_s: float) -> float:
    """omega of N as it would be today without decays: M n_N a^3 e^(t/tau) at the last node where N
    is non-relativistic and t <= tau / 10 (at the last node if none is that early), / (rho_crit/h^2)."""
    n = np.asarray(history.n_N_mev3, dtype=float)
    rho = np.asarray(history.rho_N_mev4, dtype=float)
    cold = (n > 0.0) & (rho < NONRELATIVISTIC * mass_mev * np.maximum(n, 1e-300))
    if not np.any(cold):
        raise ValueError(
            f"N (M_N = {mass_mev:g} MeV) is still relativistic at recombination: CLASS's decaying cold dark "
            "matter does not describe it"
        )
    early = np.flatnonzero(cold & (history.t_s <= 0.1 * tau_s))
    i = int(early[-1]) if early.size else int(np.flatnonzero(cold)[-1])
    comoving = n[i] * (history.a[i] / _a_today(history, cosmology)) ** 3
    return float(mass_mev * comoving * math.exp(history.t_s[i] / tau_s) / c.RHO_CRIT_OVER_H2_MEV4)


def dark_radiation_neff(history, cosmology, omega_ini_dcdm: float, tau_s: float) -> float:
    """The N_eff of the dark radiation CLASS's dcdm has made by the history's last node (z = 1100):
    a^4 rho_dr = Gamma (a^3 rho_ini) int a(t) e^(-t/tau) dt, trapezoidal on the history's nodes."""
    a = np.asarray(history.a, dtype=float) / _a_today(history, cosmology)
    t = np.asarray(history.t_s, dtype=float)
    f = a * np.exp(-t / tau_s)
    integral = float(np.sum(0.5 * (f[1:] + f[:-1]) * np.diff(t))) + 0.5 * f[0] * t[0]  # a ~ t^(1/2) before
    rho_dr = omega_ini_dcdm * c.RHO_CRIT_OVER_H2_MEV4 / tau_s * integral / a[-1] ** 4
    return float(NEFF_NORM * rho_dr / (RHO_GAMMA_PER_T4 * history.T_gamma_mev[-1] ** 4))


def class_inputs(result, massive_nu_ev: tuple[float, ...] = (), energy_injection: bool | None = None) -> ClassInputs:
    """The CLASS inputs from a ``pipeline.Result`` (see the module docstring; the Standard Model when
    ``result.model`` is None). ``massive_nu_ev``: masses of the massive neutrinos [eV] (none: all
    massless). ``energy_injection``: hand CLASS N's electromagnetic injection (default: when tau_N >=
    TAU_RECOMBINATION_S, where N also enters as decaying dark matter)."""
    history, cosmology = result.history, result.cosmology
    masses = tuple(float(m) for m in massive_nu_ev)
    if any(not (math.isfinite(m) and 0.0 < m <= 10.0) for m in masses):
        raise ValueError(f"massive_nu_ev = {massive_nu_ev!r}: each mass must be in (0, 10] eV")
    if len(masses) > 3:
        raise ValueError(f"massive_nu_ev = {massive_nu_ev!r}: at most three massive neutrinos")
    T_ncdm = 1.0 / float(history.T_gamma_over_T_nu)
    n_ur = float(history.neff_cmb) - len(masses) * (T_ncdm / T_NU_STANDARD) ** 4
    fields: dict[str, float] = {}
    model = result.model
    tau = model.tau_s if model is not None else math.inf
    late = model is not None and tau >= TAU_RECOMBINATION_S
    inject = late if energy_injection is None else bool(energy_injection)
    if inject and model is None:
        raise ValueError("energy_injection: the Standard Model has no N to decay")
    if late or inject:
        omega = omega_ini(history, cosmology, model.mass_mev, tau)
        if inject:
            fields.update(omega_em=model.photon_fraction * omega, DM_decay_Gamma_per_s=1.0 / tau)
        if late:
            n_ur -= dark_radiation_neff(history, cosmology, omega, tau)
            fields.update(omega_ini_dcdm=omega, Gamma_dcdm_km_s_mpc=c.MPC_KM / tau)
    if n_ur < 0.0:
        raise SolverError(
            "CMB inputs",
            model,
            f"N_ur = {n_ur:.4g} < 0: the radiation CLASS counts elsewhere (massive neutrinos, N's decays into dark "
            f"radiation, of which the photon half before recombination really heated the photons) exceeds N_eff = "
            f"{history.neff_cmb:.4g} at recombination; CLASS's decaying dark matter cannot describe this point",
        )
    return ClassInputs(
        omega_b=float(cosmology.omega_b),
        N_ur=n_ur,
        YHe=float(result.final.Yp),
        m_ncdm_ev=masses,
        T_ncdm=T_ncdm,
        omega_cdm=float(cosmology.omega_cdm),
        **fields,
    )


def run_class(
    result,
    settings: dict[str, object] | None = None,
    l_max: int = 2500,
    massive_nu_ev: tuple[float, ...] = (),
    energy_injection: bool | None = None,
    spectral_distortions: bool = False,
) -> ClassRun:
    """Run classy (``pip install ndpcosmo[cmb]``) for ``result``: ``class_inputs`` plus ``settings``
    (the other cosmological parameters, CLASS's defaults otherwise; they may not override the inputs
    ndpcosmo sets), lensed TT, TE, EE up to ``l_max``. The cold dark matter is ``settings['omega_cdm']``
    if given, else the result's Cosmology's. ``spectral_distortions`` adds CLASS's ``Sd`` output: its
    ``mu_sd`` and ``y_sd`` join the derived quantities (``sd_only_exotic: 'yes'`` in the settings keeps
    only the exotic heating)."""
    try:
        import classy
    except ImportError as err:  # pragma: no cover - depends on the installation
        raise ImportError("run_class needs classy: pip install 'ndpcosmo[cmb]' (or pip install classy)") from err
    settings = dict(settings or {})
    chosen = class_inputs(result, massive_nu_ev, energy_injection)
    if "Omega_cdm" in settings and chosen.omega_em > 0.0:
        raise ValueError("settings: give omega_cdm (not Omega_cdm) when N injects energy (DM_decay_fraction)")
    cdm = settings.setdefault("omega_cdm", result.cosmology.omega_cdm) if "Omega_cdm" not in settings else None
    inputs = chosen.as_dict(None if cdm is None else float(cdm))
    clash = sorted(set(settings) & set(inputs))
    if clash:
        raise ValueError(f"settings may not set {clash}: ndpcosmo sets them from the model ({inputs})")
    output = "tCl,pCl,lCl,Sd" if spectral_distortions else "tCl,pCl,lCl"
    params: dict[str, object] = {"output": output, "lensing": "yes", "l_max_scalars": l_max}
    params.update(settings)
    params.update(inputs)
    cosmo = classy.Class()
    cosmo.set(params)
    start = time.perf_counter()
    try:
        try:
            cosmo.compute()
        except classy.CosmoComputationError as err:
            raise SolverError("CLASS", result.model, f"{str(err).strip()} (inputs {inputs})") from err
        elapsed = time.perf_counter() - start
        cl = cosmo.lensed_cl(l_max)
        T_muK = cosmo.T_cmb() * 1e6
        ell = np.asarray(cl["ell"][2:], dtype=float)
        factor = ell * (ell + 1.0) / (2.0 * np.pi) * T_muK**2
        names = ["YHe", "Neff", "100*theta_s", "z_rec", "tau_rec", "tau_reio"]
        derived = cosmo.get_current_derived_parameters(names + (["mu_sd", "y_sd"] if spectral_distortions else []))
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
