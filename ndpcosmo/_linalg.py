"""Small dense linear algebra for the numba kernels (the stiff integrators of BBN and the thermal
history): LU with partial pivoting, in place, without the allocations and call overhead of LAPACK."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def lu_factor(m: np.ndarray, piv: np.ndarray) -> None:
    """In-place LU decomposition with partial pivoting (Doolittle); piv records the row swaps."""
    n = m.shape[0]
    for k in range(n):
        p = k
        big = abs(m[k, k])
        for i in range(k + 1, n):
            if abs(m[i, k]) > big:
                big = abs(m[i, k])
                p = i
        piv[k] = p
        if p != k:
            for j in range(n):
                m[k, j], m[p, j] = m[p, j], m[k, j]
        if m[k, k] == 0.0:
            continue
        for i in range(k + 1, n):
            m[i, k] /= m[k, k]
            for j in range(k + 1, n):
                m[i, j] -= m[i, k] * m[k, j]


@njit(cache=True)
def lu_solve(m: np.ndarray, piv: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve m x = b with the factors of ``lu_factor``."""
    n = b.size
    x = b.copy()
    for k in range(n):
        p = piv[k]
        if p != k:
            x[k], x[p] = x[p], x[k]
    for i in range(n):
        for j in range(i):
            x[i] -= m[i, j] * x[j]
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, n):
            x[i] -= m[i, j] * x[j]
        x[i] /= m[i, i]
    return x
