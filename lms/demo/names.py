"""Plausible Chinese people for the demo roster: names, ID numbers and phone numbers.

Everything is drawn from a seeded `random.Random`, so every run produces the same people.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

# Common surnames, roughly in order of frequency; the first ones are drawn more often.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"
)
_SURNAME_WEIGHTS = [1 / (rank + 8) for rank in range(len(SURNAMES))]
MALE_GIVEN = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁建国志文博海峰浩宇晨旭东亮松林健庆红兵永春德成树"
FEMALE_GIVEN = "芳娜敏静丽艳娟霞秀英玲桂兰梅琳雪婷慧颖佳欣悦红燕萍洁倩瑶丹蕾晶月凤云莉菊"

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
PHONE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "166",
    "177",
    "180",
    "181",
    "183",
    "186",
    "187",
    "188",
    "189",
    "199",
)


def person_name(rng: random.Random, *, female: bool) -> str:
    """A surname and a one- or two-character given name (two characters about 70% of the time)."""
    surname = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    pool = FEMALE_GIVEN if female else MALE_GIVEN
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    return surname + given


def id_check_char(body: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits of an ID number."""
    return ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def id_number(*, region: str, born: date, sequence: int, female: bool) -> str:
    """An 18-digit resident ID number; the sequence's last digit is odd for men, even for women."""
    sequence = sequence % 500 * 2 + (0 if female else 1)
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + id_check_char(body)


def birth_date(rng: random.Random, *, oldest: int, youngest: int) -> date:
    start = date(oldest, 1, 1)
    return start + timedelta(days=rng.randrange((date(youngest, 12, 31) - start).days))


def phone_number(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
