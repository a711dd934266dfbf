"""Size of the final-state Pauli blocking (1 - f_nu) left out of the s-channel f fbar -> nu Nbar.

    python docs/figures/s_channel_blocking.py

Monte Carlo over massless Fermi-Dirac f, fbar with the flux factor (the massless cross section is
constant), the neutrino emitted in the centre-of-mass frame with the dipole angular distribution
(t u / s^2 ~ 1 - cos^2) and boosted back; prints <1 - f_FD(E_nu)> with that weight (and isotropic).
"""

from __future__ import annotations

import numpy as np

RNG = np.random.default_rng(3)


def fermi_dirac_energies(n: int) -> np.ndarray:
    out = np.empty(0)
    while out.size < n:
        e = RNG.gamma(3.0, 1.0, size=2 * n)  # E^2 e^-E, accepted with 1/(1 + e^-E)
        out = np.concatenate([out, e[RNG.random(2 * n) < 1.0 / (1.0 + np.exp(-e))]])
    return out[:n]


def directions(n: int) -> np.ndarray:
    c = RNG.uniform(-1.0, 1.0, n)
    phi = RNG.uniform(0.0, 2.0 * np.pi, n)
    s = np.sqrt(1.0 - c * c)
    return np.stack([s * np.cos(phi), s * np.sin(phi), c], axis=1)


def boost(p4: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """The four-vectors p4 (n, 4) in the frame moving with velocity beta (n, 3)."""
    b2 = np.sum(beta * beta, axis=1)
    gamma = 1.0 / np.sqrt(1.0 - b2)
    bp = np.sum(beta * p4[:, 1:], axis=1)
    k = np.where(b2 > 0, (gamma - 1.0) / b2, 0.0)
    space = p4[:, 1:] + (k * bp)[:, None] * beta - (gamma * p4[:, 0])[:, None] * beta
    return np.concatenate([(gamma * (p4[:, 0] - bp))[:, None], space], axis=1)


def main(n: int = 2_000_000) -> None:
    e1, e2 = fermi_dirac_energies(n), fermi_dirac_energies(n)
    p1, p2 = e1[:, None] * directions(n), e2[:, None] * directions(n)
    total, energy = p1 + p2, e1 + e2
    s = energy**2 - np.sum(total * total, axis=1)
    flux = s / (2.0 * e1 * e2)
    beta = total / energy[:, None]
    k1 = boost(np.concatenate([e1[:, None], p1], axis=1), beta)
    axis = k1[:, 1:] / np.linalg.norm(k1[:, 1:], axis=1)[:, None]
    d = directions(n)
    cos = np.sum(d * axis, axis=1)
    half = np.sqrt(s) / 2.0
    nu = boost(np.concatenate([half[:, None], half[:, None] * d], axis=1), -beta)
    blocking = 1.0 - 1.0 / (np.exp(nu[:, 0]) + 1.0)
    for name, w in (("dipole (1 - cos^2)", flux * 1.5 * (1.0 - cos**2)), ("isotropic", flux)):
        print(f"<1 - f_nu> over the s-channel, {name}: {np.sum(w * blocking) / np.sum(w):.4f}")


if __name__ == "__main__":
    main()
