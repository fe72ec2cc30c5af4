"""Errors raised by the cadres services; views turn them into messages."""

from __future__ import annotations

from cadres.roster import RowError


class CadresError(Exception):
    """Base class for every domain error of the cadres app."""


class RosterRejected(CadresError):
    """The roster file has at least one bad row; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the roster file")
        self.errors = errors


class ActivationFailed(CadresError):
    """An activation code that does not open the account (wrong, expired, used, unknown ID)."""
