"""Signals the roster sends to the apps above it, which must never be imported from here.

`roster_imported` is sent inside the import's transaction, after the cadres are written, so a
receiver's writes commit or roll back with the import (all or nothing). Receivers return a
`RosterFollowUp`; the import adds their counts and notes to its result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.dispatch import Signal

from cadres.roster import RowError

# Sent with sender=OrgUnit (the model), root_unit, actor (None from the shell) and
# postings: list[RosterPosting] — the rows that place a team cadre in a village work team.
roster_imported = Signal()


@dataclass(frozen=True)
class RosterPosting:
    """A roster row saying this cadre is posted to this work team since this day."""

    row: int
    cadre_id: int
    team_id: int
    category: str
    starts_on: date
    sending_unit: str


@dataclass
class RosterFollowUp:
    """What one receiver did about an import: how many postings it created, and row notes."""

    postings_created: int = 0
    notes: list[RowError] = field(default_factory=list)
