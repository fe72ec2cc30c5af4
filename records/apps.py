from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Learning records and certificates")

    def ready(self) -> None:
        from courses.crediting import register_credit_policy
        from records.services import RulesCreditPolicy

        register_credit_policy(RulesCreditPolicy())
