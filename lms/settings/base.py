"""Settings shared by every environment. Environment-specific files import from here."""

import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    "core",
    "lms",
    "cadres",
    "courses",
    "postings",
    "rotations",
    "quizzes",
    "reports",
    "records",
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    # The database task queue's tables exist everywhere so any deployment can switch to it.
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lms.middleware.ContentSecurityPolicyMiddleware",
    "lms.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lms.bad_input.RejectNulCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "lms.middleware.PasswordChangeRequiredMiddleware",
    # Last, so it sees the login views' responses and turns a lockout into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "lms.wsgi.application"

# SQLite is the embedded default. WAL lets readers work while one writer writes; the busy
# timeout and IMMEDIATE transactions make a second writer wait for the lock instead of
# failing with "database is locked" halfway through its transaction.
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_from_env(default_sqlite_path: Path) -> dict:
    """DATABASE_URL selects the database; without it, a SQLite file in the project."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite_path)}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    return config


DATABASES = {"default": database_from_env(BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out login before the password is even checked. Both load the session's
    # user with its cadres.Account joined, for the password-change hold (lms.middleware).
    "cadres.backends.ThrottledBackend",
    "cadres.backends.PasswordBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "cadres.passwords.LettersAndDigitsValidator"},
]

# Login throttling (django-axes, see lms.throttling): five wrong passwords for one login from
# one address lock that login from that address for 15 minutes; AXES_ADDRESS_FAILURE_LIMIT
# wrong passwords from one address, whatever the logins, lock the address (password spraying).
# The address limit is higher because a whole township office shares one address. Nobody can
# lock a named account from another address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]
AXES_HANDLER = "lms.throttling.AddressAndLoginHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
# Behind the load balancer the client address is the last one it appends to X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Activation codes on the slips officers print (cadres.activation): days they stay valid, and
# wrong tries the activation page takes per address and per ID number in ACTIVATION_WINDOW_MINUTES.
ACTIVATION_CODE_DAYS = int(os.environ.get("ACTIVATION_CODE_DAYS", "30"))
ACTIVATION_ADDRESS_FAILURE_LIMIT = int(os.environ.get("ACTIVATION_ADDRESS_FAILURE_LIMIT", "20"))
ACTIVATION_ID_FAILURE_LIMIT = int(os.environ.get("ACTIVATION_ID_FAILURE_LIMIT", "5"))
ACTIVATION_WINDOW_MINUTES = int(os.environ.get("ACTIVATION_WINDOW_MINUTES", "15"))

# Sessions end after eight hours whatever happens, and when the browser closes on shared
# computers is not assumed: cadres study on their own phones.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy, sent by lms.middleware on every response that has none. Inline
# styles are allowed for Wagtail's admin; scripts come from this origin only.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self' https:",
        "frame-ancestors 'self'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home-redirect"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static_src"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"
# Claim proofs, report exports, certificate bundles and roster uploads: outside MEDIA_ROOT and
# never mapped to a URL; only views that check who asks serve them (lms/private_files.py).
PRIVATE_MEDIA_ROOT = BASE_DIR / "private"
# "/_private/" hands private downloads to nginx's `internal` location of that name
# (X-Accel-Redirect) instead of streaming them through Django; empty streams them.
PRIVATE_MEDIA_ACCEL_REDIRECT = ""

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "lms.private_files.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "jianbing_cache",
    }
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Documents are always served through Django, which adds Content-Disposition, nosniff and a
# "default-src 'none'" policy, so an uploaded HTML or SVG file can never run as a page.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Roster files above this size are refused before they are parsed.
ROSTER_MAX_UPLOAD_BYTES = 20 * 1024 * 1024

WAGTAIL_SITE_NAME = "尖兵 · 干部教育培训平台"
# Servers do not call out to wagtail.org for releases (government networks rarely allow it, and
# the failed check left an English "upgrade available" panel with no version on the dashboard).
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Links that leave the site (certificate QR codes) start with the configured address when there
# is one, else with the address the request came in on (lms/base_url.py).
SITE_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "").rstrip("/")
# Wagtail's own fallback, and ours for work started without a request: where `make run` serves.
WAGTAILADMIN_BASE_URL = SITE_BASE_URL or "http://{}:{}".format(
    os.environ.get("JIANBING_HOST", "127.0.0.1"), os.environ.get("JIANBING_PORT", "8000")
)
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_USER_LOGIN_FORM = "lms.admin_forms.AdminLoginForm"
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAIL_WORKFLOW_ENABLED = True
# A course goes live only once its lessons are live (courses.review, courses.workflow_finish).
WAGTAIL_FINISH_WORKFLOW_ACTION = "courses.workflow_finish.publish_workflow_state"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "txt", "mp4", "webm", "mp3"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 500 * 1024 * 1024
WAGTAILEMBEDS_RESPONSIVE_HTML = True

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "尖兵培训平台 <noreply@jianbing.local>"

# Tasks run in-process in the embedded set-up; production points this at a real queue.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"jianbing": {"level": "INFO"}},
}

# A cadre added to the roster after a required course was assigned has this many days from
# the day they joined (or the assignment's own due date, if later): see courses/due_dates.py.
REQUIRED_COURSE_GRACE_DAYS = int(os.environ.get("REQUIRED_COURSE_GRACE_DAYS", "30"))
