"""Province-sized synthetic data for the benchmarks: `manage.py generate_data --cadres N --courses M --seed S`.

A province › 4 cities › 5 counties each › 10 townships each › village work teams of about ten
cadres; M live courses, each required of the whole province this year with due dates spread
over the year; study progress, credits, one rotation programme; then the report summaries.
Rows are bulk-inserted (no signals, no per-row services), so it takes minutes, not hours.
The same seed gives the same data.
"""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cadres.models import Cadre, CadreCategory, OrgUnit, Rank, UnitLevel
from courses.models import CourseProgress, CreditEntry, CreditSource, Requirement
from reports.summaries import summaries_rebuild
from rotations.models import Batch, Outcome, Programme, Seat

ROOT_CODE = "GEN"
CITIES, COUNTIES, TOWNSHIPS = 4, 5, 10
TEAM_SIZE = 10
BATCH = 5000


class Command(BaseCommand):
    help = "Generate a synthetic province (cadres, required courses, progress) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--cadres", type=int, default=10_000)
        parser.add_argument("--courses", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, cadres: int, courses: int, seed: int, **options):
        self.verbosity = options["verbosity"]
        if OrgUnit.objects.filter(code=ROOT_CODE).exists():
            raise CommandError("Generated data is already present (unit GEN); use a fresh database.")
        rng = random.Random(seed)
        started = time.perf_counter()
        today = timezone.localdate()
        teams = build_tree(cadres)
        self.say(f"{len(teams)} work teams", started)
        cadre_ids = build_cadres(rng, teams, cadres, seed)
        self.say(f"{len(cadre_ids)} cadres", started)
        course_list = build_courses(courses, today.year)
        self.say(f"{len(course_list)} courses", started)
        build_progress(rng, cadre_ids, course_list, today)
        self.say("progress and credits", started)
        build_rotation(rng, cadre_ids, today)
        self.say("rotation programme", started)

        def progress(done: int, total: int) -> None:
            if done % 20_000 == 0:
                self.say(f"summaries {done}/{total}", started)

        summaries_rebuild(progress=progress)
        self.say("summaries", started)

    def say(self, what: str, started: float) -> None:
        if self.verbosity:
            self.stdout.write(f"{time.perf_counter() - started:7.1f} s  {what}")


def _child_path(parent_path: str, index: int) -> str:
    return OrgUnit._get_path(parent_path, len(parent_path) // OrgUnit.steplen + 1, index)


@transaction.atomic
def build_tree(cadres: int) -> list[OrgUnit]:
    """The unit tree with treebeard paths computed here and bulk-inserted; returns the work teams."""
    teams_per_township = max(1, round(cadres / TEAM_SIZE / (CITIES * COUNTIES * TOWNSHIPS)))
    root_path = OrgUnit._get_path(None, 1, OrgUnit.get_root_nodes().count() + 1)
    units = [OrgUnit(code=ROOT_CODE, name="示例省", level=UnitLevel.PROVINCE, path=root_path, depth=1, numchild=CITIES)]
    for c in range(1, CITIES + 1):
        city = OrgUnit(
            code=f"{ROOT_CODE}-{c}", name=f"第{c}市", level=UnitLevel.CITY, path=_child_path(root_path, c), depth=2
        )
        city.numchild = COUNTIES
        units.append(city)
        for k in range(1, COUNTIES + 1):
            county = OrgUnit(
                code=f"{city.code}-{k}",
                name=f"第{c}市第{k}县",
                level=UnitLevel.COUNTY,
                path=_child_path(city.path, k),
                depth=3,
                numchild=TOWNSHIPS,
            )
            units.append(county)
            for t in range(1, TOWNSHIPS + 1):
                town = OrgUnit(
                    code=f"{county.code}-{t}",
                    name=f"{county.name}第{t}镇",
                    level=UnitLevel.TOWNSHIP,
                    path=_child_path(county.path, t),
                    depth=4,
                    numchild=teams_per_township,
                )
                units.append(town)
                units.extend(
                    OrgUnit(
                        code=f"{town.code}-{v}",
                        name=f"{town.name}第{v}工作队",
                        level=UnitLevel.VILLAGE_TEAM,
                        path=_child_path(town.path, v),
                        depth=5,
                        numchild=0,
                        min_on_duty=0,
                    )
                    for v in range(1, teams_per_township + 1)
                )
    OrgUnit.objects.bulk_create(units, batch_size=BATCH)
    return list(OrgUnit.objects.filter(path__startswith=root_path, depth=5).order_by("path"))


@transaction.atomic
def build_cadres(rng: random.Random, teams: list[OrgUnit], count: int, seed: int) -> list[int]:
    User = get_user_model()
    categories = [CadreCategory.FIRST_SECRETARY, CadreCategory.TEAM_MEMBER, CadreCategory.TOWNSHIP]
    ranks = [Rank.SECTION_CHIEF, Rank.SECTION_DEPUTY, Rank.CLERK, Rank.STAFF]
    prefix = f"gen{seed}-"
    for start in range(0, count, BATCH):
        numbers = range(start, min(count, start + BATCH))
        users = User.objects.bulk_create([User(username=f"{prefix}{n}", password="!") for n in numbers])
        Cadre.objects.bulk_create(
            [
                Cadre(
                    user=user,
                    name=f"干部{n}",
                    gender="male" if n % 2 else "female",
                    id_number=f"G{seed:03d}{n:014d}"[:18],
                    phone=f"139{n:08d}",
                    unit=teams[n % len(teams)],
                    category=rng.choice(categories),
                    rank=rng.choice(ranks),
                )
                for n, user in zip(numbers, users, strict=True)
            ]
        )
    return list(Cadre.objects.filter(user__username__startswith=prefix).order_by("pk").values_list("pk", flat=True))


def build_courses(count: int, year: int):
    from wagtail.models import Page

    from courses.models import CourseIndexPage, CoursePage, LessonPage
    from lms.models import HomePage

    index = CourseIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.first() or Page.get_first_root_node().add_child(
            instance=HomePage(title="尖兵", slug="home-generated")
        )
        index = home.add_child(instance=CourseIndexPage(title="课程", slug="courses-generated"))
    root = OrgUnit.objects.get(code=ROOT_CODE)
    courses, requirements = [], []
    for i in range(count):
        course = index.add_child(
            instance=CoursePage(
                title=f"示例必修课{i + 1}", slug=f"generated-{year}-{i + 1}", summary="示例", credit_hours=1 + i % 3
            )
        )
        course.add_child(instance=LessonPage(title="第一讲", minutes=30, body=[("paragraph", "<p>正文</p>")]))
        due = date(year, 1, 1) + timedelta(days=(i + 1) * 330 // count)
        requirements.append(Requirement(course=course, unit=root, year=year, due_date=due))
        courses.append((course.pk, course.credit_hours, due))
    # In bulk: a saved requirement would queue a refresh of the whole province; the summaries
    # are rebuilt once at the end instead.
    Requirement.objects.bulk_create(requirements)
    return courses


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock(8 + rng.randrange(12), rng.randrange(60))))


