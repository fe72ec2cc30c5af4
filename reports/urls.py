"""Site URLs of the reports app: the read-only API under /api/v1/ and the cadre's notifications."""

from django.urls import path

from reports import site_views
from reports.api import api

# No app namespace: django-ninja reverses its own "reports-api" namespace from the root.
urlpatterns = [
    path("api/v1/", api.urls),
    path("notifications/", site_views.notifications, name="reports-notifications"),
]
