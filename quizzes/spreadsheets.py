"""Question files and result exports in .xlsx. openpyxl only, no Django.

The question template has one question per row after a header row:

    题型 type | 题干 stem | A | B | C | D | E | F | 答案 answer | 分值 points | 解析 explanation |
    分类 category | 难度 difficulty

- type: 单选 single · 多选 multiple (all or nothing) · 多选部分得分 multiple_partial · 判断 true_false ·
  填空 fill_in · 简答 essay
- options A–F: filled from A without gaps (choice questions only)
- answer: a letter for single choice ("B"); letters for multiple choice ("ACD" or "A,C,D");
  对/错 (true/false) for true/false; accepted answers separated by "|" for fill-in; blank for essays
- points: a number above zero (blank: 1); difficulty: 1–3 or 易/中/难 (blank: 2);
  category: a category name in the bank (created if new)

A file with any bad row is rejected whole with one message per bad row.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook, load_workbook

from quizzes import grading
from quizzes.grading import QuestionType


def gettext_noop(message: str) -> str:
    """Marks a message for extraction (makemessages); Django translates it where it is shown."""
    return message


MAX_QUESTIONS = 2000
OPTION_LETTERS = "ABCDEF"

FILE_NOT_XLSX = gettext_noop("The file is not an .xlsx workbook.")
FILE_MISSING_COLUMNS = gettext_noop("The header row lacks these columns: {columns}.")
FILE_EMPTY = gettext_noop("The file has no questions.")
FILE_TOO_MANY_ROWS = gettext_noop("The file has more than {limit} questions; split it into several files.")
ROW_UNKNOWN_TYPE = gettext_noop("Row {row}: unknown question type “{value}”.")
ROW_NO_STEM = gettext_noop("Row {row}: the question text is empty.")
ROW_OPTIONS_GAP = gettext_noop("Row {row}: options must be filled in from A without gaps.")
ROW_BAD_ANSWER = gettext_noop("Row {row}: the answer “{value}” does not fit this question.")
ROW_BAD_POINTS = gettext_noop("Row {row}: points must be a number above zero.")
ROW_BAD_DIFFICULTY = gettext_noop("Row {row}: difficulty must be 1, 2 or 3 (易/中/难).")
ROW_KEY_PROBLEM = gettext_noop("Row {row}: {problem}")

# column key → header labels accepted (the template writes "题型 type").
COLUMNS: dict[str, tuple[str, ...]] = {
    "type": ("type", "题型"),
    "stem": ("stem", "题干"),
    **{letter: (letter.lower(),) for letter in OPTION_LETTERS},
    "answer": ("answer", "答案"),
    "points": ("points", "分值"),
    "explanation": ("explanation", "解析"),
    "category": ("category", "分类"),
    "difficulty": ("difficulty", "难度"),
}
REQUIRED_COLUMNS = ("type", "stem", "answer")
TEMPLATE_HEADER = [
    "题型 type",
    "题干 stem",
    "A",
    "B",
    "C",
    "D",
    "E",
    "F",
    "答案 answer",
    "分值 points",
    "解析 explanation",
    "分类 category",
    "难度 difficulty",
]

TYPE_ALIASES: dict[str, tuple[QuestionType, bool]] = {
    **dict.fromkeys(("single", "单选", "单选题"), (QuestionType.SINGLE, False)),
    **dict.fromkeys(("multiple", "多选", "多选题"), (QuestionType.MULTIPLE, False)),
    **dict.fromkeys(("multiple_partial", "多选部分得分", "多选(部分得分)"), (QuestionType.MULTIPLE, True)),
    **dict.fromkeys(("true_false", "判断", "判断题"), (QuestionType.TRUE_FALSE, False)),
    **dict.fromkeys(("fill_in", "填空", "填空题"), (QuestionType.FILL_IN, False)),
    **dict.fromkeys(("essay", "简答", "简答题", "心得体会"), (QuestionType.ESSAY, False)),
}
TYPE_LABELS = {
    (QuestionType.SINGLE, False): "单选 single",
    (QuestionType.MULTIPLE, False): "多选 multiple",
    (QuestionType.MULTIPLE, True): "多选部分得分 multiple_partial",
    (QuestionType.TRUE_FALSE, False): "判断 true_false",
    (QuestionType.FILL_IN, False): "填空 fill_in",
    (QuestionType.ESSAY, False): "简答 essay",
}
TRUE_WORDS = {"对", "正确", "是", "√", "true", "t", "yes", "y"}
FALSE_WORDS = {"错", "错误", "否", "×", "x", "false", "f", "no", "n"}
DIFFICULTY_WORDS = {"1": 1, "2": 2, "3": 3, "易": 1, "中": 2, "难": 3, "easy": 1, "medium": 2, "hard": 3}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Problem:
    row: int
    message: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedQuestion:
    row: int
    kind: QuestionType
    partial_credit: bool
    stem: str
    options: list[tuple[str, bool]]
    true_false: bool | None
    accepted: list[str]
    points: Decimal
    explanation: str
    category: str
    difficulty: int


class QuestionFileError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


# ---------------------------------------------------------------------------- cells


def safe_cell(value):
    """Neutralise text a spreadsheet would run as a formula (=, +, -, @ …) by prefixing a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # Undo safe_cell on the way back in, so an exported file re-imports unchanged.
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


