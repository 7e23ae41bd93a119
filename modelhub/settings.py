"""ModelHub settings: one file, every value read from the environment (SPEC §10).

Defaults run on one machine with SQLite and local files; production sets DATABASE_URL,
the S3 variables, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and MODELHUB_HTTPS=1.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

from modelhub.logformat import FORMATS as LOG_FORMATS
from modelhub.logformat import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DATA_DIR = Path(env.str("MODELHUB_DATA_DIR", default=str(BASE_DIR / "var"))).resolve()


def _data_dir() -> Path:
    """The data directory, made only when something is kept in it (the local secret key, the
    SQLite file; local media make their own folders on the first save). With PostgreSQL, S3
    and DJANGO_SECRET_KEY it is never made, so a read-only checkout runs as a service user."""
    DATA_DIR.mkdir(mode=0o750, parents=True, exist_ok=True)
    return DATA_DIR


DEBUG = env.bool("DJANGO_DEBUG", default=False)
HTTPS = env.bool("MODELHUB_HTTPS", default=False)
# A first trial behind a proxy without TLS yet: the four HTTPS warnings of `check --deploy`
# are silenced (see SILENCED_SYSTEM_CHECKS below) so that the gate still catches the rest.
PLAIN_HTTP_TRIAL = env.bool("MODELHUB_PLAIN_HTTP_TRIAL", default=False)
if PLAIN_HTTP_TRIAL and HTTPS:
    raise ImproperlyConfigured(
        "MODELHUB_PLAIN_HTTP_TRIAL=1 is for a trial without TLS; unset it with MODELHUB_HTTPS=1."
    )


def _local_secret_key() -> str:
    """A random key kept in the data dir, so a local install never runs on a published key."""
    key_file = _data_dir() / "secret_key"
    if not key_file.exists():
        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if HTTPS:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when MODELHUB_HTTPS=1.")
    SECRET_KEY = _local_secret_key()
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "csp",
    "axes",
    "models_app.retention",
    "models_app.accounts",
    "models_app.tags",
    "models_app.allowlist",
    "models_app.access",
    "models_app.catalog",
    "models_app.versions",
    "models_app.audit",
    "models_app.sharing",
    "models_app.api",
    "models_app.deployments",
    "models_app.finetune",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "modelhub",
]

MIDDLEWARE = [
    # First: the proxy's X-Forwarded-Proto/-Host count only from MODELHUB_TRUSTED_PROXIES.
    "models_app.allowlist.forwarded.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "models_app.access.caller.CallerMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "models_app.access.downloads.ContentGuardMiddleware",
    # Last, as django-axes asks: it turns a sign-in that ended in a lockout into a 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "modelhub.urls"
WSGI_APPLICATION = "modelhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
else:
    DATABASES = {"default": env.db_url_config(f"sqlite:///{_data_dir() / 'modelhub.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("MODELHUB_DB_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while its account or address is locked out, before the
    # password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "models_app.accounts.backends.UserWithTenantBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "catalog:list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("MODELHUB_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("MODELHUB_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"

S3_ENDPOINT_URL = env.str("MODELHUB_S3_ENDPOINT_URL", default="")
S3_REGION = env.str("MODELHUB_S3_REGION", default="")
S3_ADDRESSING_STYLE = env.str(
    "MODELHUB_S3_ADDRESSING_STYLE", default="path" if S3_ENDPOINT_URL else "auto"
)
if S3_ADDRESSING_STYLE not in ("auto", "path", "virtual"):
    raise ImproperlyConfigured("MODELHUB_S3_ADDRESSING_STYLE must be auto, path or virtual.")
S3_BUCKET = env.str("MODELHUB_S3_BUCKET", default="")
# With S3, a file of a model without an allowlist may be handed out as a redirect to a
# presigned URL valid this many seconds; 0 streams every download through the hub.
S3_PRESIGNED_SECONDS = env.int("MODELHUB_S3_PRESIGNED_SECONDS", default=0)
if S3_BUCKET:
    from boto3.s3.transfer import TransferConfig

    # Uploads stream in 8 MiB parts, at most 4 of them in memory at once (flat memory).
    _transfer = TransferConfig(max_concurrency=4)
    _transfer.max_in_memory_upload_chunks = 4
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": S3_REGION or None,
            # MinIO, Ceph and moto answer on one host name: bucket in the path, not the host.
            "addressing_style": S3_ADDRESSING_STYLE,
            "signature_version": "s3v4",
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "transfer_config": _transfer,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {},
    }
STORAGES = {
    "default": _default_storage,
    # Static files are public, and often collected by another user than the one serving them
    # (a container's build step): readable by all, unlike FILE_UPLOAD_PERMISSIONS below.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}

# Background work (fine-tune jobs) goes through Django's Tasks framework (models_app/queue.py).
# The database is the default queue (`manage.py db_worker`, nothing more to install); with
# MODELHUB_TASKS_REDIS_URL the jobs go to RQ on that Redis (`manage.py rqworker QUEUE`).
TASKS_QUEUE = env.str("MODELHUB_TASKS_QUEUE", default="default")
TASKS_REDIS_URL = env.str("MODELHUB_TASKS_REDIS_URL", default="")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_rq.RQBackend"
        if TASKS_REDIS_URL
        else "django_tasks_db.DatabaseBackend",
        # "default" too: tasks are declared on it and sent to TASKS_QUEUE when enqueued.
        "QUEUES": sorted({"default", TASKS_QUEUE}),
    }
}
RQ_QUEUES = {
    name: {"URL": TASKS_REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": -1}
    for name in TASKS["default"]["QUEUES"]
}
# The RQ dashboard in the admin only when RQ carries the jobs (it reads Redis, it has no table).
RQ_SHOW_ADMIN_LINK = bool(TASKS_REDIS_URL)
# Trainings one worker machine runs at once; more jobs wait in the queue.
FINETUNE_SLOTS = env.int("MODELHUB_FINETUNE_SLOTS", default=1)
# A running job whose worker has not reported for this long is failed as "worker lost".
FINETUNE_HEARTBEAT_TIMEOUT = env.int("MODELHUB_FINETUNE_HEARTBEAT_TIMEOUT", default=60)
# Where workers unpack base files and datasets while they train.
FINETUNE_WORK_DIR = env.str("MODELHUB_FINETUNE_WORK_DIR", default="") or None

# Limits live here and nowhere else (SPEC §10, S-6).
MAX_UPLOAD_BYTES = env.int("MODELHUB_MAX_UPLOAD_BYTES", default=100 * 1024**3)
MAX_AVATAR_BYTES = env.int("MODELHUB_MAX_AVATAR_BYTES", default=5 * 1024**2)
# Checked from the image's header, before any pixel is decoded: decoding costs memory and time
# by the pixel (a 16-bit PNG of 40 megapixels took 310 MB and 2.4 s).
MAX_AVATAR_SIDE = 4096
AVATAR_THUMBNAIL_SIZE = 256
MAX_ALLOWLIST_ENTRIES = 10
# Objects of deleted models, versions and files are kept this long (`purge_deleted` removes
# them afterwards), so restoring a database backup younger than that brings every file back.
# 0 removes them as soon as the delete commits.
DELETED_RETENTION_DAYS = env.int("MODELHUB_DELETED_RETENTION_DAYS", default=7)
if DELETED_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("MODELHUB_DELETED_RETENTION_DAYS must not be negative.")
# Request bodies beyond this spill to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024**2
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024**2
# Where those spilled uploads go (the system temporary folder when unset).
FILE_UPLOAD_TEMP_DIR = env.str("MODELHUB_UPLOAD_TEMP_DIR", default="") or None
# Stored files and their folders (local storage) are the app's and its group's only; Django's
# default makes files readable by every user of the machine.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "modelhub.uploads.TemporaryFileUploadHandler",
]

TRUSTED_PROXIES = env.list("MODELHUB_TRUSTED_PROXIES", default=[])

# Deployments (issue 13): where the hub may call OpenAI-compatible upstreams (URL prefixes
# and CIDRs; loopback only unless the operator says more), the key that encrypts upstream
# keys at rest (derived from the secret key when unset), where the supervisor keeps the
# versions' files, and how many local runners one supervisor may run.
MODELHUB_UPSTREAM_ALLOWED = env.list(
    "MODELHUB_UPSTREAM_ALLOWED", default=["127.0.0.0/8", "::1/128"]
)
MODELHUB_SECRETS_KEY = env.str("MODELHUB_SECRETS_KEY", default="")
MODELHUB_DEPLOY_CACHE_DIR = Path(
    env.str("MODELHUB_DEPLOY_CACHE_DIR", default=str(DATA_DIR / "deploy-cache"))
).resolve()
MODELHUB_MAX_LOCAL_DEPLOYMENTS = env.int("MODELHUB_MAX_LOCAL_DEPLOYMENTS", default=2)
# A gunicorn worker writes the gateway's usage rows in one insert this often (seconds), from
# a thread of its own, instead of one insert per request (models_app/deployments/usage.py).
GATEWAY_USAGE_FLUSH_SECONDS = env.float("MODELHUB_GATEWAY_USAGE_FLUSH_SECONDS", default=1.0)
if GATEWAY_USAGE_FLUSH_SECONDS <= 0:
    raise ImproperlyConfigured("MODELHUB_GATEWAY_USAGE_FLUSH_SECONDS must be positive.")

# Sign-in throttling (django-axes) on /accounts/login/ and /admin/login/: 5 failed sign-ins
# for one account, or from one client address, each less than 15 minutes after the one
# before, lock that account or address out until 15 minutes after the last of them. Admins
# lift a lockout by deleting its access attempt in the admin (Axes › Access attempts); a
# password reset by e-mail lifts the account's.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "models_app.accounts.signin.attempted_email"
AXES_CLIENT_IP_CALLABLE = "models_app.allowlist.client.request_client_ip"
AXES_LOCKOUT_CALLABLE = "models_app.accounts.signin.lockout_response"
# Attempts refused during a lockout do not prolong it, so its end can be told to the person.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful sign-ins are not logged row by row (User.last_login keeps the latest).
AXES_DISABLE_ACCESS_LOG = True
# No start-up banner on every command; axes still logs each failure (account and address
# masked) and accounts.signin logs each lockout.
AXES_VERBOSE = False

# Rate limits per user or client address: (how many, per how many seconds). They count in the
# "limits" cache below; a refused request answers 429 and says when to try again.
RATE_LIMITS = {
    "invitation": (20, 3600),  # invitation e-mails one user sends from the Sharing tab
    "address_check": (60, 60),  # the Sharing tab's "has this address an account?" look-ups
    "password_reset_email": (3, 3600),  # reset e-mails requested for one address
    "password_reset_client": (10, 3600),  # reset requests from one client address
    "password_change_failure": (5, 900),  # wrong current passwords on the change form
}

# The default cache is each process's memory (the base-model suggestions). Rate limits count
# in a cache of their own: memory too unless MODELHUB_LIMITS_CACHE_URL names a shared one
# (redis://host:6379/1, or dbcache://modelhub_limits after `manage.py createcachetable`), so
# that several app processes count together.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "limits": env.cache_url("MODELHUB_LIMITS_CACHE_URL", default="locmemcache://modelhub-limits"),
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# A load balancer probes app servers over plain HTTP: the health check answers it directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# The scheme and host the browser used, as the reverse proxy reports them, so that redirects
# (to https, after sign-in) keep the browser's host and port. Both headers are believed only
# from MODELHUB_TRUSTED_PROXIES (loopback when that is empty, as gunicorn does): the first
# middleware drops them from anyone else. The proxy must set them, never pass them on.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = True
CSRF_TRUSTED_ORIGINS = (
    [
        f"https://*{h}" if h.startswith(".") else f"https://{h}"
        for h in ALLOWED_HOSTS
        if h and h != "*"
    ]
    if HTTPS
    else []
)


def _checked_origins(entries: list[str]) -> list[str]:
    """MODELHUB_CSRF_TRUSTED_ORIGINS: origins a browser may post forms from besides the one
    it is on, each `scheme://host[:port]` (`https://*.example.com` for subdomains)."""
    for entry in entries:
        parts = urlsplit(entry)
        try:
            parts.port  # noqa: B018 (raises on a port that is not a number)
        except ValueError:
            parts = None
        if (
            parts is None
            or parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path
            or parts.query
            or parts.fragment
            or parts.username
        ):
            raise ImproperlyConfigured(
                f"MODELHUB_CSRF_TRUSTED_ORIGINS: {entry!r} is not an origin such as "
                "https://models.example.com:8443 (scheme, host and optional port; no path)."
            )
    return entries


CSRF_TRUSTED_ORIGINS += _checked_origins(env.list("MODELHUB_CSRF_TRUSTED_ORIGINS", default=[]))
if PLAIN_HTTP_TRIAL:
    SILENCED_SYSTEM_CHECKS = [
        "security.W004",  # HSTS
        "security.W008",  # redirect to https
        "security.W012",  # session cookie over https only
        "security.W016",  # CSRF cookie over https only
    ]


def _storage_origins() -> list[str]:
    """Where presigned S3 URLs (avatars) point, so the CSP lets the browser load them."""
    if not S3_BUCKET:
        return []
    if S3_ENDPOINT_URL:
        parts = urlsplit(S3_ENDPOINT_URL)
        return [f"{parts.scheme}://{parts.netloc}"]
    origins = [f"https://{S3_BUCKET}.s3.amazonaws.com"]
    if S3_REGION:
        origins.append(f"https://{S3_BUCKET}.s3.{S3_REGION}.amazonaws.com")
    return origins


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Trix injects its own small default stylesheet at runtime.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_storage_origins()],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Outgoing mail (invitations): an SMTP URL such as smtp+tls://user:password@host:587 sets
# the backend, host, port, credentials and TLS at once; unset, mail is printed to the console.
_EMAIL_URL = env.str("MODELHUB_EMAIL_URL", default="")
_EMAIL = env.email_url_config(_EMAIL_URL) if _EMAIL_URL else {}
globals().update(_EMAIL)
EMAIL_BACKEND = env.str(
    "MODELHUB_EMAIL_BACKEND",
    default=_EMAIL.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
)
DEFAULT_FROM_EMAIL = env.str("MODELHUB_FROM_EMAIL", default="modelhub@localhost")

LOG_FORMAT = env.str("MODELHUB_LOG_FORMAT", default="plain")
if LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured(
        f"MODELHUB_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {LOG_FORMAT!r}."
    )
LOGGING = logging_config(LOG_FORMAT, env.str("MODELHUB_LOG_LEVEL", default="INFO").upper())
