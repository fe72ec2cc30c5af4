"""Cadre pages and the autosave API. Thin: services decide, selectors read."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_POST

from quizzes import review, selectors, services, starting
from quizzes.exceptions import AttemptFinished, BadAnswer, NotYourAttempt, QuizzesError
from quizzes.models import Attempt, Question, QuestionType, Quiz
from quizzes.views_paper import has_feedback, question_html

NOT_A_CADRE = gettext_noop("Only cadres on the roster take quizzes.")
BAD_AUTOSAVE = gettext_noop("An autosave needs a question id, a value and, optionally, a numeric revision.")


def _cadre(request: HttpRequest):
    return getattr(request.user, "cadre", None)


def _not_a_cadre(request: HttpRequest) -> HttpResponse:
    return render(request, "courses/not_a_cadre.html", status=403)


def _own_attempt(request: HttpRequest, attempt_id: int) -> Attempt | None:
    """The attempt if it is the requesting cadre's; None means 403 (404 when it does not exist)."""
    attempt = get_object_or_404(Attempt.objects.select_related("quiz", "quiz__course"), pk=attempt_id)
    cadre = _cadre(request)
    if cadre is None or attempt.cadre_id != cadre.pk:
        return None
    return services.attempt_expire_if_overdue(attempt=attempt)


@login_required
def my_quizzes(request: HttpRequest) -> HttpResponse:
    cadre = _cadre(request)
    if cadre is None:
        return _not_a_cadre(request)
    now = timezone.now()
    return render(
        request,
        "quizzes/my_quizzes.html",
        {
            "standings": selectors.quizzes_for_cadre(cadre=cadre, now=now),
            "history": selectors.attempt_history(cadre=cadre),
            "now": now,
        },
    )


@login_required
def quiz_detail(request: HttpRequest, quiz_id: int) -> HttpResponse:
    cadre = _cadre(request)
    if cadre is None:
        return _not_a_cadre(request)
    quiz = get_object_or_404(Quiz.objects.select_related("course"), pk=quiz_id, is_published=True)
    now = timezone.now()
    standing = selectors.quiz_standing(cadre=cadre, quiz=quiz)
    unavailable = ""
    try:
        services.quiz_check_available(quiz=quiz, now=now)
    except QuizzesError as error:
        unavailable = str(error)
    can_start = not unavailable and (standing.attempts_left is None or standing.attempts_left > 0)
    return render(
        request,
        "quizzes/quiz_detail.html",
        {"quiz": quiz, "standing": standing, "unavailable": unavailable, "can_start": can_start},
    )


@login_required
@require_POST
def attempt_start(request: HttpRequest, quiz_id: int) -> HttpResponse:
    cadre = _cadre(request)
    if cadre is None:
        return _not_a_cadre(request)
    quiz = get_object_or_404(Quiz.objects.select_related("course"), pk=quiz_id, is_published=True)
    if request.POST.get("confirmed") != "1":
        warning = starting.start_warning(cadre=cadre, quiz=quiz)
        if warning is not None:
            # Nothing is written until the cadre confirms on this page.
            return render(request, "quizzes/attempt_confirm.html", {"quiz": quiz, "warning": warning})
    try:
        attempt = services.attempt_start(quiz=quiz, cadre=cadre)
    except QuizzesError as error:
        messages.error(request, str(error))
        return redirect("quizzes:detail", quiz_id=quiz.pk)
    return redirect("quizzes:attempt", attempt_id=attempt.pk)


@login_required
def attempt_take(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _own_attempt(request, attempt_id)
    if attempt is None:
        return HttpResponseForbidden(gettext(services.NOT_YOUR_ATTEMPT))
    if attempt.is_finished:
        return redirect("quizzes:result", attempt_id=attempt.pk)
    paper = selectors.attempt_paper(attempt=attempt)
    during = review.allowed(attempt.quiz.review_policy(), review.When.DURING)
    if during and any(q.checked for q in paper):
        checked = {q.id: q for q in selectors.attempt_review(attempt=attempt, now=timezone.now()).questions}
        paper = [checked[q.id] if q.checked else q for q in paper]
    seconds_left = None
    if attempt.deadline:
        seconds_left = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    return render(
        request,
        "quizzes/attempt_take.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "paper": paper,
            # Questions without feedback come ready-made; the rest go through the template.
            "rendered": [(q, None if has_feedback(q) else question_html(q)) for q in paper],
            "answered": sum(1 for q in paper if q.answered),
            "seconds_left": seconds_left,
        },
    )


