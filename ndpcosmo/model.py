"""Validated inputs: the dipole-portal model, the cosmology and the numerical precision.

``DipolePortal`` holds the physics of N; ``Cosmology`` the standard cosmological parameters;
``Precision`` every numerical setting (tolerances, grid densities, the hand-off temperature), kept
apart from the physics as CLASS keeps its precision files apart from its parameters. All three are
frozen dataclasses and validate themselves on construction: a bad value raises ``ValueError`` naming
the parameter, the value, the allowed range and why.

Derived quantities of the model (REFERENCE.md section 1):
    Gamma(N -> nu gamma) = mu^2 M^3 / (16 pi) (Dirac), 2x for Majorana; tau = hbar / Gamma.
    mu [MeV^-1] = mu_muB * mu_B, mu_B = e / (2 m_e) = 0.296304 MeV^-1.

Degrees of freedom: ``g_N`` = 2 states per population. The operator nubar sigma P_R N F creates N through
its right-chiral component: at production (T >> M_N) a Dirac N is populated in one helicity state per
particle and antiparticle (N_R and its CP conjugate), a Majorana N in its two helicity states. A Dirac N
has a second, flipped helicity pair, made with the share R(M/T) ~ 0.066 (M/T)^2 of the production and
coupled by decays and inverse decays like the first: the abundance stage follows it as a second
population (``production.helicity``; ``Precision.dirac_flipped_pair``), so a Dirac N kept coupled while
non-relativistic holds 4 states (docs/physics.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from . import constants as c

NATURES = ("dirac", "majorana")
FLAVOURS = ("e", "mu", "tau")

MASS_RANGE_MEV = (1e-3, 1e4)
MU_RANGE_MUB = (1e-18, 1e-4)
T_RH_RANGE_MEV = (3.0, 1e7)
REHEATINGS = ("instantaneous", "perturbative")
PERTURBATIVE_T_RH_MIN_MEV = 20.0
CW_OVER_CB_RANGE = (-1e3, 1e3)
ELECTROWEAK_TREATMENTS = ("crossover", "broken")


def _check_number(name: str, value: object, lo: float, hi: float, why: str) -> float:
    """Return ``value`` as a float if it is a finite real number in [lo, hi]; else raise ValueError."""
    message = f"{name} must be a finite real number in the allowed range [{lo:g}, {hi:g}] ({why}); got {value!r}"
    if isinstance(value, (bool, str, bytes)):
        raise ValueError(message)
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if not math.isfinite(x):
        raise ValueError(message)
    if not lo <= x <= hi:
        raise ValueError(f"{name} = {x:g} is outside the allowed range [{lo:g}, {hi:g}] ({why})")
    return x


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(repr(v) for v in choices)}; got {value!r}")
    return value


@dataclass(frozen=True)
class DipolePortal:
    """A heavy neutral lepton N with a transition magnetic moment to one active neutrino flavour.

    Parameters
    ----------
    mass_mev: N mass M_N [MeV], in [1e-3, 1e4].
    mu_muB: transition magnetic moment mu_nu in Bohr magnetons, in [1e-18, 1e-4].
    nature: "dirac" or "majorana".
    flavour: the active flavour N couples to: "e", "mu" or "tau".
    T_RH_mev: reheating temperature [MeV] in [3, 1e7], or None for no reheating limit (N was in
        equilibrium above the highest temperature the code follows).
    reheating: "instantaneous" (an SM plasma at T_RH with no N; default) or "perturbative" (an
        oscillating inflaton decaying with Gamma_phi = H(T_RH): the plasma reaches T_max > T_RH and
        entropy is released; ``production.reheating``). "perturbative" needs T_RH_mev >= 20 MeV (the
        inflaton must be gone, rho_phi/rho_SM < 1e-10, by the hand-off to the thermal history).
    cw_over_cb: the ratio C_NW / C_NB of the SU(2) and hypercharge dimension-6 dipole operators that
        make mu_nu = sqrt(2) v (c_W C_NB + s_W C_NW) / Lambda^2 (``production.electroweak``), in
        [-1e3, 1e3] but not where the photon dipole cancels (c_W + s_W r within 10 % of its terms,
        r near -c_W/s_W = -1.87). Default 0: the hypercharge operator alone. It sets the production
        above the electroweak crossover only.
    """

    mass_mev: float
    mu_muB: float
    nature: str = "dirac"
    flavour: str = "mu"
    T_RH_mev: float | None = None
    reheating: str = "instantaneous"
    cw_over_cb: float = 0.0

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(
            self,
            "mass_mev",
            _check_number("mass_mev", self.mass_mev, *MASS_RANGE_MEV, "the production tables span 1 keV to 10 GeV"),
        )
        set_(
            self,
            "mu_muB",
            _check_number(
                "mu_muB",
                self.mu_muB,
                *MU_RANGE_MUB,
                "a transition moment in Bohr magnetons; outside this range "
                "N either never couples or stays coupled through recombination",
            ),
        )
        set_(self, "nature", _check_choice("nature", self.nature, NATURES))
        set_(self, "flavour", _check_choice("flavour", self.flavour, FLAVOURS))
        if self.T_RH_mev is not None:
            set_(
                self,
                "T_RH_mev",
                _check_number(
                    "T_RH_mev",
                    self.T_RH_mev,
                    *T_RH_RANGE_MEV,
                    "below 3 MeV the SM neutrinos themselves do not thermalise after reheating; above "
                    "10 TeV the SM tabulation is not used; use None for no reheating limit",
                ),
            )
        set_(self, "reheating", _check_choice("reheating", self.reheating, REHEATINGS))
        if self.reheating == "perturbative" and (self.T_RH_mev is None or self.T_RH_mev < PERTURBATIVE_T_RH_MIN_MEV):
            raise ValueError(
                f"reheating = 'perturbative' needs T_RH_mev >= {PERTURBATIVE_T_RH_MIN_MEV:g} MeV (the inflaton decays "
                f"until ~0.15 T_RH, before the hand-off to the thermal history); got T_RH_mev = {self.T_RH_mev!r}"
            )
        r = _check_number(
            "cw_over_cb", self.cw_over_cb, *CW_OVER_CB_RANGE, "C_NW / C_NB of the dimension-6 dipole operators"
        )
        c_w, s_w = math.sqrt(1.0 - c.SIN2_W), math.sqrt(c.SIN2_W)
        if abs(c_w + s_w * r) < 0.1 * max(c_w, s_w * abs(r)):
            lo, hi = -c_w / s_w / 0.9, -0.9 * c_w / s_w
            raise ValueError(
                f"cw_over_cb = {r:g} makes the photon dipole c_W C_NB + s_W C_NW cancel to < 10 % of its terms; "
                f"allowed: [{CW_OVER_CB_RANGE[0]:g}, {CW_OVER_CB_RANGE[1]:g}] outside ({lo:.3g}, {hi:.3g})"
            )
        set_(self, "cw_over_cb", r)

    @property
    def majorana(self) -> bool:
        return self.nature == "majorana"

    @property
    def mu_per_mev(self) -> float:
        """mu_nu in natural units [MeV^-1]."""
        return self.mu_muB * c.MU_B_PER_MEV

    @property
    def width_mev(self) -> float:
        """Total width Gamma(N -> nu gamma) [MeV]."""
        width = self.mu_per_mev**2 * self.mass_mev**3 / (16.0 * math.pi)
        return 2.0 * width if self.majorana else width

    @property
    def tau_s(self) -> float:
        """Lifetime at rest [s]."""
        return c.HBAR_MEV_S / self.width_mev

    @property
    def g_N(self) -> int:
        """Internal degrees of freedom of N followed by the code (2 for both natures, see module doc)."""
        return 2

    @property
    def photon_fraction(self) -> float:
        """Fraction of N's rest energy its decay N -> nu gamma gives the photon (at rest: 1/2)."""
        return 0.5


