"""Thermal history with N (stage 2 of the chain; in progress).

Done so far: the electromagnetic plasma with QED corrections (``thermo``), the nu-e energy-exchange
rates with the electron mass (``neutrino_rates``) and the temperature equations of the photon plasma
and the three neutrino flavours (``equations``), validated on the Standard Model N_eff. To come: the
N population (momentum-resolved), its decays and inverse decays, the fast solver and the
``ThermalHistory`` result.
"""
