from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from quizzes import admin_views
from quizzes.models import Question, QuestionBank, QuestionCategory, Quiz


class QuestionBankViewSet(SnippetViewSet):
    model = QuestionBank
    icon = "folder-open-inverse"
    list_display = ["name", "owner", DateColumn("created_at", label=_("Created"), sort_key="created_at")]
    search_fields = ["name", "description"]
    search_backend_name = None


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-inverse"
    list_display = ["name", "bank"]
    list_filter = ["bank"]
    search_fields = ["name"]
    search_backend_name = None


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    list_display = ["__str__", "kind", "bank", "category", "points", "difficulty"]
    list_filter = ["bank", "category", "kind", "difficulty"]
    search_fields = ["stem", "explanation"]
    search_backend_name = None


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    list_display = ["title", "course", "is_published", "opens_at", "closes_at"]
    list_filter = ["is_published"]
    search_fields = ["title"]
    search_backend_name = None


class QuizAuthoringGroup(SnippetViewSetGroup):
    menu_label = _("Question banks and quizzes")
    menu_icon = "tasks"
    menu_order = 300
    items = (QuizViewSet, QuestionViewSet, QuestionBankViewSet, QuestionCategoryViewSet)


register_snippet(QuizAuthoringGroup)


def _guarded(permission: str, base=MenuItem):
    return type("GuardedMenuItem", (base,), {"is_shown": lambda self, request: request.user.has_perm(permission)})


class QuizResultsViewSet(ViewSet):
    name = "quiz_results"
    url_prefix = "quiz-results"
    icon = "tasks"
    menu_label = _("Results")

    @property
    def menu_item_class(self):
        return _guarded("quizzes.view_quiz_results")

    def get_urlpatterns(self):
        return [
            path("", admin_views.ResultsIndexView.as_view(), name="index"),
            path("<int:quiz_id>/", admin_views.QuizResultsView.as_view(), name="quiz"),
            path("essays/", admin_views.EssayQueueView.as_view(), name="essays"),
            path("essays/<int:answer_id>/", admin_views.EssayGradeView.as_view(), name="grade"),
        ]


class EssayQueueViewSet(ViewSet):
    """Only a menu entry: the essay views live in QuizResultsViewSet's URLs."""

    name = "quiz_essays"
    icon = "edit"
    menu_label = _("Essays to grade")

    @property
    def menu_item_class(self):
        return _guarded("quizzes.grade_essays")

    @property
    def menu_url(self):
        from django.urls import reverse

        return reverse("quiz_results:essays")


class QuestionFilesViewSet(ViewSet):
    name = "question_files"
    url_prefix = "question-files"
    icon = "download"
    menu_label = _("Import and export questions")

    @property
    def menu_item_class(self):
        return _guarded("quizzes.add_question")

    def get_urlpatterns(self):
        return [
            path("", admin_views.QuestionFilesView.as_view(), name="index"),
            path("template.xlsx", admin_views.question_file_template, name="template"),
            path("<int:bank_id>.xlsx", admin_views.question_bank_export, name="export"),
        ]


class QuizResultsGroup(ViewSetGroup):
    menu_label = _("Quiz results")
    menu_icon = "tasks"
    menu_order = 310
    items = (QuizResultsViewSet, EssayQueueViewSet, QuestionFilesViewSet)


@hooks.register("register_admin_viewset")
def register_quiz_admin_viewsets():
    return QuizResultsGroup()


@hooks.register("after_create_snippet")
def record_who_created(request, instance):
    """A new bank is owned, and a new quiz marked as created, by the trainer who made it."""
    if isinstance(instance, QuestionBank) and instance.owner_id is None:
        instance.owner = request.user
        instance.save(update_fields=["owner"])
    elif isinstance(instance, Quiz) and instance.created_by_id is None:
        instance.created_by = request.user
        instance.save(update_fields=["created_by"])