def _header_key(cell) -> str | None:
    tokens = re.split(r"[\s()（）/]+", unicodedata.normalize("NFKC", _text(cell)).lower())
    for key, labels in COLUMNS.items():
        if any(token in labels for token in tokens if token):
            return key
    return None


# ---------------------------------------------------------------------------- reading


def parse_questions(data: bytes) -> list[ParsedQuestion]:
    """Read a question file. Raises QuestionFileError listing every bad row; returns nothing partial."""
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        raise QuestionFileError([Problem(0, FILE_NOT_XLSX)]) from error
    rows = _sheet_rows(sheet)
    header = next(rows, None) or ()
    columns = {}
    for index, cell in enumerate(header):
        key = _header_key(cell)
        if key and key not in columns:
            columns[key] = index
    missing = [TEMPLATE_HEADER[list(COLUMNS).index(key)] for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        raise QuestionFileError([Problem(1, FILE_MISSING_COLUMNS, {"columns": ", ".join(missing)})])
    parsed, problems = [], []
    for number, row in enumerate(rows, start=2):
        cells = {key: _text(row[i]) if i < len(row) else "" for key, i in columns.items()}
        if not any(cells.values()):
            continue
        if len(parsed) + len(problems) >= MAX_QUESTIONS:
            raise QuestionFileError([Problem(number, FILE_TOO_MANY_ROWS, {"limit": MAX_QUESTIONS})])
        result = _parse_row(number, cells)
        (problems if isinstance(result, Problem) else parsed).append(result)
    if problems:
        raise QuestionFileError(problems)
    if not parsed:
        raise QuestionFileError([Problem(0, FILE_EMPTY)])
    return parsed


def _sheet_rows(sheet) -> Iterator[tuple]:
    # A read-only sheet is parsed lazily: XML that openpyxl itself wrote but cannot read back
    # (a cell holding U+FFFE, say) only fails here, after load_workbook succeeded.
    try:
        yield from sheet.iter_rows(values_only=True)
    except Exception as error:  # same reason as in parse_questions
        raise QuestionFileError([Problem(0, FILE_NOT_XLSX)]) from error


def _parse_row(row: int, cells: dict[str, str]) -> ParsedQuestion | Problem:
    type_text = unicodedata.normalize("NFKC", cells.get("type", "")).lower()
    # "单选", "single" and the template's own "单选 single" all name the type.
    candidates = [type_text.replace(" ", ""), *type_text.split()]
    found = next((TYPE_ALIASES[c] for c in candidates if c in TYPE_ALIASES), None)
    if found is None:
        return Problem(row, ROW_UNKNOWN_TYPE, {"value": cells.get("type", "")})
    kind, partial = found
    stem = cells.get("stem", "")
    if not stem:
        return Problem(row, ROW_NO_STEM)
    texts = [cells.get(letter, "") for letter in OPTION_LETTERS]
    while texts and not texts[-1]:
        texts.pop()
    if not kind.startswith(("single", "multiple")):
        texts = []
    if "" in texts:
        return Problem(row, ROW_OPTIONS_GAP)
    answer = cells.get("answer", "")
    try:
        correct, true_false, accepted = _parse_answer(kind, answer, len(texts))
    except ValueError:
        return Problem(row, ROW_BAD_ANSWER, {"value": answer})
    try:
        points = Decimal(cells.get("points") or "1")
    except InvalidOperation:
        return Problem(row, ROW_BAD_POINTS)
    if not points.is_finite() or points <= 0 or points >= 10000:
        return Problem(row, ROW_BAD_POINTS)
    difficulty = DIFFICULTY_WORDS.get((cells.get("difficulty") or "2").lower())
    if difficulty is None:
        return Problem(row, ROW_BAD_DIFFICULTY)
    problems = grading.key_problems(
        kind=kind,
        points=points,
        options=len(texts),
        correct=len(correct),
        true_false=true_false,
        accepted=len(accepted),
    )
    if problems:
        return Problem(row, ROW_KEY_PROBLEM, {"problem": problems[0]})
    return ParsedQuestion(
        row=row,
        kind=kind,
        partial_credit=partial,
        stem=stem,
        options=[(text, i in correct) for i, text in enumerate(texts)],
        true_false=true_false,
        accepted=accepted,
        points=points.quantize(Decimal("0.1")),
        explanation=cells.get("explanation", ""),
        category=cells.get("category", ""),
        difficulty=difficulty,
    )


def _parse_answer(kind: QuestionType, answer: str, option_count: int) -> tuple[set[int], bool | None, list[str]]:
    if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        letters = re.sub(r"[\s,，、;；]+", "", unicodedata.normalize("NFKC", answer)).upper()
        if not letters or any(letter not in OPTION_LETTERS[:option_count] for letter in letters):
            raise ValueError(answer)
        if kind == QuestionType.SINGLE and len(letters) != 1:
            raise ValueError(answer)
        return {OPTION_LETTERS.index(letter) for letter in letters}, None, []
    if kind == QuestionType.TRUE_FALSE:
        word = unicodedata.normalize("NFKC", answer).strip().lower()
        if word in TRUE_WORDS:
            return set(), True, []
        if word in FALSE_WORDS:
            return set(), False, []
        raise ValueError(answer)
    if kind == QuestionType.FILL_IN:
        return set(), None, [part.strip() for part in re.split(r"[|\n]", answer) if part.strip()]
    return set(), None, []


# ---------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class QuestionRow:
    kind: QuestionType
    partial_credit: bool
    stem: str
    options: Sequence[tuple[str, bool]]
    true_false: bool | None
    accepted: Sequence[str]
    points: Decimal
    explanation: str
    category: str
    difficulty: int


def write_questions(questions: Iterable[QuestionRow]) -> bytes:
    """A question file in the template's format, which `parse_questions` reads back unchanged."""
    rows = []
    for q in questions:
        options = [text for text, _ in q.options][: len(OPTION_LETTERS)]
        if q.kind == QuestionType.TRUE_FALSE:
            answer = "对" if q.true_false else "错"
        elif q.kind == QuestionType.FILL_IN:
            answer = "|".join(q.accepted)
        elif q.kind == QuestionType.ESSAY:
            answer = ""
        else:
            answer = "".join(OPTION_LETTERS[i] for i, (_, right) in enumerate(q.options[:6]) if right)
        label = TYPE_LABELS[(q.kind, q.partial_credit and q.kind == QuestionType.MULTIPLE)]
        rows.append(
            [
                label,
                q.stem,
                *options,
                *[""] * (len(OPTION_LETTERS) - len(options)),
                answer,
                q.points,
                q.explanation,
                q.category,
                q.difficulty,
            ]
        )
    return write_table(TEMPLATE_HEADER, rows, title="questions")


def write_table(header: Sequence[str], rows: Iterable[Sequence], *, title: str = "sheet") -> bytes:
    """One worksheet with a bold header; every text cell neutralised against formulas."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([safe_cell(str(h)) for h in header])
    for row in rows:
        sheet.append([safe_cell(v) if isinstance(v, str) else (float(v) if isinstance(v, Decimal) else v) for v in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
