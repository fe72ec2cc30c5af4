from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostingsConfig(AppConfig):
    name = "postings"
    verbose_name = _("Village postings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cadres.signals import roster_imported
        from postings.services.roster import roster_imported_receiver

        roster_imported.connect(roster_imported_receiver, dispatch_uid="postings.roster_imported")
