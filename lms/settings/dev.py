import os

from .base import *  # noqa: F403

# The demo (`make run`) shows the site's own error pages, never Django's technical pages with
# their list of every URL; a developer who wants those asks with DJANGO_DEBUG=1.
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
# runserver serves uploaded files (course covers, documents) itself, with or without DEBUG.
SERVE_MEDIA = True
SECRET_KEY = "django-insecure-dev-only-jianbing"  # noqa: S105 - development settings only
ALLOWED_HOSTS = ["*"]

# Serve static files through whitenoise under runserver too, as in production.
INSTALLED_APPS = ["whitenoise.runserver_nostatic", *INSTALLED_APPS]  # noqa: F405
