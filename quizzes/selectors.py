"""Reads about quizzes and attempts. Each function makes a fixed number of queries.

The paper a cadre answers from (`attempt_paper`) is built from plain rows that carry no
answer key; only `attempt_review` reads the key, and only what the review options allow.
"""

from __future__ import annotations

import string
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from django.db.models import Avg, Count, Q, QuerySet
from django.utils.safestring import SafeString
from wagtail.rich_text import expand_db_html

from cadres.models import Cadre
from cadres.roles import Scope
from courses.models import CoursePage, CourseProgress
from lms.sanitise import sanitise_rich_text
from quizzes import analysis, grading, review
from quizzes.models import Answer, Attempt, AttemptStatus, Option, Question, QuestionType, Quiz

OPTION_LABELS = string.ascii_uppercase


# ---------------------------------------------------------------------------- standing


@dataclass(frozen=True)
class Standing:
    """Where a cadre stands on one quiz."""

    quiz: Quiz
    attempts: list[Attempt]
    final_percent: Decimal | None
    passed: bool
    pending_grading: bool

    @property
    def in_progress(self) -> Attempt | None:
        return next((a for a in self.attempts if not a.is_finished), None)

    @property
    def finished(self) -> list[Attempt]:
        return [a for a in self.attempts if a.is_finished]

    @property
    def attempts_left(self) -> int | None:
        if self.quiz.max_attempts is None:
            return None
        return max(0, self.quiz.max_attempts - len(self.attempts))


def standing_from_attempts(quiz: Quiz, attempts: Iterable[Attempt]) -> Standing:
    attempts = sorted(attempts, key=lambda a: a.number)
    finished = [a for a in attempts if a.is_finished]
    percents = [None if a.pending_grading else a.percent for a in finished]
    final = grading.final_percent(percents, grading.GradingMethod(quiz.grading_method))
    return Standing(
        quiz=quiz,
        attempts=attempts,
        final_percent=final,
        passed=grading.passes(final, quiz.pass_percent),
        pending_grading=any(a.pending_grading for a in finished),
    )


def quiz_standing(*, cadre: Cadre, quiz: Quiz) -> Standing:
    return standing_from_attempts(quiz, Attempt.objects.filter(quiz=quiz, cadre=cadre))


def published_final_quiz(course: CoursePage) -> Quiz | None:
    return Quiz.objects.filter(course=course, is_published=True).first()


def final_quiz_passed(*, cadre: Cadre, course: CoursePage) -> bool:
    """The completion check courses runs: a course with a published final test needs a pass."""
    quiz = published_final_quiz(course)
    return quiz is None or quiz_standing(cadre=cadre, quiz=quiz).passed


