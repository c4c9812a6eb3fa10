"""Linli settings: one module, driven by the environment (see README, "Configuration")."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("LINLI_DATA_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# A fixed key is only acceptable for a laptop demo; production must set SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or "linli-insecure-development-key-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "linli.core",
    "linli.people",
    "linli.places",
    "linli.triage",
    "linli.workorders",
    "linli.fees",
    "linli.assembly",
    "linli.volunteers",
    "linli.care",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "linli.core.context_processors.linli",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'linli.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the server read while an import or seed writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# The work-order indexes carry INCLUDE columns for PostgreSQL (index-only counts); SQLite builds them without,
# which is what we want, so its warning is silenced.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "people.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "linli.people.api_auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["linli.core.api.IsMember"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Linli (邻里) API",
    "DESCRIPTION": "Registry of divisions, estates, buildings, homes and the people in them. "
    "Every read is limited to what the caller serves.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Offline: Swagger UI and Redoc are served from the sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

LINLI_SITE_NAME = _("邻里")

# Work orders (接诉即办). Notification backends: the in-app inbox by default; add
# "linli.workorders.notify.SmsBackend" / "…WeChatTemplateBackend" / "…LoggingBackend" as needed.
LINLI_NOTIFICATION_BACKENDS = [
    b.strip() for b in os.environ.get("LINLI_NOTIFICATION_BACKENDS", "linli.workorders.notify.InboxBackend").split(",")
    if b.strip()
]
# The public address printed in QR-code posters (e.g. https://linli.example.gov.cn); empty = the address the
# poster was downloaded from.
LINLI_PUBLIC_URL = os.environ.get("LINLI_PUBLIC_URL", "")
# Run the deadline sweep inside `runserver` (the one-command demo); production runs `linli worker`.
LINLI_INPROCESS_WORKER = env_bool("LINLI_INPROCESS_WORKER", True)
# Rates (响应率/解决率/满意率): 基本满意 counts at this weight; the overall score weighs the three rates.
LINLI_SATISFACTION_BASIC_WEIGHT = os.environ.get("LINLI_SATISFACTION_BASIC_WEIGHT", "0.8")
LINLI_SCORE_WEIGHTS = {"response": "0.10", "resolution": "0.45", "satisfaction": "0.45"}

# --- issue 12: auth settings (owned by that part; keep other parts' settings out) ---
# --- end of issue 12: auth settings ---

# --- issue 12: uploads settings (owned by that part; keep other parts' settings out) ---
# --- end of issue 12: uploads settings ---

# --- issue 12: public settings (owned by that part; keep other parts' settings out) ---
# --- end of issue 12: public settings ---

# --- issue 12: exports settings (owned by that part; keep other parts' settings out) ---
# --- end of issue 12: exports settings ---

# --- issue 12: authz settings (owned by that part; keep other parts' settings out) ---
# --- end of issue 12: authz settings ---

# --- issue 12: fuzz settings (owned by that part; keep other parts' settings out) ---
# Enum names in the OpenAPI schema where two choice sets share a field name ("level"): the division's keeps its
# old name; the work order's and the meeting's get their own, so that their real values can be listed.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "LevelEnum": "linli.places.models.Division.Level",
    "WorkOrderLevelEnum": "linli.workorders.models.Level",
    "AssemblyLevelEnum": "linli.assembly.models.Level",
}
# Request bodies get their own components: read-only fields are left out of them and required text is non-blank
# (minLength 1), so that what the schema calls valid is what the API accepts.
SPECTACULAR_SETTINGS["COMPONENT_SPLIT_REQUEST"] = True
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "linli.core.schema.tighten_decimals",
]
# Lists page with bounds on ?limit= and ?offset= (DRF's own class has none; a huge one was a 500).
REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "linli.core.paging.BoundedLimitOffsetPagination"
# Filters built from filterset_fields refuse keys beyond 64 bits (the database driver raised on them: a 500).
REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"] = ["linli.core.api.FilterBackend"]
# --- end of issue 12: fuzz settings ---