def _posted_answers(request: HttpRequest, attempt: Attempt) -> dict[int, object]:
    kinds = dict(Question.objects.filter(pk__in=attempt.question_ids).values_list("pk", "kind"))
    answers: dict[int, object] = {}
    for question_id, kind in kinds.items():
        name = f"q-{question_id}"
        if kind == QuestionType.MULTIPLE:
            if f"present-{question_id}" in request.POST:
                answers[question_id] = request.POST.getlist(name)
        elif name in request.POST:
            answers[question_id] = request.POST[name]
    return answers


@login_required
@require_POST
def attempt_submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _own_attempt(request, attempt_id)
    if attempt is None:
        return HttpResponseForbidden(gettext(services.NOT_YOUR_ATTEMPT))
    try:
        services.attempt_submit(attempt=attempt, cadre=_cadre(request), answers=_posted_answers(request, attempt))
    except BadAnswer as error:
        messages.error(request, str(error))
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    return redirect("quizzes:result", attempt_id=attempt.pk)


@login_required
def attempt_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _own_attempt(request, attempt_id)
    if attempt is None:
        return HttpResponseForbidden(gettext(services.NOT_YOUR_ATTEMPT))
    if not attempt.is_finished:
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    attempt_review = selectors.attempt_review(attempt=attempt, now=timezone.now())
    standing = selectors.quiz_standing(cadre=attempt.cadre, quiz=attempt.quiz)
    return render(
        request,
        "quizzes/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "review": attempt_review,
            "standing": standing,
            "can_retake": _can_start_new(attempt.quiz, standing),
        },
    )


def _can_start_new(quiz: Quiz, standing: selectors.Standing) -> bool:
    if standing.in_progress is not None or standing.attempts_left == 0:
        return False
    try:
        services.quiz_check_available(quiz=quiz, now=timezone.now())
    except QuizzesError:
        return False
    return True


# ---------------------------------------------------------------------------- JSON API


def _feedback_json(question: selectors.PaperQuestion | None) -> dict | None:
    if question is None:
        return None
    return {
        "outcome": question.outcome,
        "score": str(question.score) if question.score is not None else None,
        "right_options": question.right_options,
        "right_text": question.right_text,
        "explanation": question.explanation,
    }


@require_POST
def api_answer_save(request: HttpRequest, attempt_id: int) -> JsonResponse:
    if not request.user.is_authenticated or _cadre(request) is None:
        return JsonResponse({"error": gettext(NOT_A_CADRE)}, status=403)
    attempt = get_object_or_404(Attempt, pk=attempt_id)
    try:
        payload = json.loads(request.body or b"{}")
        question_id = int(payload["question"])
        value = payload.get("value")
        revision = payload.get("revision")
        revision = None if revision is None else int(revision)
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": gettext(BAD_AUTOSAVE)}, status=400)
    try:
        result = services.answer_save(
            attempt=attempt, cadre=_cadre(request), question_id=question_id, value=value, revision=revision
        )
    except NotYourAttempt as error:
        return JsonResponse({"error": str(error)}, status=403)
    except AttemptFinished as error:
        url = reverse("quizzes:result", kwargs={"attempt_id": attempt.pk})
        return JsonResponse({"error": str(error), "finished": True, "result_url": url}, status=409)
    except BadAnswer as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(
        {
            "saved": result.saved,
            "question": question_id,
            "saved_at": result.answer.saved_at.isoformat() if result.answer.saved_at else None,
            "feedback": _feedback_json(result.feedback),
        }
    )


@require_GET
def api_attempt_status(request: HttpRequest, attempt_id: int) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"error": gettext(NOT_A_CADRE)}, status=403)
    attempt = _own_attempt(request, attempt_id)
    if attempt is None:
        return JsonResponse({"error": gettext(services.NOT_YOUR_ATTEMPT)}, status=403)
    seconds_left = None
    if attempt.deadline and not attempt.is_finished:
        seconds_left = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    return JsonResponse(
        {
            "status": attempt.status,
            "finished": attempt.is_finished,
            "seconds_left": seconds_left,
            "result_url": reverse("quizzes:result", kwargs={"attempt_id": attempt.pk}),
        }
    )
