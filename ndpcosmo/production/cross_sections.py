"""Cross sections and widths of the neutrino dipole portal, L = d nubar sigma^{mu nu} P_R N F_{mu nu} + h.c.

Conventions (REFERENCE.md section 1): d = mu_nu / 2 (Magill et al. arXiv:1803.03262 write d; Brdar,
Greljo, Kopp, Opferkuch arXiv:2007.15563 write mu_nu / 2). All functions take ``mu`` = mu_nu in
MeV^-1 and return MeV units; energies and masses in MeV.

Width (spin trace, checked against explicit spinors in tests/dirac_algebra.py):
    Gamma(N -> nu gamma) = d^2 M^3 / (4 pi) = mu^2 M^3 / (16 pi)       (Dirac N),
    twice that for a Majorana N (nu gamma and nubar gamma).

t-channel nu f -> N f by photon exchange (f of mass m, charge Q; averaged over the f spin, summed
over final spins; one left-handed neutrino state). With q = k_nu - p_N, t = q^2 and the f tensor
reduced by current conservation (q_mu N^{mu nu} = 0) to 4 (2 p^mu p^nu + g^{mu nu} t / 2) for a
Dirac fermion and to 4 p^mu p^nu for a scalar (eikonal coupling, also used for W+-):
    <|M|^2> = e^2 Q^2 d^2 P(t) / t^2,
    P(t) = 16 (2 T_pp + t T_tr / 2)   (fermion),   32 T_pp   (scalar),
    T_pp = N^{mu nu} p_mu p_nu / 4 and T_tr = N^mu_mu / 4 written through dot products below.
For m = 0 this is 16 e^2 d^2 [s u / t + M^2/2 - M^4/(2t)] (REFERENCE section 2; check value
<|M|^2>/(e^2 d^2) = 19.333 at s = 1, M = 0.5, t = -0.375). P is a cubic in t, so
    sigma(s) = int dt <|M|^2> / (16 pi lambda(s, 0, m^2))
is analytic; the forward divergence is screened by the plasma: |t| >= m_D^2 (REFERENCE section 2).

s-channel f fbar -> gamma* -> nu Nbar, per CP channel, averaged over the initial spins (and colours:
the caller divides by N_c):
    sigma = (alpha mu^2 / 12) Q^2 (1 - r)^2 (1 + 2 r) F(m^2/s),  r = M^2 / s,
    F = (1 + 2 m^2/s) / beta (fermions),  F = beta (scalars),  beta = sqrt(1 - 4 m^2/s);
(2.079e-48 cm^2 at mu = 1e-11 mu_B and M, m -> 0). F follows from the current tensor of the initial
pair contracted with the transverse final-state tensor (for fermions the same factor as in
e+e- -> mu+mu-, time-reversed; for scalars the pi+pi- <-> e+e- relation), derived in docs/physics.md.

Plasmon decay gamma*(K) -> nu Nbar, per CP channel and per polarisation (the dipole current is
conserved; the spin sum contracted with -g is mu^2 [8 (p1.K)(p2.K) - 2 (p1.p2) K^2] = mu^2 K^4 (1 - r)(1 + 2r),
averaged over the 3 polarisations of a massive vector, two-body phase space):
    Gamma = mu^2 K^4 / (48 pi omega) (1 - r)^2 (1 + 2 r) theta(K - M),   r = M^2/K^2.
The same spin sum crossed to N -> nu gamma (2 mu^2 M^4, averaged over 2 N spins) gives the width above,
so Gamma_rest(M -> 0) = Gamma(N -> nu gamma; M = K)/3 per channel. REFERENCE section 2 (V. Brdar, CERN-TH
talk) quotes mu^2 K^4/(24 pi omega): the sum of the two CP channels (nu Nbar + nubar N).
"""

from __future__ import annotations

import numpy as np

from .. import constants as c


