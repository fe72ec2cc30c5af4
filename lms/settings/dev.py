from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "django-insecure-dev-only-jianbing"  # noqa: S105 - development settings only
ALLOWED_HOSTS = ["*"]
