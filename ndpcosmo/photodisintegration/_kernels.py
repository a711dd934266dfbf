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
