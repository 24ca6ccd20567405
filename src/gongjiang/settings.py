"""Settings for Gongjiang, read from the environment.

Every knob a deployment needs is an environment variable: ``DATABASE_URL`` (SQLite in ``var/``
by default), ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``GONGJIANG_VAR_DIR`` and the rest below.
Without ``DEMO``, ``DEBUG`` or a test run this is production: HTTPS only (HSTS, secure cookies,
redirect), and no start without a ``SECRET_KEY``. ``make run`` sets ``DEMO=1``: plain HTTP on
this machine and a key generated once into ``var/secret_key``.
Rules that the federation changes over time (password policy, idle timeout, amounts) are
not here: they live in the database and are edited in the product's UI.
"""

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("TESTING") or "pytest" in sys.modules
DEMO = env_bool("DEMO", False)
PRODUCTION = not (DEBUG or TESTING or DEMO)

# Everything this process writes — the database, uploads, exports, the key — is personal data
# or a secret: files 0600, folders 0700, whatever the shell's umask.
os.umask(0o077)
BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("GONGJIANG_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
VAR_DIR.chmod(0o700)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production give it in the environment (at least 50 random "
            "characters: python -c 'import secrets; print(secrets.token_urlsafe(50))'), the same for "
            "the web server and the worker. For the demo use `make run` (or set DEMO=1)."
        )
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "gongjiang.core",
    "gongjiang.accounts",
    "gongjiang.archive",
    "gongjiang.reports",
    "gongjiang.rosters",
    "gongjiang.benefits",
    "gongjiang.platform",
    "gongjiang.care",
    "gongjiang.api",
    "gongjiang.demo",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gongjiang.core.middleware.SecurityHeadersMiddleware",
    "gongjiang.core.middleware.NulCharacterMiddleware",
    "gongjiang.api.middleware.ApiLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gongjiang.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongjiang.core.middleware.RequestContextMiddleware",
    "gongjiang.accounts.refusals.RefusalAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gongjiang.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # AxesMiddleware turns a locked-out login into our Chinese lockout page; it must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongjiang.urls"
WSGI_APPLICATION = "gongjiang.wsgi.application"

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
                "django.template.context_processors.i18n",
                "gongjiang.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gongjiang.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while the task worker writes; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue on busy_timeout instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
        ),
    }
    # Tests run on a file, not in memory: the crash and supervision tests start real worker and
    # web processes, which must see the test database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or str(VAR_DIR / "test.sqlite3")}
    for _suffix in ("", "-wal", "-shm"):  # a database made before the umask above
        _file = Path(f"{DATABASES['default']['NAME']}{_suffix}")
        if _file.exists():
            _file.chmod(0o600)
