"""Demo data for village postings, called by the project's demo command. Safe to run repeatedly.

Every village work team gets a first secretary, a team leader and a member (reusing cadres already
in the team, adding demo cadres where there are too few), two terms end within three months, the
last month has check-ins with a few gaps, and one inspection finds a member absent, raising a flag.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cadres.models import Cadre, CadreCategory, Gender, OrgUnit, UnitLevel
from postings import rules
from postings.models import Absence, CheckIn, Inspection, Posting, PostingRole
from postings.services.postings import posting_create
from postings.services.supervision import inspection_record

ROLES = [PostingRole.FIRST_SECRETARY, PostingRole.TEAM_LEADER, PostingRole.MEMBER]
SENDING_UNITS = ["市委组织部", "县农业农村局", "县财政局"]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK_CHARS = "10X98765432"


def _id_number(serial: int) -> str:
    body = f"620102198{serial % 10}0101{serial % 1000:03d}"
    return body + ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def _demo_cadre(team: OrgUnit, number: int) -> Cadre:
    username = f"village-{team.code}-{number}".lower()
    user, _created = get_user_model().objects.get_or_create(username=username)
    if _created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    serial = team.pk * 10 + number
    cadre, _created = Cadre.objects.get_or_create(
        user=user,
        defaults={
            "name": f"驻村干部{team.name[:2]}{number}",
            "gender": Gender.MALE if number % 2 else Gender.FEMALE,
            "id_number": _id_number(serial),
            "unit": team,
            "category": CadreCategory.TEAM_MEMBER,
        },
    )
    return cadre


# Who fills each role, best match first: the roster's own category for the role, then any
# work-team member; a demo cadre is added only when the team has nobody suitable left.
ROLE_CANDIDATES = {
    PostingRole.FIRST_SECRETARY: [CadreCategory.FIRST_SECRETARY],
    PostingRole.TEAM_LEADER: [CadreCategory.TEAM_LEADER, CadreCategory.TEAM_MEMBER],
    PostingRole.MEMBER: [CadreCategory.TEAM_MEMBER, CadreCategory.TEAM_LEADER],
}


def _cadres_for(team: OrgUnit, roles: list[str]) -> list[Cadre]:
    open_posting = Posting.objects.filter(cadre=OuterRef("pk"), ended_on__isnull=True)
    free = Cadre.objects.filter(unit=team, active=True).exclude(Exists(open_posting)).order_by("pk")
    chosen: list[Cadre] = []
    for number, role in enumerate(roles, start=1):
        taken = [c.pk for c in chosen]
        candidate = next(
            (
                cadre
                for category in ROLE_CANDIDATES[role]
                if (cadre := free.filter(category=category).exclude(pk__in=taken).first()) is not None
            ),
            None,
        )
        chosen.append(candidate or _demo_cadre(team, number))
    return chosen


@transaction.atomic
def load_postings_demo(*, today: date) -> None:
    teams = list(OrgUnit.objects.filter(level=UnitLevel.VILLAGE_TEAM).order_by("path"))
    ending_soon = 0
    for team in teams:
        if Posting.objects.filter(team=team).exists():
            continue
        for index, (cadre, role) in enumerate(zip(_cadres_for(team, ROLES), ROLES, strict=True)):
            if index == 0 and ending_soon < 2:
                # Started two years (less 30 or 60 days) ago: the term ends within three months.
                ending_soon += 1
                starts_on = rules.add_months(today, -24) + timedelta(days=30 * ending_soon)
            else:
                starts_on = today - timedelta(days=200 + 40 * index)
            posting_create(cadre=cadre, team=team, role=role, sending_unit=SENDING_UNITS[index], starts_on=starts_on)
    _check_ins(today=today)
    _inspection(today=today, teams=teams)


def _check_ins(*, today: date) -> None:
    """A month of check-ins: most days, with a gap now and then (deterministic, so reruns add nothing)."""
    tz = timezone.get_current_timezone()
    absent = set(Absence.objects.values_list("posting_id", "day"))
    rows = []
    for posting in Posting.objects.filter(ended_on__isnull=True, starts_on__lte=today):
        for offset in range(1, 31):
            day = today - timedelta(days=offset)
            if day < posting.starts_on or (day.toordinal() + posting.pk) % 6 == 0 or (posting.pk, day) in absent:
                continue
            rows.append(
                CheckIn(
                    posting=posting,
                    cadre_id=posting.cadre_id,
                    day=day,
                    checked_in_at=datetime.combine(day, time(8, 30), tzinfo=tz),
                )
            )
    CheckIn.objects.bulk_create(rows, ignore_conflicts=True)


def _inspection(*, today: date, teams: list[OrgUnit]) -> None:
    if not teams or Inspection.objects.exists():
        return
    team = teams[0]
    day = today - timedelta(days=5)
    absent = Posting.objects.filter(team=team, role=PostingRole.MEMBER, ended_on__isnull=True).first()
    if absent is None or not absent.is_active_on(day):
        return
    CheckIn.objects.filter(posting=absent, day=day).delete()
    inspection_record(
        team=team,
        inspected_on=day,
        inspectors="县委组织部督查组",
        findings="工作队员未在岗，亦无请假手续。",
        absent=[absent],
        by=None,
        today=today,
    )
