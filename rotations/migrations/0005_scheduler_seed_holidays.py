"""Seed the holiday calendar with 2026 and 2027.

2026: the State Council General Office's notice on the 2026 holiday arrangement (国务院办公厅关于
2026年部分节假日安排的通知, 4 November 2025): every day off, and the make-up working days (调休上班).

2027: the State Council had not published the 2027 arrangement when this was written. Only the
statutory holidays of 《全国年节及纪念日放假办法》 (2024 revision) are seeded: 元旦 1 day, 春节 4
(除夕 to 初三), 清明节 1, 劳动节 2, 端午节 1, 中秋节 1, 国庆节 3, on their 2027 dates. The bridging
days and make-up working days of 2027 must be added by an administrator (Admin › 节假日) once the
State Council publishes them; docs/rotation-holidays.md says so too.
"""

from datetime import date, timedelta

from django.db import migrations


def _days(first: date, last: date):
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


HOLIDAYS_2026 = [
    ("元旦", _days(date(2026, 1, 1), date(2026, 1, 3)), [date(2026, 1, 4)]),
    ("春节", _days(date(2026, 2, 15), date(2026, 2, 23)), [date(2026, 2, 14), date(2026, 2, 28)]),
    ("清明节", _days(date(2026, 4, 4), date(2026, 4, 6)), []),
    ("劳动节", _days(date(2026, 5, 1), date(2026, 5, 5)), [date(2026, 5, 9)]),
    ("端午节", _days(date(2026, 6, 19), date(2026, 6, 21)), []),
    ("中秋节", _days(date(2026, 9, 25), date(2026, 9, 27)), []),
    ("国庆节", _days(date(2026, 10, 1), date(2026, 10, 7)), [date(2026, 9, 20), date(2026, 10, 10)]),
]

# Statutory days only: the 2027 arrangement (bridging days, make-up working days) is not yet published.
HOLIDAYS_2027 = [
    ("元旦", [date(2027, 1, 1)], []),
    ("春节", _days(date(2027, 2, 5), date(2027, 2, 8)), []),
    ("清明节", [date(2027, 4, 5)], []),
    ("劳动节", [date(2027, 5, 1), date(2027, 5, 2)], []),
    ("端午节", [date(2027, 6, 9)], []),
    ("中秋节", [date(2027, 9, 15)], []),
    ("国庆节", _days(date(2027, 10, 1), date(2027, 10, 3)), []),
]


def seed(apps, schema_editor):
    Holiday = apps.get_model("rotations", "Holiday")
    for name, days_off, workdays in HOLIDAYS_2026 + HOLIDAYS_2027:
        for day in days_off:
            Holiday.objects.get_or_create(date=day, defaults={"name": name, "is_workday": False})
        for day in workdays:
            Holiday.objects.get_or_create(date=day, defaults={"name": f"{name}调休上班", "is_workday": True})


def unseed(apps, schema_editor):
    Holiday = apps.get_model("rotations", "Holiday")
    days = [d for _n, off, work in HOLIDAYS_2026 + HOLIDAYS_2027 for d in (*off, *work)]
    Holiday.objects.filter(date__in=days).delete()


class Migration(migrations.Migration):
    dependencies = [("rotations", "0004_scheduler_holiday_calendar")]

    operations = [migrations.RunPython(seed, unseed)]
