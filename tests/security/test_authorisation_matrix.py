"""Every URL pattern of the project × every role × an object in their own and in another subtree.

REGISTRY names the expected outcome of each URL for each role. A URL pattern that is not in
it fails `test_every_url_pattern_has_an_entry`, with the lines to add, so a new page cannot
ship without someone deciding who may open it. Wagtail's own admin URLs (names starting with
"wagtail", outside our apps' snippets) share one rule: anonymous visitors and cadres never
get in; the sensitive ones (users, groups, sites, settings, the audit log) have entries of
their own with every role.

Each request runs inside a savepoint that is rolled back, so POST-only views can be asked
with POST without changing what later requests see.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern

from tests.security.world import ROLES, World, build_world

pytestmark = pytest.mark.django_db

OK = "ok"  # 2xx
LOGIN = "login"  # redirected to a login page
DENIED = "denied"  # 403, or Wagtail's "permission denied" redirect to the admin home
MISSING = "missing"  # 404
REDIRECT = "redirect"  # any other redirect
METHOD = "method"  # 405
BAD = "bad"  # 400
UNAUTHORISED = "unauthorised"  # 401 (the reports API)
CONFLICT = "conflict"  # 409
NO = frozenset({DENIED, MISSING})  # kept out; which check answers first is the view's business

# The roles asked about the object of the other township (the others see both, or neither).
OTHER_SIDE_ROLES = ("cadre", "township", "county", "admin")
OUR_APPS = ("cadres", "courses", "quizzes", "rotations", "postings", "reports", "records", "lms")


@dataclass(frozen=True)
class Entry:
    """Expected outcomes of one URL: `own` per role; `other` per role for the other side's
    object (None when the URL names no object). `kwargs(world, side)` fills the URL."""

    own: dict
    other: dict | None = None
    kwargs: Callable[[World, str], dict] | None = None
    method: str = "get"
    data: dict | Callable[[World, str], dict] = field(default_factory=dict)


def _roles(anon, cadre, trainer, county, township, admin) -> dict:
    return dict(zip(ROLES, (anon, cadre, trainer, county, township, admin), strict=True))


def obj(key: str, kwarg: str = "pk", attr: str = "pk") -> Callable[[World, str], dict]:
    return lambda world, side: {kwarg: getattr(world.side(side)[key], attr)}


def cadre_of(kwarg: str = "pk") -> Callable[[World, str], dict]:
    return lambda world, side: {kwarg: world.side(side).cadre.pk}


def shared(key: str, kwarg: str) -> Callable[[World, str], dict]:
    """An object every subtree shares (a quiz, a bank): asked once, there is no other side."""

    def kwargs(world: World, side: str) -> dict:
        return {kwarg: world.shared[key].pk}

    kwargs.shared = True
    return kwargs


def trainer_login() -> Callable[[World, str], dict]:
    """The trainer's own login, the same on both sides (logins belong to no subtree)."""

    def kwargs(world: World, side: str) -> dict:
        return {"pk": world.users["trainer"].pk}

    kwargs.shared = True
    return kwargs


def admin(
    *,
    trainer=NO,
    officer=OK,
    county=None,
    township=None,
    admin=OK,
    kwargs=None,
    township_other=NO,
    county_other=None,
    method="get",
    data=None,
) -> Entry:
    """A page in the Wagtail admin: anonymous visitors and cadres are sent to the admin login."""
    county = officer if county is None else county
    township = officer if township is None else township
    own = _roles(LOGIN, LOGIN, trainer, county, township, admin)
    other = None
    if kwargs is not None and not getattr(kwargs, "shared", False):
        other = {**own, "township": township_other, "county": county if county_other is None else county_other}
    return Entry(own=own, other=other, kwargs=kwargs, method=method, data=data or {})


def site(
    *,
    anon=LOGIN,
    cadre=OK,
    staff=DENIED,
    admin=None,
    kwargs=None,
    cadre_other=NO,
    method="get",
    data=None,
    other=None,
) -> Entry:
    """A page of the public site for cadres; staff without a roster entry are not cadres."""
    own = _roles(anon, cadre, staff, staff, staff, staff if admin is None else admin)
    if kwargs is not None and other is None and not getattr(kwargs, "shared", False):
        other = {**own, "cadre": cadre_other}
    return Entry(own=own, other=other, kwargs=kwargs, method=method, data=data or {})


def everyone(outcome=OK, *, method="get", data=None) -> Entry:
    return Entry(own=_roles(*[outcome] * 6), method=method, data=data or {})


WAGTAIL_GATE = Entry(own={"anon": LOGIN, "cadre": LOGIN})
WAGTAIL_PUBLIC = Entry(own={"anon": OK, "cadre": OK})
MISSING_OR_OK = frozenset({OK, MISSING})
# For objects the matrix does not build: an id that names nothing still shows who gets past the gate.
NOTHING: Callable[[World, str], dict] = lambda world, side: {"pk": 999_999}  # noqa: E731


def viewset(
    namespace: str, key: str | None, *, inspect: bool = False, with_copy: bool = False, **overrides
) -> dict[str, Entry]:
    """The generic views of a scoped ModelViewSet; `key` names the world's object of each side."""
    kwargs = obj(key) if key else NOTHING
    entries = {
        f"{namespace}:index": admin(),
        f"{namespace}:index_results": admin(),
        f"{namespace}:add": admin(),
        f"{namespace}:edit": admin(kwargs=kwargs),
        f"{namespace}:delete": admin(kwargs=kwargs),
        f"{namespace}:history": admin(kwargs=kwargs),
        f"{namespace}:history_results": admin(kwargs=kwargs),
        f"{namespace}:usage": admin(kwargs=kwargs),
    }
    if with_copy:
        entries[f"{namespace}:copy"] = admin(kwargs=kwargs)
    if inspect:
        entries[f"{namespace}:inspect"] = admin(kwargs=kwargs)
    entries.update({f"{namespace}:{action}": entry for action, entry in overrides.items()})
    return entries


def snippets(model: str, key: str | None) -> dict[str, Entry]:
    """Wagtail snippet views of one of our models: trainers manage them, officers do not."""
    namespace = f"wagtailsnippets_{model}"
    kwargs = shared(key, "pk") if key else NOTHING
    entries = {f"{namespace}:{action}": admin(trainer=OK, officer=DENIED) for action in ("list", "list_results", "add")}
    for action in ("edit", "delete", "usage", "history", "history_results", "copy"):
        entries[f"{namespace}:{action}"] = Entry(own=admin(trainer=OK, officer=DENIED).own, kwargs=kwargs)
    return entries


def open_session(world: World, side: str) -> dict:
    """The first session of the side's batch, with a check-in code open (so its QR image exists)."""
    from rotations.services.attendance import checkin_open

    session = world.side(side)["batch"].sessions.order_by("date", "half").first()
    if not session.checkin_code:
        session = checkin_open(session=session, minutes=24 * 60)
    return {"pk": session.pk}


ADMIN_ONLY = admin(trainer=DENIED, officer=DENIED)


def seeded_holiday(world: World, side: str) -> dict:
    """A day of the holiday calendar the data migration seeds (one calendar for every subtree)."""
    from rotations.models import Holiday

    return {"pk": Holiday.objects.order_by("date").first().pk}


seeded_holiday.shared = True
STAFF_DENIED_ANON_LOGIN = admin