def decay_width_mev(mass_mev, mu_per_mev, majorana: bool):
    """Gamma(N -> nu gamma) [MeV]: mu^2 M^3 / (16 pi) for Dirac, twice that for Majorana."""
    width = np.asarray(mu_per_mev) ** 2 * np.asarray(mass_mev) ** 3 / (16.0 * np.pi)
    return 2.0 * width if majorana else width


def kallen(a, b, c_):
    """Kallen function lambda(a, b, c) = a^2 + b^2 + c^2 - 2ab - 2ac - 2bc."""
    return a * a + b * b + c_ * c_ - 2.0 * (a * b + a * c_ + b * c_)


def _pmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Product of polynomials in t, coefficients along the last axis (constant term first)."""
    n = a.shape[-1] + b.shape[-1] - 1
    out = np.zeros(np.broadcast_shapes(a.shape[:-1], b.shape[:-1]) + (n,))
    for i in range(a.shape[-1]):
        for j in range(b.shape[-1]):
            out[..., i + j] += a[..., i] * b[..., j]
    return out


def _lin(const, slope) -> np.ndarray:
    const, slope = np.broadcast_arrays(np.asarray(const, float), np.asarray(slope, float))
    return np.stack([const, slope], axis=-1)


def t_channel_polynomial(s, mass_mev, m_f_mev, scalar: bool = False) -> np.ndarray:
    """Coefficients (c0..c3) of P(t), with <|M|^2> = e^2 Q^2 d^2 P(t) / t^2 for nu f -> N f.

    ``s`` broadcasts with the masses; the result has a trailing axis of length 4.
    """
    s = np.asarray(s, float)
    M2 = np.asarray(mass_mev, float) ** 2
    m2 = np.asarray(m_f_mev, float) ** 2
    s, M2, m2 = np.broadcast_arrays(s, M2, m2)
    zero = np.zeros_like(s)
    # Dot products as linear functions of t: (constant, slope).
    qk = _lin(-M2 / 2, 0.5 + zero)
    pNq = _lin(-M2 / 2, -0.5 + zero)
    pq = _lin(zero, -0.5 + zero)
    pNk = _lin(M2 / 2, -0.5 + zero)
    pNp = _lin((s - m2) / 2, 0.5 + zero)
    pk = _lin((s - m2) / 2, zero)
    mm = _lin(m2, zero)
    tt = _lin(zero, 1.0 + zero)
    # T_pp = Tr[pN (p q - pq) k (q p - pq)] / 4 and T_tr = Tr[pN (gamma^mu q - q^mu) k (...)]/4.
    t_pp = (
        2 * _pmul(qk, 2 * _pmul(pq, pNp) - _pmul(mm, pNq))
        - _pmul(tt, 2 * _pmul(pk, pNp) - _pmul(mm, pNk))
        - 2 * _pmul(pq, _pmul(pNp, qk) - _pmul(pNq, pk) + _pmul(pNk, pq))
        + _pmul(_pmul(pq, pq), pNk)
    )
    if scalar:
        return 32.0 * t_pp[..., :4]
    t_tr = -4 * _pmul(qk, pNq) + _pmul(tt, pNk)
    t_tr = np.concatenate([t_tr, np.zeros(t_tr.shape[:-1] + (2,))], axis=-1)
    poly = 16.0 * (
        2.0 * t_pp[..., :4] + 0.5 * np.concatenate([np.zeros(t_tr.shape[:-1] + (1,)), t_tr[..., :3]], axis=-1)
    )
    return poly


def t_channel_msq(s, t, mass_mev, m_f_mev, scalar: bool = False):
    """<|M|^2> / (e^2 Q^2 d^2) for nu f -> N f at invariants (s, t)."""
    coef = t_channel_polynomial(s, mass_mev, m_f_mev, scalar)
    t = np.asarray(t, float)
    return (coef[..., 0] + t * (coef[..., 1] + t * (coef[..., 2] + t * coef[..., 3]))) / t**2


def t_channel_limits(s, mass_mev, m_f_mev):
    """Kinematic range (|t|_lo, |t|_hi) of nu(k) f(p) -> N f in the CM frame."""
    s = np.asarray(s, float)
    M2 = np.asarray(mass_mev, float) ** 2
    m2 = np.asarray(m_f_mev, float) ** 2
    rs = np.sqrt(s)
    p_in = (s - m2) / (2 * rs)
    lam_out = np.maximum(kallen(s, M2, m2), 0.0)
    p_out = np.sqrt(lam_out) / (2 * rs)
    e_n = (s + M2 - m2) / (2 * rs)
    # t = M^2 - 2 p_in (E_N - p_out cos(theta))
    t_hi = M2 - 2 * p_in * (e_n - p_out)  # forward (closest to zero)
    t_lo = M2 - 2 * p_in * (e_n + p_out)
    return np.maximum(-t_hi, 0.0), -t_lo


def sigma_t_channel(s, mass_mev, m_f_mev, m_screen2, mu_per_mev=1.0, charge=1.0, scalar=False):
    """sigma(nu f -> N f) [MeV^-2] with the forward region screened at |t| >= ``m_screen2``.

    Zero below threshold s < (M + m)^2.
    """
    s = np.asarray(s, float)
    d2 = (np.asarray(mu_per_mev, float) / 2.0) ** 2
    a_lo, a_hi = t_channel_limits(s, mass_mev, m_f_mev)
    a_lo = np.maximum(a_lo, m_screen2)
    ok = a_hi > a_lo
    a_hi = np.where(ok, a_hi, a_lo * 2.0)
    coef = t_channel_polynomial(s, mass_mev, m_f_mev, scalar)
    # integrate P(t)/t^2 over t in [-a_hi, -a_lo]; with a = -t (a > 0): P(-a)/a^2 da
    c0, c1, c2, c3 = (coef[..., i] for i in range(4))
    integral = (
        c0 * (1.0 / a_lo - 1.0 / a_hi) - c1 * np.log(a_hi / a_lo) + c2 * (a_hi - a_lo) - c3 * (a_hi**2 - a_lo**2) / 2.0
    )
    m2 = np.asarray(m_f_mev, float) ** 2
    flux = 16.0 * np.pi * (s - m2) ** 2  # 16 pi lambda(s, 0, m^2)
    sig = c.E_CHARGE**2 * charge**2 * d2 * integral / flux
    return np.where(ok, np.maximum(sig, 0.0), 0.0)


def sigma_s_channel(s, mass_mev, m_f_mev, mu_per_mev=1.0, charge=1.0, scalar=False):
    """sigma(f fbar -> nu Nbar) [MeV^-2] per CP channel, spin averaged (divide by N_c for colour)."""
    s = np.asarray(s, float)
    r = np.asarray(mass_mev, float) ** 2 / s
    x = np.asarray(m_f_mev, float) ** 2 / s
    beta2 = np.clip(1.0 - 4.0 * x, 0.0, None)
    beta = np.sqrt(beta2)
    open_ = (r < 1.0) & (beta > 0.0)
    beta = np.where(open_, beta, 1.0)
    factor = beta if scalar else (1.0 + 2.0 * x) / beta
    sig0 = c.ALPHA_EM * np.asarray(mu_per_mev, float) ** 2 / 12.0 * charge**2 * (1 - r) ** 2 * (1 + 2 * r)
    return np.where(open_, sig0 * factor, 0.0)


def plasmon_width_rest_mev(K_mev, mass_mev, mu_per_mev=1.0):
    """Rest-frame width of gamma*(K) -> nu Nbar per CP channel and polarisation [MeV] (x K/omega moving)."""
    K = np.asarray(K_mev, float)
    y = np.asarray(mass_mev, float) ** 2 / K**2
    val = np.asarray(mu_per_mev, float) ** 2 * K**3 / (48.0 * np.pi) * (1 - y) ** 2 * (1 + 2 * y)
    return np.where(y < 1.0, val, 0.0)
