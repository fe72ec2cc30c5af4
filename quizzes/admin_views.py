"""Wagtail admin pages for trainers and officers: results, essay grading, question files.

Every page reads through `results_scope`, so an officer sees their own subtree only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from quizzes import roles, selectors, services, spreadsheets
from quizzes.exceptions import BadQuestionFile, QuizzesError
from quizzes.forms import EssayGradeForm, QuestionImportForm
from quizzes.models import Answer, AttemptStatus, QuestionBank, Quiz

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESULTS_PAGE_SIZE = 100
QUESTION_FILE_MAX_BYTES = 5 * 1024 * 1024
QUESTION_FILE_TOO_BIG = gettext_noop("The file is larger than 5 MB.")


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class AdminPage(WagtailAdminTemplateMixin, TemplateView):
    """An admin page guarded by one model permission. Override `permission` and `get_context_data`."""

    permission = "quizzes.view_quiz_results"

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def scope(self):
        return roles.results_scope(self.request.user)


class ResultsIndexView(AdminPage):
    template_name = "quizzes/admin/results_index.html"
    page_title = _("Quiz results")
    header_icon = "tasks"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["quizzes"] = selectors.quizzes_with_results(scope=self.scope)
        context["can_grade"] = roles.can_grade_essays(self.request.user)
        return context


class QuizResultsView(AdminPage):
    template_name = "quizzes/admin/quiz_results.html"
    header_icon = "tasks"

    def get(self, request: HttpRequest, quiz_id: int):
        self.quiz = get_object_or_404(Quiz.objects.select_related("course"), pk=quiz_id)
        services.attempts_close_overdue(quiz=self.quiz)
        self.attempts = selectors.quiz_results(quiz=self.quiz, scope=self.scope)
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, quiz_id=quiz_id)

    def get_page_title(self):
        return gettext("Results: %(quiz)s") % {"quiz": self.quiz.title}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("quiz_results:index"), "label": gettext("Quiz results")},
            {"url": "", "label": self.quiz.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.attempts, RESULTS_PAGE_SIZE).get_page(self.request.GET.get("p"))
        context.update(
            quiz=self.quiz,
            page_obj=page,
            attempts=list(page),
            summary=selectors.results_summary(self.attempts),
            question_stats=selectors.question_statistics(self.attempts),
            export_url=f"{self.request.path}?export=xlsx",
        )
        return context

    def export(self) -> HttpResponse:
        header = [
            gettext("Name"),
            gettext("Unit"),
            gettext("Attempt"),
            gettext("Status"),
            gettext("Started"),
            gettext("Finished"),
            gettext("Minutes taken"),
            gettext("Score"),
            gettext("Maximum score"),
            gettext("Percent"),
            gettext("Passed"),
        ]
        rows = (
            [
                a.cadre.name,
                a.cadre.unit.name,
                a.number,
                a.get_status_display(),
                timezone.localtime(a.started_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(a.finished_at).strftime("%Y-%m-%d %H:%M") if a.finished_at else "",
                round((a.seconds_taken or 0) / 60, 1),
                a.score,
                a.max_score,
                a.percent,
                gettext("Waiting for grading") if a.pending_grading else gettext("Yes") if a.passed else gettext("No"),
            ]
            for a in self.attempts.iterator()
        )
        stamp = timezone.localdate().strftime("%Y%m%d")
        return xlsx_response(
            spreadsheets.write_table(header, rows, title="results"), f"quiz-{self.quiz.pk}-results-{stamp}.xlsx"
        )


class EssayQueueView(AdminPage):
    permission = "quizzes.grade_essays"
    template_name = "quizzes/admin/essay_queue.html"
    page_title = _("Essays to grade")
    header_icon = "edit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["answers"] = list(selectors.essay_queue(scope=self.scope)[:200])
        return context


class EssayGradeView(AdminPage):
    permission = "quizzes.grade_essays"
    template_name = "quizzes/admin/essay_grade.html"
    page_title = _("Grade an essay")
    header_icon = "edit"

    def dispatch(self, request: HttpRequest, *args, answer_id: int, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.answer = get_object_or_404(
            Answer.objects.select_related("question", "attempt", "attempt__quiz", "attempt__cadre__unit").exclude(
                attempt__status=AttemptStatus.IN_PROGRESS
            ),
            pk=answer_id,
            question__kind="essay",
        )
        if not roles.results_scope(request.user).allows_path(self.answer.attempt.cadre.unit.path):
            raise PermissionDenied
        self.form = EssayGradeForm(
            request.POST or None,
            points=self.answer.question.points,
            initial={"score": self.answer.score, "comment": self.answer.comment},
        )
        return super().dispatch(request, *args, answer_id=answer_id, **kwargs)

    def post(self, request: HttpRequest, answer_id: int):
        if self.form.is_valid():
            try:
                services.essay_grade(answer=self.answer, grader=request.user, **self.form.cleaned_data)
            except QuizzesError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, gettext("Essay graded."))
                return redirect("quiz_results:essays")
        return self.get(request, answer_id=answer_id)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(answer=self.answer, form=self.form)
        return context


class QuestionFilesView(AdminPage):
    permission = "quizzes.add_question"
    template_name = "quizzes/admin/question_files.html"
    page_title = _("Import and export questions")
    header_icon = "download"

    def post(self, request: HttpRequest):
        bank = get_object_or_404(QuestionBank, pk=request.POST.get("bank") or 0)
        form = QuestionImportForm(request.POST, request.FILES)
        problems: list[str] = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > QUESTION_FILE_MAX_BYTES:
                problems = [gettext(QUESTION_FILE_TOO_BIG)]
            else:
                try:
                    created = services.questions_import(bank=bank, data=upload.read())
                except BadQuestionFile as error:
                    messages.error(request, str(error))
                    problems = error.problems
                else:
                    messages.success(
                        request, gettext("%(n)d questions imported into %(bank)s.") % {"n": len(created), "bank": bank}
                    )
                    return redirect("question_files:index")
        context = self.get_context_data(form=form, problems=problems, chosen_bank=bank.pk)
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", QuestionImportForm())
        context["banks"] = QuestionBank.objects.all()
        context["columns"] = spreadsheets.TEMPLATE_HEADER
        return context


def question_file_template(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("quizzes.add_question"):
        raise PermissionDenied
    example = [
        spreadsheets.QuestionRow(
            kind=spreadsheets.QuestionType.SINGLE,
            partial_credit=False,
            stem="驻村工作队一般不少于几人？",
            options=[("2人", False), ("3人", True), ("5人", False)],
            true_false=None,
            accepted=(),
            points=1,
            explanation="驻村工作队一般不少于3人。",
            category="驻村工作",
            difficulty=1,
        ),
    ]
    return xlsx_response(spreadsheets.write_questions(example), "question-template.xlsx")


def question_bank_export(request: HttpRequest, bank_id: int) -> HttpResponse:
    if not request.user.has_perm("quizzes.view_question"):
        raise PermissionDenied
    bank = get_object_or_404(QuestionBank, pk=bank_id)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(services.questions_export(bank=bank), f"question-bank-{bank.pk}-{stamp}.xlsx")
