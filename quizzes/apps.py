from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes and exams")

    def ready(self) -> None:
        from courses.completion import register_completion_check, register_course_steps
        from quizzes.roles import grant_quiz_permissions_after_migrate
        from quizzes.selectors import final_quiz_passed, final_test_steps

        register_completion_check(final_quiz_passed)
        register_course_steps(final_test_steps)
        # Every app's post_migrate, like cadres: the role groups and our permissions only all
        # exist once the last app has migrated, and granting is idempotent.
        post_migrate.connect(grant_quiz_permissions_after_migrate)
