"""Grading, answer checking and question draws: plain data in, plain data out, no Django.

Everything here is deterministic, so an attempt can be re-graded or re-drawn from what is
stored on it (the seed and the answers) and give the same result.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


def gettext_noop(message: str) -> str:
    """Marks a message for extraction (makemessages); Django translates it where it is shown."""
    return message


CENT = Decimal("0.01")

# Validation messages for a question's answer key (shared by the admin form and the importer).
KEY_NEEDS_TWO_OPTIONS = gettext_noop("A choice question needs at least two options.")
KEY_SINGLE_NEEDS_ONE_CORRECT = gettext_noop("A single-choice question needs exactly one correct option.")
KEY_MULTIPLE_NEEDS_A_CORRECT = gettext_noop("A multiple-choice question needs at least one correct option.")
KEY_TRUE_FALSE_NEEDS_ANSWER = gettext_noop("A true/false question needs its answer.")
KEY_FILL_IN_NEEDS_ANSWER = gettext_noop("A fill-in-the-blank question needs at least one accepted answer.")
KEY_POINTS_POSITIVE = gettext_noop("Points must be more than zero.")

# Messages for an answer a cadre sends that does not fit its question.
VALUE_NOT_AN_OPTION = gettext_noop("That option does not belong to this question.")
VALUE_BAD_SHAPE = gettext_noop("This answer does not fit the question type.")
VALUE_TOO_LONG = gettext_noop("This answer is too long ({limit} characters at most).")

FILL_IN_MAX_LENGTH = 200
ESSAY_MAX_LENGTH = 5000


class InvalidAnswer(ValueError):
    """An answer that does not fit its question; `message` is a constant, `params` fill it in."""

    def __init__(self, message: str, **params):
        super().__init__(message.format(**params))
        self.message = message
        self.params = params


class QuestionType(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    FILL_IN = "fill_in"
    ESSAY = "essay"


class Outcome(StrEnum):
    CORRECT = "correct"
    PARTIAL = "partial"
    WRONG = "wrong"
    UNANSWERED = "unanswered"
    PENDING = "pending"  # an essay waiting for a trainer


class GradingMethod(StrEnum):
    HIGHEST = "highest"
    LAST = "last"


@dataclass(frozen=True)
class AnswerKey:
    """What a question accepts. Never sent to a browser before review allows it."""

    kind: QuestionType
    points: Decimal
    correct_options: frozenset[int] = frozenset()
    partial_credit: bool = False
    true_false: bool | None = None
    accepted: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mark:
    outcome: Outcome
    score: Decimal | None  # None while an essay waits for a trainer


# ---------------------------------------------------------------------------- normalising

# Spaces between CJK characters carry no meaning, so "乡村 振兴" matches "乡村振兴"; between
# Latin words they do, so "rural revitalisation" keeps its single space.
_CJK = r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_SPACES = re.compile(r"\s+")
_SPACE_BESIDE_CJK = re.compile(rf"(?<={_CJK}) | (?={_CJK})")


def normalise_text(text: str) -> str:
    """Full-width → half-width (NFKC), case folded, whitespace collapsed and dropped beside CJK."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _SPACES.sub(" ", text).strip()
    return _SPACE_BESIDE_CJK.sub("", text)


# ---------------------------------------------------------------------------- answer keys


def key_problems(
    *, kind: QuestionType, points: Decimal, options: int, correct: int, true_false: bool | None, accepted: int
) -> list[str]:
    """Everything wrong with a question's answer key, as message constants (empty when fine)."""
    problems = []
    if points <= 0:
        problems.append(KEY_POINTS_POSITIVE)
    if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE) and options < 2:
        problems.append(KEY_NEEDS_TWO_OPTIONS)
    if kind == QuestionType.SINGLE and correct != 1:
        problems.append(KEY_SINGLE_NEEDS_ONE_CORRECT)
    if kind == QuestionType.MULTIPLE and correct < 1:
        problems.append(KEY_MULTIPLE_NEEDS_A_CORRECT)
    if kind == QuestionType.TRUE_FALSE and true_false is None:
        problems.append(KEY_TRUE_FALSE_NEEDS_ANSWER)
    if kind == QuestionType.FILL_IN and accepted < 1:
        problems.append(KEY_FILL_IN_NEEDS_ANSWER)
    return problems


def clean_value(kind: QuestionType, raw, *, option_ids: Iterable[int] = ()):
    """Turn what a browser sent into the stored answer value, or raise InvalidAnswer.

    Stored shapes: single → option id; multiple → sorted list of option ids; true/false →
    bool; fill-in and essay → str. None (or an empty value) means "no answer".
    """
    if raw is None or raw == "" or raw == []:
        return None
    allowed = set(option_ids)
    if kind == QuestionType.SINGLE:
        option = _as_int(raw)
        if option not in allowed:
            raise InvalidAnswer(VALUE_NOT_AN_OPTION)
        return option
    if kind == QuestionType.MULTIPLE:
        if not isinstance(raw, list | tuple):
            raise InvalidAnswer(VALUE_BAD_SHAPE)
        chosen = sorted({_as_int(item) for item in raw})
        if not set(chosen) <= allowed:
            raise InvalidAnswer(VALUE_NOT_AN_OPTION)
        return chosen
    if kind == QuestionType.TRUE_FALSE:
        if isinstance(raw, bool):
            return raw
        if raw in ("true", "false"):
            return raw == "true"
        raise InvalidAnswer(VALUE_BAD_SHAPE)
    if not isinstance(raw, str):
        raise InvalidAnswer(VALUE_BAD_SHAPE)
    limit = FILL_IN_MAX_LENGTH if kind == QuestionType.FILL_IN else ESSAY_MAX_LENGTH
    if len(raw) > limit:
        raise InvalidAnswer(VALUE_TOO_LONG, limit=limit)
    return raw if raw.strip() else None


