from wagtail import hooks

from courses import review
from courses.admin_views import RequirementViewSet


@hooks.register("register_admin_viewset")
def register_requirement_viewset():
    return RequirementViewSet()


hooks.register("before_edit_page", review.before_edit_page)
hooks.register("before_publish_page", review.before_publish_page)
hooks.register("before_bulk_action", review.before_bulk_action)
