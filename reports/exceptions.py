"""Domain exceptions of the reports app."""


class ReportsError(Exception):
    """Base class: a reports write that was refused; the message is shown to the user."""
