from wagtail import hooks

from courses.admin_views import RequirementViewSet


@hooks.register("register_admin_viewset")
def register_requirement_viewset():
    return RequirementViewSet()
