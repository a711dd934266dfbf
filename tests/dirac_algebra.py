"""Brute-force Dirac algebra for tests: explicit 4x4 gamma matrices and spinors.

An independent route to |M|^2 for the dipole operator (mu/2) nubar sigma^{mu nu} P_R N F_{mu nu}:
amplitudes are built from explicit spinors and summed over spins numerically, with no trace
identities, so the analytic formulas of ndpcosmo.production.cross_sections can be checked against
them.
"""

from __future__ import annotations

import itertools

import numpy as np

I2 = np.eye(2)
PAULI = [np.array([[0, 1], [1, 0]], complex), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]], complex)]
Z2 = np.zeros((2, 2))
GAMMA = [np.block([[I2, Z2], [Z2, -I2]]).astype(complex)] + [np.block([[Z2, s], [-s, Z2]]) for s in PAULI]
GAMMA5 = 1j * GAMMA[0] @ GAMMA[1] @ GAMMA[2] @ GAMMA[3]
METRIC = np.diag([1.0, -1.0, -1.0, -1.0])
P_L = 0.5 * (np.eye(4) - GAMMA5)
P_R = 0.5 * (np.eye(4) + GAMMA5)


def slash(p):
    return sum(METRIC[m, m] * p[m] * GAMMA[m] for m in range(4))


def sigma(m, n):
    return 0.5j * (GAMMA[m] @ GAMMA[n] - GAMMA[n] @ GAMMA[m])


def bar(u):
    return u.conj() @ GAMMA[0]


def u_spinors(p, mass):
    """Both Dirac-representation spinors u(p, s), normalised to ubar u = 2m."""
    E = p[0]
    out = []
    for chi in (np.array([1, 0], complex), np.array([0, 1], complex)):
        sp = sum(p[i + 1] * PAULI[i] for i in range(3))
        out.append(np.sqrt(E + mass) * np.concatenate([chi, sp @ chi / (E + mass)]))
    return out


def v_spinors(p, mass):
    """Both v(p, s) = C ubar^T-type spinors in the Dirac representation (vbar v = -2m)."""
    E = p[0]
    out = []
    for chi in (np.array([1, 0], complex), np.array([0, 1], complex)):
        sp = sum(p[i + 1] * PAULI[i] for i in range(3))
        out.append(np.sqrt(E + mass) * np.concatenate([sp @ chi / (E + mass), chi]))
    return out


def dipole_vertex(q, d):
    """Vertex matrices V^nu = 2 d sigma^{mu nu} q_mu (upper index nu), q the photon momentum."""
    return [2.0 * d * sum(METRIC[m, m] * q[m] * sigma(m, n) for m in range(4)) for n in range(4)]


def t_channel_msq(k, p, pN, pf, M, m, d=1.0, e_q=1.0, scalar=False):
    """Spin-averaged |M|^2 for nu(k) f(p) -> N(pN) f(pf) by photon exchange.

    Averaged over the f spin (a fermion target) and summed over the N and final-f spins; the
    neutrino is a single left-handed state.
    """
    q = pN - k
    t = q @ METRIC @ q
    V = dipole_vertex(q, d)
    total = 0.0
    if scalar:
        cur = e_q * (p + pf)
        for uN, unu in itertools.product(u_spinors(pN, M), u_spinors(k, 0.0)):
            a = sum(METRIC[n, n] * (bar(uN) @ V[n] @ P_L @ unu) * cur[n] for n in range(4))
            total += abs(a / t) ** 2
        return total
    for uN, unu, ui, uf in itertools.product(u_spinors(pN, M), u_spinors(k, 0.0), u_spinors(p, m), u_spinors(pf, m)):
        a = sum(METRIC[n, n] * (bar(uN) @ V[n] @ P_L @ unu) * (bar(uf) @ (e_q * GAMMA[n]) @ ui) for n in range(4))
        total += abs(a / t) ** 2
    return total / 2.0


def decay_msq(pN, k, kgam, M, d=1.0):
    """|M|^2 for N(pN) -> nu(k) gamma(kgam), summed over nu, photon polarisations and N spin."""
    V = dipole_vertex(kgam, d)
    total = 0.0
    for uN, unu in itertools.product(u_spinors(pN, M), u_spinors(k, 0.0)):
        # sum over photon polarisations with -g_{nu rho} (gauge invariance: V q = 0)
        amp = [bar(unu) @ P_L @ V[n] @ uN for n in range(4)]
        total += -sum(METRIC[n, n] * abs(amp[n]) ** 2 for n in range(4))
    return total


def two_body_momenta(s, m1, m2, m3, m4, cos_theta):
    """CM four-momenta for 1 + 2 -> 3 + 4 with 1 along +z and 3 at angle theta in the x-z plane."""
    rs = np.sqrt(s)

    def pcm(ma, mb):
        return np.sqrt((s - (ma + mb) ** 2) * (s - (ma - mb) ** 2)) / (2 * rs)

    pi, pf = pcm(m1, m2), pcm(m3, m4)
    E1, E2 = np.sqrt(pi**2 + m1**2), np.sqrt(pi**2 + m2**2)
    E3, E4 = np.sqrt(pf**2 + m3**2), np.sqrt(pf**2 + m4**2)
    st = np.sqrt(1 - cos_theta**2)
    p1 = np.array([E1, 0, 0, pi])
    p2 = np.array([E2, 0, 0, -pi])
    p3 = np.array([E3, pf * st, 0, pf * cos_theta])
    p4 = np.array([E4, -pf * st, 0, -pf * cos_theta])
    return p1, p2, p3, p4


def four_fermion_msq(k1, k2, k3, k4, m, g_l, g_r, G=1.0, process="scatter"):
    """Sum over spins of |M|^2 for the effective neutral/charged-current nu-e interaction.

    L = -2 sqrt(2) G [nubar gamma^mu P_L nu][ebar gamma_mu (g_L P_L + g_R P_R) e]. The neutrino is a
    single left-handed state (antineutrino right-handed).
    process="scatter": nu(k1) e(k2) -> nu(k3) e(k4); "annihilate": e-(k1) e+(k2) -> nu(k3) nubar(k4).
    """
    coupling = g_l * P_L + g_r * P_R
    total = 0.0
    if process == "scatter":
        for u1, u2, u3, u4 in itertools.product(
            u_spinors(k1, 0.0), u_spinors(k2, m), u_spinors(k3, 0.0), u_spinors(k4, m)
        ):
            a = sum(
                METRIC[n, n] * (bar(u3) @ GAMMA[n] @ P_L @ u1) * (bar(u4) @ GAMMA[n] @ coupling @ u2) for n in range(4)
            )
            total += abs(2 * np.sqrt(2) * G * a) ** 2
        return total
    for u1, v2, u3, v4 in itertools.product(u_spinors(k1, m), v_spinors(k2, m), u_spinors(k3, 0.0), v_spinors(k4, 0.0)):
        a = sum(METRIC[n, n] * (bar(u3) @ GAMMA[n] @ P_L @ v4) * (bar(v2) @ GAMMA[n] @ coupling @ u1) for n in range(4))
        total += abs(2 * np.sqrt(2) * G * a) ** 2
    return total
