"""The demo's induction training (岗前培训): the county's induction programme with its next batch, and a
cadre posted to a work team a few days ago who was placed in that batch by the induction route.

Made through the real services: the batch with `batch_create`, the posting with `posting_create`
asking for the batch route, which places the cadre through `seat_assign` (capacity, their
unavailability and the team's on-duty floor hold as for any placement). Runs before the
rotation programme is planned, so that plan counts the induction seat as time away.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from cadres.models import Cadre, CadreCategory, Gender, OrgUnit, Rank
from lms.demo import names, people
from lms.demo.progress import POSTED
from postings.models import InductionRoute, Posting, PostingRole
from postings.services.postings import posting_create
from rotations.models import Programme
from rotations.services import programmes

ORGANISER = "清河县委组织部"
VENUE = "清河县委党校（县城迎宾大街18号）"
WHAT_TO_BRING = "身份证、笔记本和笔；\n派驻通知书复印件；\n本村基本情况和民情台账（如已拿到）。"
BATCH_STARTS_IN_DAYS = 10  # the next induction batch begins this many days after `today`
BATCH_DAYS = 3
CAPACITY = 30
CREDIT_HOURS = 18  # six half-day sessions of three hours
POSTED_DAYS_AGO = 5

NEWLY_POSTED_USERNAME = "qhx-new-0001"
NEWLY_POSTED_NAME = "周晓明"
NEWLY_POSTED_BORN = date(1993, 5, 16)
NEWLY_POSTED_SEQUENCE = 451  # clear of the roster's sequences (1–320), so the ID number is unique
NEWLY_POSTED_SENDING_UNIT = "清河县水利局"
NEWLY_POSTED_TEAM = people.team_code(3, 2)  # 连庄镇马家庄村驻村工作队


def programme_name(year: int) -> str:
    return f"{year}年度新任驻村干部岗前培训"


def ensure_induction(*, units: dict[str, OrgUnit], today: date, officer) -> Programme:
    """This year's induction programme with a batch starting soon, and the newly posted cadre in it (once)."""
    county = units[people.COUNTY_CODE]
    programme = Programme.objects.filter(unit=county, name=programme_name(today.year), is_induction=True).first()
    if programme is None:
        programme = _programme(county=county, today=today, officer=officer)
    cadre = _newly_posted_cadre(county=county)
    if not Posting.objects.filter(cadre=cadre).exists():
        posting_create(
            cadre=cadre,
            team=units[NEWLY_POSTED_TEAM],
            role=PostingRole.MEMBER,
            sending_unit=NEWLY_POSTED_SENDING_UNIT,
            starts_on=today - timedelta(days=POSTED_DAYS_AGO),
            induction_route=InductionRoute.BATCH,
            today=today,
            by=officer,
        )
    return programme


def _programme(*, county: OrgUnit, today: date, officer) -> Programme:
    starts_on = today + timedelta(days=BATCH_STARTS_IN_DAYS)
    programme = Programme(
        unit=county,
        name=programme_name(today.year),
        organiser=ORGANISER,
        starts_on=today,
        # Induction batches are added through the year as new cadres are posted.
        ends_on=max(starts_on + timedelta(days=BATCH_DAYS), date(today.year, 12, 31)),
        credit_hours=CREDIT_HOURS,
        categories=[str(c) for c in POSTED],
        is_induction=True,
        created_by=officer,
    )
    programme.full_clean()
    programme.save()
    programme.population_units.set([county])
    programmes.batch_create(
        programme=programme,
        number=1,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=BATCH_DAYS - 1),
        capacity=CAPACITY,
        venue=VENUE,
        what_to_bring=WHAT_TO_BRING,
    )
    return programme


def _newly_posted_cadre(*, county: OrgUnit) -> Cadre:
    """A county water-bureau cadre about to be sent to a village; their login cannot be used to sign in."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=NEWLY_POSTED_USERNAME, defaults={"first_name": NEWLY_POSTED_NAME, "password": make_password(None)}
    )
    cadre = Cadre.objects.filter(user=user).first()
    if cadre is None:
        cadre = Cadre(
            user=user,
            name=NEWLY_POSTED_NAME,
            gender=Gender.MALE,
            birth_date=NEWLY_POSTED_BORN,
            id_number=names.id_number(
                region=people.REGION_CODE, born=NEWLY_POSTED_BORN, sequence=NEWLY_POSTED_SEQUENCE, female=False
            ),
            phone="13803190451",
            unit=county,
            category=CadreCategory.COUNTY_DEPARTMENT,
            rank=Rank.CLERK,
            sending_unit=NEWLY_POSTED_SENDING_UNIT,
        )
        cadre.full_clean()
        cadre.save()
    return cadre
