"""numba kernels of the cascade: inverse Compton scattering of a lepton on the Planck gas (Jones'
kernel summed over Gauss-Laguerre nodes in the photon energy), the hot loop of ``cascade``."""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def _jones(E1: float, gamma: float, eps: float, m_e: float, r_e2: float) -> float:
    """Blumenthal & Gould eq. 2.48 (``qed.inverse_compton_kernel``) inside its range, else 0."""
    E_e = gamma * m_e
    top = 4.0 * eps * E_e * E_e / (m_e * m_e + 4.0 * eps * E_e)
    if E1 < eps or E1 > top or E1 >= E_e:
        return 0.0
    G = 4.0 * eps * gamma / m_e
    q = E1 / (G * (E_e - E1))
    if q < 1.0 / (4.0 * gamma * gamma) or q > 1.0:
        return 0.0
    f = 2.0 * q * math.log(q) + (1.0 + 2.0 * q) * (1.0 - q) + (G * q) ** 2 * (1.0 - q) / (2.0 * (1.0 + G * q))
    return 2.0 * math.pi * r_e2 / (gamma * gamma * eps) * f


@njit(cache=True)
def inverse_compton_products(
    E_out: np.ndarray, K_in: float, eps: np.ndarray, weight: np.ndarray, m_e: float, r_e2: float
) -> tuple[np.ndarray, np.ndarray]:
    """From a lepton of kinetic energy K_in: the spectrum of scattered photons at E_out and of the lepton
    at kinetic energy E_out [per MeV], summed over the target photons eps with weights f(eps) d eps."""
    n = E_out.size
    photon = np.zeros(n)
    lepton = np.zeros(n)
    E_e = K_in + m_e
    gamma = E_e / m_e
    for i in range(n):
        for k in range(eps.size):
            photon[i] += weight[k] * _jones(E_out[i], gamma, eps[k], m_e, r_e2)
            E_gamma = E_e + eps[k] - (E_out[i] + m_e)
            lepton[i] += weight[k] * _jones(E_gamma, gamma, eps[k], m_e, r_e2)
    return photon, lepton