REGISTRY: dict[str, Entry] = {
    # --- lms: accounts, health, home ---------------------------------------------------------
    "healthz": everyone(),
    "login": Entry(own=_roles(OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT)),
    "logout": everyone(REDIRECT, method="post"),
    "password_change": Entry(own=_roles(LOGIN, OK, OK, OK, OK, OK)),
    "password_change_done": Entry(own=_roles(LOGIN, OK, OK, OK, OK, OK)),
    # Cadres go to their learning, staff to the admin home (which reads as DENIED here).
    "home-redirect": Entry(own=_roles(LOGIN, REDIRECT, DENIED, DENIED, DENIED, DENIED)),
    # The public activation page (ID number + code from an activation slip); anyone may open it.
    "account-activate": everyone(),
    "set_language": everyone(REDIRECT, method="post", data={"language": "en"}),
    "audit-log": ADMIN_ONLY,
    "audit-log-results": ADMIN_ONLY,
    # --- courses ---------------------------------------------------------------------------
    "my-learning": site(),
    "search": everyone(),
    "lesson-heartbeat": site(
        anon=DENIED, cadre=OK, kwargs=obj("lesson", "lesson_id"), method="post", data={"tab": "t1"}, cadre_other=OK
    ),
    "requirements:index": admin(),
    "requirements:index_results": admin(),
    "requirements:add": admin(),
    "requirements:edit": admin(kwargs=obj("requirement")),
    "requirements:delete": admin(kwargs=obj("requirement")),
    "requirements:history": admin(kwargs=obj("requirement")),
    "requirements:history_results": admin(kwargs=obj("requirement")),
    "requirements:usage": admin(kwargs=obj("requirement")),
    # The form's live count of the cadres an assignment binds, asked for each side's township.
    "requirements:affected": admin(
        kwargs=lambda world, side: {}, data=lambda world, side: {"unit": world.side(side).township.pk}
    ),
    # --- cadres ----------------------------------------------------------------------------
    "roster:index": admin(),
    "roster:index_results": admin(),
    "roster:add": admin(),
    "roster:edit": admin(kwargs=cadre_of()),
    "roster:delete": admin(trainer=NO, officer=DENIED, kwargs=cadre_of()),
    "roster:history": admin(trainer=NO, kwargs=cadre_of()),
    "roster:history_results": admin(trainer=NO, kwargs=cadre_of()),
    "roster:usage": admin(trainer=NO, kwargs=cadre_of()),
    "org-units:index": admin(),
    "org-units:index_results": admin(),
    "org-units:add": admin(),
    "org-units:edit": admin(kwargs=lambda w, side: {"pk": w.side(side).team.pk}),
    "org-units:delete": admin(trainer=NO, officer=DENIED, kwargs=lambda w, side: {"pk": w.side(side).team.pk}),
    "org-units:history": admin(trainer=NO, kwargs=lambda w, side: {"pk": w.side(side).team.pk}),
    "org-units:history_results": admin(trainer=NO, kwargs=lambda w, side: {"pk": w.side(side).team.pk}),
    "org-units:usage": admin(trainer=NO, kwargs=lambda w, side: {"pk": w.side(side).team.pk}),
    "cadres_roster_import": admin(),
    "cadres_import_job": admin(kwargs=obj("import_job")),
    "cadres_import_job_status": admin(kwargs=obj("import_job")),
    "cadres_roster_template": admin(),
    "cadres_roster_export": admin(),
    # Activation slips: the page for the officer's own units; a unit of another subtree is a 404
    # on POST (tests/cadres/test_activation_slips.py). Reissuing names a cadre.
    "cadres_activation_slips": admin(),
    "cadres_activation_reissue": admin(kwargs=cadre_of()),
    # Full ID numbers: administrators, and officers only once granted "Can see full ID numbers".
    "cadres_roster_export_full": admin(officer=DENIED),
    # Choosers list the user's own subtree (trainers: nothing) and answer "chosen" for nothing else.
    "cadre_chooser:choose": admin(trainer=OK),
    "cadre_chooser:choose_results": admin(trainer=OK),
    "cadre_chooser:chosen": admin(trainer=MISSING, kwargs=cadre_of(), township_other=MISSING),
    "cadre_chooser:chosen_multiple": admin(trainer=OK),
    "unit_chooser:choose": admin(trainer=OK),
    "unit_chooser:choose_results": admin(trainer=OK),
    "unit_chooser:chosen": admin(
        trainer=MISSING, kwargs=lambda w, side: {"pk": w.side(side).team.pk}, township_other=MISSING
    ),
    "unit_chooser:chosen_multiple": admin(trainer=OK),
    # Question-bank owners: the trainers' circle, for trainers and administrators; officers get none.
    "staff_chooser:choose": admin(trainer=OK),
    "staff_chooser:choose_results": admin(trainer=OK),
    "staff_chooser:chosen": admin(trainer=OK, officer=MISSING, kwargs=trainer_login()),
    "staff_chooser:chosen_multiple": admin(trainer=OK),
    # --- quizzes (banks and quizzes are shared by the whole site, not kept per subtree) -------
    **snippets("courses_coursecategory", "course_category"),
    # Trainers may add and change course categories, not delete them.
    "wagtailsnippets_courses_coursecategory:delete": Entry(
        own=admin(trainer=DENIED, officer=DENIED).own, kwargs=shared("course_category", "pk")
    ),
    **snippets("quizzes_quiz", "quiz"),
    **snippets("quizzes_question", "essay"),
    **snippets("quizzes_questionbank", "bank"),
    **snippets("quizzes_questioncategory", "question_category"),
    "quiz_results:index": admin(trainer=OK),
    "quiz_results:quiz": admin(trainer=OK, kwargs=shared("quiz", "quiz_id")),
    # Essays are graded, and question files kept, by trainers and administrators, not officers.
    "quiz_results:essays": admin(trainer=OK, officer=DENIED),
    "quiz_results:grade": admin(trainer=OK, officer=DENIED, kwargs=obj("answer", "answer_id")),
    "question_files:index": admin(trainer=OK, officer=DENIED),
    "question_files:template": admin(trainer=OK, officer=DENIED),
    "question_files:export": admin(trainer=OK, officer=DENIED, kwargs=shared("bank", "bank_id")),
    "quizzes:mine": site(),
    "quizzes:detail": site(kwargs=shared("quiz", "quiz_id")),
    "quizzes:start": site(cadre=REDIRECT, kwargs=shared("quiz", "quiz_id"), method="post"),
    "quizzes:attempt": site(kwargs=obj("attempt", "attempt_id")),
    "quizzes:submit": site(cadre=REDIRECT, kwargs=obj("attempt", "attempt_id"), method="post"),
    "quizzes:result": site(cadre=REDIRECT, kwargs=obj("attempt", "attempt_id")),
    "quizzes:api-answer": site(
        anon=DENIED,
        kwargs=obj("attempt", "attempt_id"),
        method="post",
        data=lambda world, side: {"question": world.shared["essay"].pk, "value": "答案"},
        cadre_other=NO,
    ),
    "quizzes:api-status": site(anon=DENIED, kwargs=obj("attempt", "attempt_id")),
    # --- rotations -------------------------------------------------------------------------
    **viewset("rotations_programme", "programme", with_copy=True),
    **viewset("rotations_batch", "batch", with_copy=True),
    **viewset("rotations_unavailability", "unavailability", with_copy=True),
    "rotations_programme_schedule": admin(kwargs=obj("programme")),
    "rotations_programme_units": admin(kwargs=obj("programme")),
    "rotations_programme_generate": admin(officer=REDIRECT, admin=REDIRECT, method="post", kwargs=obj("programme")),
    "rotations_programme_plan": admin(officer=REDIRECT, admin=REDIRECT, method="post", kwargs=obj("programme")),
    "rotations_programme_publish": admin(officer=REDIRECT, admin=REDIRECT, method="post", kwargs=obj("programme")),
    "rotations_programme_assign": admin(officer=REDIRECT, admin=REDIRECT, method="post", kwargs=obj("programme")),
    "rotations_programme_export": admin(kwargs=obj("programme")),
    "rotations_batches": admin(trainer=OK),
    # The batches the officer's own cadres sit in, whoever runs them; another side's batch holds none of theirs.
    "rotations_our_cadres_batches": admin(),
    "rotations_our_cadres_batch": admin(kwargs=obj("batch")),
    # The holiday calendar is the province's: administrators only.
    **{f"rotations_holiday:{action}": ADMIN_ONLY for action in ("index", "index_results", "add")},
    **{
        f"rotations_holiday:{action}": Entry(own=ADMIN_ONLY.own, kwargs=seeded_holiday)
        for action in ("edit", "delete", "history", "history_results", "usage", "copy")
    },
    "rotations_batch_attendance": admin(kwargs=obj("batch")),
    "rotations_programme_run_status": admin(kwargs=obj("programme")),
    # A session's QR code: trainers of the batch and officers of its subtree (the world's trainer runs no batch).
    "rotations_session_qr": admin(kwargs=open_session),
    "rotations_session_projector": admin(kwargs=open_session),
    "rotations_session_checkin_status": admin(kwargs=open_session),
    "rotations:mine": site(),
    "rotations:checkin": site(),
    "rotations:leave": site(cadre=REDIRECT, staff=MISSING, kwargs=obj("seat", "seat_id"), method="post"),
    # --- postings --------------------------------------------------------------------------
    # Only administrators delete postings and inspections.
    **viewset("postings", "posting", inspect=True, delete=admin(officer=DENIED, kwargs=obj("posting"))),
    "postings:end": admin(kwargs=obj("posting")),
    "postings:successor": admin(kwargs=obj("posting")),
    # Leave is requested by cadres and decided on its own page, never edited in a form.
    **viewset(
        "postings_leave",
        "posting_leave",
        inspect=True,
        **{
            action: admin(officer=DENIED, admin=DENIED, kwargs=None if action == "add" else obj("posting_leave"))
            for action in ("add", "edit", "delete", "history", "history_results", "usage")
        },
    ),
    "postings_leave:decide": admin(kwargs=obj("posting_leave")),
    # Inspections are a record of what was found: added, never edited.
    **viewset(
        "postings_inspections",
        "inspection",
        inspect=True,
        edit=admin(officer=DENIED, admin=DENIED, kwargs=obj("inspection")),
        usage=admin(officer=DENIED, admin=DENIED, kwargs=obj("inspection")),
        delete=admin(officer=DENIED, kwargs=obj("inspection")),
    ),
    # Flags are raised by the rules and followed up on their own page, never edited in a form.
    **viewset(
        "postings_flags",
        "flag",
        inspect=True,
        **{
            action: admin(officer=DENIED, admin=DENIED, kwargs=None if action == "add" else obj("flag"))
            for action in ("add", "edit", "delete", "history", "history_results", "usage")
        },
    ),
    "postings_flags:follow_up": admin(kwargs=obj("flag")),
    **viewset("postings_rules", "rules"),
    "postings_team_members": admin(kwargs=lambda w, side: {"pk": w.side(side).team.pk}, township_other=MISSING),
    "postings_report_teams": admin(),
    "postings_report_teams_results": admin(),
    "postings_report_ending": admin(),
    "postings_report_ending_results": admin(),
    "postings_report_presence": admin(),
    "postings_report_presence_results": admin(),
    "my-village": site(),
    "village-check-in": site(cadre=REDIRECT, method="post"),
    # An empty leave form is refused as such (400), which shows the cadre got past the gate.
    "village-leave": site(cadre=BAD, method="post"),
    # --- reports (issue 5) ------------------------------------------------------------------
    "reports_dashboard": admin(),
    "reports_courses": admin(),
    "reports_overdue": admin(),
    "reports_ranking": admin(),
    "reports_programme": admin(),
    "reports_cadre": admin(kwargs=cadre_of()),
    # GET is the confirmation stating how many cadres would be reminded; the POST that sends is
    # tested in tests/reports/test_remind_confirm.py.
    "reports_remind": admin(),
    # Export jobs are made by the reports themselves; asked here with an id that names none.
    "reports_export_job": admin(kwargs=NOTHING, officer=MISSING, admin=MISSING),
    "reports_export_job_status": admin(kwargs=NOTHING, officer=MISSING, admin=MISSING),
    "reports_export_job_download": admin(kwargs=NOTHING, officer=MISSING, admin=MISSING),
    # API tokens: administrators only, like `manage.py issue_api_token` (revoke asked with an id that names none).
    "reports_api_tokens": ADMIN_ONLY,
    "reports_api_token_add": ADMIN_ONLY,
    "reports_api_token_revoke": admin(trainer=DENIED, officer=DENIED, admin=MISSING, kwargs=NOTHING),
    "reports-api:openapi-json": everyone(),
    "reports-api:openapi-view": everyone(),
    "reports-api:api-root": everyone(MISSING),
    # The reports API takes API tokens, never a browser session (its scoping is tested in tests/reports).
    "reports-api:unit_completion": Entry(
        own=_roles(*[UNAUTHORISED] * 6), kwargs=lambda w, side: {"code": w.side(side).township.code}
    ),
    "reports-api:cadre_record": Entry(own=_roles(*[UNAUTHORISED] * 6), kwargs=cadre_of("cadre_id")),
    "reports-notifications": site(staff=OK),
    # --- records (issue 6) ------------------------------------------------------------------
    # Credit rules are site-wide: administrators only (asked with an id that names no rule).
    **viewset(
        "records_rule",
        None,
        with_copy=True,
        index=admin(officer=DENIED),
        index_results=admin(officer=DENIED),
        add=admin(officer=DENIED),
        **{
            action: admin(officer=NO, admin=MISSING, kwargs=NOTHING)
            for action in ("edit", "delete", "history", "history_results", "usage", "copy")
        },
    ),
    "records_claims": admin(),
    "records_claim": admin(kwargs=NOTHING, officer=MISSING, admin=MISSING),
    "records_certificates": admin(),
    # Only administrators revoke certificates.
    "records_certificate_revoke": admin(method="post", kwargs=NOTHING, officer=DENIED, admin=MISSING),
    "records_batches": admin(),
    "records_batch_zip": admin(officer=REDIRECT, admin=REDIRECT, method="post", kwargs=obj("batch")),
    "records_zip": admin(kwargs=NOTHING, officer=MISSING, admin=MISSING),
    "records_zip_status": admin(kwargs=NOTHING, officer=MISSING, admin=MISSING),
    "records_zip_download": admin(kwargs=NOTHING, officer=MISSING, admin=MISSING),
    "records:mine": site(),
    "records:mine-pdf": site(staff=MISSING),
    # A cadre's record: the cadre themself, and officers of their subtree.
    "records:cadres": Entry(own=_roles(LOGIN, DENIED, DENIED, OK, OK, OK)),
    "records:cadre": Entry(
        own=_roles(LOGIN, OK, NO, OK, OK, OK),
        other={"cadre": NO, "township": NO, "county": OK, "admin": OK},
        kwargs=cadre_of("cadre_id"),
    ),
    "records:cadre-pdf": Entry(
        own=_roles(LOGIN, OK, NO, OK, OK, OK),
        other={"cadre": NO, "township": NO, "county": OK, "admin": OK},
        kwargs=cadre_of("cadre_id"),
    ),
    "records:claims": site(),
    # Claims and certificates are asked about with ids that name none.
    "records:claim-proof": site(kwargs=NOTHING, cadre=MISSING, staff=MISSING),
    "records:certificate-issue": site(method="post", cadre=MISSING, staff=MISSING),
    "records:certificate-pdf": site(kwargs=lambda w, side: {"number": "NO-SUCH-NUMBER"}, cadre=MISSING, staff=MISSING),
    "records:verify-lookup": everyone(),
    "records:verify": Entry(own=_roles(*[MISSING_OR_OK] * 6), kwargs=lambda w, side: {"code": "NOSUCHCODE"}),
    # --- Wagtail's own pages that matter most: only administrators ----------------------------
    "wagtailusers_users:index": ADMIN_ONLY,
    "wagtailusers_groups:index": ADMIN_ONLY,
    "wagtailsites:index": ADMIN_ONLY,
    "wagtailredirects:index": ADMIN_ONLY,
    "wagtailadmin_workflows:index": ADMIN_ONLY,
    "wagtailadmin_reports:site_history": ADMIN_ONLY,
    "wagtailadmin_reports:site_history_results": ADMIN_ONLY,
    # Django's own test page for the admin's 404, and Wagtail's admin catch-all.
    "admin/test404/": admin(trainer=OK),
    "admin/^.*/$": WAGTAIL_GATE,
    # Wagtail's pages that must open without a login.
    "wagtailadmin_login": WAGTAIL_PUBLIC,
    "wagtailadmin_sprite": WAGTAIL_PUBLIC,
    "wagtailadmin_javascript_catalog": WAGTAIL_PUBLIC,
    "wagtailadmin_password_reset": WAGTAIL_PUBLIC,
    "wagtailadmin_password_reset_done": WAGTAIL_PUBLIC,
    "wagtailadmin_password_reset_confirm": WAGTAIL_PUBLIC,
    "wagtailadmin_password_reset_complete": WAGTAIL_PUBLIC,
    "wagtailcore_login": WAGTAIL_PUBLIC,
    # Public pages and documents (course material is public); the ids asked here name nothing.
    "wagtail_serve": Entry(own={"anon": MISSING, "cadre": MISSING}),
    "wagtaildocs_serve": Entry(own={"anon": MISSING, "cadre": MISSING}),
    "wagtaildocs_authenticate_with_password": Entry(own={"anon": MISSING, "cadre": MISSING}),
    "wagtailcore_authenticate_with_password": Entry(own={"anon": MISSING, "cadre": MISSING}),
}


