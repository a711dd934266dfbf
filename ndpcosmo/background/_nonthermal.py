"""Numba kernels of the non-thermal neutrinos (physics and tables in ``neutrinos``).

State: N[r, k], the comoving number density (a_h = 1) at grid node q[k] of row r, a flavour (e, mu, tau)
or, once the node has passed the flavour transition (conv[k]), a mass state (1, 2, 3). Energies are
kept in units of T_h (comoving energy = q N T_h). Sources and collision products are collected per
flavour in an inflow array and turned into the node's basis when the node is solved.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

FD_TAIL = 700.0
RHO1_PER_T4 = 7.0 * math.pi**2 / 240.0
"""rho of one massless fermion state (nu or nubar of one flavour) at T (a numba compile-time constant)."""
TARGET_ENERGY_PER_T = 4.0 * (15.0 / 16.0) * 1.0369277551433699 / (7.0 * math.pi**4 / 720.0)
"""The mean energy of a thermal (Fermi-Dirac, massless) target struck by sigma ~ s: <E^2>/<E> =
4 eta(5)/eta(4) T = 4.106 T (the collision rate weighs each target by its energy)."""


@njit(cache=True)
def deposit(
    inflow: np.ndarray, q: np.ndarray, lnq0: float, dlnq: float, flavour: int, qv: float, number: float
) -> float:
    """Put ``number`` neutrinos of flavour ``flavour`` at comoving momentum qv on the grid (shared
    linearly in q between the two nearest nodes: number and energy exact). Returns the energy (units
    of T_h) of what falls below the grid (for the thermal neutrinos); above the top node the energy
    is kept (number qv/q_top times more... fewer) at the top node."""
    n = q.size
    if number == 0.0:
        return 0.0
    if qv < q[0]:
        return number * qv
    if qv >= q[n - 1]:
        inflow[flavour, n - 1] += number * qv / q[n - 1]
        return 0.0
    j = min(int((math.log(qv) - lnq0) / dlnq), n - 2)
    if q[j] > qv:
        j -= 1
    elif q[j + 1] <= qv:
        j += 1
    up = (qv - q[j]) / (q[j + 1] - q[j])
    inflow[flavour, j] += number * (1.0 - up)
    inflow[flavour, j + 1] += number * up
    return 0.0


@njit(cache=True)
def deposit_box(
    inflow: np.ndarray, q: np.ndarray, lnq0: float, dlnq: float, flavour: int, qa: float, qb: float, number: float
) -> float:
    """``number`` neutrinos spread uniformly in q over [qa, qb] (a decay in flight), node interval by
    node interval at each piece's mean (exact for the linear sharing). Returns the energy below the grid."""
    if number == 0.0:
        return 0.0
    if qb - qa <= 1e-9 * qb:
        return deposit(inflow, q, lnq0, dlnq, flavour, 0.5 * (qa + qb), number)
    dens = number / (qb - qa)
    below = 0.0
    lo = qa
    n = q.size
    while lo < qb:
        if lo < q[0]:
            hi = min(qb, q[0])
        elif lo >= q[n - 1]:
            hi = qb
        else:
            j = min(int((math.log(lo) - lnq0) / dlnq), n - 2)
            while j > 0 and q[j] > lo:
                j -= 1
            while j < n - 1 and q[j + 1] <= lo:
                j += 1
            hi = min(qb, q[j + 1]) if j < n - 1 else qb
        if hi <= lo:
            hi = qb
        below += deposit(inflow, q, lnq0, dlnq, flavour, 0.5 * (lo + hi), dens * (hi - lo))
        lo = hi
    return below


@njit(cache=True)
def convert(N: np.ndarray, conv: np.ndarray, k: int, u2: np.ndarray) -> None:
    """Node k passes the flavour transition: its flavour populations become mass-state populations."""
    if conv[k]:
        return
    m = np.zeros(3)
    for i in range(3):
        for a in range(3):
            m[i] += u2[a, i] * N[a, k]
    for i in range(3):
        N[i, k] = m[i]
    conv[k] = True


@njit(cache=True)
def _annihilation_j(w: float, jt: np.ndarray, row: int, lw0: float, dlw: float) -> float:
    """Row 0: J(w); row 1: the target's mean energy / T_a (``neutrinos.annihilation_table``)."""
    u = (math.log(w) - lw0) / dlw
    n = jt.shape[1]
    if u <= 0.0:
        return 0.0 if row == 0 else jt[row, 0]
    if u >= n - 1:
        return jt[row, n - 1]
    i = int(u)
    s = u - i
    return jt[row, i] * (1.0 - s) + jt[row, i + 1] * s


