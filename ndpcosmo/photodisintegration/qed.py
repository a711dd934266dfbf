"""QED cross sections and kernels of the electromagnetic cascade (m_e = 1 energy units are avoided:
every function takes energies in MeV and returns cross sections in MeV^-2, rates in MeV).

* Compton scattering on electrons at rest, Klein & Nishina (1929): total and differential in the
  outgoing photon energy, dsigma/dE' = (pi r_e^2 m / E^2) [E/E' + E'/E - 2u + u^2], u = m (1/E' - 1/E).
* Pair creation gamma gamma -> e+ e-, Breit & Wheeler (1934):
  sigma = (pi r_e^2 / 2)(1 - b^2)[(3 - b^4) ln((1 + b)/(1 - b)) - 2 b (2 - b^2)], b^2 = 1 - 4 m^2 / s.
* Photon-photon scattering below the pair threshold, Euler & Heisenberg (1936):
  dsigma/dOmega = 139 alpha^2 r_e^2 (w/m)^6 (3 + cos^2 theta)^2 / (32400 pi^2) in the centre of mass
  (w the photon energy there), total (identical photons) 973 alpha^2 r_e^2 (w/m)^6 / (10125 pi).
  On an isotropic Planck gas at T, a photon of energy E >> T scatters at
  Gamma = (973/(10125 pi)) (16/5) (1/8) (120 pi^4/945) alpha^4 m (E/m)^3 (T/m)^6 = 0.15135 alpha^4 m (E/m)^3 (T/m)^6
  and the two outgoing photons share E as y and 1 - y with density proportional to (1 - y + y^2)^2
  (the cos theta* distribution boosted along the incoming photon), i.e.
  dGamma/dE' = (1112/(10125 pi)) (8 pi^4/63) alpha^4 T^6 E^2 / m^8 (1 - y + y^2)^2, y = E'/E,
  which is Svensson & Zdziarski's (ApJ 349 (1990) 415) result, rederived here.
* Bethe-Heitler pair creation on a bare nucleus of charge Z: the total cross section of Maximon
  (J. Res. NBS 72B (1968) 79), near threshold and at high energy (Hubbell, Gimm & Overbo, J. Phys.
  Chem. Ref. Data 9 (1980) 1023, eqs. for the Coulomb-corrected-free Born cross section).
* Inverse Compton scattering of an electron (Lorentz factor g) on isotropic photons of energy eps,
  Jones (Phys. Rev. 167 (1968) 1159) as written by Blumenthal & Gould (Rev. Mod. Phys. 42 (1970) 237,
  eq. 2.48): dN/(dt dE1) = 2 pi r_e^2 / (g^2 eps) [2 q ln q + (1 + 2q)(1 - q) + (G q)^2 (1 - q)/(2 (1 + G q))],
  G = 4 eps g / m, q = E1 / (G (g m - E1)), 1/(4 g^2) <= q <= 1 (per unit photon density).
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy.interpolate import CubicSpline

from ndpcosmo import constants as c
from ndpcosmo.photodisintegration._kernels import pair_spectrum

M_E = c.M_E_MEV
ALPHA = c.ALPHA_EM
R_E = ALPHA / M_E
"""Classical electron radius [MeV^-1]."""
SIGMA_T = 8.0 * math.pi / 3.0 * R_E**2
"""Thomson cross section [MeV^-2]."""


def klein_nishina(E_mev: np.ndarray) -> np.ndarray:
    """Total Compton cross section on an electron at rest [MeV^-2]."""
    x = np.asarray(E_mev, dtype=float) / M_E
    small = x < 1e-3
    xs = np.where(small, 1.0, x)
    log_term = np.log1p(2.0 * xs)
    full = (
        2.0
        * math.pi
        * R_E**2
        * (
            (1.0 + xs) / xs**3 * (2.0 * xs * (1.0 + xs) / (1.0 + 2.0 * xs) - log_term)
            + log_term / (2.0 * xs)
            - (1.0 + 3.0 * xs) / (1.0 + 2.0 * xs) ** 2
        )
    )
    series = SIGMA_T * (1.0 - 2.0 * x + 5.2 * x**2 - 13.3 * x**3)
    return np.where(small, series, full)


def compton_differential(E_out_mev: np.ndarray, E_mev: float) -> np.ndarray:
    """dsigma/dE' [MeV^-3] of Compton scattering of a photon E into E' (electron at rest)."""
    Ep = np.asarray(E_out_mev, dtype=float)
    u = M_E * (1.0 / Ep - 1.0 / E_mev)
    inside = (Ep <= E_mev) & (Ep >= E_mev / (1.0 + 2.0 * E_mev / M_E))
    value = math.pi * R_E**2 * M_E / E_mev**2 * (E_mev / Ep + Ep / E_mev - 2.0 * u + u * u)
    return np.where(inside, value, 0.0)


def breit_wheeler(s_mev2: np.ndarray) -> np.ndarray:
    """Total gamma gamma -> e+ e- cross section [MeV^-2] at invariant mass squared s."""
    s = np.asarray(s_mev2, dtype=float)
    b2 = np.clip(1.0 - 4.0 * M_E**2 / np.maximum(s, 1e-300), 0.0, 1.0)
    b = np.sqrt(b2)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (
            0.5 * math.pi * R_E**2 * (1.0 - b2) * ((3.0 - b2**2) * np.log((1.0 + b) / (1.0 - b)) - 2.0 * b * (2.0 - b2))
        )
    return np.where(b > 0.0, np.nan_to_num(value), 0.0)


def photon_photon_rate(E_mev: np.ndarray, T_mev: float) -> np.ndarray:
    """Rate [MeV] of photon-photon scattering of a photon E on the CMB at T (E T << m^2)."""
    E = np.asarray(E_mev, dtype=float)
    return 0.15135 * ALPHA**4 * M_E * (E / M_E) ** 3 * (T_mev / M_E) ** 6


def photon_photon_spectrum(E_out_mev: np.ndarray, E_mev: float, T_mev: float) -> np.ndarray:
    """dGamma/dE' [dimensionless: MeV / MeV] of the two photons out of photon-photon scattering."""
    y = np.asarray(E_out_mev, dtype=float) / E_mev
    coeff = 1112.0 / (10125.0 * math.pi) * 8.0 * math.pi**4 / 63.0
    value = coeff * ALPHA**4 * T_mev**6 * E_mev**2 / M_E**8 * (1.0 - y + y * y) ** 2
    return np.where((y >= 0.0) & (y <= 1.0), value, 0.0)


