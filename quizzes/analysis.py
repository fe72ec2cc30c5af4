"""Item analysis for trainers: how often each question is answered right and how well it
separates strong from weak candidates. Plain data in, plain data out, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Classical test theory compares the top and bottom 27 % of candidates by total score.
GROUP_SHARE = 0.27
MIN_ATTEMPTS_FOR_DISCRIMINATION = 4


@dataclass(frozen=True)
class ItemStats:
    answered: int
    facility: float  # mean share of the points earned, 0–1 (the "correctness rate")
    discrimination: float | None  # upper-group facility minus lower-group facility, -1–1


@dataclass(frozen=True)
class ScoredAttempt:
    total: float
    items: Mapping[int, float]  # question id → share of its points earned, 0–1


def item_statistics(attempts: Sequence[ScoredAttempt]) -> dict[int, ItemStats]:
    """Facility and discrimination for every question that appears in the attempts.

    A question with a low or negative discrimination is answered right as often (or more
    often) by weak candidates as by strong ones: usually an ambiguous stem or a wrong key.
    """
    ranked = sorted(attempts, key=lambda a: a.total)
    size = max(1, round(len(ranked) * GROUP_SHARE))
    lower, upper = ranked[:size], ranked[-size:]
    enough = len(ranked) >= MIN_ATTEMPTS_FOR_DISCRIMINATION
    question_ids = sorted({qid for attempt in ranked for qid in attempt.items})
    stats = {}
    for qid in question_ids:
        shares = [a.items[qid] for a in ranked if qid in a.items]
        discrimination = None
        if enough:
            discrimination = round(_mean(upper, qid) - _mean(lower, qid), 3)
        stats[qid] = ItemStats(
            answered=len(shares), facility=round(sum(shares) / len(shares), 3), discrimination=discrimination
        )
    return stats


def _mean(group: Sequence[ScoredAttempt], qid: int) -> float:
    shares = [a.items[qid] for a in group if qid in a.items]
    return sum(shares) / len(shares) if shares else 0.0