@njit(cache=True)
def step(
    N: np.ndarray,
    conv: np.ndarray,
    inflow: np.ndarray,
    dt: float,
    energy_scale: float,
    T_g: float,
    T_nu: np.ndarray,
    rho_p_e: float,
    collisions: bool,
    q: np.ndarray,
    u2: np.ndarray,
    pi_: np.ndarray,
    pf: np.ndarray,
    D: np.ndarray,
    B: np.ndarray,
    EB: np.ndarray,
    jt: np.ndarray,
    jp: np.ndarray,
    gf2: float,
    m_e: float,
    N_new: np.ndarray,
    out: np.ndarray,
) -> None:
    """Advance N over dt (the temperatures frozen): sources and collision products already in
    ``inflow`` (flavour basis; it is consumed), collisions solved node by node from the top down,
    each row exactly for its loss rate with its inflow constant over the step, the node's own returns
    (products that keep nearly all the energy, possibly in another row) by a fixed point. energy_scale:
    the physical energy of q = 1 (T_h / a). out (energies, units of T_h): [0] to the photon plasma,
    [1:4] to the thermal neutrinos of each flavour (an annihilation takes its thermal partner's energy
    from them: negative entries possible)."""
    n = q.size
    nproc = pf.size
    rate = np.empty(nproc)
    e_target = np.zeros(nproc)  # the struck or annihilated thermal target's mean energy (units of T_h)
    y_mean = np.zeros(3)  # <y> of each shape: 1 - the remnant's energy fraction in the kernels
    lagn = np.zeros((3, n))
    gam = np.zeros(3)
    S = np.zeros((3, 3))
    selfin = np.zeros(3)
    integ = np.zeros(3)
    for i in range(4):
        out[i] = 0.0
    crem = np.zeros((3, 3))  # collisions per (shape, remnant flavour)
    csec = np.zeros((3, 3))
    w = np.zeros((3, 3))  # w[r, a]: row r interacts as flavour a
    for k in range(n - 1, -1, -1):
        for r in range(3):
            for a in range(3):
                w[r, a] = u2[a, r] if conv[k] else (1.0 if a == r else 0.0)
        inf = np.zeros(3)
        for r in range(3):
            for a in range(3):
                inf[r] += w[r, a] * inflow[a, k]
        total = 0.0
        for r in range(3):
            total += N[r, k] + inf[r]
        if total <= 0.0:
            for r in range(3):
                N_new[r, k] = 0.0
            continue
        if not collisions:
            for r in range(3):
                N_new[r, k] = N[r, k] + inf[r]
            continue
        E = q[k] * energy_scale
        for p in range(nproc):
            a = pi_[p, 0]
            kind = pi_[p, 1]
            if kind == 0:
                rate[p] = 2.0 * gf2 * pf[p] * E * rho_p_e
            elif kind == 1:
                Ta = T_nu[a]
                w_ann = E * Ta / (m_e * m_e)
                rate[p] = gf2 * pf[p] * E * Ta**4 * _annihilation_j(w_ann, jt, 0, jp[0], jp[1])
                e_target[p] = _annihilation_j(w_ann, jt, 1, jp[0], jp[1]) * Ta / energy_scale
            else:
                Tt = T_nu[pi_[p, 2]]
                rate[p] = 2.0 * gf2 * pf[p] * E * (4.0 / 3.0) * RHO1_PER_T4 * Tt**4
            if kind != 1:
                # the struck target's mean energy (units of T_h): massless FD at T_gamma or T_target
                e_target[p] = TARGET_ENERGY_PER_T * (T_g if kind == 0 else T_nu[pi_[p, 2]]) / energy_scale
        for s in range(3):
            for f in range(3):
                crem[s, f] = 0.0
                csec[s, f] = 0.0
            e_rem = EB[s, 0, k] * q[k]
            for j in range(k + 1):
                e_rem += D[s, 0, k, j] * q[j]
            y_mean[s] = 1.0 - e_rem / q[k]
        plasma = 0.0
        # gam[r]: loss rate of row r; S[r2, r]: the rate at which row r's collisions return to this
        # node as row r2 (a remnant or second product that keeps nearly all the energy)
        for r in range(3):
            gam[r] = 0.0
            for r2 in range(3):
                S[r2, r] = 0.0
            for p in range(nproc):
                wr = w[r, pi_[p, 0]] * rate[p]
                if wr == 0.0:
                    continue
                gam[r] += wr
                sh = pi_[p, 3]
                for role in range(2):
                    f = pi_[p, 4 + role]
                    if f < 0:
                        continue
                    d = D[sh, role, k, k] * wr
                    for r2 in range(3):
                        S[r2, r] += d * (u2[f, r2] if conv[k] else (1.0 if r2 == f else 0.0))
        # the node over dt: exact exponential per row with the inflow (from above, and the node's own
        # returns S I, iterated to a fixed point) constant over the step; I = int N dt
        for r in range(3):
            selfin[r] = 0.0
        for it in range(6):
            for r in range(3):
                tot = inf[r] + selfin[r]
                x = gam[r] * dt
                if x < 1e-14:
                    N_new[r, k] = N[r, k] + tot
                    integ[r] = (N[r, k] + 0.5 * tot) * dt
                    continue
                N_new[r, k] = N[r, k] * math.exp(-x) + tot * (-math.expm1(-x)) / x
                integ[r] = (N[r, k] + tot - N_new[r, k]) / gam[r]
            if it == 5:
                break
            for r2 in range(3):
                selfin[r2] = 0.0
                for r in range(3):
                    selfin[r2] += S[r2, r] * integ[r]
        for r2 in range(3):
            back = 0.0
            for r in range(3):
                back += S[r2, r] * integ[r]
            lagn[r2, k] += back - selfin[r2]  # what the fixed point left over (tiny): next step
        for r in range(3):
            coll = gam[r] * integ[r]
            if coll == 0.0:
                continue
            for p in range(nproc):
                cp = coll * w[r, pi_[p, 0]] * rate[p] / gam[r]
                if cp == 0.0:
                    continue
                sh = pi_[p, 3]
                if pi_[p, 4] < 0:
                    # annihilation into e+e-: the projectile's energy and its thermal partner's
                    plasma += cp * (q[k] + e_target[p])
                    out[1 + pi_[p, 0]] -= cp * e_target[p]
                    continue
                crem[sh, pi_[p, 4]] += cp
                # the target's energy E_t: the mean transfer to it is <y>(E - E_t) (exact in the mean for
                # massless legs: <k> = <y>(p - p_t)); the kernels place y E, the rest goes with the
                # thermal population of each product's flavour (module doc of ``neutrinos``)
                ey = y_mean[sh] * e_target[p]
                out[1 + pi_[p, 4]] += cp * ey
                if pi_[p, 5] < 0:
                    # the energy the e+- take: the rest of q_k after the remnant's deposits, <y> q_k
                    plasma += cp * (y_mean[sh] * q[k] - ey)
                else:
                    csec[sh, pi_[p, 5]] += cp
                    out[1 + pi_[p, 5]] += cp * (e_target[p] - ey)
                    out[1 + pi_[p, 2]] -= cp * e_target[p]
        out[0] += plasma
        for s in range(3):
            for role in range(2):
                for f in range(3):
                    cnt = crem[s, f] if role == 0 else csec[s, f]
                    if cnt == 0.0:
                        continue
                    for j in range(k):
                        inflow[f, j] += cnt * D[s, role, k, j]
                    out[1 + f] += cnt * EB[s, role, k] * q[k]
    for k in range(n):
        for r in range(3):
            N_new[r, k] += lagn[r, k]
    for a in range(3):
        for k in range(n):
            inflow[a, k] = 0.0


