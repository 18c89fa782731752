"""Settings read from the environment; defaults give a working local install on SQLite.

Environment: DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, TIME_ZONE (Asia/Shanghai),
LANGUAGE_CODE (zh-hans), DEBUG, HUEY_STORAGE (sqlite|redis), EMAIL_URL-style EMAIL_* vars.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("RETURNDESK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite database, huey queue, local mail and media


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The fallback key is only for local runs; production.py refuses to start without SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "huey.contrib.djhuey",
    "ninja",
    "returndesk.core",
    "returndesk.accounts",
    "returndesk.catalog",
    "returndesk.orders",
    "returndesk.policies",
    "returndesk.cases",
    "returndesk.sla",
    "returndesk.inventory",
    "returndesk.exchanges",
    "returndesk.repairs",
    "returndesk.acceptance",
    "returndesk.logistics",
    "returndesk.inspection",
    "returndesk.followups",
    "returndesk.refunds",
    "returndesk.notifications",
    "returndesk.replies",
    "returndesk.desk",
    "returndesk.portal",
    "returndesk.api",
    "returndesk.analytics",
    "returndesk.improvements",
    "returndesk.knowledge",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # One read of the configuration caches' versions per request (returndesk/core/config.py).
    "returndesk.core.config.ConfigScopeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # /api/ only: errors outside the API's handlers as problem+json, then Idempotency-Key.
    "returndesk.api.errors.ProblemFallbackMiddleware",
    "returndesk.api.idempotency.IdempotencyMiddleware",
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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'returndesk.sqlite3'}")
# Connections are kept between requests (a new PostgreSQL connection costs a backend process and
# a few ms); the health check (a `SELECT 1` when a kept connection is first used in a request)
# replaces one that the server closed, instead of failing that request.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue instead of deadlocking on a read-to-write upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000;"
        ),
    }
    # Connections are kept too: a new one costs about 3.5 ms of CPU before its first answer
    # (SQLite parses the whole schema, ~100 tables with their indexes and triggers, and Django
    # registers its functions), a tenth of a small request. Between requests a kept connection is
    # in autocommit, so it holds no snapshot that would keep the WAL from being checkpointed.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "600"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it starts for any query the planner costs above 100,000 (the inbox
    # counts and queues on a large installation) and compiling took 85 ms of a 260 ms query in
    # bench/desk_lists.py at 1M cases; our queries are short, and an interpreted plan wins.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    # Prepared statements: parameters are sent apart from the SQL (server-side binding) and a
    # statement run twice on a connection is prepared, so PostgreSQL stops parsing and planning
    # it again (its CPU per return lifecycle 80 -> 62 ms, bench/hotspots.py). A connection
    # pooler in transaction mode older than PgBouncer 1.21 cannot carry them: set
    # PG_PREPARED_STATEMENTS=off behind one. The cache size is set in returndesk/core/apps.py.
    if env_bool("PG_PREPARED_STATEMENTS", True):
        options.setdefault("server_side_binding", True)
        options.setdefault("prepare_threshold", 2)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Upload limits per attachment kind, bytes.
RETURNDESK_ATTACHMENT_LIMITS = {
    "image": int(os.environ.get("ATTACHMENT_MAX_IMAGE", 10 * 1024 * 1024)),
    "video": int(os.environ.get("ATTACHMENT_MAX_VIDEO", 100 * 1024 * 1024)),
    "document": int(os.environ.get("ATTACHMENT_MAX_DOCUMENT", 20 * 1024 * 1024)),
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
RETURNDESK_CURRENCY = "CNY"
# Shown on printed documents (签呈, return request form) and in reply templates ({company}).
RETURNDESK_COMPANY_NAME = os.environ.get("COMPANY_NAME", "")

# Background worker: huey fed by the transactional outbox.
HUEY_STORAGE = os.environ.get("HUEY_STORAGE", "sqlite")
if HUEY_STORAGE == "redis":
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "returndesk",
        "url": os.environ.get("HUEY_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "config.huey.DoorbellSqliteHuey",  # no fsync per wake-up (config/huey.py)
        "name": "returndesk",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
    }

# With no SMTP host configured, mail is written to var/mail so a local install loses nothing.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ReturnDesk <returns@returndesk.local>")

# Notification delivery (docs/operations.md): a claimed message or webhook not recorded within the
# lease (worker killed mid-send) is sent again; keep it above EMAIL_TIMEOUT and the webhook timeout.
# Refunds (docs/refunds.md): the provider that refunds each payment method back the way it came
# (gateway = the payment gateway, today the simulated one; manual = finance transfers and
# confirms; store_credit = the customer's balance), and the gateway's callback secret and address.
# REFUND_ONLINE_PROVIDER: who refunds online payments; production defaults it to manual, so the
# simulated gateway never stands in for a real one unless asked for (production.py).
REFUND_ONLINE_PROVIDER = os.environ.get("REFUND_ONLINE_PROVIDER", "gateway")
RETURNDESK_REFUND_PROVIDERS = {
    "alipay": REFUND_ONLINE_PROVIDER,
    "wechat": REFUND_ONLINE_PROVIDER,
    "unionpay": REFUND_ONLINE_PROVIDER,
    "bank_transfer": "manual",
    "cash": "manual",
    "store_credit": "store_credit",
}
RETURNDESK_GATEWAY_SECRET = os.environ.get("GATEWAY_SECRET", "dev-only-simulated-gateway-secret")
RETURNDESK_GATEWAY_CALLBACK_URL = os.environ.get(
    "GATEWAY_CALLBACK_URL",
    f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/api/v1/refunds/callbacks/gateway",
)

RETURNDESK_DELIVERY_LEASE_SECONDS = int(os.environ.get("DELIVERY_LEASE_SECONDS", "300"))
RETURNDESK_WEBHOOK_TIMEOUT_SECONDS = int(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
# Dotted path of the SMS provider class (returndesk.notifications.channels.SmsProvider).
RETURNDESK_SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "returndesk.notifications.channels.LogSmsProvider")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The huey consumer installs its own handler; without this every worker line prints twice.
    "loggers": {"huey": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

ADMIN_SITE_HEADER = _("ReturnDesk administration")