def final_test_steps(*, cadre: Cadre | None, course: CoursePage) -> list:
    """The course page's link to its final test, registered with courses.completion."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from courses.completion import CourseStep

    quiz = published_final_quiz(course)
    if quiz is None:
        return []
    passed = cadre is not None and quiz_standing(cadre=cadre, quiz=quiz).passed
    note = _("Passed") if passed else _("Pass the final test to complete this course.")
    return [CourseStep(title=quiz.title, url=reverse("quizzes:detail", args=[quiz.pk]), done=passed, note=note)]


# ---------------------------------------------------------------------------- cadre lists


def quizzes_for_cadre(*, cadre: Cadre, now: datetime) -> list[Standing]:
    """Open stand-alone exams, and final tests of courses the cadre has started, with their standing."""
    started_courses = CourseProgress.objects.filter(cadre=cadre).values("course_id")
    attempted = Attempt.objects.filter(cadre=cadre).values("quiz_id")
    quizzes = (
        Quiz.objects.filter(is_published=True)
        .filter(
            Q(course__isnull=True, closes_at__gt=now)
            | Q(course__isnull=True, closes_at__isnull=True)
            | Q(course__in=started_courses)
            | Q(pk__in=attempted)
        )
        .select_related("course")
        .order_by("closes_at", "title")
    )
    quizzes = list(quizzes)
    by_quiz: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in Attempt.objects.filter(cadre=cadre, quiz__in=quizzes):
        by_quiz[attempt.quiz_id].append(attempt)
    return [standing_from_attempts(quiz, by_quiz[quiz.pk]) for quiz in quizzes]


def attempt_history(*, cadre: Cadre, limit: int = 50) -> QuerySet[Attempt]:
    return Attempt.objects.filter(cadre=cadre).select_related("quiz").order_by("-started_at")[:limit]


# ---------------------------------------------------------------------------- the paper


@lru_cache(maxsize=4096)
def stem_html(stem: str) -> SafeString:
    """A question stem as HTML, sanitised again on the way out whatever path stored it.

    Sanitising and expanding rich text is the dearest part of an exam page, and 200 cadres
    starting one exam ask for the same stems, so each worker does it once per distinct stem:
    the stem's text is the key, so an edited question is rendered afresh.
    """
    return SafeString(expand_db_html(sanitise_rich_text(stem or "")))


@dataclass(frozen=True)
class PaperOption:
    id: int
    label: str
    text: str


@dataclass
class PaperQuestion:
    """One question as the cadre sees it. Holds no answer key."""

    number: int
    id: int
    kind: str
    stem: str
    points: Decimal
    options: list[PaperOption]
    value: object = None
    checked: bool = False
    # Filled only by attempt_review / feedback during the attempt, as the review options allow.
    outcome: str | None = None
    score: Decimal | None = None
    right_options: list[int] = field(default_factory=list)
    right_text: str = ""
    explanation: str = ""
    comment: str = ""

    @property
    def stem_html(self) -> SafeString:
        return stem_html(self.stem)

    @property
    def chosen(self) -> set[int]:
        if isinstance(self.value, list):
            return set(self.value)
        return {self.value} if isinstance(self.value, int) and not isinstance(self.value, bool) else set()

    @property
    def text_value(self) -> str:
        return self.value if isinstance(self.value, str) else ""

    @property
    def answered(self) -> bool:
        return self.value not in (None, "", [])


def attempt_paper(*, attempt: Attempt) -> list[PaperQuestion]:
    """The attempt's questions in its order, with saved answers. Two queries."""
    ids = attempt.question_ids
    # Plain tuples, not model instances: this runs on every exam page.
    # The questions and their options in one query (a question without options gives one row).
    questions: dict[int, tuple] = {}
    options: dict[int, str] = {}
    for question_id, kind, stem, points, option_id, text in Question.objects.filter(pk__in=ids).values_list(
        "pk", "kind", "stem", "points", "options__pk", "options__text"
    ):
        questions[question_id] = (question_id, kind, stem, points)
        if option_id is not None:
            options[option_id] = text
    answers = {
        question_id: (value, checked_at)
        for question_id, value, checked_at in Answer.objects.filter(attempt=attempt).values_list(
            "question_id", "value", "checked_at"
        )
    }
    paper = []
    for number, slot in enumerate(attempt.paper, start=1):
        question = questions.get(slot["q"])
        if question is None:
            continue
        question_id, kind, stem, points = question
        value, checked_at = answers.get(question_id, (None, None))
        paper.append(
            PaperQuestion(
                number=number,
                id=question_id,
                kind=kind,
                stem=stem,
                points=points,
                options=[
                    PaperOption(id=oid, label=OPTION_LABELS[i % 26], text=options[oid])
                    for i, oid in enumerate(o for o in slot["o"] if o in options)
                ],
                value=value,
                checked=checked_at is not None,
            )
        )
    return paper


def answer_keys(question_ids: Iterable[int]) -> dict[int, grading.AnswerKey]:
    """Grading keys for questions, in two queries."""
    ids = list(question_ids)
    options: dict[int, list[Option]] = defaultdict(list)
    for option in Option.objects.filter(question_id__in=ids):
        options[option.question_id].append(option)
    return {q.pk: q.answer_key(options[q.pk]) for q in Question.objects.filter(pk__in=ids)}


# ---------------------------------------------------------------------------- review


@dataclass(frozen=True)
class AttemptReview:
    attempt: Attempt
    shows: frozenset[review.What]
    questions: list[PaperQuestion]

    @property
    def shows_score(self) -> bool:
        return review.What.SCORE in self.shows

    @property
    def shows_anything_per_question(self) -> bool:
        return bool(self.shows - {review.What.SCORE})

    @property
    def shows_correctness(self) -> bool:
        return review.What.CORRECTNESS in self.shows

    @property
    def correct(self) -> list[PaperQuestion]:
        return [q for q in self.questions if q.outcome == "correct"]

    @property
    def to_look_at(self) -> list[PaperQuestion]:
        """Every question not known to be right, in paper order: shown first and open."""
        return [q for q in self.questions if q.outcome != "correct"]


def reveal(
    question: PaperQuestion,
    *,
    shows: frozenset[review.What],
    answer: Answer | None,
    key_source: Question,
    options: list[Option],
) -> None:
    """Copy onto `question` exactly what the review options allow, and nothing more."""
    if review.What.CORRECTNESS in shows and answer is not None:
        question.outcome = answer.outcome or None
    if review.What.SCORE in shows and answer is not None:
        question.score = answer.score
        question.comment = answer.comment
    if review.What.RIGHT_ANSWER in shows:
        question.right_options = [o.pk for o in options if o.is_correct]
        if key_source.kind == QuestionType.TRUE_FALSE:
            question.right_text = "true" if key_source.true_false_answer else "false"
        elif key_source.kind == QuestionType.FILL_IN:
            question.right_text = " / ".join(key_source.accepted_list())
    if review.What.EXPLANATION in shows:
        question.explanation = key_source.explanation


def attempt_review(*, attempt: Attempt, now: datetime) -> AttemptReview:
    """A finished attempt as its cadre may see it now. Reads the key only for what is shown."""
    when = review.phase(finished_at=attempt.finished_at, closes_at=attempt.quiz.closes_at, now=now)
    shows = review.allowed(attempt.quiz.review_policy(), when)
    paper = attempt_paper(attempt=attempt)
    if shows:
        _reveal_paper(attempt, paper, shows)
    return AttemptReview(attempt=attempt, shows=shows, questions=paper)


