import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
application = get_wsgi_application()

# Under gunicorn --preload this runs in the master, before the workers are forked (lms/warmup.py).
from lms.warmup import warm_up  # noqa: E402

warm_up()
