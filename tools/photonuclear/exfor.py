"""Minimal EXFOR (.x4) reader for photonuclear cross-section subentries.

Reads the DATA (and COMMON) sections of EXFOR subentries and converts them to
arrays of photon energy [MeV], cross section [mb] and a 1-sigma uncertainty
[mb].  Only what is needed for simple energy-dependent cross sections
(EN or EN-MIN/EN-MAX, DATA, error columns) is supported.

Source of the files: the EXFOR master-file backup (NRDC, repository
IAEA-NDS/exfor_master) cloned as a bare git snapshot; files are read with
``git show HEAD:exforall/<dir>/<entry>.x4``.

EXFOR conventions used here (LEXFOR / EXFOR Formats Manual):
  * records are 80 columns; columns 1-66 carry 6 fields of 11 characters;
  * a DATA (or COMMON) block is: ``DATA  n_fields n_lines``, heading lines
    (6 fields per line, continued on further lines when n_fields > 6), unit
    lines in the same layout, then the data lines (again 6 fields per line);
  * numbers may be written with an implied exponent, e.g. ``1.23-4``.

No dependencies beyond numpy.  Plain Python otherwise.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
from dataclasses import dataclass, field

import numpy as np

EXFOR_REPO = os.environ.get("EXFOR_REPO", "/work/.mirror/IAEA-NDS+exfor_master/repo")

# ---------------------------------------------------------------------------
# units
# ---------------------------------------------------------------------------
ENERGY_UNITS = {"EV": 1e-6, "KEV": 1e-3, "MEV": 1.0, "GEV": 1e3}
XS_UNITS = {"B": 1e3, "MB": 1.0, "MUB": 1e-3, "NB": 1e-6, "MICRO-B": 1e-3, "B*RT-EV": None}
REL_UNITS = {"PER-CENT": 1e-2, "NO-DIM": 1.0}


def entry_text(entry: str, repo: str = EXFOR_REPO) -> str:
    """Return the text of EXFOR entry ``entry`` (e.g. 'M0140')."""
    entry = entry.strip().upper()
    path = f"exforall/{entry[:3]}/{entry}.x4"
    out = subprocess.run(["git", "-C", repo, "show", f"HEAD:{path}"], check=True, capture_output=True, text=True)
    return out.stdout


def parse_number(s: str):
    """Parse an EXFOR numeric field; returns float or None for blanks."""
    s = s.strip().replace(" ", "")
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        pass
    # implied exponent: 1.23-4 / 1.23+4 (sign not in first position)
    m = re.match(r"^([+-]?[0-9.]+)([+-][0-9]+)$", s)
    if m:
        return float(m.group(1)) * 10.0 ** int(m.group(2))
    m = re.match(r"^([+-]?[0-9.]+)[Ee]([+-]?[0-9]+)$", s)
    if m:
        return float(m.group(1)) * 10.0 ** int(m.group(2))
    raise ValueError(f"cannot parse EXFOR number {s!r}")


def _fields(line: str, n: int = 6):
    line = line.rstrip("\n").ljust(66)
    return [line[11 * i : 11 * (i + 1)] for i in range(n)]


@dataclass
class Table:
    heads: list
    units: list
    rows: list  # list of lists (float or None)

    def col(self, name):
        if name not in self.heads:
            return None
        i = self.heads.index(name)
        return [r[i] for r in self.rows]


@dataclass
class Subentry:
    name: str
    bib: dict = field(default_factory=dict)  # keyword -> text
    common: Table | None = None
    data: Table | None = None

    @property
    def reaction(self) -> str:
        return self.bib.get("REACTION", "").strip()


def _read_block(lines, i, nfields, end_key):
    """Read heading/unit/value lines of a COMMON or DATA block starting at i.

    Values are read up to the ENDCOMMON/ENDDATA record (safer than trusting
    the line count N2, whose meaning differs between COMMON and DATA).
    """
    nper = max(1, math.ceil(nfields / 6))

    def read_multi(i):
        vals = []
        for k in range(nper):
            vals += _fields(lines[i + k])
        return vals[:nfields], i + nper

    heads, i = read_multi(i)
    units, i = read_multi(i)
    heads = [h.strip() for h in heads]
    units = [u.strip() for u in units]
    rows = []
    while not lines[i].startswith(end_key):
        vals, i = read_multi(i)
        rows.append([parse_number(v) for v in vals])
    return Table(heads, units, rows), i + 1


def parse_entry(text: str) -> dict:
    """Parse all subentries of an entry text; returns {subentry: Subentry}."""
    lines = text.splitlines()
    subs = {}
    cur = None
    i = 0
    kw = None
    in_bib = False
    while i < len(lines):
        ln = lines[i]
        key = ln[:10].strip()
        if key == "SUBENT":
            cur = Subentry(ln[14:22].strip())
            subs[cur.name] = cur
            i += 1
            continue
        if cur is None:
            i += 1
            continue
        if key == "BIB":
            in_bib = True
            kw = None
            i += 1
            continue
        if key == "ENDBIB":
            in_bib = False
            i += 1
            continue
        if in_bib:
            if key:
                kw = key
                cur.bib[kw] = cur.bib.get(kw, "") + ln[11:66].rstrip() + "\n"
            elif kw:
                cur.bib[kw] += ln[11:66].rstrip() + "\n"
            i += 1
            continue
        if key in ("COMMON", "DATA"):
            nf = int(ln[11:22])
            tab, i = _read_block(lines, i + 1, nf, "END" + key)
            if key == "COMMON":
                cur.common = tab
            else:
                cur.data = tab
            continue
        i += 1
    return subs


# ---------------------------------------------------------------------------
# conversion to (E [MeV], sigma [mb], dsigma [mb])
# ---------------------------------------------------------------------------
_ERR_TOTAL = ("DATA-ERR", "ERR-T", "DATA-ERR1")
_ERR_PARTS = (
    "ERR-S",
    "ERR-SYS",
    "ERR-1",
    "ERR-2",
    "ERR-3",
    "ERR-4",
    "ERR-5",
    "ERR-6",
    "ERR-7",
    "ERR-8",
    "ERR-9",
    "MONIT-ERR",
    "DATA-ERR2",
)


def _err_in_mb(value, unit, sigma_mb):
    if value is None:
        return None
    if unit in XS_UNITS and XS_UNITS[unit] is not None:
        return value * XS_UNITS[unit]
    if unit in REL_UNITS:
        return value * REL_UNITS[unit] * sigma_mb
    raise ValueError(f"unsupported error unit {unit}")


def cross_section(sub: Subentry, data_col: str = "DATA"):
    """Return (E_MeV, sigma_mb, dsigma_mb, note) for a simple SIG subentry.

    Energy: EN, or the midpoint of EN-MIN/EN-MAX, or EN-MEAN.
    Uncertainty: a total column (DATA-ERR/ERR-T, or the mean of +ERR-T/-ERR-T)
    if present; otherwise the quadrature sum of the partial columns
    (ERR-S, ERR-SYS, ERR-n) and of COMMON errors.  Missing -> 0.
    """
    tab = sub.data
    if tab is None:
        raise ValueError(f"{sub.name}: no DATA section")
    com = sub.common
    common = {}
    if com is not None and com.rows:
        for h, u, v in zip(com.heads, com.units, com.rows[0], strict=False):
            common[h] = (u, v)

    def getcol(name):
        if name in tab.heads:
            j = tab.heads.index(name)
            return tab.units[j], [r[j] for r in tab.rows]
        if name in common:
            u, v = common[name]
            return u, [v] * len(tab.rows)
        return None, None

    notes = []
    u, en = getcol("EN")
    if en is None:
        u1, e1 = getcol("EN-MIN")
        u2, e2 = getcol("EN-MAX")
        if e1 is not None and e2 is not None:
            en = [
                None if (a is None or b is None) else 0.5 * (a * ENERGY_UNITS[u1] + b * ENERGY_UNITS[u2])
                for a, b in zip(e1, e2, strict=False)
            ]
            u = "MEV"
            notes.append("E = midpoint of EN-MIN/EN-MAX")
        else:
            u, en = getcol("EN-MEAN")
            if en is not None:
                notes.append("E = EN-MEAN")
            else:
                u, en = getcol("EN-CM")
                if en is None:
                    raise ValueError(f"{sub.name}: no energy column in {tab.heads}")
                notes.append("E = EN-CM (centre-of-mass energy!)")
    ef = ENERGY_UNITS[u]
    E = np.array([np.nan if x is None else x * ef for x in en], float)

    du, dat = getcol(data_col)
    if dat is None:
        raise ValueError(f"{sub.name}: no {data_col} column")
    xf = XS_UNITS[du]
    S = np.array([np.nan if x is None else x * xf for x in dat], float)

    err = np.zeros_like(S)
    have_total = False
    for name in _ERR_TOTAL:
        eu, ec = getcol(name)
        if ec is not None:
            err = np.array([_err_in_mb(e, eu, s) or 0.0 for e, s in zip(ec, S, strict=False)])
            notes.append(f"dsigma = {name}")
            have_total = True
            break
    if not have_total:
        pu, pc = getcol("+ERR-T")
        mu, mc = getcol("-ERR-T")
        if pc is not None and mc is not None:
            err = np.array(
                [
                    0.5 * ((_err_in_mb(a, pu, s) or 0.0) + (_err_in_mb(b, mu, s) or 0.0))
                    for a, b, s in zip(pc, mc, S, strict=False)
                ]
            )
            notes.append("dsigma = mean of +ERR-T/-ERR-T")
            have_total = True
    if not have_total:
        used = []
        var = np.zeros_like(S)
        for name in _ERR_PARTS:
            eu, ec = getcol(name)
            if ec is not None:
                var += np.array([(_err_in_mb(e, eu, s) or 0.0) ** 2 for e, s in zip(ec, S, strict=False)])
                used.append(name)
        err = np.sqrt(var)
        notes.append("dsigma = quadrature sum of " + ("+".join(used) if used else "nothing (0)"))
    ok = np.isfinite(E) & np.isfinite(S)
    order = np.argsort(E[ok], kind="stable")
    return E[ok][order], S[ok][order], err[ok][order], "; ".join(notes)


def load(subentry: str, repo: str = EXFOR_REPO):
    """Convenience: (E, sigma, dsigma, note, Subentry) for e.g. 'L0167002'."""
    subentry = subentry.strip().upper()
    subs = parse_entry(entry_text(subentry[:5], repo))
    sub = subs[subentry]
    E, S, dS, note = cross_section(sub)
    return E, S, dS, note, sub


def reference(subentry: str, repo: str = EXFOR_REPO) -> str:
    """First author + reference code of the entry holding ``subentry``."""
    subs = parse_entry(entry_text(subentry[:5], repo))
    first = subs[subentry[:5] + "001"]
    auth = first.bib.get("AUTHOR", "").replace("\n", " ").strip()
    ref = first.bib.get("REFERENCE", "").split("\n")[0].strip()
    auth = auth.strip("()").split(",")[0]
    return f"{auth} et al., {ref}"
