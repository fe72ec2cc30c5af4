from lms.errors import TranslatableError


class RecordsError(TranslatableError):
    """Base class for errors a records service reports to its caller."""


class ClaimRefused(RecordsError):
    pass


class CertificateRefused(RecordsError):
    pass
