from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = _("Organisation and roster")

    def ready(self) -> None:
        from cadres.roles import ensure_role_groups_after_migrate

        post_migrate.connect(ensure_role_groups_after_migrate, sender=self)
