class PostingsError(Exception):
    """Base class for errors a postings service reports to its caller; the message is for the user."""


class PostingRefused(PostingsError):
    pass


class NotPosted(PostingsError):
    pass


class AtTraining(PostingsError):
    """The cadre is away at a training batch today (参训), so they are not in the village."""


class LeaveRefused(PostingsError):
    pass


class NotAllowed(PostingsError):
    pass


class InspectionRefused(PostingsError):
    pass