def _as_int(value) -> int:
    if isinstance(value, bool):
        raise InvalidAnswer(VALUE_BAD_SHAPE)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidAnswer(VALUE_BAD_SHAPE) from None


# ---------------------------------------------------------------------------- grading


def grade(key: AnswerKey, value) -> Mark:
    """Mark one answer (in its stored shape) against its key."""
    zero = Decimal(0)
    if key.kind == QuestionType.ESSAY:
        if value is None or not str(value).strip():
            return Mark(Outcome.UNANSWERED, zero)
        return Mark(Outcome.PENDING, None)
    if value is None or value == []:
        return Mark(Outcome.UNANSWERED, zero)
    if key.kind == QuestionType.SINGLE:
        right = value in key.correct_options
        return Mark(Outcome.CORRECT, key.points) if right else Mark(Outcome.WRONG, zero)
    if key.kind == QuestionType.TRUE_FALSE:
        right = value is key.true_false
        return Mark(Outcome.CORRECT, key.points) if right else Mark(Outcome.WRONG, zero)
    if key.kind == QuestionType.FILL_IN:
        accepted = {normalise_text(a) for a in key.accepted}
        right = normalise_text(str(value)) in accepted
        return Mark(Outcome.CORRECT, key.points) if right else Mark(Outcome.WRONG, zero)
    return _grade_multiple(key, set(value))


def _grade_multiple(key: AnswerKey, chosen: set[int]) -> Mark:
    """All-or-nothing, or partial credit the usual Chinese exam way (少选得分, 错选不得分).

    Partial credit: any wrong option scores zero; otherwise each correct option chosen earns
    its share of the points.
    """
    if chosen == key.correct_options:
        return Mark(Outcome.CORRECT, key.points)
    if not key.partial_credit or chosen - key.correct_options:
        return Mark(Outcome.WRONG, Decimal(0))
    share = key.points * len(chosen) / len(key.correct_options)
    return Mark(Outcome.PARTIAL, share.quantize(CENT, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class PaperResult:
    marks: dict[int, Mark]
    score: Decimal
    max_score: Decimal
    pending: bool

    @property
    def percent(self) -> Decimal:
        return percent_of(self.score, self.max_score)


def grade_paper(keys: Mapping[int, AnswerKey], values: Mapping[int, object]) -> PaperResult:
    """Mark every question of a paper; `values` may leave questions out (unanswered)."""
    marks = {qid: grade(key, values.get(qid)) for qid, key in keys.items()}
    score = sum((m.score for m in marks.values() if m.score is not None), Decimal(0))
    return PaperResult(
        marks=marks,
        score=score,
        max_score=sum((k.points for k in keys.values()), Decimal(0)),
        pending=any(m.outcome == Outcome.PENDING for m in marks.values()),
    )


def percent_of(score: Decimal, max_score: Decimal) -> Decimal:
    if max_score <= 0:
        return Decimal(0)
    return (Decimal(100) * score / max_score).quantize(CENT, rounding=ROUND_HALF_UP)


def passes(percent: Decimal | None, pass_percent: int) -> bool:
    return percent is not None and percent >= pass_percent


def final_percent(percents: Sequence[Decimal | None], method: GradingMethod) -> Decimal | None:
    """The grade that counts, from finished attempts in order; None while nothing counts yet.

    None inside `percents` is an attempt still waiting for essay grading.
    """
    if not percents:
        return None
    if method == GradingMethod.LAST:
        return percents[-1]
    graded = [p for p in percents if p is not None]
    return max(graded) if graded else None


# ---------------------------------------------------------------------------- draws


@dataclass(frozen=True)
class DrawRule:
    """Draw `count` questions at random from `pool` (question ids)."""

    pool: Sequence[int]
    count: int


@dataclass(frozen=True)
class PaperSlot:
    question: int
    options: list[int] = field(default_factory=list)


def build_paper(
    *,
    seed: int,
    fixed: Sequence[int],
    draws: Sequence[DrawRule] = (),
    options: Mapping[int, Sequence[int]],
    shuffle_questions: bool,
    shuffle_options: bool,
) -> list[PaperSlot]:
    """The questions of one attempt, in order, with each question's option order.

    Reproducible: the same seed and the same pools give the same paper, whatever order the
    database returned the pools in. A question is never drawn twice; a short pool gives
    what it has.
    """
    rng = random.Random(seed)
    chosen = list(dict.fromkeys(fixed))
    taken = set(chosen)
    for rule in draws:
        candidates = sorted(set(rule.pool) - taken)
        picked = rng.sample(candidates, min(rule.count, len(candidates)))
        chosen.extend(picked)
        taken.update(picked)
    if shuffle_questions:
        rng.shuffle(chosen)
    paper = []
    for question in chosen:
        order = list(options.get(question, ()))
        if shuffle_options:
            rng.shuffle(order)
        paper.append(PaperSlot(question=question, options=order))
    return paper
