"""Exceptions and warnings of ndpcosmo."""

from __future__ import annotations


class NdpcosmoError(Exception):
    """Base class of the project's own exceptions."""


class SolverError(NdpcosmoError):
    """A numerical stage failed; the message names the model and the stage."""

    def __init__(self, stage: str, model: object, reason: str) -> None:
        super().__init__(f"{stage} failed for {model!r}: {reason}")
        self.stage = stage
        self.model = model
        self.reason = reason
