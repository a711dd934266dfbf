"""Photodisintegration of light nuclei by the photons of late N -> nu gamma decays: the
electromagnetic cascade in the thermal bath and the non-thermal nuclear network."""
