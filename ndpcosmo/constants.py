"""Physical constants and unit conversions, in one place, each with its source.

Units: MeV for energies, masses and temperatures, seconds for times, natural units
(hbar = c = k_B = 1) otherwise. Sources:

* CODATA 2018 (Tiesinga et al., Rev. Mod. Phys. 93 (2021) 025010): ``ALPHA_EM``, ``M_E_MEV``,
  ``HBAR_MEV_S``, ``HBARC_MEV_CM``, ``K_B_MEV_PER_K``.
* PDG 2024 (Navas et al., Phys. Rev. D 110 (2024) 030001), "Physical constants" and summary tables:
  ``G_F_MEV2``, ``M_PL_MEV``, the lepton, quark (MS-bar / pole as quoted there), meson and boson
  masses.
* HotQCD (Bazavov et al., Phys. Lett. B 795 (2019) 15, arXiv:1812.08235): the QCD pseudo-critical
  temperature ``T_QCD_MEV``.
* D'Onofrio, Rummukainen, Tranberg, Phys. Rev. Lett. 113 (2014) 141602 (arXiv:1404.3565): the
  electroweak crossover temperature ``T_EW_MEV``.
"""

from __future__ import annotations

import math

# --- fundamental constants (CODATA 2018) -------------------------------------------------------
ALPHA_EM: float = 7.2973525693e-3
"""Fine-structure constant at q^2 = 0."""
E_CHARGE: float = math.sqrt(4.0 * math.pi * ALPHA_EM)
"""Elementary charge in natural (Heaviside-Lorentz) units, e = sqrt(4 pi alpha)."""
M_E_MEV: float = 0.51099895000
"""Electron mass [MeV]."""
MU_B_PER_MEV: float = E_CHARGE / (2.0 * M_E_MEV)
"""Bohr magneton mu_B = e / (2 m_e) [MeV^-1] (= 0.296304 MeV^-1)."""
HBAR_MEV_S: float = 6.582119569e-22
"""Reduced Planck constant [MeV s]: converts a width in MeV to a rate in s^-1."""
HBARC_MEV_CM: float = 197.3269804e-13
"""hbar c [MeV cm]: converts MeV^-1 to cm."""
K_B_MEV_PER_K: float = 8.617333262e-11
"""Boltzmann constant [MeV / K]."""

# --- unit conversions ----------------------------------------------------------------------------
MEV_TO_PER_S: float = 1.0 / HBAR_MEV_S
"""A rate of 1 MeV equals this many s^-1."""
INV_MEV2_TO_CM2: float = HBARC_MEV_CM**2
"""A cross section of 1 MeV^-2 equals this many cm^2."""
MEV_TO_KELVIN: float = 1.0 / K_B_MEV_PER_K
"""A temperature of 1 MeV equals this many kelvin."""

# --- gravity and weak interaction (PDG 2024) -------------------------------------------------------
M_PL_MEV: float = 1.220890e22
"""Planck mass M_Pl = G_N^{-1/2} [MeV] (not the reduced Planck mass)."""
G_F_MEV2: float = 1.1663788e-11
"""Fermi constant G_F [MeV^-2]."""

MPC_KM: float = 3.0856775814913673e19
"""One megaparsec in km (IAU 2012 au and parsec definitions)."""

RHO_CRIT_OVER_H2_MEV4: float = 1.05371e-2 * (HBARC_MEV_CM**3)
"""Critical density today divided by h^2 [MeV^4] (PDG 2024: 1.05371e-5 h^2 GeV cm^-3)."""

# --- masses [MeV] (PDG 2024) ----------------------------------------------------------------------
M_MU_MEV: float = 105.6583755
M_TAU_MEV: float = 1776.93
M_U_MEV: float = 2.16
M_D_MEV: float = 4.70
M_S_MEV: float = 93.5
M_C_MEV: float = 1273.0
M_B_MEV: float = 4183.0
M_T_MEV: float = 172570.0
M_PI_CHARGED_MEV: float = 139.57039
M_K_CHARGED_MEV: float = 493.677
M_W_MEV: float = 80369.2
M_Z_MEV: float = 91187.6
M_H_MEV: float = 125200.0
"""Higgs boson mass [MeV] (PDG 2024: 125.20 GeV)."""
SIN2_W: float = 1.0 - (M_W_MEV / M_Z_MEV) ** 2
"""sin^2 theta_W in the on-shell scheme, 1 - m_W^2/m_Z^2 (= 0.2232)."""

# --- crossover temperatures [MeV] ------------------------------------------------------------------
T_QCD_MEV: float = 156.5
"""QCD chiral pseudo-critical temperature (HotQCD 2019)."""
T_EW_MEV: float = 159.5e3
"""Electroweak crossover temperature (D'Onofrio, Rummukainen, Tranberg 2014)."""

# --- mathematical constants ---------------------------------------------------------------------
ZETA3: float = 1.2020569031595942
"""Riemann zeta(3)."""

# --- nuclear physics (CODATA 2018; AME2020 for nuclide masses, in ndpcosmo.bbn.nuclides) ----------
AMU_MEV: float = 931.49410242
"""Atomic mass unit m_u c^2 [MeV] (CODATA 2018)."""
AVOGADRO_PER_MOL: float = 6.02214076e23
"""Avogadro constant N_A [mol^-1] (exact, SI 2019)."""

# --- nucleons and the weak n <-> p rates (used by ndpcosmo.bbn.weak) --------------------------------
M_N_MEV: float = 939.56542052
"""Neutron mass [MeV] (CODATA 2018)."""
M_P_MEV: float = 938.27208816
"""Proton mass [MeV] (CODATA 2018)."""
Q_NP_MEV: float = M_N_MEV - M_P_MEV
"""Neutron-proton mass difference Q = m_n - m_p = 1.29333236 MeV (CODATA 2018 masses)."""
G_A: float = 1.2754
"""Nucleon axial coupling g_A = -lambda (PDG 2024, "n" listing: lambda = g_A/g_V = -1.2754(13))."""
MU_P_NUCLEAR: float = 2.79284734463
"""Proton magnetic moment in nuclear magnetons (CODATA 2018); anomalous moment kappa_p = mu_p - 1."""
MU_N_NUCLEAR: float = -1.91304273
"""Neutron magnetic moment in nuclear magnetons (CODATA 2018); anomalous moment kappa_n = mu_n."""
R_P_FM: float = 0.8414
"""Proton rms charge radius [fm] (CODATA 2018); enters the Fermi function of beta decay."""