# --- walking the URL configuration -------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route for an unnamed pattern
    route: str
    regex: bool
    module: str
    named: bool


def walk(patterns, prefix: str = "", namespace: str = "", regex: bool = False) -> Iterator[Pattern]:
    for pattern in patterns:
        is_regex = regex or isinstance(pattern.pattern, RegexPattern)
        if isinstance(pattern, URLResolver):
            ns = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns, is_regex)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "view_class", pattern.callback)
            key = namespace + pattern.name if pattern.name else prefix + str(pattern.pattern)
            route = prefix + str(pattern.pattern)
            yield Pattern(key, route, is_regex, getattr(view, "__module__", ""), bool(pattern.name))


def all_patterns() -> list[Pattern]:
    seen: dict[str, Pattern] = {}
    for pattern in walk(get_resolver().url_patterns):
        seen.setdefault(pattern.key, pattern)
    return list(seen.values())


def is_wagtails_own(pattern: Pattern) -> bool:
    """Wagtail's built-in URLs, but not snippet views Wagtail generates for our models."""
    name = pattern.key.split(":")[0]
    if not name.startswith("wagtail"):
        return False
    return not any(name.startswith(f"wagtailsnippets_{app}_") for app in OUR_APPS)


def entry_for(pattern: Pattern) -> Entry | None:
    if pattern.key in REGISTRY:
        return REGISTRY[pattern.key]
    if is_wagtails_own(pattern):
        return WAGTAIL_GATE
    return None


