class QuizzesError(Exception):
    """Base class for errors a quiz service reports to its caller; the message is for the user."""


class QuizNotAvailable(QuizzesError):
    pass


class NoAttemptsLeft(QuizzesError):
    pass


class NotYourAttempt(QuizzesError):
    pass


class AttemptFinished(QuizzesError):
    pass


class BadAnswer(QuizzesError):
    pass


class BadQuestionFile(QuizzesError):
    """A question file was rejected; `problems` holds one message per bad row."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []
