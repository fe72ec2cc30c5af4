"""Reading a roster spreadsheet (花名册) into plain rows and row-level errors.

Pure Python (openpyxl and the standard library, no Django), so it can be tested and
benchmarked alone. Everything that needs the database — units, existing cadres, logins —
is checked afterwards by `cadres.services.roster_import`.

Messages are English templates with named placeholders. They are marked with
`gettext_noop` so `makemessages` finds them; `RowError.render(gettext)` translates the
template first and formats it second, so the view layer shows them in the user's language
and tests can assert the English text exactly.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree import ElementTree

from cadres import idcard


def gettext_noop(message: str) -> str:
    return message


FILE_NOT_SPREADSHEET = gettext_noop("The file is not a spreadsheet: upload an .xlsx workbook or a .csv file.")
FILE_NO_HEADER = gettext_noop("The file is empty: the first row must hold the column headers.")
FILE_NO_ROWS = gettext_noop("The file has a header row but no cadres below it.")
FILE_MISSING_COLUMN = gettext_noop("The required column {column} is missing from the header row.")
ROW_REQUIRED = gettext_noop("{column} is empty.")
ROW_ID_SHAPE = gettext_noop("The ID number must be 18 characters: 17 digits and a final digit or X.")
ROW_ID_BIRTH_DATE = gettext_noop("The ID number contains an impossible birth date.")
ROW_ID_CHECKSUM = gettext_noop("The ID number's check character is wrong (expected {expected}).")
ROW_DUPLICATE_ID = gettext_noop("The same ID number already appears in row {first_row}.")
ROW_UNKNOWN_CATEGORY = gettext_noop("Unknown category “{value}”; use one of: {choices}.")
ROW_UNKNOWN_RANK = gettext_noop("Unknown rank “{value}”; use one of: {choices}.")
ROW_UNKNOWN_GENDER = gettext_noop("Unknown gender “{value}”; use 男 or 女.")
ROW_GENDER_MISMATCH = gettext_noop("Gender “{value}” does not match the ID number.")
ROW_BAD_DATE = gettext_noop("“{value}” is not a date; write dates as 2024-03-01.")
ROW_BIRTH_DATE_MISMATCH = gettext_noop("Birth date {value} does not match the ID number.")
ROW_BAD_PHONE = gettext_noop("“{value}” is not a phone number.")
ROW_UNKNOWN_STATUS = gettext_noop("Unknown status “{value}”; use 在职 or 离任.")
ROW_TOO_LONG = gettext_noop("{column} is longer than {limit} characters.")
ROW_BAD_UNIT_PATH = gettext_noop("The unit path has an empty part; separate unit names with a single /.")
ROW_DUPLICATE_MASKED = gettext_noop("The same masked ID number and name already appear in row {first_row}.")

# A masked ID number as the roster export writes it (see cadres.models.mask_id_number): the
# region prefix, ten stars, the last four characters. Such a row can only update a cadre
# already on the roster; the import matches it by name and the visible characters.
MASKED_ID_PATTERN = re.compile(r"^(\d{4})\*{10}(\d{3}[\dX])$")
# What cadres.spreadsheets.neutralise puts before a cell a spreadsheet would evaluate.
_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")

UNIT_SEPARATOR = "/"


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    required: bool
    note: str
    example: str
    max_length: int | None = None


# The canonical headers, in template order. Headers are Chinese because the file is the
# officers' own spreadsheet; they are a file format, not interface text, so never translated.
COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, "必填", "张伟", 50),
    Column("gender", "性别", False, "男/女；留空则按身份证号", "男"),
    Column("birth_date", "出生日期", False, "如 1985-03-07；留空则按身份证号", "1985-03-07"),
    Column("id_number", "身份证号", True, "必填，18位，末位可为X；同一身份证号再次导入即更新", "110101198503070013"),
    Column("phone", "手机号", False, "选填", "13900000001", 20),
    Column(
        "unit",
        "单位",
        True,
        "必填，从本单位（或其上级）起用 / 分隔，如 某县/某镇/某村工作队；缺少的下级单位自动创建",
        "示范县/城关镇/东村工作队",
        100,
    ),
    Column("category", "类别", True, "必填：第一书记、工作队长、工作队员、乡镇干部、村干部、县直部门干部", "第一书记"),
    Column(
        "rank", "职级", False, "选填：县处级正职、县处级副职、乡科级正职、乡科级副职、科员、办事员、其他", "乡科级副职"
    ),
    Column("sending_unit", "派出单位", False, "选填", "县农业农村局", 100),
    Column("posted_on", "驻村日期", False, "选填，如 2024-03-01", "2024-03-01"),
    Column("active", "状态", False, "在职/离任；留空为在职", "在职"),
)
COLUMNS_BY_FIELD = {column.field: column for column in COLUMNS}
REQUIRED_FIELDS = tuple(column.field for column in COLUMNS if column.required)

# Other spellings seen in real rosters.
HEADER_ALIASES: dict[str, str] = {
    **{column.header: column.field for column in COLUMNS},
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "手机号码": "phone",
    "联系电话": "phone",
    "所在单位": "unit",
    "人员类别": "category",
    "级别": "rank",
    "派驻日期": "posted_on",
    "驻村时间": "posted_on",
    "在职": "active",
    "在职状态": "active",
}

# Chinese labels of cadres.models.CadreCategory values (kept here so this module stays pure;
# a test checks the two agree).
CATEGORY_LABELS: dict[str, str] = {
    "第一书记": "first_secretary",
    "工作队长": "team_leader",
    "工作队员": "team_member",
    "乡镇干部": "township",
    "村干部": "village",
    "县直部门干部": "county_department",
}
CATEGORY_ALIASES: dict[str, str] = {
    **CATEGORY_LABELS,
    "驻村第一书记": "first_secretary",
    "队长": "team_leader",
    "驻村工作队长": "team_leader",
    "队员": "team_member",
    "驻村工作队员": "team_member",
}
RANK_LABELS: dict[str, str] = {
    "县处级正职": "county_chief",
    "县处级副职": "county_deputy",
    "乡科级正职": "section_chief",
    "乡科级副职": "section_deputy",
    "科员": "clerk",
    "办事员": "staff",
    "其他": "none",
}
GENDER_LABELS: dict[str, str] = {"男": "male", "女": "female"}
STATUS_LABELS: dict[str, bool] = {
    "在职": True,
    "是": True,
    "在岗": True,
    "离任": False,
    "离职": False,
    "否": False,
    "调离": False,
}

_DATE_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_PHONE_PATTERN = re.compile(r"^\+?[\d\- ]{5,20}$")


@dataclass(frozen=True)
class RowError:
    """One problem with one cell. `row` is the spreadsheet row (header is 1); None for the file."""

    row: int | None
    column: str
    template: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def message(self) -> str:
        return self.render()

    def render(self, translate: Callable[[str], str] | None = None) -> str:
        template = translate(self.template) if translate else self.template
        return template.format(**dict(self.params))

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "template": self.template, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: dict) -> RowError:
        return cls(data["row"], data["column"], data["template"], tuple(sorted(data.get("params", {}).items())))


def row_error(row: int | None, column: str, template: str, /, **params: object) -> RowError:
    return RowError(row, column, template, tuple(sorted((k, str(v)) for k, v in params.items())))


@dataclass
class RosterRow:
    """One valid cadre line. Optional fields absent from the file are None and left alone on update."""

    row: int
    name: str
    id_number: str
    unit_path: tuple[str, ...]
    category: str
    gender: str | None
    birth_date: date | None
    phone: str | None = None
    rank: str | None = None
    sending_unit: str | None = None
    posted_on: date | None = None
    active: bool | None = None
    # True when `id_number` is masked (1101**********0013): the row updates the one cadre it
    # matches and never creates one; gender and birth date are None unless the file gives them.
    masked: bool = False


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: frozenset[str] = frozenset()
    total_rows: int = 0


Progress = Callable[[int, int], None]


class NotASpreadsheet(Exception):
    pass


def read_roster(content: bytes, filename: str, *, progress: Progress | None = None, every: int = 500) -> ParsedRoster:
    """Parse an .xlsx or .csv roster. Any error in `errors` means the file must be rejected whole."""
    try:
        table = list(_read_table(content, filename))
    except NotASpreadsheet:
        return ParsedRoster(errors=[row_error(None, "", FILE_NOT_SPREADSHEET)])
    while table and _blank(table[-1]):
        table.pop()
    if not table or _blank(table[0]):
        return ParsedRoster(errors=[row_error(1, "", FILE_NO_HEADER)])

    positions = _header_positions(table[0])
    missing = [COLUMNS_BY_FIELD[f].header for f in REQUIRED_FIELDS if f not in positions]
    if missing:
        return ParsedRoster(errors=[row_error(1, header, FILE_MISSING_COLUMN, column=header) for header in missing])

    parsed = ParsedRoster(columns=frozenset(positions), total_rows=len(table) - 1)
    first_row_of: dict[str, int] = {}
    for offset, cells in enumerate(table[1:]):
        number = offset + 2
        if progress and offset and offset % every == 0:
            progress(offset, parsed.total_rows)
        if _blank(cells):
            continue
        values = {name: _cell(cells, index) for name, index in positions.items()}
        row, errors = _parse_row(number, values)
        if row is not None:
            key = f"{row.id_number} {row.name}" if row.masked else row.id_number
            first = first_row_of.setdefault(key, number)
            if first != number:
                template = ROW_DUPLICATE_MASKED if row.masked else ROW_DUPLICATE_ID
                errors.append(row_error(number, "身份证号", template, first_row=first))
                row = None
        parsed.errors.extend(errors)
        if row is not None and not errors:
            parsed.rows.append(row)
    if progress:
        progress(parsed.total_rows, parsed.total_rows)
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(row_error(2, "", FILE_NO_ROWS))
    return parsed


def _read_table(content: bytes, filename: str) -> Iterator[tuple]:
    name = filename.lower()
    if content[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        yield from _read_xlsx(content)
    elif name.endswith((".csv", ".txt")):
        yield from _read_csv(content)
    else:
        raise NotASpreadsheet


def _read_xlsx(content: bytes) -> Iterator[tuple]:
    import openpyxl  # imported here: reading CSV should not pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise NotASpreadsheet from exc
    try:
        # Read-only sheets are parsed lazily, so a sheet whose XML is broken (a cell holding
        # U+FFFE, which openpyxl writes but cannot read back) fails only while iterating.
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    except (ElementTree.ParseError, zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise NotASpreadsheet from exc
    finally:
        workbook.close()


def _read_csv(content: bytes) -> Iterator[tuple]:
    if b"\x00" in content:
        raise NotASpreadsheet
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise NotASpreadsheet
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    # newline="" lets the csv module handle bare \r line ends, as its documentation asks;
    # anything it still cannot parse is not a spreadsheet we can read.
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), dialect):
            yield tuple(cells)
    except csv.Error as exc:
        raise NotASpreadsheet from exc


def _blank(cells: Iterable) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in cells)


def _header_positions(header: tuple) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = re.sub(r"[\s*＊]", "", str(cell or ""))
        field_name = HEADER_ALIASES.get(text)
        if field_name and field_name not in positions:
            positions[field_name] = index
    return positions


def _cell(cells: tuple, index: int) -> object:
    value = cells[index] if index < len(cells) else None
    if isinstance(value, str):
        # An exported cell keeps the apostrophe that stopped a spreadsheet evaluating it; the
        # value itself is what follows.
        value = _NEUTRALISED.sub("", value.strip())
        return value or None
    return value


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_row(number: int, values: dict[str, object]) -> tuple[RosterRow | None, list[RowError]]:
    errors: list[RowError] = []

    def fail(field_name: str, template: str, **params: object) -> None:
        errors.append(row_error(number, COLUMNS_BY_FIELD[field_name].header, template, **params))

    for field_name in REQUIRED_FIELDS:
        if values.get(field_name) is None:
            fail(field_name, ROW_REQUIRED, column=COLUMNS_BY_FIELD[field_name].header)
    for field_name, column in COLUMNS_BY_FIELD.items():
        value = values.get(field_name)
        if column.max_length and value is not None and field_name != "unit" and len(_text(value)) > column.max_length:
            fail(field_name, ROW_TOO_LONG, column=column.header, limit=column.max_length)

    facts = None
    masked = None
    if values.get("id_number") is not None and MASKED_ID_PATTERN.match(idcard.normalise(values["id_number"])):
        masked = idcard.normalise(values["id_number"])
    elif values.get("id_number") is not None:
        try:
            facts = idcard.parse(values["id_number"])
        except idcard.InvalidIdNumber as exc:
            template = {"shape": ROW_ID_SHAPE, "birth_date": ROW_ID_BIRTH_DATE, "checksum": ROW_ID_CHECKSUM}[exc.code]
            params = {"expected": exc.expected} if exc.code == "checksum" else {}
            fail("id_number", template, **params)

    unit_path: tuple[str, ...] = ()
    if values.get("unit") is not None:
        parts = tuple(part.strip() for part in re.split(r"[/／]", _text(values["unit"])))
        if any(not part for part in parts):
            fail("unit", ROW_BAD_UNIT_PATH)
        elif any(len(part) > COLUMNS_BY_FIELD["unit"].max_length for part in parts):
            fail("unit", ROW_TOO_LONG, column="单位", limit=COLUMNS_BY_FIELD["unit"].max_length)
        unit_path = parts

    category = None
    if values.get("category") is not None:
        label = _text(values["category"])
        category = CATEGORY_ALIASES.get(label) or (label if label in CATEGORY_LABELS.values() else None)
        if category is None:
            fail("category", ROW_UNKNOWN_CATEGORY, value=label, choices="、".join(CATEGORY_LABELS))

    rank = None
    if values.get("rank") is not None:
        label = _text(values["rank"])
        rank = RANK_LABELS.get(label) or (label if label in RANK_LABELS.values() else None)
        if rank is None:
            fail("rank", ROW_UNKNOWN_RANK, value=label, choices="、".join(RANK_LABELS))
    elif "rank" in values:
        rank = "none"

    gender = None
    if values.get("gender") is not None:
        label = _text(values["gender"])
        gender = GENDER_LABELS.get(label)
        if gender is None:
            fail("gender", ROW_UNKNOWN_GENDER, value=label)
        elif facts is not None and gender != facts.gender:
            fail("gender", ROW_GENDER_MISMATCH, value=label)

    birth_date = _date(values.get("birth_date"))
    if birth_date is False:
        fail("birth_date", ROW_BAD_DATE, value=_text(values["birth_date"]))
    elif birth_date is not None and facts is not None and birth_date != facts.birth_date:
        fail("birth_date", ROW_BIRTH_DATE_MISMATCH, value=birth_date.isoformat())

    posted_on = _date(values.get("posted_on"))
    if posted_on is False:
        fail("posted_on", ROW_BAD_DATE, value=_text(values["posted_on"]))

    phone = None
    if values.get("phone") is not None:
        phone = _text(values["phone"])
        if not _PHONE_PATTERN.match(phone):
            fail("phone", ROW_BAD_PHONE, value=phone)
    elif "phone" in values:
        phone = ""

    active = None
    if values.get("active") is not None:
        label = _text(values["active"])
        active = STATUS_LABELS.get(label)
        if active is None:
            fail("active", ROW_UNKNOWN_STATUS, value=label)
    elif "active" in values:
        active = True

    sending_unit = None
    if "sending_unit" in values:
        sending_unit = _text(values["sending_unit"]) if values["sending_unit"] is not None else ""

    if errors or (facts is None and masked is None) or category is None:
        return None, errors
    return (
        RosterRow(
            row=number,
            name=_text(values["name"]),
            id_number=facts.number if facts else masked,
            unit_path=unit_path,
            category=category,
            gender=facts.gender if facts else gender,
            birth_date=facts.birth_date if facts else (birth_date or None),
            phone=phone,
            rank=rank,
            sending_unit=sending_unit,
            posted_on=posted_on or None,
            active=active,
            masked=masked is not None,
        ),
        errors,
    )


def _date(value: object) -> date | None | bool:
    """A date, None for an empty cell, or False for text that is not a date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    match = _DATE_PATTERN.match(text) or re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    if not match:
        return False
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return False


def resolve_unit_path(path: tuple[str, ...], root_chain: tuple[str, ...]) -> tuple[str, ...] | None:
    """The part of `path` below the officer's root, or None when `path` leaves the root's subtree.

    `root_chain` is the names from the top of the tree down to the officer's root unit. A path
    may start at the root or at any unit above it (示范县/城关镇/东村工作队 and 城关镇/东村工作队
    both work for the 城关镇 officer), but must pass through the root.
    """
    for start, name in enumerate(root_chain):
        if path and path[0] == name:
            above = root_chain[start:]
            if path[: len(above)] != above:
                return None
            return path[len(above) :]
    return None
