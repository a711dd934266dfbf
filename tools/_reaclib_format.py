"""What the REACLIB and STARLIB file formats share: chapters (numbers of reactants and products),
the BBN nuclides in their lower-case names, and ndpcosmo's names for them."""

NAMES = {"n": "n", "p": "p", "d": "d", "t": "t", "he3": "He3", "he4": "He4", "he6": "He6", "li6": "Li6",
         "li7": "Li7", "li8": "Li8", "be7": "Be7", "b8": "B8"}  # fmt: skip
NUCLIDES = set(NAMES)
CHAPTERS = {1: (1, 1), 2: (1, 2), 3: (1, 3), 4: (2, 1), 5: (2, 2), 6: (2, 3), 7: (2, 4), 8: (3, 1), 9: (3, 2)}
"""Reactants and products of each chapter."""


def reaction_name(chapter: int, nucs: list[str]) -> str | None:
    """ "reactants > products" in ndpcosmo's names, or None if outside the BBN nuclides."""
    n_in, n_out = CHAPTERS.get(chapter, (0, 0))
    if n_in == 0 or len(nucs) != n_in + n_out or not set(nucs) <= NUCLIDES:
        return None
    return " + ".join(NAMES[x] for x in nucs[:n_in]) + " > " + " + ".join(NAMES[x] for x in nucs[n_in:])