RELIC_TAU_RANGE_S = (1e-3, 1e14)
RELIC_T0_RANGE_MEV = (2.0, 50.0)


@dataclass(frozen=True)
class Relic:
    """Any particle X decaying at rest into photons and neutrinos, through the same chain as N.

    Conventions (beside ACROPOLIS's ``DecayModel(mass, tau, temp0, n0a, bree, braa)``, Depta, Hufnagel,
    Schmidt-Hoberg arXiv:2011.06518): ``n_over_ngamma`` is the number density of X (particles plus
    antiparticles) over the photons' at the photon temperature ``T0_mev`` (ACROPOLIS's n0a at temp0);
    X is cold (at rest) and decays with lifetime ``tau_s`` (no inverse decays, no production); a fraction
    ``photon_fraction`` of its mass goes into photons of energy M/2 (2 f photons per decay: f = 1 is
    ACROPOLIS's braa = 1, X -> gamma gamma) and the rest into nu and nubar of ``flavour`` in equal numbers,
    also of M/2 (2 (1 - f) per decay). The default f = 0.5 is one photon and one nu (or nubar) of M/2,
    as N -> nu gamma and Nbar -> nubar gamma. The chain starts at T0 (the neutrinos still coupled).

    mass_mev in [1e-3, 1e4]; tau_s in [1e-3, 1e14]; n_over_ngamma in [0, 1e3]; T0_mev in [2, 50];
    photon_fraction in [0, 1]; flavour "e", "mu" or "tau".
    """

    mass_mev: float
    tau_s: float
    n_over_ngamma: float
    T0_mev: float = 10.0
    photon_fraction: float = 0.5
    flavour: str = "mu"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "mass_mev", _check_number("mass_mev", self.mass_mev, *MASS_RANGE_MEV, "the relic's mass in MeV"))
        set_(
            self,
            "tau_s",
            _check_number("tau_s", self.tau_s, *RELIC_TAU_RANGE_S, "lifetime in s: from BBN's start to recombination"),
        )
        set_(
            self,
            "n_over_ngamma",
            _check_number("n_over_ngamma", self.n_over_ngamma, 0.0, 1e3, "number density over the photons' at T0"),
        )
        set_(
            self,
            "T0_mev",
            _check_number("T0_mev", self.T0_mev, *RELIC_T0_RANGE_MEV, "where the chain starts: neutrinos coupled"),
        )
        set_(
            self,
            "photon_fraction",
            _check_number("photon_fraction", self.photon_fraction, 0.0, 1.0, "the share of M going into photons"),
        )
        set_(self, "flavour", _check_choice("flavour", self.flavour, FLAVOURS))

    @property
    def width_mev(self) -> float:
        """Total width hbar / tau [MeV]."""
        return c.HBAR_MEV_S / self.tau_s


