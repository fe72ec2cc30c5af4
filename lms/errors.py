from django.utils.translation import gettext


class TranslatableError(Exception):
    """Base for the errors a service reports to its caller, shared by every app's error class.

    Raised with an English message template (a module constant) and its parameters:
    `str(error)` is the English text tests assert, `error.translated()` is what a page shows.
    """

    def __init__(self, template: str, **params):
        self.template = template
        self.params = params
        super().__init__(template.format(**params))

    def translated(self) -> str:
        return gettext(self.template).format(**self.params)
