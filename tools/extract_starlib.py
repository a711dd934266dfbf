"""Extract the A <= 8 BBN reactions from a STARLIB rate library into ndpcosmo's rate-table file.

Usage: python tools/extract_starlib.py STARLIB_FILE > ndpcosmo/bbn/data/starlib_bbn.txt

STARLIB (Sallaska, Iliadis, Champagne, Goriely, Starrfield, Timmes, ApJS 207 (2013) 18; the library
is maintained at github.com/Starlib/Rate-Library) tabulates each rate on 60 temperatures T9 =
0.001-10 as the median of its Monte Carlo probability density with the factor uncertainty f.u.
(the rate is log-normal: ln(rate) has mean ln(median) and width ln(f.u.)). Each entry carries the
label of the evaluation it tabulates. Only forward entries (no 'v' reverse entries, no electron
captures) among the BBN nuclides are kept; reverse rates come from detailed balance.
"""

from __future__ import annotations

import sys

from _reaclib_format import reaction_name  # run as a script from tools/

ROWS = 60
"""Temperatures per STARLIB table."""


def main() -> None:
    lines = open(sys.argv[1]).read().split("\n")
    print("# STARLIB rate tables for the BBN network (nuclides up to A = 8)")
    print("# source: STARLIB, A.L. Sallaska et al., ApJS 207 (2013) 18 (github.com/Starlib/Rate-Library), as")
    print("#   shipped by pynucastro 3.1.0; each entry's label names the evaluation it tabulates")
    print("#   (ndpcosmo/bbn/data/starlib_labels.txt)")
    print("# extracted by tools/extract_starlib.py: forward entries only ('v' reverse entries dropped; reverse")
    print("#   rates come from detailed balance in ndpcosmo.bbn.network); electron captures dropped")
    print("# units: T9 = T / 1e9 K; rate (median) in s^-1, cm^3 mol^-1 s^-1 or cm^6 mol^-2 s^-1;")
    print("#   f.u. = factor uncertainty of the log-normal rate (1-sigma width of ln rate = ln f.u.)")
    print("# format: a line '> reactants > products | label | Q [MeV]', then 60 lines 'T9 rate f.u.'")
    i = 0
    while i < len(lines):
        head = lines[i]
        fields = head.split()
        if not (fields and fields[0].isdigit() and len(head) > 52):
            i += 1
            continue
        chapter = int(fields[0])
        nucs = head[5:35].split()
        label, flag, q = head[43:47].strip(), head[47:48].strip(), float(head[52:64])
        rows = lines[i + 1 : i + 1 + ROWS]
        i += 1 + ROWS
        name = reaction_name(chapter, nucs)
        if name is None:
            continue
        if flag == "v" or label == "ec" or (label == "bet+" and " + " in name.split(">")[0]):
            continue
        print(f"> {name} | {label} | {q:.5f}")
        for row in rows:
            t9, rate, fu = (float(v) for v in row.split())
            print(f"{t9:.3e} {rate:.4e} {fu:.4e}")


if __name__ == "__main__":
    main()
