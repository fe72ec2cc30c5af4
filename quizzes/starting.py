"""Whether starting an attempt needs the cadre's confirmation first, and what to tell them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import ngettext

from cadres.models import Cadre
from courses import selectors as course_selectors
from quizzes import selectors
from quizzes.models import Quiz


@dataclass(frozen=True)
class StartWarning:
    lessons_left: int
    attempts_left_after: int | None

    @property
    def message(self) -> str:
        n = self.lessons_left
        if self.attempts_left_after is None:
            text = ngettext(
                "You have {lessons} lesson still to complete. Start the final test now?",
                "You have {lessons} lessons still to complete. Start the final test now?",
                n,
            )
        else:
            text = ngettext(
                "You have {lessons} lesson still to complete. Starting now will use one attempt "
                "({left} left after this one). Start now?",
                "You have {lessons} lessons still to complete. Starting now will use one attempt "
                "({left} left after this one). Start now?",
                n,
            )
        return text.format(lessons=n, left=self.attempts_left_after)


def start_warning(*, cadre: Cadre, quiz: Quiz) -> StartWarning | None:
    """A warning to confirm before a new attempt of a course's final test while lessons remain.

    None when nothing needs confirming: a stand-alone exam, every live lesson of the course
    completed, or an attempt already open (it is resumed, no attempt is spent). Checked in that
    order so an exam start, the burst path, costs no query here.
    """
    if quiz.course_id is None:
        return None
    lessons_left = course_selectors.incomplete_lesson_count(cadre=cadre, course=quiz.course)
    if not lessons_left:
        return None
    standing = selectors.quiz_standing(cadre=cadre, quiz=quiz)
    if standing.in_progress is not None:
        return None
    attempts_left = standing.attempts_left
    return StartWarning(
        lessons_left=lessons_left,
        attempts_left_after=None if attempts_left is None else max(0, attempts_left - 1),
    )
