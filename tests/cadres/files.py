"""Roster files built in memory for the import tests."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook

from tests.factories import valid_id_number

HEADER = ["姓名", "性别", "出生日期", "身份证号", "手机号", "单位", "类别", "职级", "派出单位", "驻村日期", "状态"]


def roster_row(serial: int, **overrides) -> dict:
    """A valid roster line for a first secretary born 1985-03-07 (odd serial: male)."""
    values = {
        "姓名": f"干部{serial}",
        "性别": "男" if serial % 2 else "女",
        "出生日期": "1985-03-07",
        "身份证号": valid_id_number(serial, born=date(1985, 3, 7)),
        "手机号": f"139{serial:08d}",
        "单位": "示范县/城关镇/东村工作队",
        "类别": "第一书记",
        "职级": "乡科级副职",
        "派出单位": "县农业农村局",
        "驻村日期": "2024-03-01",
        "状态": "在职",
    }
    values.update(overrides)
    return values


def xlsx_bytes(rows: list[dict], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) for column in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[dict], header: list[str] = HEADER, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return buffer.getvalue().encode(encoding)
