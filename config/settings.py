"""skillreg settings: one module, configured by environment variables.

DATABASE_URL   unset → SQLite (WAL) at var/skillreg.sqlite3; set → e.g. postgres://user@host/db
REDIS_URL      unset → huey on a SQLite queue; set → huey on Redis, Django cache on Redis
SKILLREG_SECRET_KEY, SKILLREG_DEBUG, SKILLREG_ALLOWED_HOSTS, SKILLREG_DATA_KEY (hex, 16 bytes for SM4)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SKILLREG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("SKILLREG_DEBUG", True)
SECRET_KEY = os.environ.get(
    "SKILLREG_SECRET_KEY",
    # Development-only key; production settings refuse to start without a real one.
    "dev-insecure-skillreg-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz",
)
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
    "skillreg.core",
    "skillreg.audit",
    "skillreg.regions",
    "skillreg.accounts",
    "skillreg.occupations",
    "skillreg.policy",
    "skillreg.workcalendar",
    "skillreg.institutions",
    "skillreg.applications",
    "skillreg.deadlines",
    "skillreg.notifications",
    "skillreg.documents",
    "skillreg.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "skillreg.core.middleware.RequestContextMiddleware",
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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SKILLREG_SQLITE_PATH", str(VAR_DIR / "skillreg.sqlite3")),
            "OPTIONS": {
                # WAL + IMMEDIATE transactions: readers never block the writer, and two writers
                # serialise instead of failing with "database is locked" on upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and task queue -------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "skillreg",
        "url": REDIS_URL,
        "immediate": False,
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
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
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SAMESITE = "Lax"

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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded materials live outside the web root and are served only through scoped views.
MEDIA_ROOT = Path(os.environ.get("SKILLREG_MEDIA_ROOT", VAR_DIR / "uploads"))
MEDIA_URL = "/__no_public_media__/"
SKILLREG_UPLOAD_MAX_BYTES = int(os.environ.get("SKILLREG_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Personal data protection ---------------------------------------------------------------
# 16-byte SM4 key as hex. The default is for development and tests only.
SKILLREG_DATA_KEY = os.environ.get("SKILLREG_DATA_KEY", "00112233445566778899aabbccddeeff")
SKILLREG_INDEX_KEY = os.environ.get("SKILLREG_INDEX_KEY", "ffeeddccbbaa99887766554433221100")
SKILLREG_AUDIT_KEY = os.environ.get("SKILLREG_AUDIT_KEY", "0f1e2d3c4b5a69788796a5b4c3d2e1f0")

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
# CQ-14, AH-4.1, HN-1: a filing is valid for 3 years.
SKILLREG_VALIDITY_YEARS = int(os.environ.get("SKILLREG_VALIDITY_YEARS", 3))

# A filing decision is refused by the system while any automatic condition fails or lacks its
# fact (docs/decisions.md, "Filing needs every automatic condition met").
SKILLREG_FILING_REQUIRES_ELIGIBLE = env_bool("SKILLREG_FILING_REQUIRES_ELIGIBLE", True)

EMAIL_BACKEND = os.environ.get("SKILLREG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = "skillreg@localhost"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SKILLREG_LOG_LEVEL", "WARNING")},
}

SKILLREG_SITE_NAME = "技能人才评价机构备案管理系统"
