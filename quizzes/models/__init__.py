from quizzes.models.attempts import Answer, Attempt, AttemptStatus
from quizzes.models.banks import Difficulty, Option, Question, QuestionBank, QuestionCategory, QuestionTag, QuestionType
from quizzes.models.quizzes import DisplayMode, GradingMethod, Quiz, QuizDraw, QuizQuestion

__all__ = [
    "Answer",
    "Attempt",
    "AttemptStatus",
    "Difficulty",
    "DisplayMode",
    "GradingMethod",
    "Option",
    "Question",
    "QuestionBank",
    "QuestionCategory",
    "QuestionTag",
    "QuestionType",
    "Quiz",
    "QuizDraw",
    "QuizQuestion",
]
