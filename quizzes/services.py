"""Every write about quizzes: starting, autosaving, submitting, expiring and grading attempts.

Each write on an attempt first locks its row (select_for_update), so an autosave, a submit
from a second tab and the expiry sweep never interleave: whichever comes first wins and the
others see a finished attempt. A double submit therefore grades once.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from html import unescape

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext, gettext_noop
from wagtail.log_actions import log

from cadres.models import Cadre
from courses.services import course_progress_refresh
from lms.sanitise import sanitise_plain_text
from quizzes import grading, review, selectors, spreadsheets
from quizzes.exceptions import (
    AttemptFinished,
    BadAnswer,
    BadQuestionFile,
    NoAttemptsLeft,
    NotYourAttempt,
    QuizNotAvailable,
    QuizzesError,
)
from quizzes.models import (
    Answer,
    Attempt,
    AttemptStatus,
    Option,
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionType,
    Quiz,
)

# A submit that left the phone before the deadline may arrive a little after it.
SUBMIT_GRACE = timedelta(seconds=30)

QUIZ_NOT_PUBLISHED = gettext_noop("This quiz is not open to cadres.")
QUIZ_NOT_OPEN_YET = gettext_noop("This quiz opens at {opens_at}.")
QUIZ_CLOSED = gettext_noop("This quiz closed at {closes_at}.")
QUIZ_HAS_NO_QUESTIONS = gettext_noop("This quiz has no questions yet.")
NO_ATTEMPTS_LEFT = gettext_noop("You have used all {max_attempts} attempts at this quiz.")
NOT_YOUR_ATTEMPT = gettext_noop("This attempt belongs to someone else.")
ATTEMPT_ALREADY_FINISHED = gettext_noop("This attempt has already been submitted.")
QUESTION_NOT_IN_ATTEMPT = gettext_noop("That question is not part of this attempt.")
ANSWER_ALREADY_CHECKED = gettext_noop("This answer was checked and can no longer be changed.")
NOT_AN_ESSAY = gettext_noop("Only essay answers are graded by hand.")
QUESTION_FILE_REJECTED = gettext_noop(
    "The file was rejected and nothing was imported. Fix these rows and upload it again."
)


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# ---------------------------------------------------------------------------- starting


def quiz_check_available(*, quiz: Quiz, now: datetime) -> None:
    """Raise QuizNotAvailable unless cadres may start the quiz now."""
    if not quiz.is_published:
        raise QuizNotAvailable(gettext(QUIZ_NOT_PUBLISHED))
    if quiz.opens_at and now < quiz.opens_at:
        raise QuizNotAvailable(gettext(QUIZ_NOT_OPEN_YET).format(opens_at=_local(quiz.opens_at)))
    if quiz.closes_at and now >= quiz.closes_at:
        raise QuizNotAvailable(gettext(QUIZ_CLOSED).format(closes_at=_local(quiz.closes_at)))


def attempt_start(*, quiz: Quiz, cadre: Cadre, now: datetime | None = None) -> Attempt:
    """Resume the cadre's open attempt, or start a new one if the quiz is open and attempts remain."""
    now = now or timezone.now()
    attempt, refusal = _attempt_start(quiz=quiz, cadre=cadre, now=now)
    if refusal is not None:
        # Raised after the commit: an overdue open attempt graded on the way stays graded.
        raise refusal
    return attempt


