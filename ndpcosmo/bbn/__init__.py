"""Big-bang nucleosynthesis: nuclear network, reaction rates, weak n<->p rates and the solver."""
