"""Small ENDF-6 reader (MF3 cross sections, MF6 product yields).

Plain Python + numpy.  Written for the IAEA/PD-2019 photonuclear library
(Kawano et al., Nucl. Data Sheets 163 (2020) 109) but format-generic:

  * MF3  : TAB1 sigma(E)            -> read_mf3(sections, mt)
  * MF6  : for every outgoing product the LAW-independent multiplicity
           (yield) y_i(E) is a TAB1 record at the start of the product
           subsection -> read_mf6_yields(sections, mt).  The LAW-dependent
           distributions that follow are skipped record by record
           (LAW = 0, 1, 2, 3, 4, 5, 6, 7 supported), so all products of a
           section are reached.

ENDF-6 record layout (ENDF-102 manual): 80-column lines, columns 1-66 carry
six 11-character fields, 67-70 MAT, 71-72 MF, 73-75 MT.  Floats may omit the
'E' ("1.234567+6").  Energies are in eV and cross sections in barns; the
helpers below convert to MeV and mb on request.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


# ---------------------------------------------------------------------------
# low level
# ---------------------------------------------------------------------------
def endf_float(s: str) -> float:
    s = s.strip()
    if not s:
        return 0.0
    try:
        return float(s)
    except ValueError:
        pass
    # "1.234567+6", "-1.2-3": insert 'e' before the last sign that is not
    # the leading sign and not preceded by 'e'/'E'
    for k in range(len(s) - 1, 0, -1):
        if s[k] in "+-" and s[k - 1] not in "eE":
            return float(s[:k] + "e" + s[k:])
    raise ValueError(f"bad ENDF float {s!r}")


def endf_int(s: str) -> int:
    s = s.strip()
    return int(s) if s else 0


def read_sections(path: str) -> dict:
    """Return {(MF, MT): [66-character record strings]} for one file."""
    secs: dict = {}
    with open(path) as f:
        for k, line in enumerate(f):
            line = line.rstrip("\n").ljust(75)
            try:
                mat = int(line[66:70])
                mf = int(line[70:72])
                mt = int(line[72:75])
            except ValueError:
                continue
            if k == 0 and mf == 0 and mt == 0:  # TPID record
                continue
            if mat <= 0 or mf == 0 or mt == 0:  # SEND/FEND/MEND/TEND
                continue
            secs.setdefault((mf, mt), []).append(line[:66])
    return secs


class _Reader:
    def __init__(self, lines):
        self.lines = lines
        self.i = 0

    def _line(self):
        ln = self.lines[self.i]
        self.i += 1
        return ln

    def cont(self):
        ln = self._line()
        return (
            endf_float(ln[0:11]),
            endf_float(ln[11:22]),
            endf_int(ln[22:33]),
            endf_int(ln[33:44]),
            endf_int(ln[44:55]),
            endf_int(ln[55:66]),
        )

    def _values(self, n, conv=endf_float):
        vals = []
        while len(vals) < n:
            ln = self._line()
            for j in range(6):
                if len(vals) == n:
                    break
                vals.append(conv(ln[11 * j : 11 * (j + 1)]))
        return vals

    def list_(self):
        c1, c2, l1, l2, npl, n2 = self.cont()
        return (c1, c2, l1, l2, npl, n2), self._values(npl)

    def tab1(self):
        c1, c2, l1, l2, nr, np_ = self.cont()
        interp = self._values(2 * nr, endf_int)
        xy = self._values(2 * np_)
        return Tab1(
            c1, c2, l1, l2, np.array(interp[0::2]), np.array(interp[1::2]), np.array(xy[0::2]), np.array(xy[1::2])
        )

    def tab2(self):
        c1, c2, l1, l2, nr, nz = self.cont()
        interp = self._values(2 * nr, endf_int)
        return (c1, c2, l1, l2, nr, nz), interp


@dataclass
class Tab1:
    C1: float
    C2: float
    L1: int
    L2: int
    NBT: np.ndarray
    INT: np.ndarray
    x: np.ndarray
    y: np.ndarray

    def __call__(self, e):
        """Evaluate with the ENDF interpolation laws (INT = 1..5)."""
        e = np.atleast_1d(np.asarray(e, float))
        out = np.zeros_like(e)
        x, y = self.x, self.y
        for k, ee in enumerate(e):
            if ee < x[0] or ee > x[-1]:
                out[k] = 0.0
                continue
            j = min(max(np.searchsorted(x, ee, side="right") - 1, 0), len(x) - 2)
            # interpolation region of interval j (points j, j+1; 1-based j+2)
            r = int(np.searchsorted(self.NBT, j + 2, side="left"))
            law = int(self.INT[min(r, len(self.INT) - 1)])
            x0, x1, y0, y1 = x[j], x[j + 1], y[j], y[j + 1]
            if x1 == x0:
                out[k] = y1
            elif law == 1:
                out[k] = y0
            elif law == 2:
                out[k] = y0 + (y1 - y0) * (ee - x0) / (x1 - x0)
            elif law == 3:  # y linear in ln x
                out[k] = y0 + (y1 - y0) * np.log(ee / x0) / np.log(x1 / x0)
            elif law == 4:  # ln y linear in x
                out[k] = (
                    y0 * (y1 / y0) ** ((ee - x0) / (x1 - x0))
                    if y0 > 0 and y1 > 0
                    else y0 + (y1 - y0) * (ee - x0) / (x1 - x0)
                )
            elif law == 5:  # ln y linear in ln x
                out[k] = (
                    y0 * (y1 / y0) ** (np.log(ee / x0) / np.log(x1 / x0))
                    if y0 > 0 and y1 > 0
                    else y0 + (y1 - y0) * (ee - x0) / (x1 - x0)
                )
            else:
                raise ValueError(f"unsupported interpolation law {law}")
        return out


# ---------------------------------------------------------------------------
# MF3
# ---------------------------------------------------------------------------
def read_mf3(secs: dict, mt: int) -> dict:
    """MF3 section: {'ZA','AWR','QM','QI','LR','xs': Tab1 (E in eV, sigma in b)}."""
    r = _Reader(secs[(3, mt)])
    za, awr, _, _, _, _ = r.cont()
    t = r.tab1()
    return {"ZA": za, "AWR": awr, "QM": t.C1, "QI": t.C2, "LR": t.L2, "xs": t}


# ---------------------------------------------------------------------------
# MF6
# ---------------------------------------------------------------------------
def _skip_law(r: _Reader, law: int):
    if law in (0, 3, 4):
        return
    if law in (1, 2, 5):
        (_, _, _, _, _, ne), _ = r.tab2()
        for _ in range(ne):
            r.list_()
        return
    if law == 6:
        r.cont()
        return
    if law == 7:
        (_, _, _, _, _, ne), _ = r.tab2()
        for _ in range(ne):
            (_, _, _, _, _, nmu), _ = r.tab2()
            for _ in range(nmu):
                r.tab1()
        return
    raise ValueError(f"MF6 LAW={law} not supported")


def read_mf6_yields(secs: dict, mt: int) -> list:
    """All products of an MF6 section.

    Returns a list of dicts {'ZAP','AWP','LIP','LAW','yield': Tab1 (E in eV)}.
    The whole section is walked so that an inconsistent record count is
    detected (a ValueError/IndexError is raised).
    """
    lines = secs[(6, mt)]
    r = _Reader(lines)
    za, awr, jp, lct, nk, _ = r.cont()
    prods = []
    for _ in range(nk):
        t = r.tab1()
        prods.append({"ZAP": t.C1, "AWP": t.C2, "LIP": t.L1, "LAW": t.L2, "yield": t})
        _skip_law(r, t.L2)
    if r.i != len(lines):
        raise ValueError(f"MF6/MT{mt}: {len(lines) - r.i} unread records")
    return prods


def product_yield(secs: dict, mt: int, zap: int) -> Tab1:
    for p in read_mf6_yields(secs, mt):
        if int(round(p["ZAP"])) == zap:
            return p["yield"]
    raise KeyError(f"product ZAP={zap} not in MF6/MT{mt}")


def describe(path: str) -> str:
    """One-line-per-section summary (for checks)."""
    secs = read_sections(path)
    out = []
    for (mf, mt), lines in sorted(secs.items()):
        out.append(f"MF{mf} MT{mt}: {len(lines)} records")
    return "\n".join(out)
