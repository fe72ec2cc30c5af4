"""A small streaming .xlsx writer: rows go straight into the zipped sheet XML, memory stays flat.

openpyxl's write-only mode builds an XML element per cell and, without lxml, spends about
a quarter of a millisecond on each: half a minute for 100,000 rows of eight cells. This writes
the same kind of workbook (inline strings, bold rows, dates, column widths) as text, an order
of magnitude faster. Pure Python, no Django: values arrive already prepared (reports.exports).

Cell values: str, bool, int, float, date, naive datetime, or None (an empty cell).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import BinaryIO
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EPOCH = date(1899, 12, 30)
FLUSH_ROWS = 500
# Style indexes in STYLES' cellXfs.
PLAIN, BOLD, DATE, DATETIME = 0, 1, 2, 3
# XML 1.0 cannot carry most control characters; a spreadsheet would refuse the file.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

STYLES = (
    HEAD + f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


_LETTERS = [column_letter(i) for i in range(1, 200)]


def _text(value: str) -> str:
    return escape(_ILLEGAL.sub("", value))


def cell_xml(ref: str, value: object, style: int = PLAIN) -> str:
    """One <c> element; empty for None."""
    if value is None:
        return ""
    s = f' s="{style}"' if style else ""
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, float):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        delta = value - datetime.combine(EPOCH, datetime.min.time())
        serial = delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
        return f'<c r="{ref}" s="{DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE}"><v>{(value - EPOCH).days}</v></c>'
    raise TypeError(f"Cannot write {type(value).__name__} to a cell")


class Sheet:
    """Rows appended to one open sheet; only the current batch of rows is held in memory."""

    def __init__(self, stream, widths: Sequence[float]) -> None:
        self._stream = stream
        self._row = 0
        self._pending: list[str] = []
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>' for i, width in enumerate(widths, start=1)
        )
        self._write(HEAD + f'<worksheet xmlns="{MAIN}">' + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")

    def _write(self, text: str) -> None:
        self._stream.write(text.encode())

    def append(self, values: Iterable[object], *, style: int = PLAIN) -> None:
        self._row += 1
        number = self._row
        cells = "".join(
            cell_xml(f"{_LETTERS[i]}{number}", value, style) for i, value in enumerate(values) if value is not None
        )
        self._pending.append(f'<row r="{number}">{cells}</row>')
        if len(self._pending) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self._write("".join(self._pending))
            self._pending = []

    def close(self) -> None:
        self.flush()
        self._write("</sheetData></worksheet>")


class Workbook:
    """`with Workbook(output) as book: sheet = book.sheet("名称") … sheet.append(row)`; one sheet open at a time."""

    def __init__(self, output: BinaryIO) -> None:
        self._zip = zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._titles: list[str] = []
        self._open: tuple[Sheet, object] | None = None

    def sheet(self, title: str, *, widths: Sequence[float] = ()) -> Sheet:
        self._close_sheet()
        title = re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "Sheet"
        while title in self._titles:
            title = f"{title[:28]}({len(self._titles)})"
        self._titles.append(title)
        stream = self._zip.open(f"xl/worksheets/sheet{len(self._titles)}.xml", "w", force_zip64=True)
        sheet = Sheet(stream, widths)
        self._open = (sheet, stream)
        return sheet

    def _close_sheet(self) -> None:
        if self._open:
            sheet, stream = self._open
            sheet.close()
            stream.close()
            self._open = None

    def close(self) -> None:
        if not self._titles:
            self.sheet("Sheet")
        self._close_sheet()
        count = len(self._titles)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, count + 1)
        )
        self._zip.writestr(
            "[Content_Types].xml",
            HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self._zip.writestr(
            "_rels/.rels",
            HEAD + f'<Relationships xmlns="{PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        sheets = "".join(
            f'<sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, title in enumerate(self._titles, start=1)
        )
        self._zip.writestr(
            "xl/workbook.xml",
            HEAD + f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{sheets}</sheets></workbook>',
        )
        relations = "".join(
            f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, count + 1)
        )
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            HEAD + f'<Relationships xmlns="{PACKAGE_RELS}">{relations}'
            f'<Relationship Id="rId{count + 1}" Type="{RELS}/styles" Target="styles.xml"/></Relationships>',
        )
        self._zip.writestr("xl/styles.xml", STYLES)
        self._zip.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