# --- asking ------------------------------------------------------------------------------------

_SAMPLE = {"int": "999999", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def url_for(pattern: Pattern, kwargs: dict | None) -> str:
    """The pattern's route with `kwargs` filled in; arguments not given name no object."""
    kwargs = kwargs or {}

    def fill(match: re.Match) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        return str(kwargs[name]) if name in kwargs else _SAMPLE.get(converter, "x")

    route = pattern.route
    if pattern.regex:
        route = re.sub(r"\(\?P<\w+>[^)]*\)|\([^)]*\)", "1", route)
        route = route.replace("^", "").replace("$", "").replace("\\", "").replace(".*", "x")
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


def outcome(response) -> str:
    code = response.status_code
    if 300 <= code < 400:
        path = urlparse(response["Location"]).path
        if path in {reverse("wagtailadmin_login"), reverse("login")}:
            return LOGIN
        if path == reverse("wagtailadmin_home"):
            return DENIED
        return REDIRECT
    if 200 <= code < 300:
        return OK
    return {400: BAD, 401: UNAUTHORISED, 403: DENIED, 404: MISSING, 405: METHOD, 409: CONFLICT}.get(code, str(code))


def ask(client: Client, method: str, url: str, data: dict) -> str:
    """The outcome of one request, made in a savepoint that is rolled back."""
    with transaction.atomic():
        if method == "post" and data and url.startswith("/api/"):
            import json

            response = client.post(url, json.dumps(data), content_type="application/json")
        else:
            response = getattr(client, method)(url, data)
        transaction.set_rollback(True)
    return outcome(response)


def matches(expected, got: str) -> bool:
    return got in expected if isinstance(expected, frozenset) else got == expected


def show(expected) -> str:
    return "|".join(sorted(expected)) if isinstance(expected, frozenset) else expected


# --- the tests -----------------------------------------------------------------------------------


def suggestion(pattern: Pattern) -> str:
    args = re.findall(r"<(?:\w+:)?(\w+)>", pattern.route)
    hint = f'kwargs=obj("<object>", "{args[0]}")' if args else ""
    if pattern.route.startswith("admin/"):
        return f'    "{pattern.key}": admin({hint}),  # /{pattern.route} ({pattern.module})'
    return f'    "{pattern.key}": site({hint}),  # /{pattern.route} ({pattern.module})'


def test_every_url_pattern_has_an_entry():
    missing = [p for p in all_patterns() if entry_for(p) is None]

    assert not missing, (
        f"{len(missing)} URL pattern(s) have no entry in REGISTRY of tests/security/test_authorisation_matrix.py. "
        "Decide who may open each and add it, for example:\n" + "\n".join(suggestion(p) for p in missing)
    )


def test_the_registry_names_no_url_that_does_not_exist():
    keys = {p.key for p in all_patterns()}

    assert sorted(set(REGISTRY) - keys) == []


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_registered(role):
    # A view that crashes is reported as "500" among the other mismatches, not raised.
    client = Client(raise_request_exception=False)
    world = build_world()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    session_cookie = client.cookies.get("sessionid")
    wrong = []
    for pattern in all_patterns():
        entry = entry_for(pattern)
        if entry is None or role not in entry.own:
            continue
        sides = ["own"] if entry.kwargs is None else ["own", "other"]
        for side in sides:
            expected = entry.own[role] if side == "own" else (entry.other or {}).get(role)
            if expected is None or (side == "other" and role not in OTHER_SIDE_ROLES):
                continue
            url = url_for(pattern, entry.kwargs(world, side) if entry.kwargs else None)
            data = entry.data(world, side) if callable(entry.data) else entry.data
            got = ask(client, entry.method, url, data)
            if user is not None and client.cookies.get("sessionid") != session_cookie:
                # Logging out (or in) replaced the session: log in again for the next URL.
                client.force_login(user)
                session_cookie = client.cookies.get("sessionid")
            if not matches(expected, got):
                wrong.append(
                    f"{pattern.key} [{side}] {entry.method.upper()} {url}: expected {show(expected)}, got {got}"
                )

    assert not wrong, f"{role}: {len(wrong)} URL(s) answered otherwise than registered:\n" + "\n".join(wrong)