@njit(cache=True)
def moments(
    N: np.ndarray,
    conv: np.ndarray,
    q: np.ndarray,
    u2: np.ndarray,
    a: float,
    T_h: float,
    T_g: float,
    ct: np.ndarray,
    cp: np.ndarray,
    q_np: float,
    out: np.ndarray,
) -> None:
    """out[0:3]: comoving energy (a^4 rho, a_h = 1) of each flavour; out[3], out[4]: lambda tau_n of
    nu_e n -> p e- and nubar_e p -> n e+ (half the nu_e population each, final e+- Pauli blocked)."""
    for i in range(5):
        out[i] = 0.0
    scale = T_h / a
    a3 = a * a * a
    n_e = 0.0
    for k in range(q.size):
        ne = 0.0
        for r in range(3):
            if conv[k]:
                for f in range(3):
                    out[f] += u2[f, r] * N[r, k] * q[k] * T_h
                ne += u2[0, r] * N[r, k]
            else:
                out[r] += N[r, k] * q[k] * T_h
        if not conv[k]:
            ne = N[0, k]
        if ne <= 0.0:
            continue
        n_e += ne
        E = q[k] * scale
        u = (math.log(E) - cp[0]) / cp[1]
        if u <= 0.0 or u >= ct.shape[1] - 1:
            continue
        i = int(u)
        s = u - i
        sig_np = ct[0, i] * (1.0 - s) + ct[0, i + 1] * s
        sig_pn = ct[1, i] * (1.0 - s) + ct[1, i + 1] * s
        dens = 0.5 * ne / a3
        xe = (E + q_np) / T_g
        out[3] += dens * sig_np * (1.0 - (1.0 / (math.exp(xe) + 1.0) if xe < FD_TAIL else 0.0))
        xp = (E - q_np) / T_g
        if sig_pn > 0.0:
            out[4] += dens * sig_pn * (1.0 - (1.0 / (math.exp(xp) + 1.0) if xp < FD_TAIL else 0.0))


