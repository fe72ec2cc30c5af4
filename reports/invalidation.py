"""Summary rows are a cache of the roster and the requirements too; these receivers invalidate it.

Signals are kept to cache invalidation (CONTRIBUTING): a changed cadre is recomputed at once
(a handful of queries); a changed requirement, a course (un)published or a finished roster
import queue a recompute of the subtree concerned once the change is committed. What no
signal announces waits for the nightly `manage.py rebuild_summaries` (a bulk update from the
shell), unless its code calls the hook: a unit moved in the tree calls `reports.hooks.unit_moved`,
and a unit created in front of its siblings queues a refresh of its parent's subtree.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django_tasks.signals import task_finished
from wagtail.signals import page_published, page_unpublished

from cadres.models import Cadre
from courses.models import CoursePage, Requirement

ROSTER_IMPORT_TASK = "cadres.tasks.run_roster_import"


def _refresh_subtree_later(*paths: str) -> None:
    from reports.tasks import refresh_subtree

    for path in set(paths):
        transaction.on_commit(lambda path=path: refresh_subtree.enqueue(unit_path=path))


def cadre_saved(sender, instance: Cadre, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    from reports.summaries import summaries_refresh

    summaries_refresh(cadre_ids=[instance.pk])


def unit_created(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    """A new unit sorted in among its siblings shifts the paths of those after it (the tree keeps
    children in code order), and summaries and rollups are keyed by path: refresh the parent's subtree."""
    if raw or not created or instance.depth <= 1:
        return
    parent_path = instance.path[: -instance.steplen]
    if (
        type(instance)
        .objects.filter(path__startswith=parent_path, depth=instance.depth, path__gt=instance.path)
        .exists()
    ):
        _refresh_subtree_later(parent_path)


def requirement_changed(sender, instance: Requirement, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    from cadres.models import OrgUnit

    path = OrgUnit.objects.filter(pk=instance.unit_id).values_list("path", flat=True).first()
    if path:
        _refresh_subtree_later(path)


def course_published_or_not(sender, instance, **kwargs) -> None:
    if not isinstance(instance.specific_deferred, CoursePage):
        return
    paths = Requirement.objects.filter(course_id=instance.pk).values_list("unit__path", flat=True)
    _refresh_subtree_later(*paths)


def roster_import_finished(sender, task_result, **kwargs) -> None:
    if task_result.task.module_path != ROSTER_IMPORT_TASK:
        return
    from cadres.models import ImportJob

    job_id = task_result.kwargs.get("job_id")
    path = ImportJob.objects.filter(pk=job_id).values_list("unit__path", flat=True).first()
    if path:
        from reports.tasks import refresh_subtree

        refresh_subtree.enqueue(unit_path=path)


def connect() -> None:
    post_save.connect(cadre_saved, sender=Cadre, dispatch_uid="reports_cadre_saved")
    from cadres.models import OrgUnit

    post_save.connect(unit_created, sender=OrgUnit, dispatch_uid="reports_unit_created")
    post_save.connect(requirement_changed, sender=Requirement, dispatch_uid="reports_requirement_saved")
    post_delete.connect(requirement_changed, sender=Requirement, dispatch_uid="reports_requirement_deleted")
    page_published.connect(course_published_or_not, dispatch_uid="reports_course_published")
    page_unpublished.connect(course_published_or_not, dispatch_uid="reports_course_unpublished")
    task_finished.connect(roster_import_finished, dispatch_uid="reports_roster_import_finished")