# PostgreSQL in production: the application connects as a role that owns nothing; ``migrate``
# connects as the owner given here (``gongjiang.core.roles``). Give it to the release step only.
DATABASE_OWNER = dj_database_url.parse(os.environ["DATABASE_OWNER_URL"]) if "DATABASE_OWNER_URL" in os.environ else None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users, login, sessions -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "gongjiang.accounts.validators.PolicyPasswordValidator"},
    {"NAME": "gongjiang.accounts.validators.PasswordHistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"  # the start page depends on the role
LOGOUT_REDIRECT_URL = "accounts:login"

# The session cookie is a browser-session cookie (no Max-Age): it goes when the browser closes.
# The server ends a session after the idle timeout (the security policy, edited in the UI) and,
# however active, SESSION_ABSOLUTE_HOURS after the login (accounts.middleware). The stored
# session outlives neither.
SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    # HTTPS only: the browser is told to come back over HTTPS alone (HSTS), plain HTTP is
    # redirected. An intranet without TLS must say so (SECURE_SSL_REDIRECT=0, HSTS_SECONDS=0).
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
X_FRAME_OPTIONS = "DENY"

# Lockout after 5 failures for 30 minutes, per user name *and* address: guessing from one
# machine cannot lock the administrator out of their own. An address is also limited across
# every user name it tries (accounts.login_limits), well above 5 because behind a government
# NAT a whole office shares one address.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_ADDRESS_LIMIT = int(os.environ.get("LOGIN_ADDRESS_LIMIT", "20"))
LOGIN_ADDRESS_MINUTES = int(os.environ.get("LOGIN_ADDRESS_MINUTES", "15"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "gongjiang.accounts.views.lockout"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0")) or None
if AXES_IPWARE_PROXY_COUNT:
    # Behind the reverse proxy, which terminates TLS and must set this header (README, Production).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True
FORMAT_MODULE_PATH = ["gongjiang.formats"]

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded photos and generated exports are personal data: they live outside any public URL
# and are served only through views that check permissions.
MEDIA_ROOT = VAR_DIR / "private"
if MEDIA_ROOT.exists():
    MEDIA_ROOT.chmod(0o700)
MEDIA_URL = "/private-media-is-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Background work -----------------------------------------------------------------------
TASKS = {
    "default": {
        # Tests run tasks at once, in the same transaction as the code that enqueued them.
        "BACKEND": os.environ.get(
            "TASK_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
    }
}

# "default" is shared by every process (web workers, task worker), so that the API's rate
# limits and the per-address login limit hold across processes: the database cache (``manage.py
# migrate`` creates its table), or Redis when REDIS_URL is set (needs the redis package, not a
# dependency of the demo). "local" is each process's own memory, for what may be a little stale
# and is read on every page (the security policy, 30 seconds).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "gongjiang_cache",
            "OPTIONS": {"MAX_ENTRIES": 2000},  # counted on every write: keep the table small
        }
    ),
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gongjiang"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}

GONGJIANG: dict[str, Any] = {
    # A list shows "more than N" instead of counting every row past this many.
    "LIST_COUNT_CAP": int(os.environ.get("LIST_COUNT_CAP", "10000")),
    "LIST_PAGE_SIZE": 20,
    # Lists larger than this export in the background with a progress bar.
    "EXPORT_INLINE_LIMIT": int(os.environ.get("EXPORT_INLINE_LIMIT", "2000")),
    "PHOTO_MAX_BYTES": 4 * 1024 * 1024,
    "EVIDENCE_MAX_BYTES": 20 * 1024 * 1024,
    # The API: requests per minute per token (or signed-in user, or address), the largest JSON
    # body, and the largest upload (a roster file).
    "API_RATE": os.environ.get("API_RATE", "600/m"),
    # Invalid tokens per address: past this, every token from the address waits (429).
    "API_INVALID_TOKEN_RATE": os.environ.get("API_INVALID_TOKEN_RATE", "30/m"),
    # A token lasts this many days at most (and by default); a new password ends it sooner.
    "API_TOKEN_DAYS": int(os.environ.get("API_TOKEN_DAYS", "90")),
    "API_MAX_BODY": 1024 * 1024,
    "ROSTER_MAX_BYTES": 50 * 1024 * 1024,
    # A grassroots union's roster upload: at most this many data rows (a union has far fewer
    # people; a larger file is the federation's to import, or is probing the archive).
    "ROSTER_SCOPED_MAX_ROWS": int(os.environ.get("ROSTER_SCOPED_MAX_ROWS", "2000")),
    # The 安全事件 page: N refused requests by one user or address within M minutes are a
    # burst; an unmasked export of at least this many rows is a bulk unmasked export.
    "REFUSAL_BURST_COUNT": int(os.environ.get("REFUSAL_BURST_COUNT", "20")),
    "REFUSAL_BURST_MINUTES": int(os.environ.get("REFUSAL_BURST_MINUTES", "10")),
    "BULK_UNMASKED_ROWS": int(os.environ.get("BULK_UNMASKED_ROWS", "500")),
    # Background jobs: a running job's worker writes a heartbeat this often (0: none); a job
    # whose worker is on another machine and has not beaten for the lease is interrupted.
    # A worker on this machine that has died is seen at once. The worker sweeps this often.
    "JOB_HEARTBEAT_SECONDS": float(os.environ.get("JOB_HEARTBEAT_SECONDS", "0" if TESTING else "10")),
    "JOB_LEASE_SECONDS": float(os.environ.get("JOB_LEASE_SECONDS", "120")),
    "JOB_SWEEP_SECONDS": float(os.environ.get("JOB_SWEEP_SECONDS", "30")),
}

SITE_TITLE = _("Gongjiang")


if TESTING:
    # Hashing is not what the tests test; a fast hasher keeps a thousand logins cheap.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    MEDIA_ROOT = VAR_DIR / "test-private"
