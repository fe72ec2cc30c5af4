"""The demo county's unit tree, its roster of about 300 cadres, and the five demo logins."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from cadres import activation
from cadres.models import Cadre, CadreCategory, Gender, Officer, OrgUnit, Rank, UnitLevel
from cadres.roles import ADMINISTRATOR_GROUP, CADRE_GROUP, OFFICER_GROUP, TRAINER_GROUP, ensure_role_groups
from lms.demo import names

DEMO_PASSWORD = "jianbing-demo"
SEED = 20240601
REGION_CODE = "130534"  # 清河县's administrative division code: the ID numbers' first six digits

COUNTY_CODE = "QHX"
COUNTY_NAME = "清河县"
TOWNSHIPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("城关镇", ("东关村", "西关村", "南街村", "北街村", "李家庄村", "王家屯村")),
    ("葛仙庄镇", ("葛仙庄村", "前屯村", "后屯村", "孙家寨村", "大辛庄村", "小辛庄村")),
    ("连庄镇", ("连庄村", "马家庄村", "高庄村", "杨二庄村", "东赵村", "西赵村")),
    ("油坊镇", ("油坊村", "胡家楼村", "刘家桥村", "张庄村", "南营村", "北营村")),
    ("谢炉镇", ("谢炉村", "郭家庄村", "陈家店村", "周家湾村", "田家屯村", "白塔村")),
)
SENDING_UNITS = (
    "清河县委组织部",
    "清河县农业农村局",
    "清河县财政局",
    "清河县教育局",
    "清河县卫生健康局",
    "清河县自然资源和规划局",
    "清河县交通运输局",
    "清河县人民医院",
    "国网清河县供电公司",
    "清河县农村信用联社",
    "清河县市场监督管理局",
    "清河县水利局",
)

# The demo logins; `cadre` is the first secretary of the first work team of the `township` officer's township.
ADMIN_USERNAME = "admin"
TRAINER_USERNAME = "trainer"
COUNTY_OFFICER_USERNAME = "county"
TOWNSHIP_OFFICER_USERNAME = "township"
CADRE_USERNAME = "cadre"
CADRE_LOGIN_NAME = "张建华"


@functools.cache
def demo_password_hash() -> str:
    """Hash the demo password once: the PBKDF2 hasher is slow on purpose, and five logins share it."""
    return make_password(DEMO_PASSWORD)


def township_code(number: int) -> str:
    return f"{COUNTY_CODE}-{number:02d}"


def team_code(township: int, team: int) -> str:
    return f"{township_code(township)}-{team:02d}"


FIRST_TEAM_CODE = team_code(1, 1)


def ensure_units() -> dict[str, OrgUnit]:
    """Create the county, its townships and their village work teams where missing; by code."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__startswith=COUNTY_CODE)}
    county = units.get(COUNTY_CODE) or OrgUnit.add_root(code=COUNTY_CODE, name=COUNTY_NAME, level=UnitLevel.COUNTY)
    units[COUNTY_CODE] = county
    for t_number, (t_name, villages) in enumerate(TOWNSHIPS, start=1):
        code = township_code(t_number)
        if code not in units:
            county.refresh_from_db()
            units[code] = county.add_child(code=code, name=t_name, level=UnitLevel.TOWNSHIP)
        township = units[code]
        for v_number, village in enumerate(villages, start=1):
            code = team_code(t_number, v_number)
            if code not in units:
                township.refresh_from_db()
                units[code] = township.add_child(
                    code=code, name=f"{t_name}{village}驻村工作队", level=UnitLevel.VILLAGE_TEAM
                )
    return units


@dataclass(frozen=True)
class CadreSpec:
    username: str
    name: str
    gender: str
    birth_date: date
    id_number: str
    phone: str
    unit_code: str
    category: str
    rank: str
    sending_unit: str
    posted_on: date | None