def bethe_heitler(E_mev: np.ndarray, Z: float) -> np.ndarray:
    """Total Bethe-Heitler pair-creation cross section on a bare nucleus of charge Z [MeV^-2]
    (Born approximation, no screening: Maximon 1968)."""
    k = np.asarray(E_mev, dtype=float) / M_E
    out = np.zeros_like(k)
    low = (k > 2.0) & (k < 4.0)
    kl = k[low]
    eps = (2.0 * kl - 4.0) / (2.0 + kl + 2.0 * np.sqrt(2.0 * kl))
    out[low] = (
        (2.0 * math.pi / 3.0)
        * ((kl - 2.0) / kl) ** 3
        * (1.0 + eps / 2.0 + 23.0 * eps**2 / 40.0 + 11.0 * eps**3 / 60.0 + 29.0 * eps**4 / 960.0)
    )
    high = k >= 4.0
    kh = k[high]
    L = np.log(2.0 * kh)
    z3 = c.ZETA3
    out[high] = (
        28.0 / 9.0 * L
        - 218.0 / 27.0
        + (2.0 / kh) ** 2
        * (6.0 * L - 7.0 / 2.0 + 2.0 / 3.0 * L**3 - L**2 - math.pi**2 / 3.0 * L + 2.0 * z3 + math.pi**2 / 6.0)
        - (2.0 / kh) ** 4 * (3.0 / 16.0 * L + 1.0 / 8.0)
        - (2.0 / kh) ** 6 * (29.0 / (9.0 * 256.0) * L - 77.0 / (27.0 * 512.0))
    )
    return ALPHA * R_E**2 * Z**2 * out


def inverse_compton_kernel(E1_mev: np.ndarray, gamma: float, eps_mev: np.ndarray) -> np.ndarray:
    """Jones' spectrum of photons E1 scattered by an electron of Lorentz factor gamma off isotropic
    photons of energy eps: dN/(dt dE1) per unit target density [MeV^-2] (arrays broadcast)."""
    E1 = np.asarray(E1_mev, dtype=float)
    eps = np.asarray(eps_mev, dtype=float)
    G = 4.0 * eps * gamma / M_E
    with np.errstate(divide="ignore", invalid="ignore"):
        q = E1 / (G * (gamma * M_E - E1))
        ok = (q >= 1.0 / (4.0 * gamma**2)) & (q <= 1.0) & (E1 > 0.0)
        qs = np.where(ok, q, 0.5)
        f = 2.0 * qs * np.log(qs) + (1.0 + 2.0 * qs) * (1.0 - qs) + (G * qs) ** 2 * (1.0 - qs) / (2.0 * (1.0 + G * qs))
        value = 2.0 * math.pi * R_E**2 / (gamma**2 * eps) * f
    return np.where(ok, value, 0.0)


