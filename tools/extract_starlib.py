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

NUCLIDES = {"n", "p", "d", "t", "he3", "he4", "he6", "li6", "li7", "li8", "be7", "b8"}
CHAPTERS = {1: (1, 1), 2: (1, 2), 3: (1, 3), 4: (2, 1), 5: (2, 2), 6: (2, 3), 7: (2, 4), 8: (3, 1), 9: (3, 2)}
NAMES = {
    "n": "n",
    "p": "p",
    "d": "d",
    "t": "t",
    "he3": "He3",
    "he4": "He4",
    "he6": "He6",
    "li6": "Li6",
    "li7": "Li7",
    "li8": "Li8",
    "be7": "Be7",
    "b8": "B8",
}
ROWS = 60


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
        n_in, n_out = CHAPTERS.get(chapter, (0, 0))
        if n_in == 0 or len(nucs) != n_in + n_out or not set(nucs) <= NUCLIDES:
            continue
        if flag == "v" or label == "ec" or (label == "bet+" and n_in > 1):
            continue
        reactants = " + ".join(NAMES[x] for x in nucs[:n_in])
        products = " + ".join(NAMES[x] for x in nucs[n_in:])
        print(f"> {reactants} > {products} | {label} | {q:.5f}")
        for row in rows:
            t9, rate, fu = (float(v) for v in row.split())
            print(f"{t9:.3e} {rate:.4e} {fu:.4e}")


if __name__ == "__main__":
    main()
