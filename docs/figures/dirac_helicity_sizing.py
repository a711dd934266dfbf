"""Sizing the g_N = 2 approximation for a Dirac N (issue 19, item 5, not yet built).

    python docs/figures/dirac_helicity_sizing.py

A Dirac N has four states; the operator makes the helicity pair of its right-chiral component, and the
flipped pair only through the mass: the spin-summed trace is linear in P_N, so |M|^2_h = 1/2 L(P_N + h M s_N)
(s_N the spin vector of helicity h in the plasma frame). Decays and inverse decays couple both pairs
equally (the rest-frame width does not depend on the spin). ndpcosmo follows one pair (g_N = 2); the
flipped pair equilibrates only if N stays coupled while non-relativistic.

1. Monte Carlo over nu e -> N e (Fermi-Dirac nu and e, the final e blocked, the cut |t| >= m_D^2 of
   one species): R(M/T), the flipped pair's share of the production.
2. On the default plane (nu_mu, no T_RH, the 60 x 60 grid of docs/data/production): the points where
   (Gamma_prod + <Gamma_dec>) / H > 1 at T = M/3 — where g_N = 4 would matter — and their verdicts there.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ndpcosmo import DipolePortal, plasma
from ndpcosmo.production import boltzmann, cross_sections, rate_table
from ndpcosmo.scan import read_table

RNG = np.random.default_rng(11)
M_D2_OVER_T2 = 0.0917 / 3.0  # e^2/3 (one unit-charge Dirac fermion, alpha = 1/137)


def _energies(n: int) -> np.ndarray:
    out = np.empty(0)
    while out.size < n:
        e = RNG.gamma(3.0, 1.0, size=2 * n)
        out = np.concatenate([out, e[RNG.random(2 * n) < 1 / (1 + np.exp(-e))]])
    return out[:n]


def _directions(n: int) -> np.ndarray:
    c = RNG.uniform(-1, 1, n)
    phi = RNG.uniform(0, 2 * np.pi, n)
    s = np.sqrt(1 - c * c)
    return np.stack([s * np.cos(phi), s * np.sin(phi), c], axis=1)


def _boost(p4: np.ndarray, beta: np.ndarray) -> np.ndarray:
    b2 = np.sum(beta * beta, axis=1)
    g = 1 / np.sqrt(1 - b2)
    bp = np.sum(beta * p4[:, 1:], axis=1)
    k = np.where(b2 > 0, (g - 1) / b2, 0)
    space = p4[:, 1:] + (k * bp)[:, None] * beta - (g * p4[:, 0])[:, None] * beta
    return np.concatenate([(g * (p4[:, 0] - bp))[:, None], space], axis=1)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a[:, 0] * b[:, 0] - np.sum(a[:, 1:] * b[:, 1:], axis=1)


def trace(v, p_nu, p_t, q, t):
    """16 (2 T_pp + t T_tr / 2) with P_N -> v, massless target (as cross_sections.t_channel_polynomial)."""
    qk, pq, pk = _dot(q, p_nu), _dot(p_t, q), _dot(p_t, p_nu)
    vq, vk, vp = _dot(v, q), _dot(v, p_nu), _dot(v, p_t)
    t_pp = 2 * qk * 2 * pq * vp - t * 2 * pk * vp - 2 * pq * (vp * qk - vq * pk + vk * pq) + pq * pq * vk
    return 16 * (2 * t_pp + 0.5 * t * (-4 * qk * vq + t * vk))


def flipped_share(z: float, n: int = 1_000_000) -> float:
    """R(M/T = z) by Monte Carlo (T = 1)."""
    e1, e2 = _energies(n), _energies(n)
    k4 = np.concatenate([e1[:, None], e1[:, None] * _directions(n)], axis=1)
    p4 = np.concatenate([e2[:, None], e2[:, None] * _directions(n)], axis=1)
    total = k4 + p4
    s = _dot(total, total)
    keep = s > 1.0001 * z * z
    k4, p4, total, s, e1, e2 = k4[keep], p4[keep], total[keep], s[keep], e1[keep], e2[keep]
    n = s.size
    beta = total[:, 1:] / total[:, :1]
    axis = _boost(k4, beta)[:, 1:]
    axis /= np.linalg.norm(axis, axis=1)[:, None]
    rs = np.sqrt(s)
    p_in, p_out, e_n = rs / 2, (s - z * z) / (2 * rs), (s + z * z) / (2 * rs)
    a_lo = np.maximum(2 * p_in * (e_n - p_out) - z * z, M_D2_OVER_T2)
    a_hi = 2 * p_in * (e_n + p_out) - z * z
    good = a_hi > a_lo
    ratio = np.where(good, a_hi / np.where(good, a_lo, 1.0), 1.0)
    a = a_lo * ratio ** RNG.random(n)
    jacobian = np.where(good, a * np.log(ratio), 0.0)
    cos = np.clip((e_n - (z * z + a) / (2 * p_in)) / p_out, -1, 1)
    sin, phi = np.sqrt(1 - cos * cos), RNG.uniform(0, 2 * np.pi, n)
    helper = np.where(np.abs(axis[:, :1]) < 0.9, [[1.0, 0, 0]], [[0, 1.0, 0]])
    u1 = np.cross(axis, helper)
    u1 /= np.linalg.norm(u1, axis=1)[:, None]
    u2 = np.cross(axis, u1)
    d = cos[:, None] * axis + (sin * np.cos(phi))[:, None] * u1 + (sin * np.sin(phi))[:, None] * u2
    p_n = _boost(np.concatenate([e_n[:, None], p_out[:, None] * d], axis=1), -beta)
    p_n_abs = np.linalg.norm(p_n[:, 1:], axis=1)
    spin = np.concatenate([(p_n_abs / z)[:, None], (p_n[:, :1] / z) * p_n[:, 1:] / p_n_abs[:, None]], axis=1)
    q = k4 - p_n
    l_p, l_s = trace(p_n, k4, p4, q, -a), trace(spin, k4, p4, q, -a)
    weight = jacobian / (2 * e1 * e2 * s) / (a * a) * (1 - 1 / (np.exp((total - p_n)[:, 0]) + 1))
    weight = np.where(good, weight, 0.0)
    return float(np.sum(weight * 0.5 * (l_p - z * l_s)) / np.sum(weight * l_p))


def main() -> None:
    warnings.simplefilter("ignore")
    # the trace with P_N is the t-channel polynomial (a check of the substitution)
    s_, a_, z = 4.0, 0.9, 0.7
    rs = math.sqrt(s_)
    p_out, e_n = (s_ - z * z) / (2 * rs), (s_ + z * z) / (2 * rs)
    cos = (e_n - (z * z + a_) / rs) / p_out
    p_n = np.array([[e_n, p_out * math.sqrt(1 - cos * cos), 0, p_out * cos]])
    k4, p4 = np.array([[rs / 2, 0, 0, rs / 2]]), np.array([[rs / 2, 0, 0, -rs / 2]])
    poly = cross_sections.t_channel_polynomial(s_, z, 0.0)
    reference = poly[0] - a_ * (poly[1] - a_ * (poly[2] - a_ * poly[3]))
    print(f"trace(P_N) / t_channel_polynomial = {trace(p_n, k4, p4, k4 - p_n, -a_)[0] / reference:.12f}")
    print("M/T   R (flipped pair's share)   R / (M/T)^2")
    for z in (0.03, 0.1, 0.3, 1.0, 3.0, 10.0):
        r = flipped_share(z)
        print(f"{z:5.2f}  {r:.4g}  {r / z**2:.3g}")
    table = read_table("docs/data/production/mu_lo.csv")
    rows = np.isnan(table["T_RH_mev"])
    sm, rates = plasma.default_plasma(), rate_table()
    coupled, excluded = 0, 0
    for mass, mu, ex in zip(table["mass_mev"][rows], table["mu_muB"][rows], table["excluded"][rows], strict=True):
        model = DipolePortal(float(mass), float(mu))
        k, _, _ = boltzmann.relaxation_terms(np.array([mass / 3.0]), model, boltzmann.production_rate(model, rates), sm)
        if k[0] > 1.0:
            coupled += 1
            excluded += int(ex > 0.5)
    print(
        f"default plane (nu_mu, no T_RH, 3600 points): coupled at T = M/3 at {coupled} points, "
        f"{excluded} of them excluded already with g_N = 2"
    )


if __name__ == "__main__":
    main()
