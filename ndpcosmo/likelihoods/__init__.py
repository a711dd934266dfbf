"""Likelihoods of the model against observations (CMB so far; BBN and the combination follow)."""
