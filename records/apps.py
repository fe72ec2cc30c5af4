from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Learning records and certificates")

    def ready(self) -> None:
        from courses.completion import register_completion_listener
        from courses.crediting import register_credit_policy
        from records.services.certificates import on_course_completed, on_seat_completed
        from records.services.credit import RulesCreditPolicy
        from rotations.services.attendance import register_seat_completed_listener

        register_credit_policy(RulesCreditPolicy())
        # Certificates are issued on completion, in the completing transaction.
        register_completion_listener(on_course_completed)
        register_seat_completed_listener(on_seat_completed)