@functools.lru_cache(maxsize=32)
def gauss_legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [-1, 1] (cached; read-only arrays)."""
    t, w = np.polynomial.legendre.leggauss(n)
    t.flags.writeable = False
    w.flags.writeable = False
    return t, w


def _planck_phi(eps_min_mev: np.ndarray, T_mev: float) -> np.ndarray:
    """int_{eps_min}^inf n(eps)/eps^2 deps for a Planck gas (2 helicities) = -(T/pi^2) ln(1 - exp(-eps_min/T))."""
    return -(T_mev / math.pi**2) * np.log1p(-np.exp(-np.asarray(eps_min_mev, dtype=float) / T_mev))


def _bw_angular(cos: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Angular shape of gamma gamma -> e+ e- in the centre of mass (integrates to 2 pi times the bracket
    of ``breit_wheeler``: the differential cross section of Breit & Wheeler)."""
    s2 = 1.0 - cos * cos
    return beta * (1.0 + 2.0 * beta**2 * s2 - beta**4 - beta**4 * s2 * s2) / (1.0 - beta**2 * cos * cos) ** 2


def pair_creation(E_mev: float, T_mev: float, x: np.ndarray, n_s: int = 400) -> tuple[float, np.ndarray]:
    """Pair creation of a photon E on a Planck gas at T (E >> T): the rate [MeV] and the spectrum of
    the e+ and e- together, dGamma/dx [MeV] with x = E_e/E (two leptons: it integrates to 2 Gamma).

    With s = 2 E eps (1 - cos psi) the thermal average reduces to one integral over s,
    Gamma = (1/(8 E^2)) int ds s sigma(s) Phi(s/(4E)), Phi(eps_min) = int_{eps_min} n/eps^2; in the
    centre of mass the lepton takes x = (1 + beta cos theta*)/2 of E (boost along the photon), with the
    Breit-Wheeler angular distribution."""
    x = np.asarray(x, dtype=float)
    # s = 4 m^2 y, y from 1 to where Phi is negligible: Phi ~ exp(-m^2 y / (E T))
    y_max = 1.0 + 60.0 * E_mev * T_mev / M_E**2
    t, w = gauss_legendre(n_s)
    u = 0.5 * (t + 1.0)  # y - 1 = (y_max - 1) u^2: resolves the threshold
    y = 1.0 + (y_max - 1.0) * u * u
    wy = w * (y_max - 1.0) * u  # dy = 2 (y_max - 1) u du, du = dt / 2
    s = 4.0 * M_E**2 * y
    weight = wy * 4.0 * M_E**2 * s * breit_wheeler(s) * _planck_phi(s / (4.0 * E_mev), T_mev) / (8.0 * E_mev**2)
    rate = float(np.sum(weight))
    beta = np.sqrt(1.0 - 1.0 / y)
    spectrum = pair_spectrum(np.ascontiguousarray(np.atleast_1d(x), dtype=float), beta, weight)
    return rate, spectrum


def bethe_heitler_differential(E_minus_mev: np.ndarray, E_mev: float) -> np.ndarray:
    """dsigma/dE_- [MeV^-3] per unit Z^2 for gamma N -> N e+ e- with the electron at total energy E_-
    (the positron has E - E_-): the unscreened Born result of Berestetskii, Lifshitz & Pitaevskii
    (QED, sec. 93), as written in Depta, Hufnagel & Schmidt-Hoberg, arXiv:2011.06518, app. A.
    Symmetric in e+ <-> e-; integrates to ``bethe_heitler`` (test)."""
    Em = np.asarray(E_minus_mev, dtype=float)
    Ep = E_mev - Em
    ok = (Em > M_E) & (Ep > M_E)
    Em = np.where(ok, Em, 2.0 * M_E)
    Ep = np.where(ok, Ep, 2.0 * M_E)
    pm = np.sqrt(Em * Em - M_E**2)
    pp = np.sqrt(Ep * Ep - M_E**2)
    m2 = M_E**2
    L = np.log((Ep * Em + pp * pm + m2) / (Ep * Em - pp * pm + m2))
    lp = np.log((Ep + pp) / (Ep - pp))
    lm = np.log((Em + pm) / (Em - pm))
    bracket = (
        -4.0 / 3.0
        - 2.0 * Ep * Em * (pp**2 + pm**2) / (pp**2 * pm**2)
        + m2 * (lm * Ep / pm**3 + lp * Em / pp**3 - lp * lm / (pp * pm))
        + L
        * (
            -8.0 * Ep * Em / (3.0 * pp * pm)
            + E_mev**2 / (pp**3 * pm**3) * (Ep**2 * Em**2 + pp**2 * pm**2 - m2 * Ep * Em)
        )
        - L * m2 * E_mev / (2.0 * pp * pm) * (lp * (Ep * Em - pp**2) / pp**3 + lm * (Ep * Em - pm**2) / pm**3)
    )
    value = ALPHA**3 / m2 * pp * pm / E_mev**3 * bracket
    return np.where(ok, value, 0.0)


