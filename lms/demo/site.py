"""The demo's Wagtail side: page tree, courses, announcements, trainer permissions and review workflow.

Every function finds what an earlier run created (by slug or name) and leaves it alone, so
edits made in the admin survive a second `load_demo_data`.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cadres.roles import ADMINISTRATOR_GROUP, TRAINER_GROUP, TRAINER_PAGE_PERMISSIONS, ensure_role_groups
from courses.models import CourseCategory, CourseIndexPage, CoursePage, LessonPage
from lms.demo import content
from lms.models import AnnouncementIndexPage, AnnouncementPage, HomeFeaturedCourse, HomePage

SITE_NAME = "尖兵"
COURSE_REVIEW_WORKFLOW = "课程审核"
NOTICE_REVIEW_WORKFLOW = "通知审核"
REVIEW_TASK_NAME = "管理员审核"
TRAINER_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)


def _publish(page: Page) -> Page:
    """Give a freshly added page a published revision, as if an editor had published it."""
    page.save_revision().publish(log_action=False)
    return page


def ensure_home_page() -> HomePage:
    """The HomePage at the top of the tree, served as the default site on localhost:80."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's installation leaves a placeholder "Welcome" page of the plain Page type
        # (with a Site pointing at it); replace it. Real pages of other types are kept.
        for placeholder in root.get_children().filter(content_type=ContentType.objects.get_for_model(Page)):
            placeholder.delete()
        root.refresh_from_db()  # treebeard reads the child count from the instance
        slug = "home" if not root.get_children().filter(slug="home").exists() else "jianbing"
        home = _publish(root.add_child(instance=HomePage(title=SITE_NAME, slug=slug, intro=content.HOME_INTRO)))
    if not Site.objects.filter(root_page=home).exists():
        Site.objects.exclude(hostname="localhost", port=80).update(is_default_site=False)
        Site.objects.update_or_create(
            hostname="localhost", port=80, defaults={"root_page": home, "is_default_site": True, "site_name": SITE_NAME}
        )
    return home


def ensure_course_index(home: HomePage) -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index is None:
        home.refresh_from_db()
        index = _publish(
            home.add_child(instance=CourseIndexPage(title="课程", slug="courses", intro=content.COURSE_INDEX_INTRO))
        )
    return index


def ensure_categories() -> dict[str, CourseCategory]:
    categories = {}
    for order, name in enumerate(content.CATEGORIES, start=1):
        categories[name], _ = CourseCategory.objects.get_or_create(name=name, defaults={"sort_order": order})
    return categories


def ensure_courses(index: CourseIndexPage, categories: dict[str, CourseCategory]) -> dict[str, CoursePage]:
    """The eight demo courses with their lessons, by slug; an existing course is not touched."""
    existing = {c.slug: c for c in CoursePage.objects.child_of(index)}
    courses = {}
    for spec in content.COURSES:
        course = existing.get(spec.slug)
        if course is None:
            index.refresh_from_db()
            course = CoursePage(
                title=spec.title,
                slug=spec.slug,
                summary=spec.summary,
                category=categories[spec.category],
                credit_hours=spec.credit_hours,
                is_required=spec.is_required,
            )
            course.tags.add(*spec.tags)
            course = _publish(index.add_child(instance=course))
            for lesson in spec.lessons:
                course.refresh_from_db()
                _publish(
                    course.add_child(
                        instance=LessonPage(
                            title=lesson.title,
                            slug=lesson.slug,
                            minutes=lesson.minutes,
                            body=content.stream_data(lesson.body),
                        )
                    )
                )
        courses[spec.slug] = course
    return courses


def ensure_featured_courses(home: HomePage, courses: dict[str, CoursePage]) -> None:
    if home.featured_courses.exists():
        return
    home = HomePage.objects.get(pk=home.pk)
    home.featured_courses = [
        HomeFeaturedCourse(course=courses[slug], sort_order=order)
        for order, slug in enumerate(content.FEATURED_COURSE_SLUGS)
        if slug in courses
    ]
    # Through a revision, so the admin editor (which opens the latest revision) shows them too.
    _publish(home)


def ensure_announcements(home: HomePage, *, today: date) -> AnnouncementIndexPage:
    index = AnnouncementIndexPage.objects.first()
    if index is None:
        home.refresh_from_db()
        index = _publish(
            home.add_child(
                instance=AnnouncementIndexPage(title="通知公告", slug="notices", intro=content.NOTICE_INDEX_INTRO)
            )
        )
    existing = set(AnnouncementPage.objects.child_of(index).values_list("slug", flat=True))
    for notice in content.announcements(today.year):
        if notice.slug in existing:
            continue
        index.refresh_from_db()
        body = "".join(f"<p>{escape(p)}</p>" for p in notice.paragraphs)
        when = max(date(today.year, 1, 1), today - timedelta(days=notice.days_ago))
        _publish(index.add_child(instance=AnnouncementPage(title=notice.title, slug=notice.slug, date=when, body=body)))
    return index


def ensure_trainer_permissions(home: HomePage) -> None:
    """Trainers edit every page below the home page and upload images and documents."""
    trainers = ensure_role_groups()[TRAINER_GROUP]
    page_permissions = Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(Page), codename__in=TRAINER_PAGE_PERMISSIONS
    )
    for permission in page_permissions:
        GroupPagePermission.objects.get_or_create(group=trainers, page=home, permission=permission)
    root_collection = Collection.get_first_root_node()
    for app_label, codename in TRAINER_COLLECTION_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        GroupCollectionPermission.objects.get_or_create(
            group=trainers, collection=root_collection, permission=permission
        )


def ensure_review_workflows(*, course_index: CourseIndexPage, notices: AnnouncementIndexPage) -> None:
    """Trainers submit, a system administrator approves: 课程审核 for courses, 通知审核 for announcements.

    Without these, Wagtail's default "Moderators approval" (set on the root page) would send
    trainers' work to the empty Moderators group.
    """
    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK_NAME)
        task.groups.set([Group.objects.get(name=ADMINISTRATOR_GROUP)])
    for name, page in ((COURSE_REVIEW_WORKFLOW, course_index), (NOTICE_REVIEW_WORKFLOW, notices)):
        workflow, _ = Workflow.objects.get_or_create(name=name)
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
        WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": workflow})
