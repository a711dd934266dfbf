"""Diagnostic: our evaluated-data photodisintegration cross sections (``cross_sections="evaluated"``)
against ACROPOLIS's (the Cyburt et al. 2003 fits with Jedamzik's renormalisations, which are also
our default set), called side by side (ACROPOLIS is GPL: used here only). Prints sigma_ours /
sigma_ACROPOLIS at a few multiples of each threshold."""

from __future__ import annotations

import numpy as np

from ndpcosmo.photodisintegration.reactions import reactions


def main() -> None:
    try:
        import acropolis.nucl as nucl
    except ImportError:
        print("ACROPOLIS not installed (pip install acropolis)")
        return
    reactor = nucl.NuclearReactor.__new__(nucl.NuclearReactor)  # get_cross_section needs no state
    print("evaluated tables: reaction       ratio ours/ACROPOLIS at E/E_th = 1.05, 1.3, 2, 4")
    for rx in reactions("evaluated"):
        E = rx.threshold_mev * np.array([1.05, 1.3, 2.0, 4.0])
        theirs = np.array([reactor.get_cross_section(rx.number, e) for e in E])
        ratio = np.where(theirs > 0, rx.sigma_mev2(E) / np.where(theirs > 0, theirs, 1.0), np.nan)
        name = f"{rx.number:2d} {rx.target}(g,{'+'.join(rx.products)})"
        print(f"{name:32s} " + "  ".join(f"{r:6.2f}" for r in ratio))


if __name__ == "__main__":
    main()
