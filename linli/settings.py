"""Linli settings: one module, driven by the environment (see README, "Configuration")."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from linli.core.crypto import installation_secret_key, weak_secret_key

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("LINLI_DATA_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number") from exc


# A production installation (see docs/deploy.md): settings refuse to start unsafe, and the defaults below
# turn secure cookies, HTTPS redirect and HSTS on.
LINLI_PRODUCTION = env_bool("LINLI_PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)
# Without SECRET_KEY a random key is made once per installation and kept in LINLI_DATA_DIR/secret_key (0600),
# so `make run` needs no configuration and no two installations share a key. Production sets SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or ("" if LINLI_PRODUCTION else installation_secret_key(DATA_DIR))
SECRET_KEY_FALLBACKS = [k.strip() for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()]
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
    "axes",
    "csp",
    "linli.core",
    "linli.people",
    "linli.places",
    "linli.notify",
    "linli.triage",
    "linli.workorders",
    "linli.meetings",
    "linli.fees",
    "linli.assembly",
    "linli.volunteers",
    "linli.services",
    "linli.care",
    "linli.dashboard",
    "linli.residents",
    "linli.facilities",
    "linli.repairfund",
    "linli.renovation",
]

MIDDLEWARE = [
    "linli.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "linli.people.middleware.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "linli.core.middleware.ApiNoStoreMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a sign-in refused for lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
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
        # With persistent connections, check one before reusing it, so that the first request after a database
        # restart reconnects instead of failing (make deploy-check, fault (a)).
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
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
# 等保 2.0: length, three kinds of character, no common or look-alike passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "linli.people.passwords.MinimumLengthValidator",
     "OPTIONS": {"min_length": max(8, env_int("LINLI_PASSWORD_MIN_LENGTH", 10))}},
    {"NAME": "linli.people.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes counts failed sign-ins (per account and per address) in the database, so every process shares them.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", LINLI_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Sessions end after this much inactivity (linli.people.middleware.SessionIdleMiddleware): staff (any role but
# resident, and admins) after LINLI_SESSION_IDLE_MINUTES, residents after LINLI_RESIDENT_SESSION_IDLE_MINUTES.
LINLI_SESSION_IDLE_MINUTES = env_int("LINLI_SESSION_IDLE_MINUTES", 30)
LINLI_RESIDENT_SESSION_IDLE_MINUTES = env_int("LINLI_RESIDENT_SESSION_IDLE_MINUTES", 3 * 24 * 60)
SESSION_COOKIE_AGE = 60 * max(LINLI_SESSION_IDLE_MINUTES, LINLI_RESIDENT_SESSION_IDLE_MINUTES)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "linli.people.api_auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["linli.core.permissions.IsMember"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "linli.core.api.AutoSchema",
    # One error shape for the whole API (docs/api.md, "Errors").
    "EXCEPTION_HANDLER": "linli.core.api.exception_handler",
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

# Logs (issue 14): every record carries the request id (linli/core/requestid.py) and, in a task, the task's name
# and id. LINLI_LOG_FORMAT=json writes one JSON object per line (production: journald, Loki, ELK); plain text else.
LINLI_LOG_FORMAT = os.environ.get("LINLI_LOG_FORMAT", "text").strip().lower()
if LINLI_LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LINLI_LOG_FORMAT must be text or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "linli.core.requestid.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "linli.core.requestid.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                             "formatter": LINLI_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
# The Celery worker keeps this configuration instead of replacing the root logger's handlers with its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

LINLI_SITE_NAME = _("邻里")

# Notifications (linli.notify, docs/notifications.md): the channel class for each outside channel, by dotted path.
# Unset = the log channel for SMS and WeChat (writes a masked line) and Django's mail for e-mail.
LINLI_NOTIFY_CHANNELS = {name: path for name, path in (
    ("sms", os.environ.get("LINLI_NOTIFY_SMS", "")), ("wechat", os.environ.get("LINLI_NOTIFY_WECHAT", "")),
    ("email", os.environ.get("LINLI_NOTIFY_EMAIL", ""))) if path}
# The public address printed in QR-code posters (e.g. https://linli.example.gov.cn); empty = the address the
# poster was downloaded from.
LINLI_PUBLIC_URL = os.environ.get("LINLI_PUBLIC_URL", "")
# Run the beat schedule inside `runserver` (the one-command demo: linli/notify/inprocess.py); production runs
# `celery -A linli beat` (docs/tasks.md).
LINLI_INPROCESS_WORKER = env_bool("LINLI_INPROCESS_WORKER", not LINLI_PRODUCTION)
# Rates (响应率/解决率/满意率): 基本满意 counts at this weight; the overall score weighs the three rates.
LINLI_SATISFACTION_BASIC_WEIGHT = os.environ.get("LINLI_SATISFACTION_BASIC_WEIGHT", "0.8")
LINLI_SCORE_WEIGHTS = {"response": "0.10", "resolution": "0.45", "satisfaction": "0.45"}
# The Chinese font the PDF reports embed (.ttf, .otf or .ttc); empty: found among the usual places
# (linli/dashboard/reports/fonts.py, docs/dashboard-reports.md). Never replaced by a font without Chinese glyphs.
LINLI_PDF_FONT = os.environ.get("LINLI_PDF_FONT", "")

# --- issue 12: auth settings (owned by that part; keep other parts' settings out) ---
# Payment gateways (linli.fees.services.PaymentGateway subclasses, by dotted path). The sandbox gateway marks bills
# paid on a signed callback: for the demo and tests only (`make run` turns it on).
LINLI_PAYMENT_GATEWAYS = [g.strip() for g in os.environ.get("LINLI_PAYMENT_GATEWAYS", "").split(",") if g.strip()]
LINLI_PAYMENT_SANDBOX = env_bool("LINLI_PAYMENT_SANDBOX", False)

# Sign-in lockout (django-axes): after LINLI_LOGIN_FAILURE_LIMIT failures for one account, or from one address,
# sign-in is refused for LINLI_LOGIN_LOCKOUT_MINUTES. A success clears the count.
AXES_FAILURE_LIMIT = env_int("LINLI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LINLI_LOGIN_LOCKOUT_MINUTES", 15))
# Accounts lock after AXES_FAILURE_LIMIT failures. Addresses are counted apart with a higher limit (an office behind one
# NAT address must not be locked out by one colleague's typos): LINLI_LOGIN_ADDRESS_FAILURE_LIMIT failures per
# cool-off window from one address lock that address (linli.people.views_account, counted in the shared cache).
AXES_LOCKOUT_PARAMETERS = ["username"]
LINLI_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LINLI_LOGIN_ADDRESS_FAILURE_LIMIT", 30)
# axes.W006 asks for ip_address among axes' parameters; addresses are limited by Linli's own counter above instead.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "linli.people.views_account.lockout_response"
# The lockout runs from the failure that caused it; further tries do not extend it (or an attacker could keep
# a resident locked out for ever), they are refused and audited.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # sign-ins and sign-outs go to Linli's own audit log (people.AuditEvent)
AXES_VERBOSE = False
# Behind a reverse proxy: how many proxies of our own stand in front (each appends to X-Forwarded-For). The
# client address is then read from that header (linli.core.middleware.TrustedProxyMiddleware); 0 = REMOTE_ADDR.
LINLI_TRUSTED_PROXIES = env_int("LINLI_TRUSTED_PROXIES", 0)

# HTTPS (on by default under LINLI_PRODUCTION). SECURE_PROXY_SSL_HEADER only when the proxy sets X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", LINLI_PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if LINLI_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): nothing inline, nothing from another origin. The API docs pages widen
# style-src for themselves only (linli/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

if LINLI_PRODUCTION:
    # Refuse to start rather than run unsafe: each of these is a way in for anyone who reads the source.
    _unsafe = []
    if not os.environ.get("SECRET_KEY"):
        _unsafe.append("SECRET_KEY is not set")
    elif weak_secret_key(SECRET_KEY):
        _unsafe.append("SECRET_KEY is a known or short key (use 50+ random characters)")
    if DEBUG:
        _unsafe.append("DEBUG is on")
    if LINLI_PAYMENT_SANDBOX:
        _unsafe.append("LINLI_PAYMENT_SANDBOX is on")
    if "*" in ALLOWED_HOSTS:
        _unsafe.append("ALLOWED_HOSTS contains *")
    if _unsafe:
        raise ImproperlyConfigured("LINLI_PRODUCTION is on but " + "; ".join(_unsafe) + " (see docs/deploy.md)")
# --- end of issue 12: auth settings ---

# --- issue 12: uploads settings (owned by that part; keep other parts' settings out) ---
# Every upload goes through linli/core/uploads.py (docs/deploy.md, "Uploads"). Caps per kind, in MB:
LINLI_UPLOAD_MAX_IMAGE_MB = int(os.environ.get("LINLI_UPLOAD_MAX_IMAGE_MB", "10"))  # photos
LINLI_UPLOAD_MAX_DOCUMENT_MB = int(os.environ.get("LINLI_UPLOAD_MAX_DOCUMENT_MB", "20"))  # attachments, scans
LINLI_UPLOAD_MAX_AUDIO_MB = int(os.environ.get("LINLI_UPLOAD_MAX_AUDIO_MB", "10"))  # voice notes
LINLI_UPLOAD_MAX_SHEET_MB = int(os.environ.get("LINLI_UPLOAD_MAX_SHEET_MB", "20"))  # .xlsx/.csv imports
# Checked from the image header before any decoding (a 12 KB PNG can hold 10000×10000 pixels).
LINLI_UPLOAD_MAX_PIXELS = int(os.environ.get("LINLI_UPLOAD_MAX_PIXELS", "50000000"))
# .xlsx/.docx: checked on the zip's table of contents before openpyxl unpacks anything.
LINLI_UPLOAD_MAX_UNZIPPED_MB = int(os.environ.get("LINLI_UPLOAD_MAX_UNZIPPED_MB", "100"))
LINLI_UPLOAD_MAX_ZIP_RATIO = int(os.environ.get("LINLI_UPLOAD_MAX_ZIP_RATIO", "100"))
LINLI_UPLOAD_MAX_SHARED_STRINGS_MB = int(os.environ.get("LINLI_UPLOAD_MAX_SHARED_STRINGS_MB", "20"))
LINLI_UPLOAD_MAX_CELL_CHARS = int(os.environ.get("LINLI_UPLOAD_MAX_CELL_CHARS", "32767"))
# Django's own caps: form fields and JSON bodies held in memory; larger files spill to a temporary file; the
# number of files in one request. The size of a whole request is capped at the web server (client_max_body_size).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(10 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("FILE_UPLOAD_MAX_MEMORY_SIZE", str(5 * 1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FILES = int(os.environ.get("DATA_UPLOAD_MAX_NUMBER_FILES", "20"))
# --- end of issue 12: uploads settings ---

# --- issue 12: public settings (owned by that part; keep other parts' settings out) ---
# The cache holds the rate-limit counters of anonymous writes, so every process must share it: Redis in production
# (REDIS_URL or CACHE_URL, e.g. redis://127.0.0.1:6379/1), else a table in the database, which `linli migrate`
# creates (linli/core/migrations/0001_cache_table.py) so that `make run` needs no configuration.
_CACHE_URL = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL", "")
if _CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL,
                          "KEY_PREFIX": "linli"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "linli_cache"}}
# The dashboard keeps a user's overview this many seconds per process, keyed by the summary's last run (0: never;
# docs/dashboard-overview.md).
LINLI_DASHBOARD_MEMO_SECONDS = int(os.environ.get("LINLI_DASHBOARD_MEMO_SECONDS", "60"))
# Limits of anonymous writes per client address ("count/period", period s, m, h or d; empty = no limit). Every
# attempt counts, a refused or invalid one too. See linli/core/ratelimit.py and docs/deploy.md.
LINLI_RATELIMIT_REPORT = os.environ.get("LINLI_RATELIMIT_REPORT", "10/h")  # the resident's H5 report page
LINLI_RATELIMIT_OPEN311 = os.environ.get("LINLI_RATELIMIT_OPEN311", "120/h")  # Open311 POST requests
LINLI_RATELIMIT_CALLBACK = os.environ.get("LINLI_RATELIMIT_CALLBACK", "120/h")  # payment gateway callbacks
# A volunteer's personal visit link (care): wrong, expired or revoked tokens and every write count.
LINLI_RATELIMIT_CARE_LINK = os.environ.get("LINLI_RATELIMIT_CARE_LINK", "10/h")
# django-ratelimit: counters in the cache above, per REMOTE_ADDR (behind a proxy, LINLI_TRUSTED_PROXIES makes that
# the client's address for the limits, the sign-in lockout and the audit log alike).
RATELIMIT_USE_CACHE = "default"
# A cache that is down lets reports through (and logs an error) rather than closing the complaint channel.
RATELIMIT_FAIL_OPEN = True
# --- end of issue 12: public settings ---

# --- issue 12: exports settings (owned by that part; keep other parts' settings out) ---
# Personal-data retention (PIPL art. 19: kept no longer than needed), in days; `linli retention` applies them
# (docs/deploy.md, "Exports, audit log and personal-data retention"). 0 turns a kind off (kept for ever).
LINLI_RETAIN_WORKORDER_CONTACT_DAYS = int(os.environ.get("LINLI_RETAIN_WORKORDER_CONTACT_DAYS", "1095"))
LINLI_RETAIN_CARE_DAYS = int(os.environ.get("LINLI_RETAIN_CARE_DAYS", "730"))
LINLI_RETAIN_ACCESS_LOG_DAYS = int(os.environ.get("LINLI_RETAIN_ACCESS_LOG_DAYS", "1095"))
# At least 180: the Cybersecurity Law (网络安全法 art. 21) asks for network logs of six months or more.
LINLI_RETAIN_AUDIT_LOG_DAYS = int(os.environ.get("LINLI_RETAIN_AUDIT_LOG_DAYS", "1095"))
LINLI_RETAIN_REVOKED_APIKEY_DAYS = int(os.environ.get("LINLI_RETAIN_REVOKED_APIKEY_DAYS", "365"))
# django-axes' failed sign-in counts (a username and an address each): needed only while they can lock an account.
LINLI_RETAIN_SIGNIN_ATTEMPT_DAYS = int(os.environ.get("LINLI_RETAIN_SIGNIN_ATTEMPT_DAYS", "30"))
# --- end of issue 12: exports settings ---

# --- issue 12: authz settings (owned by that part; keep other parts' settings out) ---
# API keys that stand for a superuser are refused (at creation and on use) unless this is on AND the key was
# created with `linli apikey create … --allow-superuser`.
LINLI_APIKEY_ALLOW_SUPERUSER = env_bool("LINLI_APIKEY_ALLOW_SUPERUSER", False)
# --- end of issue 12: authz settings ---

# --- issue 12: fuzz settings (owned by that part; keep other parts' settings out) ---
# Enum names in the OpenAPI schema where two choice sets share a field name ("level"): the division's keeps its
# old name; the work order's and the meeting's get their own, so that their real values can be listed.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "LevelEnum": "linli.places.models.Division.Level",
    "WorkOrderLevelEnum": "linli.workorders.models.Level",
    "AssemblyLevelEnum": "linli.assembly.models.Level",
    "ManagerModeEnum": "linli.assembly.models.MANAGER_MODES",  # a motion's chosen way of management (issue 15)
    "StewardshipModeEnum": "linli.places.models.Stewardship.Mode",
    "PropertyKindEnum": "linli.repairfund.models.PropertyKind",  # a fund share's kind of property (Beijing art. 86)
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
REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"] = ["linli.core.filters.FilterBackend"]
# --- end of issue 12: fuzz settings ---

# --- issue 14: ops settings (owned by that part; keep other parts' settings out) ---
# Request ids first (every later line of the request logs with it), then the health checks, answered before the
# HTTPS redirect, the host check, the session and the CSP (linli/core/health.py; a balancer probes by address).
MIDDLEWARE = ["linli.core.requestid.RequestIdMiddleware", "linli.core.health.HealthCheckMiddleware", *MIDDLEWARE]
LINLI_READYZ_TIMEOUT = float(os.environ.get("LINLI_READYZ_TIMEOUT", "2"))  # seconds for the broker's answer
# Redis down must not stop intake (linli/core/cache.py): the Redis cache answers misses while Redis cannot be
# reached, waiting at most LINLI_CACHE_TIMEOUT seconds per try; rate limits then fail open.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    _cache_timeout = float(os.environ.get("LINLI_CACHE_TIMEOUT", "0.5"))
    CACHES["default"]["BACKEND"] = "linli.core.cache.TolerantRedisCache"
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": _cache_timeout, "socket_timeout": _cache_timeout}
# A PostgreSQL read replica for the dashboards, boards, rates and exports (linli/core/dbrouter.py): reads inside
# reading_from_replica() go to it, every write and every other read to default. Tests mirror default.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"],
                                                 conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["linli.core.dbrouter.ReplicaRouter"]
# --- end of issue 14: ops settings ---
# --- issue 14: notification channels settings (owned by that part; keep other parts' settings out) ---
# The real SMS, WeChat and e-mail adapters (linli/notify/channels/, docs/notifications-channels.md). Maps by the
# notification's kind are written "kind=value,kind=value" in the environment, with a "default" entry.


def _env_map(name: str) -> dict:
    pairs = (p.split("=", 1) for p in os.environ.get(name, "").split(",") if "=" in p)
    return {k.strip(): v.strip() for k, v in pairs if k.strip() and v.strip()}


LINLI_SMS_TEMPLATES = _env_map("LINLI_SMS_TEMPLATES")  # kind → Aliyun TemplateCode / Tencent TemplateId
LINLI_SMS_TEMPLATE_VARS = [v.strip() for v in os.environ.get("LINLI_SMS_TEMPLATE_VARS", "title").split(",") if v.strip()]
LINLI_SMS_VAR_MAX_CHARS = env_int("LINLI_SMS_VAR_MAX_CHARS", 35)
LINLI_SMS_PER_NUMBER_HOUR = env_int("LINLI_SMS_PER_NUMBER_HOUR", 5)
LINLI_SMS_PER_NUMBER_DAY = env_int("LINLI_SMS_PER_NUMBER_DAY", 10)
LINLI_NOTIFY_HTTP_TIMEOUT = env_int("LINLI_NOTIFY_HTTP_TIMEOUT", 10)  # seconds, every provider call
LINLI_ALIYUN_SMS_ACCESS_KEY_ID = os.environ.get("LINLI_ALIYUN_SMS_ACCESS_KEY_ID", "")
LINLI_ALIYUN_SMS_ACCESS_KEY_SECRET = os.environ.get("LINLI_ALIYUN_SMS_ACCESS_KEY_SECRET", "")
LINLI_ALIYUN_SMS_SIGN_NAME = os.environ.get("LINLI_ALIYUN_SMS_SIGN_NAME", "")
LINLI_ALIYUN_SMS_ENDPOINT = os.environ.get("LINLI_ALIYUN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
LINLI_ALIYUN_SMS_REGION = os.environ.get("LINLI_ALIYUN_SMS_REGION", "cn-hangzhou")
LINLI_TENCENT_SMS_SECRET_ID = os.environ.get("LINLI_TENCENT_SMS_SECRET_ID", "")
LINLI_TENCENT_SMS_SECRET_KEY = os.environ.get("LINLI_TENCENT_SMS_SECRET_KEY", "")
LINLI_TENCENT_SMS_SDK_APP_ID = os.environ.get("LINLI_TENCENT_SMS_SDK_APP_ID", "")
LINLI_TENCENT_SMS_SIGN_NAME = os.environ.get("LINLI_TENCENT_SMS_SIGN_NAME", "")
LINLI_TENCENT_SMS_ENDPOINT = os.environ.get("LINLI_TENCENT_SMS_ENDPOINT", "https://sms.tencentcloudapi.com/")
LINLI_TENCENT_SMS_REGION = os.environ.get("LINLI_TENCENT_SMS_REGION", "ap-guangzhou")
LINLI_WECHAT_APP_ID = os.environ.get("LINLI_WECHAT_APP_ID", "")
LINLI_WECHAT_APP_SECRET = os.environ.get("LINLI_WECHAT_APP_SECRET", "")
LINLI_WECHAT_API = os.environ.get("LINLI_WECHAT_API", "https://api.weixin.qq.com")
LINLI_WECHAT_AUTHORIZE_URL = os.environ.get("LINLI_WECHAT_AUTHORIZE_URL",
                                            "https://open.weixin.qq.com/connect/oauth2/authorize")
LINLI_WECHAT_TEMPLATES = _env_map("LINLI_WECHAT_TEMPLATES")  # kind → template_id
# Template field → what fills it: title, body, time, link, kind, hint (“点击查看详情” when there is a link) or text.
LINLI_WECHAT_TEMPLATE_FIELDS = _env_map("LINLI_WECHAT_TEMPLATE_FIELDS") or {
    "first": "title", "keyword1": "body", "keyword2": "time", "remark": "hint"}
# E-mail: Django's SMTP backend when EMAIL_HOST is set, else the console (the message is printed, nothing leaves).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                               else "django.core.mail.backends.console.EmailBackend")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "linli@localhost")
# --- end of issue 14: notification channels settings ---
# --- issue 14: task queue settings (owned by that part; keep other parts' settings out) ---
# Celery (linli/celery.py, docs/tasks.md). Without a broker, tasks run eagerly in the process that queues them
# (`make run`, the tests): no Redis and no worker needed. Production sets CELERY_BROKER_URL (Redis, e.g.
# redis://127.0.0.1:6379/0) and runs `celery -A linli worker` and one `celery -A linli beat`.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# A task is acknowledged after it ran, and given back to the queue when its worker dies, so that another worker
# runs it (every task is safe to run twice); each worker process reserves one task at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis gives an unacknowledged task to another worker after this many seconds: longer than any task may run.
_visibility_timeout = env_int("CELERY_VISIBILITY_TIMEOUT", 300)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _visibility_timeout, "socket_connect_timeout": 5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Time limits of a task (seconds): SoftTimeLimitExceeded is raised in it at the first, its process killed at the
# second. The second must be below the visibility timeout (or a slow task would be run twice at the same time).
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 270)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # no result backend: what a task did is in the database (JobRun, Delivery …)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the workers log through LOGGING above
# Beat keeps the time each job last ran here (celery -A linli beat).
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
if LINLI_PRODUCTION and not CELERY_BROKER_URL:
    # Eager mode would run every background task (SMS, WeChat, the sweep) inside the web request, and no beat
    # would run the schedule: refuse to start, like the unsafe settings above.
    raise ImproperlyConfigured("LINLI_PRODUCTION is on but CELERY_BROKER_URL is not set (e.g. "
                               "redis://127.0.0.1:6379/0; see docs/tasks.md)")
if CELERY_TASK_TIME_LIMIT >= _visibility_timeout:
    raise ImproperlyConfigured("CELERY_TASK_TIME_LIMIT must be below CELERY_VISIBILITY_TIMEOUT (docs/tasks.md)")
# --- end of issue 14: task queue settings ---

# Owners' votes: the notice period before a vote opens and the minimum voting period, per city (a division-code
# prefix → {"notice_days": n, "min_voting_days": n}; the longest prefix wins). Defaults from the regulation in
# force: linli/assembly/rules.py.
LINLI_VOTE_RULES: dict[str, dict[str, int]] = {}

# --- issue 17: assessment (考核) settings (linli/dashboard/assessment.py, docs/dashboard-assessment.md) ---
# Default weights of the monthly score (a district admin may set its own from a month on; those rows win). Keys:
# response, resolution, satisfaction, complaints, on_time, repeat, fees, committee, inspection (integers).
LINLI_ASSESSMENT_WEIGHTS: dict[str, int] = {}
# Orders per 100 homes in a month at which the complaints component scores 0 (linearly from 1 at none).
LINLI_ASSESSMENT_COMPLAINTS_CAP = os.environ.get("LINLI_ASSESSMENT_COMPLAINTS_CAP", "10")
# The public 红黑榜: how many of the best and of the worst are listed.
LINLI_ASSESSMENT_PUBLIC_N = int(os.environ.get("LINLI_ASSESSMENT_PUBLIC_N", "5"))
# Views of the public 红黑榜 per client address (a read, but open to anyone: counted like the other public pages).
LINLI_RATELIMIT_RANKING = os.environ.get("LINLI_RATELIMIT_RANKING", "300/h")
# --- end of issue 17: assessment settings ---

# --- issue 19: the estate's public board (linli/residents/views_board.py, docs/public-board.md) ---
# Views of an estate's public board and its A4 print per client address (a read, but open to anyone: counted like
# the public 红黑榜).
LINLI_RATELIMIT_BOARD = os.environ.get("LINLI_RATELIMIT_BOARD", "300/h")
# --- end of issue 19: public board ---

# --- issue 18: phone sign-in settings (linli/people/signin.py, docs/sign-in.md) ---
# A one-time code by SMS: valid this many minutes, this many wrong tries; one code per number per interval and at
# most this many per number and local day (0: no daily limit). Per client address, the rate limits below count
# every request for a code and every try of one (linli/core/ratelimit.py).
LINLI_SIGNIN_CODE_MINUTES = env_int("LINLI_SIGNIN_CODE_MINUTES", 5)
LINLI_SIGNIN_CODE_TRIES = env_int("LINLI_SIGNIN_CODE_TRIES", 5)
LINLI_SIGNIN_CODE_INTERVAL_SECONDS = env_int("LINLI_SIGNIN_CODE_INTERVAL_SECONDS", 60)
LINLI_SIGNIN_CODES_PER_PHONE_DAY = env_int("LINLI_SIGNIN_CODES_PER_PHONE_DAY", 10)
LINLI_RATELIMIT_SIGNIN_CODE = os.environ.get("LINLI_RATELIMIT_SIGNIN_CODE", "10/h")
LINLI_RATELIMIT_SIGNIN_VERIFY = os.environ.get("LINLI_RATELIMIT_SIGNIN_VERIFY", "30/h")
# --- end of issue 18: phone sign-in settings ---
