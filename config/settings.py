"""skillreg settings: one module, configured by environment variables.

DATABASE_URL   unset → SQLite (WAL) at var/skillreg.sqlite3; set → e.g. postgres://user@host/db
SKILLREG_DB_PREPARED_STATEMENTS  default 1: public hot lookups as prepared statements on PostgreSQL (0 behind
               a transaction-mode connection pooler)
REDIS_URL      unset → huey on a SQLite queue; set → huey on Redis, Django cache on Redis
Provincial installation (issue 16; docs/deployment.md lists every variable): DATABASE_REPLICA_URL,
SKILLREG_REPLICA_MAX_LAG, SKILLREG_REPLICA_CHECK_SECONDS, SKILLREG_REPLICA_PIN_SECONDS, SKILLREG_S3_BUCKET,
SKILLREG_S3_ENDPOINT_URL, SKILLREG_S3_ACCESS_KEY, SKILLREG_S3_SECRET_KEY, SKILLREG_S3_REGION, SKILLREG_S3_PREFIX,
SKILLREG_STATIC_HASHED, SKILLREG_PUBLIC_MAX_AGE, SKILLREG_DIRECTORY_VERSION_SECONDS, SKILLREG_LOG_FORMAT (json|text),
SKILLREG_DASHBOARD_CACHE_SECONDS.
SKILLREG_SECRET_KEY, SKILLREG_DEBUG, SKILLREG_ALLOWED_HOSTS, SKILLREG_DATA_KEY (hex, 16 bytes for SM4)
Security (issue 5; docs/security.md lists every variable): SKILLREG_DEBUG=0 turns on secure cookies, HSTS and
the HTTPS redirect and refuses the development keys; SKILLREG_BEHIND_TLS_PROXY, SKILLREG_SSL_REDIRECT,
SKILLREG_HSTS_SECONDS, SKILLREG_PASSWORD_ITERATIONS, SKILLREG_OTP_REQUIRED_ROLES, SKILLREG_DATA_KEY_ID,
SKILLREG_OLD_DATA_KEYS, SKILLREG_KEY_PROVIDER, SKILLREG_RATE_*, SKILLREG_COMPLAINT_HANDLING_DAYS,
SKILLREG_RATING_FOLLOWUP_WORKING_DAYS.
SKILLREG_LOCAL_DEMO  set by scripts/run for a loopback address only: DEBUG off (Chinese error pages, real
               static files) with the development keys over plain http on 127.0.0.1; ignored when
               SKILLREG_ENV=production.
Issue 12: SKILLREG_ENV (production: DEBUG off and refused), SKILLREG_TRUSTED_PROXY (the TLS gateway's address),
SKILLREG_AUDIT_CHECKPOINT_FILE (signed audit-head checkpoints outside the database).
SKILLREG_VALIDITY_YEARS (fallback only where no rule pack sets a validity), SKILLREG_RENEWAL_WINDOW_DAYS (90).
Issue 14: SKILLREG_PLAN_REPORT_DAYS_BEFORE (15: later is flagged 逾期报备), SKILLREG_PLAN_MAX_DAYS (31),
SKILLREG_RESULTS_PUBLICITY_DAYS (5: the results 公示); issue 14 follow-up: SKILLREG_EXAMINER_MIN_GAP_MINUTES
(0: an examiner's bookings clash only when their times overlap).
Annual reports (issue 15): SKILLREG_ANNUAL_REPORT_DEFAULT_WINDOW ("01-01,03-31" of the following year where no pack
sets a window; empty = none owed there), SKILLREG_ANNUAL_REPORT_REMINDER_DAYS ("7,1" days before the due day).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SKILLREG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# SKILLREG_ENV=production: DEBUG is off unless asked for, and asking for it is refused (issue 12, item 18;
# skillreg.core.serve also refuses DEBUG and development keys on any non-loopback listen address).
SKILLREG_ENV = os.environ.get("SKILLREG_ENV", "").strip().lower()
DEBUG = env_bool("SKILLREG_DEBUG", SKILLREG_ENV != "production")
if SKILLREG_ENV == "production" and DEBUG:
    raise ImproperlyConfigured("SKILLREG_ENV=production cannot run with SKILLREG_DEBUG=1")
DEV_SECRET_KEY = "dev-insecure-skillreg-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"
# Development-only key; with SKILLREG_DEBUG=0 the settings refuse to start with it (see "Security" below).
SECRET_KEY = os.environ.get("SKILLREG_SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = [h for h in os.environ.get("SKILLREG_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    # Serves the API docs' Swagger UI from our own static files (no CDN).
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "skillreg.core",
    "skillreg.audit",
    "skillreg.regions",
    "skillreg.accounts",
    "skillreg.occupations",
    "skillreg.policy",
    "skillreg.workcalendar",
    "skillreg.institutions",
    "skillreg.evaluations",
    "skillreg.certificates",
    "skillreg.supervision",
    "skillreg.quality",
    "skillreg.appraisals",
    "skillreg.applications",
    "skillreg.deadlines",
    "skillreg.notifications",
    "skillreg.documents",
    "skillreg.annualreports",
    "skillreg.portal",
    "skillreg.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compresses HTML and JSON (static files come precompressed from WhiteNoise); CSRF tokens are masked per
    # response, so BREACH learns nothing from the compressed length (docs/decisions.md, issue 16).
    "django.middleware.gzip.GZipMiddleware",
    # X-Request-ID in and out, and on every log record (JSON logs).
    "skillreg.core.requestlog.RequestIdMiddleware",
    # Client address for the audit trail, lockouts and rate limits; refuses oversized bodies before they are read.
    "skillreg.core.middleware.RequestContextMiddleware",
    "skillreg.core.middleware.RequestSizeLimitMiddleware",
    # NUL bytes in a path, a query or a JSON body: 400 before any view (issue 12, item 13).
    "skillreg.core.middleware_input.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # django-csp's, the policy of a response without nonce or per-view change built once (issue 16).
    "skillreg.core.csp.CSPMiddleware",
    # Before sessions and CSRF: drops the CSRF cookie and Vary: Cookie from anonymous pages without a form.
    "skillreg.core.publiccache.PublicCacheMiddleware",
    # Public reads to the read replica when one is configured (skillreg.core.dbrouter).
    "skillreg.core.dbrouter.ReplicaRoutingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Second factor for staff and admins, forced password changes (first login, 90 days).
    "skillreg.accounts.middleware.AccountSecurityMiddleware",
    # Cache-Control: no-store on every response to a signed-in user (issue 12, item 16).
    "skillreg.core.middleware_nocache.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "skillreg.core.context_processors.site",
                "skillreg.accounts.context_processors.roles",
                "skillreg.appraisals.context_processors.nav",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Public hot lookups (certificate verification) as prepared statements on PostgreSQL (skillreg.core.db). Turn off
# behind a connection pooler in transaction mode that cannot keep prepared statements (PgBouncer < 1.21).
SKILLREG_DB_PREPARED_STATEMENTS = env_bool("SKILLREG_DB_PREPARED_STATEMENTS", True)
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# WAL + IMMEDIATE transactions: readers never block the writer, and two writers serialise instead of failing
# with "database is locked" on upgrade. Applied to every SQLite database, DATABASE_URL=sqlite:///… included.
SQLITE_OPTIONS: dict[str, Any] = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
    ),
}


def database_from_url(url: str, **extra_options: Any) -> dict[str, Any]:
    """DATABASE_URL → a DATABASES entry; SQLite gets SQLITE_OPTIONS whatever the URL says."""
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    elif extra_options:
        config["OPTIONS"] = {**config.get("OPTIONS", {}), **extra_options}
    return config


if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SKILLREG_SQLITE_PATH", str(VAR_DIR / "skillreg.sqlite3")),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
# Read replica (issue 16, docs/deployment.md): a streaming standby of the primary. The public directory,
# certificate verification and statistics read from it (skillreg.core.dbrouter); everything else, everything
# inside a transaction and the next requests of whoever just wrote go to the primary; when the replica is down or
# lags by more than SKILLREG_REPLICA_MAX_LAG seconds, reads fall back to the primary. In tests it mirrors the
# primary's test database (on a real standby that database arrives by replication).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database_from_url(DATABASE_REPLICA_URL, connect_timeout=2)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["skillreg.core.dbrouter.ReplicaRouter"]
SKILLREG_REPLICA_MAX_LAG = float(os.environ.get("SKILLREG_REPLICA_MAX_LAG", 5))
SKILLREG_REPLICA_CHECK_SECONDS = float(os.environ.get("SKILLREG_REPLICA_CHECK_SECONDS", 2))
SKILLREG_REPLICA_PIN_SECONDS = int(os.environ.get("SKILLREG_REPLICA_PIN_SECONDS", 30))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and task queue -------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        # Django's RedisCache, one redis-py client per pool instead of one per operation (skillreg.core.rediscache)
        "default": {"BACKEND": "skillreg.core.rediscache.SharedClientRedisCache", "LOCATION": REDIS_URL}
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "skillreg",
        "url": REDIS_URL,
        "immediate": False,
    }
else:
    # The rate-limit windows live here. Django's default of 300 entries would cull them (a third at a time, on
    # every insert once full) as soon as a few hundred addresses or queried numbers are counted at once,
    # which costs time on every public request and forgets counters; 100,000 entries are a few tens of MB.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 100_000}}
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "skillreg",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username+address before the password is even checked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# PBKDF2 over HMAC-SM3 (GB/T 32905) for every new or changed password; older hashes still verify and are
# upgraded at the next login (Django's must_update).
PASSWORD_HASHERS = [
    "skillreg.core.hashers.PBKDF2SM3PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Tests set this low (root conftest.py); production keeps the default (~0.4 s per hash on one core).
SKILLREG_PASSWORD_ITERATIONS = int(os.environ.get("SKILLREG_PASSWORD_ITERATIONS", 600_000))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Upper case, lower case, digits and other characters, all four.
    {"NAME": "skillreg.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 4}},
    # None of the last 5 passwords again; also stamps User.password_changed_at.
    {"NAME": "skillreg.accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"history": 5}},
]
SKILLREG_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("SKILLREG_PASSWORD_MAX_AGE_DAYS", 90))
# Roles that must pass a TOTP second factor (django-otp); superusers always do.
SKILLREG_OTP_REQUIRED_ROLES = [
    r.strip()
    # experts too: they open and download applicants' materials (issue 11); inspectors: they see inspection
    # targets' files (issue 13)
    for r in os.environ.get(
        "SKILLREG_OTP_REQUIRED_ROLES", "staff,expert,inspector,qsupervisor,admin,security_admin,audit_admin"
    ).split(",")
    if r.strip()
]
OTP_TOTP_ISSUER = "skillreg"
OTP_TOTP_THROTTLE_FACTOR = 1
SKILLREG_RECOVERY_CODES = 10

# Lockout (django-axes): 5 failures for one username from one address lock that pair for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "skillreg.core.middleware.client_ip"
# Logins, failures and lockouts go to the audit trail (accounts.signals); axes keeps only its lock counters,
# which the security administrator sees on /accounts/security/ — not the system administrator in /sysadmin/.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Idle timeout: a session not used for 30 minutes ends (the expiry moves with every request).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
# Scripts take the CSRF token from <meta name="csrf-token"> (templates/base.html), never from the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "skillreg.core.views.csrf_failure"

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploads ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed names (style.3f2a….css, cached for a year by browsers and nginx) whenever DEBUG is off; they need
# `collectstatic` first, which scripts/run and the deployment do. With DEBUG on (development, tests) plain names.
SKILLREG_STATIC_HASHED = env_bool("SKILLREG_STATIC_HASHED", not DEBUG)
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names + a manifest (staticfiles.json) written by collectstatic, served by whitenoise with far-future
    # caching. The test configuration uses the plain storage (root conftest.py): no collectstatic there.
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if SKILLREG_STATIC_HASHED
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
# Object storage for uploads (issue 16): S3 API (MinIO or Ceph RGW in production). Unset → local files in
# MEDIA_ROOT. Certificate import files are SM4-encrypted before they are stored either way (core.objectstore).
SKILLREG_S3_BUCKET = os.environ.get("SKILLREG_S3_BUCKET", "")
if SKILLREG_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": SKILLREG_S3_BUCKET,
            "endpoint_url": os.environ.get("SKILLREG_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("SKILLREG_S3_ACCESS_KEY", ""),
            "secret_key": os.environ.get("SKILLREG_S3_SECRET_KEY", ""),
            "region_name": os.environ.get("SKILLREG_S3_REGION", "us-east-1"),
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "location": os.environ.get("SKILLREG_S3_PREFIX", ""),
        },
    }
SKILLREG_PUBLIC_MAX_AGE = int(os.environ.get("SKILLREG_PUBLIC_MAX_AGE", 60))
# Dashboards: seconds a month end's institution counts are kept per region scope (0: never cached).
SKILLREG_DASHBOARD_CACHE_SECONDS = int(os.environ.get("SKILLREG_DASHBOARD_CACHE_SECONDS", 300))
# Seconds a process trusts its last read of the directory's data version (portal.paging): writes by other nodes
# show on the directory within this time, writes in the same process at once. 0 reads it on every request.
SKILLREG_DIRECTORY_VERSION_SECONDS = float(os.environ.get("SKILLREG_DIRECTORY_VERSION_SECONDS", 1))
# Uploaded materials live outside the web root and are served only through scoped views.
MEDIA_ROOT = Path(os.environ.get("SKILLREG_MEDIA_ROOT", VAR_DIR / "uploads"))
MEDIA_URL = "/__no_public_media__/"
SKILLREG_UPLOAD_MAX_BYTES = int(os.environ.get("SKILLREG_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
# Handling time of a complaint (投诉举报), calendar days from its receipt: none of the five documents fixes one.
SKILLREG_COMPLAINT_HANDLING_DAYS = int(os.environ.get("SKILLREG_COMPLAINT_HANDLING_DAYS", "15"))
# Follow-up of a poor 好差评 rating (回访核实、整改、反馈), working days from the rating: 国办发〔2019〕51号 fixes no
# number; 15 follows the provincial schemes that do (docs/decisions.md, "好差评").
SKILLREG_RATING_FOLLOWUP_WORKING_DAYS = int(os.environ.get("SKILLREG_RATING_FOLLOWUP_WORKING_DAYS", "15"))
# GZ-7 (二) from the credit ledger (docs/decisions.md, "Periodic evaluation, credit on renewal and GZ-7"): the credit
# grades and the unrepaired ledger record kinds that count as a record of violations on the application day.
SKILLREG_GZ7_DISHONEST_GRADES = tuple(
    g.strip() for g in os.environ.get("SKILLREG_GZ7_DISHONEST_GRADES", "D").split(",") if g.strip()
)
SKILLREG_GZ7_VIOLATION_KINDS = tuple(
    k.strip()
    for k in os.environ.get("SKILLREG_GZ7_VIOLATION_KINDS", "inspection_serious,rectification_failed").split(",")
    if k.strip()
)
# A request body larger than this is refused (413) from its Content-Length, before any of it is read; a
# chunked body without a length is cut off by the upload handler at SKILLREG_UPLOAD_MAX_BYTES.
SKILLREG_REQUEST_MAX_BYTES = SKILLREG_UPLOAD_MAX_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "skillreg.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# --- Personal data protection ---------------------------------------------------------------
# 16-byte SM4 keys as hex. The defaults are for development and tests only (refused with SKILLREG_DEBUG=0).
DEV_KEYS = {
    "SKILLREG_DATA_KEY": "00112233445566778899aabbccddeeff",
    "SKILLREG_INDEX_KEY": "ffeeddccbbaa99887766554433221100",
    "SKILLREG_AUDIT_KEY": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
}
SKILLREG_DATA_KEY = os.environ.get("SKILLREG_DATA_KEY", DEV_KEYS["SKILLREG_DATA_KEY"])
# Key rotation: give the new key a new id, list the old ones as "id:hex,id:hex", run `manage.py pii rekey`.
SKILLREG_DATA_KEY_ID = os.environ.get("SKILLREG_DATA_KEY_ID", "k1")
SKILLREG_OLD_DATA_KEYS = os.environ.get("SKILLREG_OLD_DATA_KEYS", "")
SKILLREG_INDEX_KEY = os.environ.get("SKILLREG_INDEX_KEY", DEV_KEYS["SKILLREG_INDEX_KEY"])
SKILLREG_AUDIT_KEY = os.environ.get("SKILLREG_AUDIT_KEY", DEV_KEYS["SKILLREG_AUDIT_KEY"])
# Where keys come from: a class implementing skillreg.core.crypto.KeyProvider (a certified crypto device's
# adapter replaces the software provider here).
SKILLREG_KEY_PROVIDER = os.environ.get("SKILLREG_KEY_PROVIDER", "skillreg.core.crypto.SettingsKeyProvider")
# Audit records are never deleted (the database refuses DELETE): kept far beyond the 180 days 等保三级 asks.

# --- Documents ------------------------------------------------------------------------------
# A TrueType font with CJK glyphs, embedded into every PDF. Debian: fonts-wqy-microhei.
SKILLREG_PDF_FONT_CANDIDATES = [
    p
    for p in [
        os.environ.get("SKILLREG_PDF_FONT", ""),
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ]
    if p
]

# --- Statutory clock ------------------------------------------------------------------------
# 民法典 第二百零三条: a calendar-day limit ending on a rest day ends on the next working day.
SKILLREG_CALENDAR_DAYS_ROLL_FORWARD = env_bool("SKILLREG_CALENDAR_DAYS_ROLL_FORWARD", True)
# Validity comes from the governing packs' ``filing_validity`` (CQ-14, AH-4.1, HN-1: 3 years). This is only the
# fallback for a region whose packs set none (Guizhou), see institutions/validity.py and docs/decisions.md.
SKILLREG_VALIDITY_YEARS = int(os.environ.get("SKILLREG_VALIDITY_YEARS", 3))
# The renewal window ("expiring") opens this many days before the pack's latest renewal day (CQ-14 sets only
# the latest day; the opening is an operational choice, docs/decisions.md "Lifecycle (issue 10)").
SKILLREG_RENEWAL_WINDOW_DAYS = int(os.environ.get("SKILLREG_RENEWAL_WINDOW_DAYS", 90))
# Evaluation plans (issue 14; docs/decisions.md "Evaluation plans, results and rosters")
SKILLREG_PLAN_REPORT_DAYS_BEFORE = int(os.environ.get("SKILLREG_PLAN_REPORT_DAYS_BEFORE", 15))
SKILLREG_PLAN_MAX_DAYS = int(os.environ.get("SKILLREG_PLAN_MAX_DAYS", 31))
SKILLREG_RESULTS_PUBLICITY_DAYS = int(os.environ.get("SKILLREG_RESULTS_PUBLICITY_DAYS", 5))
# An examiner's two bookings (one or two institutions) closer than this many minutes are refused too (0: overlap only)
SKILLREG_EXAMINER_MIN_GAP_MINUTES = int(os.environ.get("SKILLREG_EXAMINER_MIN_GAP_MINUTES", 0))
# Annual reports (docs/decisions.md, "Annual reports (issue 15)"): the due window where no rule pack sets one
# (MM-DD start, MM-DD end of the year after the report year; empty: no report owed there), and the reminders.
_report_window = os.environ.get("SKILLREG_ANNUAL_REPORT_DEFAULT_WINDOW", "01-01,03-31").strip()
SKILLREG_ANNUAL_REPORT_DEFAULT_WINDOW = tuple(_report_window.split(",", 1)) if _report_window else None
SKILLREG_ANNUAL_REPORT_REMINDER_DAYS = tuple(
    int(x) for x in os.environ.get("SKILLREG_ANNUAL_REPORT_REMINDER_DAYS", "7,1").split(",") if x.strip()
)

# A filing decision is refused by the system while any automatic condition fails or lacks its
# fact (docs/decisions.md, "Filing needs every automatic condition met").
SKILLREG_FILING_REQUIRES_ELIGIBLE = env_bool("SKILLREG_FILING_REQUIRES_ELIGIBLE", True)

EMAIL_BACKEND = os.environ.get("SKILLREG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = "skillreg@localhost"

# --- Web security ---------------------------------------------------------------------------
# Content-Security-Policy without 'unsafe-inline': templates carry no inline scripts, styles or handlers
# (tests/test_web_security.py checks every template).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Rate limits ("count/seconds") per client address, for forms the public can post (skillreg.core.ratelimit).
SKILLREG_RATE_LIMITS = {
    "login": os.environ.get("SKILLREG_RATE_LOGIN", "20/60"),
    "otp": os.environ.get("SKILLREG_RATE_OTP", "10/60"),
    "certificate_verify": os.environ.get("SKILLREG_RATE_CERTIFICATE_VERIFY", "30/60"),
    "complaint": os.environ.get("SKILLREG_RATE_COMPLAINT", "5/600"),
    "register": os.environ.get("SKILLREG_RATE_REGISTER", "10/600"),
    # "用户名不可用" answers per address: registration must not become a list of usernames (issue 12, item 17).
    "register_probe": os.environ.get("SKILLREG_RATE_REGISTER_PROBE", "3/3600"),
    # Reveals of a full ID number or phone, per user.
    "reveal": os.environ.get("SKILLREG_RATE_REVEAL", "30/600"),
}
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto and X-Forwarded-For (and strips the client's own).
SKILLREG_BEHIND_TLS_PROXY = env_bool("SKILLREG_BEHIND_TLS_PROXY", False)
# The gateway's address: waitress (skillreg.core.serve) trusts X-Forwarded-* from it only (issue 12, item 11).
SKILLREG_TRUSTED_PROXY = os.environ.get("SKILLREG_TRUSTED_PROXY", "127.0.0.1")
# Signed checkpoints of the audit head, outside the database (issue 12, item 12); best on another host.
SKILLREG_AUDIT_CHECKPOINT_FILE = os.environ.get(
    "SKILLREG_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.log")
)
if SKILLREG_BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The local demo (scripts/run on 127.0.0.1): DEBUG off so people see what production shows, but the development
# keys and plain http on the loopback address (issue 11 item 7). Never in production.
SKILLREG_LOCAL_DEMO = env_bool("SKILLREG_LOCAL_DEMO", False) and os.environ.get("SKILLREG_ENV", "") != "production"
if not DEBUG and not SKILLREG_LOCAL_DEMO:
    _configured = {"SKILLREG_SECRET_KEY": SECRET_KEY, **{k: globals()[k] for k in DEV_KEYS}}
    for _name, _dev in {"SKILLREG_SECRET_KEY": DEV_SECRET_KEY, **DEV_KEYS}.items():
        if _configured[_name] == _dev:
            raise ImproperlyConfigured(f"{_name} is the development default; set a real one when SKILLREG_DEBUG=0")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("SKILLREG_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SKILLREG_HSTS_SECONDS", 31_536_000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    # /healthz is probed over plain HTTP by the load balancer inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SILENCED_SYSTEM_CHECKS = [
        # HSTS preload is a public-internet list; a government intranet host must not be submitted to it.
        "security.W021",
    ]

# JSON lines with the request id (skillreg.core.requestlog) unless SKILLREG_LOG_FORMAT=text.
SKILLREG_LOG_FORMAT = os.environ.get("SKILLREG_LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "skillreg.core.requestlog.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "skillreg.core.requestlog.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if SKILLREG_LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SKILLREG_LOG_LEVEL", "WARNING")},
    # Refused requests (CSRF, bad host, oversized bodies, lockouts, rate limits) are logged as warnings.
    "loggers": {
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "skillreg.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # The task consumer's own lines (started, executing, executed) go through the same handler: with a
        # handler here, run_huey adds no plain-text handler of its own (no line printed twice, in two formats).
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

SKILLREG_SITE_NAME = "技能人才评价机构备案管理系统"
