"""What the schedule page says: no batches, a run's result, the generator's defaults, holidays covered."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext_lazy

from rotations import batch_plan
from rotations.models import Programme, ScheduleRun

NO_BATCHES = gettext_lazy("This programme has no batches yet: generate or add batches first.")
PLACED_EVERYONE = gettext_lazy("Placed all %(placed)s cadres.")
PLACED_SOME = gettext_lazy(
    "Placed %(placed)s of %(population)s cadres (at most %(bound)s could be placed); see below who was not "
    "placed and why."
)
DEFAULTS_FIT = gettext_lazy(
    "Suggested from the programme: %(count)s batches of %(days)s days with %(capacity)s seats each, from "
    "%(first)s to %(last)s, clear of public holidays: %(seats)s seats for %(people)s cadres without a seat."
)
DEFAULTS_TOO_SHORT = gettext_lazy(
    "Not one batch of %(days)s days fits between %(first)s and the programme's end (%(ends)s) without "
    "covering a public holiday: extend the programme or make the batches shorter."
)
DEFAULTS_FLOOR = gettext_lazy(
    "Units must keep people on duty, so at least %(needed)s batches are needed to seat everyone, and only "
    "%(fit)s batches of %(days)s days fit in the programme clear of public holidays. The settings below "
    "place as many as they can: extend the programme or make the batches shorter."
)
DEFAULTS_NO_SPARE = gettext_lazy(
    "Some units of the population must keep all their people on duty, so the scheduler cannot place them "
    "whatever the batches: check those units' on-duty minimum. The settings below seat everyone else."
)
DEFAULTS_NO_ONE = gettext_lazy("Nobody is in this programme's population yet: check its units and categories.")
DEFAULTS_SEATED = gettext_lazy("The programme's batches already have a seat for everyone in its population.")
BATCH_COVERS_HOLIDAYS = gettext_lazy(
    "Batch %(number)s covers public holidays: %(holidays)s. Check that the training really runs on those days."
)


def holidays_text(holidays) -> str:
    return "、".join(f"{h.name} {h.date:%Y-%m-%d}" for h in holidays)


def defaults_message(suggestion: batch_plan.Suggestion, *, programme: Programme) -> tuple[str, str]:
    """(level, text) saying what the generator's defaults give, or why no settings can seat everyone."""
    if suggestion.problem is batch_plan.NoFit.TOO_SHORT:
        return "warning", DEFAULTS_TOO_SHORT % {
            "days": suggestion.days,
            "first": suggestion.first_starts_on,
            "ends": programme.ends_on,
        }
    if suggestion.problem is batch_plan.NoFit.NO_ONE:
        return "warning", str(DEFAULTS_NO_ONE)
    if suggestion.problem is batch_plan.NoFit.SEATED:
        return "info", str(DEFAULTS_SEATED)
    if suggestion.problem is batch_plan.NoFit.FLOOR:
        return "warning", DEFAULTS_FLOOR % {
            "needed": suggestion.min_batches,
            "fit": suggestion.count,
            "days": suggestion.days,
        }
    if suggestion.problem is batch_plan.NoFit.NO_SPARE:
        return "warning", str(DEFAULTS_NO_SPARE)
    return "info", DEFAULTS_FIT % {
        "count": suggestion.count,
        "days": suggestion.days,
        "capacity": suggestion.capacity,
        "first": suggestion.slots[0].starts_on,
        "last": suggestion.slots[-1].ends_on,
        "seats": suggestion.seats,
        "people": suggestion.population,
    }


def run_result_message(run: ScheduleRun) -> tuple[int, str]:
    """(message level, text) for a finished run: success only when everyone was placed."""
    counts = {"placed": run.placed, "population": run.population, "bound": run.upper_bound}
    if run.placed == run.population:
        return messages.SUCCESS, PLACED_EVERYONE % counts
    return messages.WARNING, PLACED_SOME % counts