OMEGA_B_WHY = "Omega_b h^2 today; wide because a BBN profile of a diluted history runs over eta_ratio x [0.010, 0.040]"


@dataclass(frozen=True)
class Cosmology:
    """Standard cosmological parameters.

    omega_b: physical baryon density Omega_b h^2 today, in [0.005, 0.05].
    tau_n_s: neutron lifetime [s], in [800, 1000].
    T_cmb_K: CMB temperature today [K], in [2.5, 3.0].
    omega_cdm: physical cold dark matter density Omega_c h^2 today, in [0.01, 0.5] (enters H only
        near recombination).
    Defaults: Planck 2018 (arXiv:1807.06209, TT,TE,EE+lowE+lensing) for omega_b, omega_cdm; Fixsen
    2009 for T_cmb; PDG 2024 for tau_n.
    """

    omega_b: float = 0.02242
    tau_n_s: float = 879.4
    T_cmb_K: float = 2.7255
    omega_cdm: float = 0.11933

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "omega_b", _check_number("omega_b", self.omega_b, 1e-30, 1.0, OMEGA_B_WHY))
        set_(self, "tau_n_s", _check_number("tau_n_s", self.tau_n_s, 800.0, 1000.0, "neutron lifetime in s"))
        set_(self, "T_cmb_K", _check_number("T_cmb_K", self.T_cmb_K, 2.5, 3.0, "CMB temperature in K"))
        set_(self, "omega_cdm", _check_number("omega_cdm", self.omega_cdm, 0.01, 0.5, "Omega_c h^2"))