@transaction.atomic
def _attempt_start(*, quiz: Quiz, cadre: Cadre, now: datetime) -> tuple[Attempt | None, QuizzesError | None]:
    # Serialise this cadre's starts, so two taps on "Start" cannot both pass the attempt count.
    Cadre.objects.select_for_update().filter(pk=cadre.pk).values_list("pk", flat=True).get()
    # The attempts are locked too: an overdue open one is graded here, as a submit would.
    attempts = list(Attempt.objects.select_for_update().filter(quiz=quiz, cadre=cadre).order_by("number"))
    for attempt in attempts:
        attempt.quiz, attempt.cadre = quiz, cadre
    current = next((a for a in attempts if not a.is_finished), None)
    if current is not None and not _expire_if_overdue(current, now).is_finished:
        return current, None
    try:
        quiz_check_available(quiz=quiz, now=now)
        if quiz.max_attempts is not None and len(attempts) >= quiz.max_attempts:
            raise NoAttemptsLeft(gettext(NO_ATTEMPTS_LEFT).format(max_attempts=quiz.max_attempts))
    except QuizzesError as error:
        return None, error
    seed = secrets.randbelow(2**31)
    paper = paper_for(quiz=quiz, seed=seed)
    if not paper:
        return None, QuizNotAvailable(gettext(QUIZ_HAS_NO_QUESTIONS))
    attempt = Attempt(
        quiz=quiz,
        cadre=cadre,
        number=(attempts[-1].number if attempts else 0) + 1,
        seed=seed,
        paper=[{"q": slot.question, "o": slot.options} for slot in paper],
        started_at=now,
        deadline=_deadline(quiz, now),
    )
    # Field checks only: quiz and cadre are loaded rows, the attempt number was counted under
    # the cadre's lock, and the database constraints stand behind both. A full validation
    # would add five queries to every start of an exam that 200 cadres start in the same minute.
    attempt.full_clean(exclude=["quiz", "cadre"], validate_unique=False, validate_constraints=False)
    attempt.save()
    return attempt, None


def _deadline(quiz: Quiz, now: datetime) -> datetime | None:
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    if quiz.closes_at:
        deadline = min(deadline or quiz.closes_at, quiz.closes_at)
    return deadline


def paper_for(*, quiz: Quiz, seed: int) -> list[grading.PaperSlot]:
    """Draw the paper for a seed. The same seed and question pools always give the same paper."""
    # The fixed questions come with their options in one query, as do all the draws' pools.
    options: dict[int, list[int]] = {}
    fixed: list[int] = []
    for question_id, option_id in quiz.fixed_questions.order_by(
        "sort_order", "pk", "question__options__sort_order", "question__options__pk"
    ).values_list("question_id", "question__options__pk"):
        if question_id not in options:
            fixed.append(question_id)
            options[question_id] = []
        if option_id is not None:
            options[question_id].append(option_id)
    draws = list(quiz.draws.order_by("sort_order", "pk"))
    by_category: dict[int, list[int]] = {draw.category_id: [] for draw in draws}
    if draws:
        # A bank's questions in the order Question.Meta gives them: within one category, by pk.
        drawn: dict[int, list[int]] = {}
        for question_id, category_id, option_id in (
            Question.objects.filter(category__in=list(by_category))
            .order_by("pk", "options__sort_order", "options__pk")
            .values_list("pk", "category_id", "options__pk")
        ):
            if question_id not in drawn:
                drawn[question_id] = []
                by_category[category_id].append(question_id)
            if option_id is not None:
                drawn[question_id].append(option_id)
        for question_id, option_ids in drawn.items():
            options.setdefault(question_id, option_ids)
    return grading.build_paper(
        seed=seed,
        fixed=fixed,
        draws=[grading.DrawRule(pool=by_category[draw.category_id], count=draw.count) for draw in draws],
        options=options,
        shuffle_questions=quiz.shuffle_questions,
        shuffle_options=quiz.shuffle_options,
    )


# ---------------------------------------------------------------------------- answering


@dataclass(frozen=True)
class SaveResult:
    saved: bool
    answer: Answer
    feedback: selectors.PaperQuestion | None = None


def _lock_own(attempt: Attempt, cadre: Cadre) -> Attempt:
    locked = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
    if locked.cadre_id != cadre.pk:
        raise NotYourAttempt(gettext(NOT_YOUR_ATTEMPT))
    return locked


