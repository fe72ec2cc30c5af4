import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import completion, selectors, services
from courses.models import CourseCategory, CoursePage, LessonPage
from courses.study_time import HEARTBEAT_INTERVAL, BeatOutcome

CATALOGUE_PAGE_SIZE = 12
NOT_A_CADRE = "Only cadres on the roster record study time."
BAD_HEARTBEAT = "A heartbeat needs a tab id and, optionally, a numeric video position."


def current_cadre(request: HttpRequest):
    return getattr(request.user, "cadre", None) if request.user.is_authenticated else None


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def catalogue_context(*, request: HttpRequest, index) -> dict:
    filters = {
        "category_id": _int_or_none(request.GET.get("category")),
        "kind": request.GET.get("kind", ""),
        "tag": request.GET.get("tag", "").strip(),
        "query": request.GET.get("q", "").strip(),
    }
    courses = selectors.catalogue_courses(**filters)
    page = Paginator(courses, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    progress = selectors.progress_by_course(cadre=current_cadre(request), course_ids=[c.pk for c in page])
    return {
        "courses": [(course, progress.get(course.pk)) for course in page],
        "page_obj": page,
        "categories": CourseCategory.objects.all(),
        "filters": filters,
    }


def course_context(*, request: HttpRequest, course: CoursePage) -> dict:
    lessons = list(course.lessons())
    cadre = current_cadre(request)
    lesson_progress = selectors.lesson_progress_map(cadre=cadre, lesson_ids=[lesson.pk for lesson in lessons])
    progress = selectors.progress_by_course(cadre=cadre, course_ids=[course.pk]).get(course.pk)
    next_lesson = next(
        (lesson for lesson in lessons if not getattr(lesson_progress.get(lesson.pk), "completed_at", None)), None
    )
    return {
        "steps": completion.course_steps(cadre=cadre, course=course),
        "lessons": [(lesson, lesson_progress.get(lesson.pk)) for lesson in lessons],
        "progress": progress,
        "next_lesson": next_lesson or (lessons[0] if lessons else None),
    }


def lesson_context(*, request: HttpRequest, lesson: LessonPage) -> dict:
    cadre = current_cadre(request)
    course = CoursePage.objects.get(pk=lesson.get_parent().pk)
    siblings = list(course.lessons().only("pk", "title", "path", "url_path"))
    position = next((i for i, s in enumerate(siblings) if s.pk == lesson.pk), 0)
    progress = selectors.lesson_progress_map(cadre=cadre, lesson_ids=[lesson.pk]).get(lesson.pk)
    return {
        "course": course,
        "lesson_progress": progress,
        "previous_lesson": siblings[position - 1] if position > 0 else None,
        "next_lesson": siblings[position + 1] if position + 1 < len(siblings) else None,
        "lesson_number": position + 1,
        "lesson_count": len(siblings),
        "tracks_study": cadre is not None,
        "heartbeat_interval": HEARTBEAT_INTERVAL,
        "required_seconds": lesson.minutes * 60,
    }


@login_required
def my_learning(request: HttpRequest) -> HttpResponse:
    cadre = current_cadre(request)
    if cadre is None:
        return render(request, "courses/not_a_cadre.html", status=403)
    learning = selectors.my_learning(cadre=cadre, today=timezone.localdate())
    return render(request, "courses/my_learning.html", {"cadre": cadre, "learning": learning})


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    hits = selectors.search_study_pages(query=query) if query else []
    return render(request, "courses/search.html", {"query": query, "hits": hits})


@require_POST
def heartbeat(request: HttpRequest, lesson_id: int) -> JsonResponse:
    cadre = current_cadre(request)
    if cadre is None:
        return JsonResponse({"error": NOT_A_CADRE}, status=403)
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        payload = json.loads(request.body or b"{}")
        tab = str(payload["tab"])
        position = payload.get("position")
        position = None if position is None else float(position)
        if not tab or (position is not None and not (0 <= position < 10**7)):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": BAD_HEARTBEAT}, status=400)
    result = services.heartbeat_record(cadre=cadre, lesson=lesson, tab=tab, position=position)
    body = {
        "outcome": result.outcome.value,
        "credited_seconds": result.credited_seconds,
        "furthest_position": result.furthest_position,
        "lesson_complete": result.lesson_complete,
        "course_complete": result.course_complete,
    }
    if result.outcome is BeatOutcome.OTHER_TAB:
        body["message"] = _("You are studying this lesson in another window; time is counted there.")
        return JsonResponse(body, status=409)
    return JsonResponse(body)