def cadre_specs() -> list[CadreSpec]:
    """The whole roster, the same on every run: 7 or 8 people per work team, 12 per township, 15 in the county."""
    rng = random.Random(SEED)
    specs: list[CadreSpec] = []
    serial = 0

    def add(
        unit_code: str,
        category: str,
        rank: str,
        *,
        posted: bool,
        oldest: int = 1968,
        youngest: int = 1997,
        username: str | None = None,
        name: str | None = None,
        female_share: float = 0.3,
    ) -> None:
        nonlocal serial
        serial += 1
        female = rng.random() < female_share
        born = names.birth_date(rng, oldest=oldest, youngest=youngest)
        person = names.person_name(rng, female=female)
        specs.append(
            CadreSpec(
                username=username or f"qhx{serial:04d}",
                name=name or person,
                gender=Gender.FEMALE if female else Gender.MALE,
                birth_date=born,
                id_number=names.id_number(region=REGION_CODE, born=born, sequence=serial, female=female),
                phone=names.phone_number(rng),
                unit_code=unit_code,
                category=category,
                rank=rank,
                sending_unit=rng.choice(SENDING_UNITS) if posted else "",
                posted_on=date(rng.choice((2021, 2021, 2023, 2024)), rng.choice((6, 7, 9)), rng.randint(1, 28))
                if posted
                else None,
            )
        )

    for t_number, (_, villages) in enumerate(TOWNSHIPS, start=1):
        for v_number in range(1, len(villages) + 1):
            unit = team_code(t_number, v_number)
            first = unit == FIRST_TEAM_CODE
            add(
                unit,
                CadreCategory.FIRST_SECRETARY,
                rng.choice((Rank.SECTION_DEPUTY, Rank.SECTION_CHIEF, Rank.STAFF)),
                posted=True,
                oldest=1970,
                youngest=1992,
                username=CADRE_USERNAME if first else None,
                name=CADRE_LOGIN_NAME if first else None,
                female_share=0.0 if first else 0.2,
            )
            if v_number % 2:
                add(unit, CadreCategory.TEAM_LEADER, rng.choice((Rank.SECTION_DEPUTY, Rank.STAFF)), posted=True)
            for _ in range(2):
                add(unit, CadreCategory.TEAM_MEMBER, rng.choice((Rank.STAFF, Rank.CLERK)), posted=True, youngest=1998)
            for _ in range(4):
                add(unit, CadreCategory.VILLAGE, Rank.NONE, posted=False, oldest=1962, female_share=0.35)
        for i in range(12):
            rank = Rank.SECTION_CHIEF if i < 2 else Rank.SECTION_DEPUTY if i < 5 else Rank.STAFF
            add(township_code(t_number), CadreCategory.TOWNSHIP, rank, posted=False, female_share=0.4)
    for i in range(15):
        rank = Rank.SECTION_CHIEF if i < 3 else rng.choice((Rank.SECTION_DEPUTY, Rank.STAFF, Rank.CLERK))
        add(COUNTY_CODE, CadreCategory.COUNTY_DEPARTMENT, rank, posted=False, female_share=0.45)
    return specs


def ensure_cadres(units: dict[str, OrgUnit]) -> int:
    """Create the roster's missing cadres with their logins; returns how many were created.

    Roster logins get unusable passwords (only `cadre` may log in with the demo password), and
    an existing login or ID number is never touched, so a second run changes nothing.
    """
    specs = cadre_specs()
    usernames = [s.username for s in specs]
    User = get_user_model()
    taken_usernames = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    taken_ids = set(
        Cadre.objects.filter(id_number__in=[s.id_number for s in specs]).values_list("id_number", flat=True)
    )
    new = [s for s in specs if s.username not in taken_usernames and s.id_number not in taken_ids]
    if not new:
        return 0
    users = User.objects.bulk_create(
        [
            User(
                username=s.username,
                first_name=s.name,
                password=demo_password_hash() if s.username == CADRE_USERNAME else make_password(None),
            )
            for s in new
        ]
    )
    Cadre.objects.bulk_create(
        [
            Cadre(
                user=user,
                name=s.name,
                gender=s.gender,
                birth_date=s.birth_date,
                id_number=s.id_number,
                phone=s.phone,
                unit=units[s.unit_code],
                category=s.category,
                rank=s.rank,
                sending_unit=s.sending_unit,
                posted_on=s.posted_on,
            )
            for user, s in zip(users, new, strict=True)
        ]
    )
    # Like imported cadres, the roster's logins wait for an activation slip; `cadre` is in use.
    activation.pending_accounts_create(user_ids=[user.pk for user in users if user.username != CADRE_USERNAME])
    cadre_group = ensure_role_groups()[CADRE_GROUP]
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=cadre_group.pk) for user in users], ignore_conflicts=True
    )
    return len(new)


def _ensure_login(username: str, *, first_name: str, superuser: bool = False):
    """Create a demo login with the demo password, or return the existing one untouched."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=first_name, is_superuser=superuser, is_staff=superuser)
        user.password = demo_password_hash()
        user.save()
    return user


def ensure_staff_logins(units: dict[str, OrgUnit]) -> None:
    """The administrator, trainer and the two officers; the `cadre` login comes with the roster."""
    groups = ensure_role_groups()
    admin = _ensure_login(ADMIN_USERNAME, first_name="系统管理员", superuser=True)
    admin.groups.add(groups[ADMINISTRATOR_GROUP])
    trainer = _ensure_login(TRAINER_USERNAME, first_name="县委党校 赵老师")
    trainer.groups.add(groups[TRAINER_GROUP])
    for username, first_name, unit_code in (
        (COUNTY_OFFICER_USERNAME, "县委组织部 干部教育科", COUNTY_CODE),
        (TOWNSHIP_OFFICER_USERNAME, f"{units[township_code(1)].name}党委 组织委员", township_code(1)),
    ):
        officer = _ensure_login(username, first_name=first_name)
        officer.groups.add(groups[OFFICER_GROUP])
        Officer.objects.get_or_create(user=officer, defaults={"unit": units[unit_code]})
