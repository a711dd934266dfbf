"""Interfaces for other codes: the plain-Python ``loglike`` (any sampler) and, with its extra, Cobaya."""
