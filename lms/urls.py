from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.documents import urls as wagtaildocs_urls

from cadres import activation_views
from courses import views as course_views
from lms import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # The site-wide audit log names people of every subtree: administrators only (these two
    # shadow Wagtail's own routes, which officers holding any model permission could open).
    path("admin/reports/site-history/", views.administrators_only(LogEntriesView.as_view()), name="audit-log"),
    path(
        "admin/reports/site-history/results/",
        views.administrators_only(LogEntriesView.as_view(results_only=True)),
        name="audit-log-results",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/start/", views.home_redirect, name="home-redirect"),
    path("accounts/activate/", activation_views.activate, name="account-activate"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("me/", course_views.my_learning, name="my-learning"),
    path("search/", course_views.search, name="search"),
    path("api/v1/lessons/<int:lesson_id>/heartbeat", course_views.heartbeat, name="lesson-heartbeat"),
    path("", include("quizzes.urls")),
    path("rotations/", include("rotations.urls")),
    path("village/", include("postings.urls")),
    path("", include("reports.urls")),
    path("", include("records.urls")),
]

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    # Development and the demo only (lms.settings.dev): production serves media elsewhere.
    from lms.private_files import serve_media

    # Only MEDIA_ROOT: private files live outside it and have no URL (lms/private_files.py).
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT})]

urlpatterns += [path("", include(wagtail_urls))]

handler403 = "lms.views.permission_denied"
handler404 = "lms.views.page_not_found"
handler500 = "lms.views.server_error"
