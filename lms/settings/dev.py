from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "django-insecure-dev-only-jianbing"  # noqa: S105 - development settings only
ALLOWED_HOSTS = ["*"]

# Serve static files through whitenoise under runserver too, as in production.
INSTALLED_APPS = ["whitenoise.runserver_nostatic", *INSTALLED_APPS]  # noqa: F405