@dataclass(frozen=True)
class Precision:
    """Numerical settings. The defaults give publication accuracy.

    abundance_rtol: target relative error of the abundance integration, in [1e-9, 1e-2]; the
        exponential integrator is second order, so it takes ceil(0.5 / sqrt(rtol)) steps per decade of
        temperature.
    rate_T_per_decade, rate_M_per_decade: density of the precomputed production-rate table in T and
        in M_N (points per decade), in [5, 200].
    rate_quadrature_nodes: Gauss-Legendre nodes of the thermal average over s, in [16, 512].
    production_statistics: "quantum" (default: the t-channel with Fermi-Dirac / Bose-Einstein
        initial states, Pauli blocking and Bose enhancement of the final target, exact kinematics;
        ``production.t_channel``) or "boltzmann" (Maxwell-Boltzmann kinematics times the ratios
        n_FD/n_MB of the initial states, the treatment before 2026-12).
    screening_scale: xi, the t-channel cut at |t| >= xi^2 m_D^2, in [0.25, 4]; above the electroweak
        crossover it also scales the Higgs-doublet thermal masses of the contact processes. 1 is the
        leading-order result; 1/2 and 2 bound the theory band of T_dec (docs/physics.md).
    T_handoff_mev: where the abundance stage hands N to the thermal-history stage [MeV], in [2, 50]
        (while the SM neutrinos are still coupled). If T_start is lower than twice this, the hand-off
        happens at T_start / 2.
    T_max_mev: the highest temperature followed [MeV], in [1e3, 1e7] (the SM tabulation and the
        rate table end at 10 TeV).
    history_rtol: relative tolerance of the thermal-history integration, in [1e-9, 1e-3] (default 1e-7;
        1e-5 changes N_eff by < 2e-3 and is ~6x faster where N stays coupled: scans use it).
    bbn_network: "key" (9 nuclides, the 12 key reactions and three for 6Li) or "extended" (12
        nuclides, 45 reactions).
    bbn_rtol: relative tolerance of the BBN integration, in [1e-8, 1e-3].
    bbn_errors: theory errors from the nuclear-rate uncertainties: "linear" (one extra network run
        per uncertain reaction), "montecarlo" (200 runs) or "none".
    bbn_library: nuclear rate library, "starlib" (the evaluations PRIMAT 2023 uses) or "reaclib".
    pdi: photodisintegration by the decay photons (``photodisintegration.solve``), True or False.
    pdi_cross_sections: "cyburt2003" (the fits ACROPOLIS uses) or "evaluated" (IAEA/EXFOR tables).
    pdi_steps_per_decade: non-thermal network steps per decade of T, in [10, 400].
    neutrino_injection: how the neutrinos of N's decays are followed: "spectral" (a non-thermal
        population on a momentum grid: collisions, flavour, n <-> p by their spectra; default) or
        "thermal" (their energy into the nu_a temperature at once, the treatment before 2026-12).
    dirac_flipped_pair: follow the flipped helicity pair of a Dirac N (made with the share R(M/T) of the
        production, coupled by decays; ``production.helicity``): True (default) or False (one pair,
        g_N = 2, the treatment before 2026-12).
    electroweak: production around and above the electroweak crossover: "crossover" (default: the
        dimension-5 rate times (v(T)/v_0)^2 plus the dimension-6 contact processes,
        ``production.electroweak``) or "broken" (the broken-phase dimension-5 rate continued to
        10 TeV, the treatment before 2026-12).
    """

    abundance_rtol: float = 1e-5
    rate_T_per_decade: int = 25
    rate_M_per_decade: int = 12
    rate_quadrature_nodes: int = 64
    production_statistics: str = "quantum"
    screening_scale: float = 1.0
    T_handoff_mev: float = 10.0
    T_max_mev: float = 1e7
    history_rtol: float = 1e-7
    bbn_network: str = "key"
    bbn_rtol: float = 1e-4
    bbn_errors: str = "linear"
    bbn_library: str = "starlib"
    pdi: bool = True
    pdi_cross_sections: str = "cyburt2003"
    pdi_steps_per_decade: int = 40
    neutrino_injection: str = "spectral"
    dirac_flipped_pair: bool = True
    electroweak: str = "crossover"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(
            self,
            "abundance_rtol",
            _check_number("abundance_rtol", self.abundance_rtol, 1e-9, 1e-2, "relative tolerance"),
        )
        for name, lo, hi in (
            ("rate_T_per_decade", 5, 200),
            ("rate_M_per_decade", 5, 200),
            ("rate_quadrature_nodes", 16, 512),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an integer in [{lo}, {hi}]; got {value!r}")
            _check_number(name, value, lo, hi, "grid density")
        if self.production_statistics not in ("quantum", "boltzmann"):
            raise ValueError(
                f"production_statistics = {self.production_statistics!r}: allowed values are 'quantum' and 'boltzmann'"
            )
        set_(
            self,
            "screening_scale",
            _check_number("screening_scale", self.screening_scale, 0.25, 4.0, "the cut |t| >= xi^2 m_D^2"),
        )
        set_(
            self,
            "T_handoff_mev",
            _check_number("T_handoff_mev", self.T_handoff_mev, 2.0, 50.0, "hand-off while SM neutrinos are coupled"),
        )
        set_(
            self,
            "T_max_mev",
            _check_number("T_max_mev", self.T_max_mev, 1e3, 1e7, "the SM tabulation and rate table end at 10 TeV"),
        )
        if self.bbn_network not in ("key", "extended"):
            raise ValueError(f"bbn_network = {self.bbn_network!r}: allowed values are 'key' and 'extended'")
        set_(self, "bbn_rtol", _check_number("bbn_rtol", self.bbn_rtol, 1e-8, 1e-3, "relative tolerance"))
        set_(
            self,
            "history_rtol",
            _check_number("history_rtol", self.history_rtol, 1e-9, 1e-3, "relative tolerance"),
        )
        if self.bbn_errors not in ("none", "linear", "montecarlo"):
            raise ValueError(f"bbn_errors = {self.bbn_errors!r}: allowed values are 'none', 'linear', 'montecarlo'")
        if self.bbn_library not in ("starlib", "reaclib"):
            raise ValueError(f"bbn_library = {self.bbn_library!r}: allowed values are 'starlib' and 'reaclib'")
        if not isinstance(self.pdi, bool):
            raise ValueError(f"pdi must be True or False; got {self.pdi!r}")
        if self.pdi_cross_sections not in ("cyburt2003", "evaluated"):
            raise ValueError(
                f"pdi_cross_sections = {self.pdi_cross_sections!r}: allowed values are 'cyburt2003' and 'evaluated'"
            )
        if isinstance(self.pdi_steps_per_decade, bool) or not isinstance(self.pdi_steps_per_decade, int):
            raise ValueError(f"pdi_steps_per_decade must be an integer in [10, 400]; got {self.pdi_steps_per_decade!r}")
        _check_number("pdi_steps_per_decade", self.pdi_steps_per_decade, 10, 400, "network steps per decade of T")
        if not isinstance(self.dirac_flipped_pair, bool):
            raise ValueError(f"dirac_flipped_pair must be True or False; got {self.dirac_flipped_pair!r}")
        set_(self, "electroweak", _check_choice("electroweak", self.electroweak, ELECTROWEAK_TREATMENTS))
        if self.neutrino_injection not in ("spectral", "thermal"):
            raise ValueError(
                f"neutrino_injection = {self.neutrino_injection!r}: allowed values are 'spectral' and 'thermal'"
            )

    @property
    def abundance_steps_per_decade(self) -> int:
        return max(20, math.ceil(0.5 / math.sqrt(self.abundance_rtol)))

    def refined(self, factor: float = 2.0) -> Precision:
        """A copy with every tolerance divided by ``factor`` (and grids densified accordingly)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["abundance_rtol"] = self.abundance_rtol / factor
        return Precision(**values)