@njit(cache=True)
def pair_spectrum(x: np.ndarray, beta: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """dGamma/dx of both leptons from pair creation (``qed.pair_creation``): the Breit-Wheeler angular
    distribution at CM lepton velocity beta_j, boosted along the photon, weighted by weight_j."""
    out = np.zeros(x.size)
    for j in range(beta.size):
        b = beta[j]
        if weight[j] <= 0.0 or b <= 0.0:
            continue
        norm = 2.0 * math.pi * ((3.0 - b**4) * math.log((1.0 + b) / (1.0 - b)) - 2.0 * b * (2.0 - b * b))
        for i in range(x.size):
            u = 2.0 * x[i] - 1.0
            if abs(u) >= b:
                continue
            c = u / b
            s2 = 1.0 - c * c
            shape = b * (1.0 + 2.0 * b * b * s2 - b**4 - b**4 * s2 * s2) / (1.0 - b * b * c * c) ** 2
            out[i] += 2.0 * weight[j] * 2.0 * math.pi * shape / norm * (2.0 / b)
    return out


@njit(cache=True)
def expm(A: np.ndarray) -> np.ndarray:
    """exp(A) of a small dense matrix: scaling and squaring with the Taylor series to degree 18 after
    scaling to a max-row-sum norm <= 1/2 (truncation error < 1e-21, relative to the norm)."""
    n = A.shape[0]
    norm = 0.0
    for i in range(n):
        row = 0.0
        for j in range(n):
            row += abs(A[i, j])
        norm = max(norm, row)
    s = 0
    while norm > 0.5:
        norm *= 0.5
        s += 1
    B = A / 2.0**s
    E = np.eye(n)
    term = np.eye(n)
    for k in range(1, 19):
        term = term @ B / k
        E += term
    for _ in range(s):
        E = E @ E
    return E


@njit(cache=True)
def evolve_network(
    Y0: np.ndarray, dt: np.ndarray, mean: np.ndarray, change: np.ndarray, decays: np.ndarray, targets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The non-thermal network over steps of lengths ``dt`` [s]: Y <- exp((decays + sum_r mean[r, k]
    change[r]) dt_k) Y, clipped at 0 (round-off when a nuclide is wiped out); also the target nuclei
    each reaction destroyed, mean rate x dt x the target's mean abundance over the step."""
    n_r = change.shape[0]
    Y = Y0.copy()
    destroyed = np.zeros(n_r)
    for k in range(dt.size):
        A = decays.copy()
        for r in range(n_r):
            if mean[r, k] != 0.0:
                A += mean[r, k] * change[r]
        Y_new = expm(A * dt[k]) @ Y
        for i in range(Y_new.size):
            Y_new[i] = max(Y_new[i], 0.0)
        for r in range(n_r):
            destroyed[r] += mean[r, k] * dt[k] * 0.5 * (Y[targets[r]] + Y_new[targets[r]])
        Y = Y_new
    return Y, destroyed


@njit(cache=True)
def _all_positive(c: np.ndarray, k0: int, j0: int, p: int, r: int) -> bool:
    """Whether the four (T, E) corners of both eta nodes are positive."""
    for hh in range(2):
        for dk in range(2):
            for dj in range(2):
                if c[k0 + dk, j0 + dj, hh, p, r] <= 0.0:
                    return False
    return True


@njit(cache=True)
def response_per_event(
    c: np.ndarray, log_c: np.ndarray, j: np.ndarray, f: np.ndarray, k: np.ndarray, g: np.ndarray, h: float
) -> np.ndarray:
    """c[m, p, r, e] of ``response.ResponseTable.per_event`` from the padded table c[T, E, eta, p, r]
    (and its log, 0 where c = 0): at energy e between nodes j[e], j[e] + 1 (fraction f[e] in ln E) and
    temperature m between nodes k[m], k[m] + 1 (fraction g[m] in -ln T), bilinear in ln c where all
    four corners are positive (else in c), then linear in ln c between the two eta nodes at fraction h
    (in c where one of them is 0; a single eta node is taken as it is)."""
    n_m, n_e = k.size, j.size
    n_eta, n_p, n_r = c.shape[2], c.shape[3], c.shape[4]
    out = np.zeros((n_m, n_p, n_r, n_e))
    vals = np.zeros(n_eta)
    for a in range(n_m):
        k0, ga = k[a], g[a]
        for e in range(n_e):
            j0, fe = j[e], f[e]
            w00, w01, w10, w11 = (1.0 - ga) * (1.0 - fe), (1.0 - ga) * fe, ga * (1.0 - fe), ga * fe
            for p in range(n_p):
                for r in range(n_r):
                    if n_eta == 2 and _all_positive(c, k0, j0, p, r):
                        # the common case in one exponential: ln c bilinear, then linear in ln eta
                        mixed = 0.0
                        for hh in range(2):
                            mixed += (h if hh == 1 else 1.0 - h) * (
                                w00 * log_c[k0, j0, hh, p, r]
                                + w01 * log_c[k0, j0 + 1, hh, p, r]
                                + w10 * log_c[k0 + 1, j0, hh, p, r]
                                + w11 * log_c[k0 + 1, j0 + 1, hh, p, r]
                            )
                        out[a, p, r, e] = math.exp(mixed)
                        continue
                    for hh in range(n_eta):
                        c00, c01 = c[k0, j0, hh, p, r], c[k0, j0 + 1, hh, p, r]
                        c10, c11 = c[k0 + 1, j0, hh, p, r], c[k0 + 1, j0 + 1, hh, p, r]
                        if c00 > 0.0 and c01 > 0.0 and c10 > 0.0 and c11 > 0.0:
                            vals[hh] = math.exp(
                                w00 * log_c[k0, j0, hh, p, r]
                                + w01 * log_c[k0, j0 + 1, hh, p, r]
                                + w10 * log_c[k0 + 1, j0, hh, p, r]
                                + w11 * log_c[k0 + 1, j0 + 1, hh, p, r]
                            )
                        else:
                            vals[hh] = w00 * c00 + w01 * c01 + w10 * c10 + w11 * c11
                    if n_eta == 1:
                        out[a, p, r, e] = vals[0]
                    elif vals[0] > 0.0 and vals[1] > 0.0:
                        out[a, p, r, e] = math.exp((1.0 - h) * math.log(vals[0]) + h * math.log(vals[1]))
                    else:
                        out[a, p, r, e] = (1.0 - h) * vals[0] + h * vals[1]
    return out