def _reveal_paper(attempt: Attempt, paper: list[PaperQuestion], shows: frozenset[review.What]) -> None:
    ids = [q.id for q in paper]
    sources = {q.pk: q for q in Question.objects.filter(pk__in=ids)}
    options: dict[int, list[Option]] = defaultdict(list)
    for option in Option.objects.filter(question_id__in=ids):
        options[option.question_id].append(option)
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    for question in paper:
        reveal(
            question,
            shows=shows,
            answer=answers.get(question.id),
            key_source=sources[question.id],
            options=options[question.id],
        )


# ---------------------------------------------------------------------------- results


def _scoped(queryset: QuerySet, scope: Scope, path_field: str = "cadre__unit__path") -> QuerySet:
    if scope.nothing:
        return queryset.none()
    if scope.everything:
        return queryset
    return queryset.filter(**{f"{path_field}__startswith": scope.path})


def quizzes_with_results(*, scope: Scope) -> QuerySet[Quiz]:
    finished = ~Q(attempts__status=AttemptStatus.IN_PROGRESS)
    if not scope.everything:
        finished &= Q(attempts__cadre__unit__path__startswith=scope.path or "\0")
    return (
        Quiz.objects.select_related("course")
        .annotate(
            finished_count=Count("attempts", filter=finished),
            passed_count=Count("attempts", filter=finished & Q(attempts__passed=True)),
            pending_count=Count("attempts", filter=finished & Q(attempts__pending_grading=True)),
        )
        .order_by("-created_at")
    )


def quiz_results(*, quiz: Quiz, scope: Scope) -> QuerySet[Attempt]:
    """Finished attempts of a quiz by cadres in scope, newest first, with cadre and unit joined."""
    attempts = Attempt.objects.filter(quiz=quiz).exclude(status=AttemptStatus.IN_PROGRESS)
    return _scoped(attempts, scope).select_related("cadre", "cadre__unit").order_by("-finished_at", "-pk")


@dataclass(frozen=True)
class ResultsSummary:
    attempts: int
    cadres: int
    passed: int
    mean_percent: Decimal | None
    mean_seconds: int | None

    @property
    def pass_rate(self) -> int:
        return round(100 * self.passed / self.attempts) if self.attempts else 0


def results_summary(attempts: QuerySet[Attempt]) -> ResultsSummary:
    row = attempts.order_by().aggregate(
        attempts=Count("pk"),
        cadres=Count("cadre", distinct=True),
        passed=Count("pk", filter=Q(passed=True)),
        mean_percent=Avg("percent"),
    )
    finished = attempts.order_by().values_list("started_at", "finished_at")
    durations = [(f - s).total_seconds() for s, f in finished if f]
    return ResultsSummary(
        attempts=row["attempts"],
        cadres=row["cadres"],
        passed=row["passed"],
        mean_percent=round(Decimal(row["mean_percent"]), 1) if row["mean_percent"] is not None else None,
        mean_seconds=round(sum(durations) / len(durations)) if durations else None,
    )


@dataclass(frozen=True)
class QuestionStat:
    question_id: int
    label: str
    kind: str
    stats: analysis.ItemStats


def question_statistics(attempts: QuerySet[Attempt]) -> list[QuestionStat]:
    """Correctness rate and discrimination per question over the given attempts. Two queries."""
    rows = Answer.objects.filter(attempt__in=attempts.order_by().values("pk")).values_list(
        "attempt_id", "question_id", "score", "question__points"
    )
    by_attempt: dict[int, dict[int, float]] = defaultdict(dict)
    totals: dict[int, float] = defaultdict(float)
    for attempt_id, question_id, score, points in rows:
        share = float(score) / float(points) if score is not None and points else 0.0
        by_attempt[attempt_id][question_id] = share
        totals[attempt_id] += float(score or 0)
    stats = analysis.item_statistics(
        [analysis.ScoredAttempt(total=totals[a], items=items) for a, items in by_attempt.items()]
    )
    questions = Question.objects.filter(pk__in=list(stats)).only("pk", "stem", "kind")
    return sorted(
        (QuestionStat(question_id=q.pk, label=str(q), kind=q.get_kind_display(), stats=stats[q.pk]) for q in questions),
        key=lambda s: (s.stats.discrimination if s.stats.discrimination is not None else 2, s.question_id),
    )


def essay_queue(*, scope: Scope, quiz: Quiz | None = None) -> QuerySet[Answer]:
    """Essay answers waiting for a trainer, oldest first."""
    answers = Answer.objects.filter(outcome=grading.Outcome.PENDING).exclude(attempt__status=AttemptStatus.IN_PROGRESS)
    if quiz is not None:
        answers = answers.filter(attempt__quiz=quiz)
    return (
        _scoped(answers, scope, "attempt__cadre__unit__path")
        .select_related("attempt", "attempt__quiz", "attempt__cadre", "attempt__cadre__unit", "question")
        .order_by("attempt__finished_at", "pk")
    )
