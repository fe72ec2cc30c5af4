"""The streaming .xlsx writer: what openpyxl (and so Excel) reads back is what was written."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook

from reports import xlsx


def test_values_read_back_with_their_types_styles_and_widths():
    output = io.BytesIO()
    with xlsx.Workbook(output) as book:
        sheet = book.sheet("逾期名单", widths=(12, 30))
        sheet.append(["标题"], style=xlsx.BOLD)
        sheet.append([])
        sheet.append(["  空格 <&> ", 3, 2.5, True, None, date(2030, 6, 5), datetime(2030, 6, 5, 10, 30)])
        sheet.append(["控制\x01字符"])
        book.sheet("第二页").append(["x"])
    workbook = load_workbook(io.BytesIO(output.getvalue()))
    first, second = workbook.worksheets
    assert workbook.sheetnames == ["逾期名单", "第二页"]
    rows = list(first.iter_rows(values_only=True))
    assert rows[0][:2] == ("标题", None)
    assert rows[2] == ("  空格 <&> ", 3, 2.5, True, None, datetime(2030, 6, 5), datetime(2030, 6, 5, 10, 30))
    assert rows[3][0] == "控制字符"
    assert first["A1"].font.b and not first["A3"].font.b
    assert first["F3"].number_format == "yyyy-mm-dd"
    assert (first.column_dimensions["A"].width, first.column_dimensions["B"].width) == (12, 30)
    assert second["A1"].value == "x"


def test_many_rows_are_flushed_in_order():
    output = io.BytesIO()
    with xlsx.Workbook(output) as book:
        sheet = book.sheet("数据")
        for i in range(xlsx.FLUSH_ROWS * 2 + 7):
            sheet.append([i, f"行{i}"])
    rows = list(load_workbook(io.BytesIO(output.getvalue())).worksheets[0].iter_rows(values_only=True))
    assert rows == [(i, f"行{i}") for i in range(xlsx.FLUSH_ROWS * 2 + 7)]