def _is_overdue(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + SUBMIT_GRACE


def _expire_if_overdue(attempt: Attempt, now: datetime) -> Attempt:
    if not attempt.is_finished and _is_overdue(attempt, now):
        return _finish(attempt, now=now, status=AttemptStatus.TIMED_OUT)
    return attempt


def answer_save(
    *,
    attempt: Attempt,
    cadre: Cadre,
    question_id: int,
    value,
    revision: int | None = None,
    now: datetime | None = None,
) -> SaveResult:
    """Autosave one answer. Idempotent: re-sending it, or an older revision arriving late, changes nothing.

    When the quiz shows feedback during the attempt, the answer is marked as it is saved and
    becomes final; the feedback allowed comes back with the result.
    """
    now = now or timezone.now()
    if attempt.cadre_id == cadre.pk:
        # Committed on its own: the refusal below must not roll the grading back.
        attempt_expire_if_overdue(attempt=attempt, now=now)
    return _answer_save(attempt=attempt, cadre=cadre, question_id=question_id, value=value, revision=revision, now=now)


@transaction.atomic
def _answer_save(
    *, attempt: Attempt, cadre: Cadre, question_id: int, value, revision: int | None, now: datetime
) -> SaveResult:
    attempt = _lock_own(attempt, cadre)
    if attempt.is_finished or _is_overdue(attempt, now):
        raise AttemptFinished(gettext(ATTEMPT_ALREADY_FINISHED))
    answer, saved = _store(attempt, question_id, value, revision=revision, now=now)
    during = review.allowed(attempt.quiz.review_policy(), review.When.DURING)
    feedback = None
    if during and answer.value is not None:
        if answer.checked_at is None:
            _check_now(answer, now)
        feedback = _feedback(attempt, answer, during)
    return SaveResult(saved=saved, answer=answer, feedback=feedback)


def _store(attempt: Attempt, question_id: int, raw, *, revision: int | None, now: datetime) -> tuple[Answer, bool]:
    if question_id not in attempt.question_ids:
        raise BadAnswer(gettext(QUESTION_NOT_IN_ATTEMPT))
    kind = Question.objects.values_list("kind", flat=True).get(pk=question_id)
    try:
        value = grading.clean_value(grading.QuestionType(kind), raw, option_ids=attempt.option_order(question_id))
    except grading.InvalidAnswer as error:
        raise BadAnswer(gettext(error.message).format(**error.params)) from error
    if isinstance(value, str):
        value = sanitise_plain_text(value)
    # The caller holds the attempt's row lock, so nobody else can insert this answer meanwhile:
    # a plain read-then-insert, without get_or_create's savepoint round trips.
    answer = Answer.objects.filter(attempt=attempt, question_id=question_id).first()
    if answer is None:
        answer = Answer.objects.create(
            attempt=attempt, question_id=question_id, value=value, revision=revision or 0, saved_at=now
        )
        return answer, True
    if answer.value == value or (revision is not None and revision <= answer.revision):
        return answer, False
    if answer.checked_at is not None:
        raise BadAnswer(gettext(ANSWER_ALREADY_CHECKED))
    answer.value = value
    answer.revision = revision if revision is not None else answer.revision + 1
    answer.saved_at = now
    answer.save(update_fields=["value", "revision", "saved_at"])
    return answer, True


def _check_now(answer: Answer, now: datetime) -> None:
    question = Question.objects.get(pk=answer.question_id)
    mark = grading.grade(question.answer_key(), answer.value)
    answer.outcome, answer.score, answer.checked_at = mark.outcome.value, mark.score, now
    answer.save(update_fields=["outcome", "score", "checked_at"])


def _feedback(attempt: Attempt, answer: Answer, shows: frozenset[review.What]) -> selectors.PaperQuestion:
    question = next(q for q in selectors.attempt_paper(attempt=attempt) if q.id == answer.question_id)
    source = Question.objects.get(pk=answer.question_id)
    selectors.reveal(question, shows=shows, answer=answer, key_source=source, options=list(source.options.all()))
    return question


# ---------------------------------------------------------------------------- finishing


@transaction.atomic
def attempt_submit(
    *, attempt: Attempt, cadre: Cadre, answers: Mapping[int, object] | None = None, now: datetime | None = None
) -> Attempt:
    """Save the last answers and grade the attempt, once.

    A second submit (double tap, second tab, retry after a dropped response) finds the attempt
    finished and returns it unchanged. After the deadline and its grace, the answers sent are
    ignored and the attempt is graded on what was saved in time.
    """
    now = now or timezone.now()
    attempt = _lock_own(attempt, cadre)
    if attempt.is_finished:
        return attempt
    if _is_overdue(attempt, now):
        return _finish(attempt, now=now, status=AttemptStatus.TIMED_OUT)
    if answers:
        checked = set(
            Answer.objects.filter(attempt=attempt, checked_at__isnull=False).values_list("question_id", flat=True)
        )
        for question_id, value in answers.items():
            if question_id not in checked:
                _store(attempt, question_id, value, revision=None, now=now)
    return _finish(attempt, now=now, status=AttemptStatus.SUBMITTED)


def _finish(attempt: Attempt, *, now: datetime, status: str) -> Attempt:
    """Mark every question, total the attempt and, on a pass, let the course complete. Caller holds the lock."""
    keys = selectors.answer_keys(attempt.question_ids)
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    result = grading.grade_paper(keys, {qid: a.value for qid, a in answers.items()})
    new = []
    for question_id, mark in result.marks.items():
        answer = answers.get(question_id)
        if answer is None:
            new.append(Answer(attempt=attempt, question_id=question_id, outcome=mark.outcome, score=mark.score))
        else:
            answer.outcome, answer.score = mark.outcome.value, mark.score
    Answer.objects.bulk_create(new)
    Answer.objects.bulk_update(list(answers.values()), ["outcome", "score"])
    attempt.status = status
    # A timed-out attempt took exactly its allowed time, however late the sweep came by.
    attempt.finished_at = min(now, attempt.deadline) if status == AttemptStatus.TIMED_OUT else now
    _set_totals(attempt, score=result.score, max_score=result.max_score, pending=result.pending)
    attempt.save()
    _after_grading(attempt, now)
    return attempt


def _set_totals(attempt: Attempt, *, score: Decimal, max_score: Decimal, pending: bool) -> None:
    attempt.score = score
    attempt.max_score = max_score
    attempt.percent = grading.percent_of(score, max_score)
    attempt.pending_grading = pending
    attempt.passed = None if pending else grading.passes(attempt.percent, attempt.quiz.pass_percent)


def _after_grading(attempt: Attempt, now: datetime) -> None:
    if attempt.passed and attempt.quiz.course_id:
        course_progress_refresh(cadre=attempt.cadre, course=attempt.quiz.course, now=now)
    # Hook: report summary rows follow this write in the same transaction (reports/hooks.py).
    from reports.hooks import attempt_graded

    attempt_graded(attempt=attempt)


def attempt_expire_if_overdue(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Finish an attempt whose time ran out (called whenever one is shown, and by the sweep)."""
    now = now or timezone.now()
    if attempt.is_finished or not _is_overdue(attempt, now):
        return attempt
    with transaction.atomic():
        return _expire_if_overdue(Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk), now)


def attempts_close_overdue(*, now: datetime | None = None, quiz: Quiz | None = None) -> int:
    """Finish every attempt past its deadline and grace, even if its cadre never came back."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline__lt=now - SUBMIT_GRACE)
    if quiz is not None:
        overdue = overdue.filter(quiz=quiz)
    closed = 0
    for attempt in overdue.only("pk", "status", "deadline").iterator():
        if attempt_expire_if_overdue(attempt=attempt, now=now).is_finished:
            closed += 1
    return closed


# ---------------------------------------------------------------------------- essays


@transaction.atomic
def essay_grade(*, answer: Answer, grader, score: Decimal, comment: str = "", now: datetime | None = None) -> Answer:
    """Record a trainer's score and comment on an essay, and re-total its attempt."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().select_related("quiz", "cadre").get(pk=answer.attempt_id)
    answer = Answer.objects.select_related("question").get(pk=answer.pk)
    if answer.question.kind != QuestionType.ESSAY:
        raise BadAnswer(gettext(NOT_AN_ESSAY))
    points = answer.question.points
    score = max(Decimal(0), min(score, points))
    answer.score = score
    answer.outcome = (
        grading.Outcome.CORRECT if score == points else grading.Outcome.PARTIAL if score > 0 else grading.Outcome.WRONG
    )
    answer.comment = sanitise_plain_text(comment)
    answer.graded_by = grader
    answer.graded_at = now
    answer.save(update_fields=["score", "outcome", "comment", "graded_by", "graded_at"])
    marks = list(Answer.objects.filter(attempt=attempt).values_list("score", "outcome"))
    _set_totals(
        attempt,
        score=sum((s for s, _ in marks if s is not None), Decimal(0)),
        max_score=attempt.max_score,
        pending=any(outcome == grading.Outcome.PENDING for _, outcome in marks),
    )
    attempt.save(update_fields=["score", "percent", "pending_grading", "passed"])
    log(attempt, "wagtail.edit", user=grader, data={"answer": answer.pk, "score": str(score)})
    _after_grading(attempt, now)
    return answer


# ---------------------------------------------------------------------------- question files


def _problem_text(problem: spreadsheets.Problem) -> str:
    params = dict(problem.params)
    if "problem" in params:
        params["problem"] = gettext(params["problem"])
    return gettext(problem.message).format(row=problem.row, **params)


@transaction.atomic
def questions_import(*, bank: QuestionBank, data: bytes) -> list[Question]:
    """Create the questions of a file in a bank: every row, or (on any bad row) none."""
    try:
        parsed = spreadsheets.parse_questions(data)
    except spreadsheets.QuestionFileError as error:
        raise BadQuestionFile(gettext(QUESTION_FILE_REJECTED), [_problem_text(p) for p in error.problems]) from error
    categories = {c.name: c for c in QuestionCategory.objects.filter(bank=bank)}
    created = []
    for row in parsed:
        category = None
        if row.category:
            category = categories.get(row.category)
            if category is None:
                category = categories[row.category] = QuestionCategory.objects.create(bank=bank, name=row.category)
        question = Question(
            bank=bank,
            category=category,
            kind=row.kind.value,
            stem=f"<p>{escape(row.stem)}</p>",
            points=row.points,
            difficulty=row.difficulty,
            partial_credit=row.partial_credit,
            true_false_answer=row.true_false,
            accepted_answers="\n".join(row.accepted),
            explanation=row.explanation,
        )
        question.full_clean()
        question.save()
        Option.objects.bulk_create(
            Option(question=question, text=text, is_correct=right, sort_order=i)
            for i, (text, right) in enumerate(row.options)
        )
        created.append(question)
    return created


def questions_export(*, bank: QuestionBank) -> bytes:
    """The bank's questions as a question file (images in stems are left out: text only)."""
    questions = bank.questions.select_related("category").prefetch_related("options").order_by("pk")
    return spreadsheets.write_questions(
        spreadsheets.QuestionRow(
            kind=grading.QuestionType(q.kind),
            partial_credit=q.partial_credit,
            stem=unescape(strip_tags(q.stem)).strip(),
            options=[(o.text, o.is_correct) for o in q.options.all()],
            true_false=q.true_false_answer,
            accepted=q.accepted_list(),
            points=q.points,
            explanation=q.explanation,
            category=q.category.name if q.category else "",
            difficulty=q.difficulty,
        )
        for q in questions
    )
