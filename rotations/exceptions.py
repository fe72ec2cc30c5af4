from lms.errors import TranslatableError


class RotationsError(TranslatableError):
    """Base class for errors a rotation service reports to its caller."""


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
