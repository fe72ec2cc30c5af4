from django.utils.translation import gettext


class RotationsError(Exception):
    """Base class for errors a rotation service reports to its caller.

    Raised with an English message template (a module constant) and its parameters:
    `str(error)` is the English text tests assert, `error.translated()` is what a page shows.
    """

    def __init__(self, template: str, **params):
        self.template = template
        self.params = params
        super().__init__(template.format(**params))

    def translated(self) -> str:
        return gettext(self.template).format(**self.params)


class BatchFull(RotationsError):
    pass


class UnitFloorBroken(RotationsError):
    pass


class CadreUnavailable(RotationsError):
    pass


class NotInProgramme(RotationsError):
    pass


class CheckInRefused(RotationsError):
    pass


class LeaveRefused(RotationsError):
    pass


class ScheduleInvalid(RotationsError):
    pass