def build_progress(rng: random.Random, cadre_ids: list[int], courses, today: date) -> None:
    year_start = date(today.year, 1, 1)
    span = max(1, (today - year_start).days)
    for start in range(0, len(cadre_ids), BATCH // 10):
        progress, credits = [], []
        for cadre_id in cadre_ids[start : start + BATCH // 10]:
            for course_id, hours, _due in courses:
                roll = rng.random()
                if roll > 0.75:
                    continue
                begun = _moment(year_start + timedelta(days=rng.randrange(span)), rng)
                completed = None
                if roll < 0.55:
                    completed = begun + timedelta(days=rng.randrange(30), hours=rng.randrange(4))
                    if completed.date() > today:
                        completed = None
                progress.append(
                    CourseProgress(
                        cadre_id=cadre_id,
                        course_id=course_id,
                        lessons_completed=1 if completed else 0,
                        lessons_total=1,
                        seconds_studied=rng.randrange(600, 3600),
                        started_at=begun,
                        last_studied_at=completed or begun,
                        completed_at=completed,
                    )
                )
                if completed:
                    credits.append(
                        CreditEntry(
                            cadre_id=cadre_id,
                            year=today.year,
                            hours=Decimal(hours),
                            source=CreditSource.COURSE,
                            course_id=course_id,
                            description="示例",
                            earned_at=completed,
                        )
                    )
        with transaction.atomic():
            CourseProgress.objects.bulk_create(progress, batch_size=BATCH)
            CreditEntry.objects.bulk_create(credits, batch_size=BATCH)


@transaction.atomic
def build_rotation(rng: random.Random, cadre_ids: list[int], today: date) -> None:
    root = OrgUnit.objects.get(code=ROOT_CODE)
    programme = Programme.objects.create(
        unit=root, name="示例轮训", starts_on=date(today.year, 1, 1), ends_on=date(today.year, 12, 31), credit_hours=0
    )
    programme.population_units.set([root])
    batches = Batch.objects.bulk_create(
        Batch(
            programme=programme,
            number=i + 1,
            starts_on=date(today.year, 1 + i, 10),
            ends_on=date(today.year, 1 + i, 14),
            capacity=len(cadre_ids),
        )
        for i in range(10)
    )
    seats = []
    for cadre_id in cadre_ids:
        if rng.random() < 0.3:
            batch = rng.choice(batches)
            done = batch.ends_on < today
            outcome = (
                (Outcome.COMPLETED if rng.random() < 0.9 else Outcome.NOT_COMPLETED) if done else Outcome.SCHEDULED
            )
            seats.append(Seat(programme=programme, batch=batch, cadre_id=cadre_id, outcome=outcome))
    Seat.objects.bulk_create(seats, batch_size=BATCH)
