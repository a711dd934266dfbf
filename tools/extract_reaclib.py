"""Extract the A <= 8 BBN reactions from a JINA REACLIB (format v2) snapshot into ndpcosmo's rate file.

Usage: python tools/extract_reaclib.py REACLIB_FILE SNAPSHOT_NAME > ndpcosmo/bbn/data/reaclib_bbn.txt

The REACLIB database (Cyburt et al., ApJS 189 (2010) 240) publishes every rate as sums of sets of
seven-parameter fits, lambda = sum_sets exp(a0 + a1/T9 + a2 T9^(-1/3) + a3 T9^(1/3) + a4 T9 +
a5 T9^(5/3) + a6 ln T9), each set labelled with the publication it fits. Only the forward (not
'v'-flagged) sets among the BBN nuclides are kept: reverse rates are recomputed by detailed balance
from the masses and spins in ``ndpcosmo.bbn.nuclides``. Electron-capture rates that depend on the
electron density ('ec') are dropped.
"""

from __future__ import annotations

import sys

from _reaclib_format import reaction_name  # run as a script from tools/


def main() -> None:
    path, snapshot = sys.argv[1], sys.argv[2]
    lines = open(path).read().split("\n")
    print("# JINA REACLIB rate fits for the BBN network (nuclides up to A = 8)")
    print("# source: JINA REACLIB database, R.H. Cyburt et al., ApJS 189 (2010) 240, snapshot " + snapshot)
    print("#   (each set's label names the publication it fits: see ndpcosmo/bbn/data/reaclib_labels.txt)")
    print("# extracted by tools/extract_reaclib.py: forward sets only ('v' reverse sets dropped; reverse rates")
    print("#   come from detailed balance in ndpcosmo.bbn.network); density-dependent electron captures dropped")
    print("# rate = sum over sets of exp(a0 + a1/T9 + a2 T9^(-1/3) + a3 T9^(1/3) + a4 T9 + a5 T9^(5/3) + a6 ln T9)")
    print("#   in s^-1 (one reactant), cm^3 mol^-1 s^-1 (two), cm^6 mol^-2 s^-1 (three); T9 = T / 1e9 K")
    print("# columns: reactants > products | label | flag (n non-resonant, r resonant, w weak) | Q [MeV] | a0..a6")
    i = 0
    while i + 3 < len(lines):
        chapter = lines[i].strip()
        if not chapter.isdigit():
            i += 1
            continue
        header = lines[i + 1]
        nucs = header[5:35].split()
        label, flag, q = header[43:47].strip(), header[47:49].strip(), float(header[52:64])
        coeffs = lines[i + 2][:52] + lines[i + 3][:39]
        a = [float(coeffs[13 * k : 13 * k + 13]) for k in range(7)]
        i += 4
        name = reaction_name(int(chapter), nucs)
        if name is None:
            continue
        if "v" in flag or label == "ec" or (label == "bet+" and " + " in name.split(">")[0]):
            continue
        kind = flag.replace("v", "") or "n"
        print(f"{name} | {label} | {kind} | {q:.5f} | " + " ".join(f"{x:.6e}" for x in a))


if __name__ == "__main__":
    main()