@njit(cache=True)
def advance(
    N: np.ndarray,
    conv: np.ndarray,
    N_new: np.ndarray,
    inflow: np.ndarray,
    lost_bins: np.ndarray,
    q_n: np.ndarray,
    x_mid: float,
    dt: float,
    T_g: float,
    T_nu: np.ndarray,
    rho_p_e: float,
    np_: np.ndarray,
    spectral: bool,
    ntc,
    out: np.ndarray,
) -> None:
    """One step of the decay neutrinos. lost_bins: the energy density [MeV^4] each N bin lost to decays
    over the step (negative: inverse decays won). The neutrino share of a bin that decayed goes
    onto the grid as the box of a decay in flight, E_N (1 -+ v)/2 (``spectral`` and T_g above T_free),
    else, and for inverse decays, to the thermal nu_a; the neutrinos' share is 1 - f (np_[5], f = 1/2 for
    N -> nu gamma). Then ``step``. out (comoving energies, MeV x
    a^4 with a_h = 1): [0] to the photon plasma (from the grid), [1:4] to each thermal flavour, [4] put
    on the grid, [5] comoving energy on the grid after the step, [6] the part of [1:4] that came from
    the grid's collisions."""
    q, u2, pi_, pf, D, B, EB, jt, jp, ct, cp, ntp = ntc
    lnq0, dlnq, gf2, m_e, t_free, t_coll = ntp[0], ntp[1], ntp[2], ntp[3], ntp[5], ntp[6]
    T_h, M, alpha, f_gamma = np_[0], np_[1], int(np_[4]), np_[5]
    for i in range(7):
        out[i] = 0.0
    a_mid = math.exp(x_mid)
    a4 = a_mid**4
    scale = T_h / a_mid  # physical energy of comoving q = 1
    onto_grid = spectral and T_g > t_free
    to_grid = 0.0
    below = 0.0
    for j in range(q_n.size):
        loss = lost_bins[j]
        if loss == 0.0:
            continue
        if loss < 0.0 or not onto_grid:
            out[1 + alpha] += (1.0 - f_gamma) * loss * a4
            continue
        p = q_n[j] * scale * np_[6]
        E = math.sqrt(p * p + M * M)
        v = p / E
        number = 2.0 * (1.0 - f_gamma) * loss * a_mid**3 / E  # 2 (1 - f) neutrinos of E/2 per decay
        below += deposit_box(
            inflow, q, lnq0, dlnq, alpha, 0.5 * E * (1.0 - v) / scale, 0.5 * E * (1.0 + v) / scale, number
        )
        to_grid += (1.0 - f_gamma) * loss * a4
    out[1 + alpha] += below * T_h
    out[4] = to_grid - below * T_h
    if not spectral:
        return
    tr = np.empty(4)
    coll = T_g > t_coll
    step(N, conv, inflow, dt, scale, T_g, T_nu, rho_p_e, coll, q, u2, pi_, pf, D, B, EB, jt, jp, gf2, m_e, N_new, tr)
    out[0] = tr[0] * T_h
    for f in range(3):
        out[1 + f] += tr[1 + f] * T_h
        out[6] += tr[1 + f] * T_h
    e = 0.0
    for k in range(q.size):
        for r in range(3):
            e += N_new[r, k] * q[k]
    out[5] = e * T_h


@njit(cache=True)
def grid_energy(N: np.ndarray, q: np.ndarray, T_h: float) -> float:
    """Comoving energy on the grid (a^4 rho, a_h = 1)."""
    e = 0.0
    for k in range(q.size):
        for r in range(3):
            e += N[r, k] * q[k]
    return e * T_h


@njit(cache=True)
def transitions(
    N: np.ndarray, conv: np.ndarray, q: np.ndarray, u2: np.ndarray, scale: float, rho_e: float, c_tr: float
) -> None:
    """Nodes whose thermal potential has fallen below the solar splitting (c_tr E^2 rho_e < 1) turn to
    mass states (``neutrinos``)."""
    for k in range(q.size):
        if conv[k]:
            continue
        E = q[k] * scale
        if c_tr * E * E * rho_e < 1.0:
            convert(N, conv, k, u2)