def pair_creation_kernel(E_mev: np.ndarray, E_photon_mev: float, eps_mev: np.ndarray) -> np.ndarray:
    """Aharonian, Atoyan & Nagapetyan's (Astrofizika 19 (1983) 323) spectrum of one lepton (total
    energy E) from gamma gamma -> e+ e- of a photon E' on a target photon eps, per target photon and
    per unit of f_gamma(eps) d eps / eps^2: pi alpha^2 m^2 / (4 E'^3) G(E, E', eps) (the form of
    arXiv:2011.06518, app. A); zero outside E_lim- < E < E_lim+."""
    E = np.asarray(E_mev, dtype=float)
    eps = np.asarray(eps_mev, dtype=float)
    Ep = E_photon_mev
    m2 = M_E**2
    W = Ep + eps
    disc = 1.0 - m2 / (Ep * eps)
    root = np.sqrt(np.clip(disc, 0.0, None))
    lo = 0.5 * (W - (Ep - eps) * root)
    hi = 0.5 * (W + (Ep - eps) * root)
    ok = (disc > 0.0) & (E > lo) & (E < hi) & (E > M_E)
    d = np.where(ok, W - E, 1.0)
    Es = np.where(ok, E, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        G = (
            4.0 * W**2 / (Es * d) * np.log(4.0 * eps * Es * d / (m2 * W))
            + (m2 / (eps * W) - 1.0) * W**4 / (Es**2 * d**2)
            + 2.0 * (2.0 * eps * W - m2) * W**2 / (m2 * Es * d)
            - 8.0 * eps * W / m2
        )
    return np.where(ok, math.pi * ALPHA**2 * m2 / (4.0 * Ep**3) * G, 0.0)


def _pair_rate_table() -> dict[str, np.ndarray]:
    """ln H on a grid in ln kappa, kappa = E T / m^2: the pair-creation rate on a Planck gas scales
    exactly as Gamma = (T m^4 / E^2) H(kappa) (substitute s = 4 m^2 y in ``pair_creation``)."""
    ln_kappa = np.linspace(math.log(1e-3), math.log(1e4), 2801)
    T = 1e-3
    H = np.array([pair_creation(math.exp(k) * M_E**2 / T, T, np.array([0.5]), n_s=400)[0] for k in ln_kappa])
    H *= (np.exp(ln_kappa) * M_E**2 / T) ** 2 / (T * M_E**4)
    keep = H > 1e-300
    return {"ln_kappa": ln_kappa[keep], "ln_H": np.log(H[keep])}


@functools.lru_cache(maxsize=1)
def _pair_rate_scaling():
    """(ln kappa_min, spline of ln H) from ``_pair_rate_table`` (cached on disk: 0.5 s to compute)."""
    from pathlib import Path

    from ndpcosmo.cache import cached_arrays, fingerprint

    here = Path(__file__).resolve().parent
    fp = fingerprint([here / "qed.py", here / "_kernels.py", here.parent / "constants.py"], "pair-rate-v1")
    data = cached_arrays("pair-rate-scaling", fp, _pair_rate_table, "the pair-creation rate scaling (0.5 s)")
    return float(data["ln_kappa"][0]), CubicSpline(data["ln_kappa"], data["ln_H"])


def pair_creation_rate(E_mev: np.ndarray, T_mev: float) -> np.ndarray:
    """Pair-creation rate [MeV] of photons E on the CMB at T, from the tabulated scaling function
    (same as ``pair_creation``'s rate to 1e-6; test)."""
    E = np.asarray(E_mev, dtype=float)
    lk_min, ln_H = _pair_rate_scaling()
    lk = np.log(E * T_mev / M_E**2)
    H = np.where(lk < lk_min, 0.0, np.exp(ln_H(np.maximum(lk, lk_min))))
    return T_mev * M_E**4 / E**2 * H
