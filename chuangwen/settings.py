"""Settings for Chuangwen, read from the environment with a working local default.

Local default (``make run``): SQLite in ``var/``, media in ``var/media``, Celery tasks run eagerly.
Production: set DATABASE_URL (PostgreSQL), REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0.
See ``.env.example`` for every variable.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_rate(name: str, default: str) -> str:
    """A rate as django-ratelimit reads it ("5/h": five an hour; "100/10m": a hundred per ten minutes), checked
    here: a mistyped rate would otherwise fail only when the first citizen submits."""
    value = env_str(name) or default
    if not re.fullmatch(r"\d+/\d*[smhd]", value):
        raise ImproperlyConfigured(f"{name} must be a rate such as 5/h or 100/10m, not {value!r}")
    return value


DEBUG = env_bool("DEBUG", default=False)
# The insecure key only exists for local runs; system check chuangwen.E001 refuses it when DEBUG is off.
INSECURE_DEV_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = env_str("SECRET_KEY", INSECURE_DEV_KEY)
# The key of the citizen's phone identity (portal.models.phone_hash: points, ranking, the per-phone limit), apart from
# SECRET_KEY so either can be rotated without the other. Rotating it: set the new key and run `chuangwen
# rehash-phones` before the web processes start (it rewrites every stored hash); chuangwen.E004 refuses the default.
INSECURE_DEV_PHONE_KEY = "dev-only-insecure-phone-key-change-me"
PHONE_HASH_KEY = env_str("PHONE_HASH_KEY", INSECURE_DEV_PHONE_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "shell.views.csrf_failure"

VAR_DIR = Path(env_str("CHUANGWEN_VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "captcha",
    "auditlog",
    "core",
    "jobs",
    "org",
    "addresses",
    "framework",
    "cases",
    "notify",
    "surveys",
    "scoring",
    "bulletins",
    "dashboard",
    "portal",
    "inspections",
    "materials",
    "shell",
    "demo",
    "bench",
]

MIDDLEWARE = [
    "core.metrics.RequestMetricsMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "core.replicas.PrimaryAfterWriteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.CleanTextMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.AuditlogMiddleware",
    "core.middleware.PasswordChangeRequiredMiddleware",
    "core.middleware.IdleTimeoutMiddleware",
    # Last: it turns a lockout into a response after the login view has run.
    "axes.middleware.AxesMiddleware",
]

# `chuangwen bench load` serves bench.cases (these URLs plus a bare insert view, its reference) through gunicorn.
ROOT_URLCONF = env_str("ROOT_URLCONF", "chuangwen.urls")
WSGI_APPLICATION = "chuangwen.wsgi.application"

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
                "core.context_processors.site",
                "shell.context_processors.navigation",
                "portal.context_processors.elder_mode",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'chuangwen.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several requests (the dev server, Celery in eager mode) write at once; wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # Django binds parameters on the client and never prepares; the one statement that binds on the server
    # (filing a case, cases.filing) is prepared once per connection, which psycopg allows only when this is set.
    # Behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode, unless 1.21+ with
    # max_prepared_statements > 0), set DB_PREPARED_STATEMENTS=0: filing then runs unprepared.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        5 if env_bool("DB_PREPARED_STATEMENTS", True) else None
    )
# Read replicas (PostgreSQL streaming standbys), for the heavy reads that ask for one (core.replicas.reading):
# DATABASE_REPLICA_URLS is comma-separated. A replica more than REPLICA_MAX_LAG_SECONDS behind is skipped (its lag
# checked at most every REPLICA_CHECK_SECONDS per process); a browser that wrote reads from the primary for
# REPLICA_STICKY_SECONDS after. In tests a replica mirrors the primary's test database by name (TEST.MIRROR):
# streaming replication brings it there.
DATABASE_REPLICAS: list[str] = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    _alias = f"replica{_number}"
    DATABASES[_alias] = dj_database_url.parse(_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    # A replica that went away is found out (and skipped) in seconds, not after the system's TCP timeout.
    DATABASES[_alias]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), "connect_timeout": 3}
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
    DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 10)
REPLICA_CHECK_SECONDS = env_int("REPLICA_CHECK_SECONDS", 5)
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 15)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth and the security baseline (等保 2.0 level 2) ---------------------------------------
AUTH_USER_MODEL = "org.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "org.backends.PersonBackend",  # ModelBackend, reading the person's unit with the person
    # Sessions signed in before PersonBackend named this one; they stay valid until they end.
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "core.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout: 5 failed logins lock the account for 15 minutes.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
# Lock the account from the address that failed, not the account everywhere (anyone could lock anyone out) nor the
# address for every account (a whole office signs in from behind one NAT address). Guessing across accounts is
# slowed by org.signin: a captcha after LOGIN_CAPTCHA_AFTER failures of an account or an address, and an address
# refused after LOGIN_FAILURES_PER_IP failures (a rate: "20/15m" is twenty failures per quarter hour).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_CAPTCHA_AFTER = env_int("LOGIN_CAPTCHA_AFTER", 3)
LOGIN_FAILURES_PER_IP = env_rate("LOGIN_FAILURES_PER_IP", "20/15m")
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Idle timeout: the person's own requests renew the session (core.middleware.IdleTimeoutMiddleware), background
# polls do not, so it ends after this many idle minutes even with a polling page left open.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

SECURE = not DEBUG and env_bool("SECURE_COOKIES", default=True)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=SECURE)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
# Behind a reverse proxy (nginx): trust its X-Forwarded-Proto, and take the client's address from the entry the
# proxies appended to X-Forwarded-For (core.http.client_address), PROXY_HOPS entries from the right (one per proxy:
# nginx alone is 1, a load balancer in front of nginx 2). Without it X-Forwarded-For is ignored: anyone can send it.
BEHIND_PROXY = env_bool("BEHIND_PROXY")
PROXY_HOPS = max(1, env_int("PROXY_HOPS", 1))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# With the cache down a limit cannot count: it lets the request through rather than closing the portal.
RATELIMIT_FAIL_OPEN = True
# Every limit and lockout keys on the same address: rate limits, axes' records and the audit log.
RATELIMIT_IP_META_KEY = "core.http.client_address"
AXES_CLIENT_IP_CALLABLE = "core.http.client_address"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"


# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES: dict[str, dict] = {
    "default": {"BACKEND": env_str("MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("STATIC_MANIFEST", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Object storage through the S3 API (MinIO, Aliyun OSS, Tencent COS, Amazon S3) for uploads and generated files,
# when STORAGE_S3_BUCKET is set; the file system stays the default. Files are private: downloads pass the app's
# access check, then stream through the app, or with STORAGE_S3_REDIRECT=1 redirect to a signed URL valid for
# STORAGE_S3_URL_SECONDS (the endpoint must then be reachable by browsers) (core.downloads).
# Behind nginx with files on disk, MEDIA_ACCEL_REDIRECT=1 lets nginx send a file the app has allowed
# (X-Accel-Redirect to its internal /protected-media/ location) instead of a web process streaming it.
MEDIA_ACCEL_REDIRECT = env_bool("MEDIA_ACCEL_REDIRECT")
STORAGE_S3_BUCKET = env_str("STORAGE_S3_BUCKET")
STORAGE_S3_REDIRECT = env_bool("STORAGE_S3_REDIRECT")
STORAGE_S3_URL_SECONDS = env_int("STORAGE_S3_URL_SECONDS", 60)
if STORAGE_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            "endpoint_url": env_str("STORAGE_S3_ENDPOINT_URL") or None,  # empty: Amazon S3
            "region_name": env_str("STORAGE_S3_REGION") or None,
            "access_key": env_str("STORAGE_S3_ACCESS_KEY") or None,  # empty: the machine's role or ~/.aws
            "secret_key": env_str("STORAGE_S3_SECRET_KEY") or None,
            "location": env_str("STORAGE_S3_PREFIX"),
            "addressing_style": env_str("STORAGE_S3_ADDRESSING_STYLE") or None,  # "path" for MinIO
            "signature_version": "s3v4",
            "default_acl": None,  # the bucket's own (private)
            "querystring_auth": True,
            "querystring_expire": STORAGE_S3_URL_SECONDS,
            "file_overwrite": False,
        },
    }
# Uploads above this size are refused at the boundary (core.uploads checks per kind of file too). A request body
# above MAX_REQUEST_BYTES is refused before it is read (core.middleware); nginx's client_max_body_size should match.
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 100 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# Images are refused above this many pixels before they are decoded (core.uploads.open_image): a 20 KB PNG can
# declare 13000×13000 pixels and take 1.2 GB to decode. 40 MP covers every phone's default photo.
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
# Materials (网上申报): the largest file a unit may upload, and the pressure on overdue requests (in days).
MATERIAL_MAX_BYTES = env_int("MATERIAL_MAX_BYTES", MAX_UPLOAD_BYTES)
MATERIAL_REMIND_BEFORE_DAYS = env_int("MATERIAL_REMIND_BEFORE_DAYS", 1)
MATERIAL_ESCALATE_AFTER_DAYS = env_int("MATERIAL_ESCALATE_AFTER_DAYS", 2)

# --- Cache and background jobs -----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Redis down is no cache, not a 500 (core.cache); a hung Redis is given a second, not the socket's default.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

_BROKER = env_str("CELERY_BROKER_URL", REDIS_URL)
# No broker configured → run tasks in-process, so the embedded default needs no extra service (the in-memory
# transport only serves Celery's eager producer, which still opens a connection).
CELERY_BROKER_URL = _BROKER or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not _BROKER)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL or "cache+memory://")
CELERY_TIMEZONE = TIME_ZONE
# A task's message is acknowledged when the task has run, and given back when its worker dies (killed, out of
# memory): another worker runs it (a file job counts its attempts, jobs.actions.run_job). A file job may run
# JOB_TIME_LIMIT_SECONDS (jobs.tasks.job_task); the sweeper (jobs.tasks.sweep_jobs, every JOB_SWEEP_SECONDS)
# fails a job no worker started within JOB_STALE_MINUTES or whose worker went silent, and its page says so.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
JOB_TIME_LIMIT_SECONDS = env_int("JOB_TIME_LIMIT_SECONDS", 10 * 60)
JOB_STALE_MINUTES = env_int("JOB_STALE_MINUTES", 30)
JOB_SWEEP_SECONDS = env_int("JOB_SWEEP_SECONDS", 60)
# With the broker down, handing a job over fails within seconds instead of retrying for 20 (the request waited).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Jobs keep their state in the database (jobs.GeneratedFile): nobody waits on a task's result, so none is stored
# (and handing a job over does not subscribe to a result store that may be down with the broker).
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis gives an unacknowledged message to another worker after this long: longer than any job may run.
    "visibility_timeout": 2 * JOB_TIME_LIMIT_SECONDS,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
}
# Queues that never wait on each other, each with its own workers (deploy/systemd/chuangwen-worker@.service):
# `notify` (SMS, WeCom, DingTalk and e-mail deliveries), `pressure` (reminders, overdue marks, escalations, the job
# sweeper), `files` (exports, bulletins, round reports, material bundles: the slow ones). Anything not listed runs
# on `default`.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "notify.tasks.deliver_pending": {"queue": "notify"},
    "cases.tick": {"queue": "pressure"},
    "cases.repair_open_tally": {"queue": "pressure"},
    "surveys.repair_answer_tally": {"queue": "pressure"},
    "inspections.repair_visit_tally": {"queue": "pressure"},
    "materials.tick": {"queue": "pressure"},
    "jobs.tasks.sweep_jobs": {"queue": "pressure"},
    "portal.tasks.file_received_reports": {"queue": "default"},
    "cases.tasks.make_case_export": {"queue": "files"},
    "surveys.tasks.make_run_export": {"queue": "files"},
    "bulletins.tasks.make_bulletin": {"queue": "files"},
    "bulletins.tasks.make_round_report": {"queue": "files"},
    "bulletins.tasks.make_survey_report": {"queue": "files"},
    "materials.tasks.make_bundle": {"queue": "files"},
    # A large registry import holds one transaction for minutes: on its own queue it delays no export or SMS.
    "addresses.tasks.make_address_import": {"queue": "imports"},
}
# Declared, so that a worker started without -Q consumes all of them (Celery's default is its default queue only).
CELERY_TASK_QUEUES: dict[str, dict] = {
    queue: {} for queue in ("default", "notify", "pressure", "files", "imports")
}
# Beat's schedule is what each app registers (core.periodic, assembled in chuangwen/celery.py). The pressure jobs
# (reminders, overdue marks, escalation) are idempotent, so a short interval is harmless.
CASE_TICK_SECONDS = env_int("CASE_TICK_SECONDS", 300)
# Citizen reports taken in by the report page are filed by a job queued with each one (portal.tasks); beat runs it
# this often too, so reports whose job was lost (broker down) are filed within this many seconds of its return.
INTAKE_SWEEP_SECONDS = env_int("INTAKE_SWEEP_SECONDS", 60)
MATERIAL_TICK_SECONDS = env_int("MATERIAL_TICK_SECONDS", 300)

# --- Notifications -----------------------------------------------------------------------------
# The address people open the system at, put in front of the links in SMS, email and work-app messages.
SITE_URL = env_str("SITE_URL")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "chuangwen@localhost")
# Each channel's backend (notify.backends): the log by default; notify.backends.AliyunSms or .TencentSms for SMS,
# .WeComApp and .DingTalkApp for the work apps. Email goes through EMAIL_BACKEND.
SMS_BACKEND = env_str("SMS_BACKEND", "notify.backends.LogBackend")
WECOM_BACKEND = env_str("WECOM_BACKEND", "notify.backends.LogBackend")
DINGTALK_BACKEND = env_str("DINGTALK_BACKEND", "notify.backends.LogBackend")
# SMS provider credentials, the approved sign name and template (its one parameter is `title`).
SMS_ACCESS_KEY_ID = env_str("SMS_ACCESS_KEY_ID")
SMS_ACCESS_KEY_SECRET = env_str("SMS_ACCESS_KEY_SECRET")
SMS_SIGN_NAME = env_str("SMS_SIGN_NAME")
SMS_TEMPLATE_ID = env_str("SMS_TEMPLATE_ID")
SMS_SDK_APP_ID = env_str("SMS_SDK_APP_ID")  # Tencent Cloud only
SMS_REGION = env_str("SMS_REGION", "ap-guangzhou")  # Tencent Cloud only
SMS_ENDPOINT = env_str("SMS_ENDPOINT")  # empty: the provider's public endpoint
SMS_PROTOCOL = env_str("SMS_PROTOCOL", "https")
WECOM_API = env_str("WECOM_API", "https://qyapi.weixin.qq.com")
WECOM_CORP_ID = env_str("WECOM_CORP_ID")
WECOM_SECRET = env_str("WECOM_SECRET")
WECOM_AGENT_ID = env_int("WECOM_AGENT_ID", 0)
DINGTALK_API = env_str("DINGTALK_API", "https://oapi.dingtalk.com")
DINGTALK_APP_KEY = env_str("DINGTALK_APP_KEY")
DINGTALK_APP_SECRET = env_str("DINGTALK_APP_SECRET")
DINGTALK_AGENT_ID = env_int("DINGTALK_AGENT_ID", 0)
# Robot webhooks may not point at private, loopback or link-local addresses (notify.targets) unless this is set:
# for a county whose WeCom/DingTalk runs on its own intranet.
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE")

# --- Domain settings --------------------------------------------------------------------------
CHUANGWEN_JURISDICTION = env_str("CHUANGWEN_JURISDICTION", "示范县")
# The office's code in its document numbers (文号 示创办〔2026〕12号); round reports add 督 (示创办督〔2026〕3号).
CHUANGWEN_DOCUMENT_PREFIX = env_str("CHUANGWEN_DOCUMENT_PREFIX", f"{CHUANGWEN_JURISDICTION[:1]}创办")
# Public forms: complete submissions one sender may make (see env_rate). Mobile carriers put many phones behind one
# address (CGNAT): the address limit of the citizen report (随手拍) is looser than the phone's.
PORTAL_REPORTS_PER_IP = env_rate("PORTAL_REPORTS_PER_IP", "30/h")
PORTAL_REPORTS_PER_PHONE = env_rate("PORTAL_REPORTS_PER_PHONE", "5/h")
SURVEY_RESPONSES_PER_IP = env_rate("SURVEY_RESPONSES_PER_IP", "30/h")
# The maps' background. "offline" (the default) draws the county's own base map from the address registry and the
# grids (no internet needed: most county networks have none); "tianditu" / "tianditu-image" (天地图 vector or
# satellite, with annotation; MAP_TIANDITU_KEY is its tk key), "amap" (高德) and "tencent" (腾讯) use those tile
# services; "xyz" any tile server at MAP_TILE_URL (a county's own).
MAP_TILE_URL = env_str("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION")
MAP_TILES = env_str("MAP_TILES", "xyz" if MAP_TILE_URL else "offline").lower()
MAP_TIANDITU_KEY = env_str("MAP_TIANDITU_KEY")
# The coordinate system the tiles are drawn in: "wgs84" (OpenStreetMap, 天地图) or "gcj02" (高德, 腾讯). Data stays
# WGS-84; with "gcj02" the maps shift it onto the tiles and clicks come back as WGS-84 (static/js/mapcrs.js).
# The 高德 and 腾讯 presets are always GCJ-02.
MAP_TILE_CRS = "gcj02" if MAP_TILES in {"amap", "tencent"} else env_str("MAP_TILE_CRS", "wgs84").lower()
# An online geocoder asked for what the address registry does not hold: "" (off, the default), "tianditu" or
# "amap", with its web-service key. Only the office's address search uses it; the public form stays offline.
ADDRESS_GEOCODER = env_str("ADDRESS_GEOCODER").lower()
ADDRESS_GEOCODER_KEY = env_str("ADDRESS_GEOCODER_KEY")


def tile_source(url: str) -> list[str]:
    """The origin map tiles come from, as a CSP source: Leaflet's {s} subdomain becomes a wildcard, and a host
    still holding a placeholder falls back to its scheme (any host over it)."""
    if "://" not in url:
        return []
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return [f"{scheme}:" if "{" in host else f"{scheme}://{host}"]


# Where each tile preset's images come from (org/templatetags/maps.py holds their URLs).
MAP_PRESET_SOURCES = {
    "tianditu": ["https://*.tianditu.gov.cn"],
    "tianditu-image": ["https://*.tianditu.gov.cn"],
    "amap": ["https://*.is.autonavi.com"],
    "tencent": ["https://*.map.gtimg.com"],
}
MAP_TILE_SOURCES = MAP_PRESET_SOURCES.get(MAP_TILES, tile_source(MAP_TILE_URL))

# Content-Security-Policy (django-csp): scripts only from this site or inline with the response's nonce
# (`<script nonce="{{ request.csp_nonce }}">`); no inline event handlers, no javascript: links, no eval. Styles
# keep 'unsafe-inline' (style attributes, Leaflet and htmx set styles): styles cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:", *MAP_TILE_SOURCES],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Working hours for deadlines in working time (core.workcalendar): comma-separated periods of a working day.
WORKING_HOURS = env_str("WORKING_HOURS", "08:30-12:00,14:00-17:30")
# Case pressure: remind the unit this many hours before a deadline; tell the unit head once this many hours late.
CASE_REMIND_BEFORE_HOURS = env_int("CASE_REMIND_BEFORE_HOURS", 4)
CASE_ESCALATE_AFTER_HOURS = env_int("CASE_ESCALATE_AFTER_HOURS", 24)
CASE_DIGEST_HOUR = env_int("CASE_DIGEST_HOUR", 8)  # local hour from which each unit's daily digest goes out
# A person due more than this many reminders (or overdue notices, or escalations) in one tick gets one summary
# instead; the tick writes its marks and messages this many cases to a transaction (cases.pressure).
CASE_NOTIFY_SUMMARY_OVER = env_int("CASE_NOTIFY_SUMMARY_OVER", 10)
CASE_TICK_CHUNK = env_int("CASE_TICK_CHUNK", 500)
# Case lists and queue badges count up to this many and then say "10,000+" (core.counting): exact counts cost as
# much as the table is large, and past 200 pages of 50 people filter rather than page.
CASE_COUNT_CAP = 10_000

AUDITLOG_INCLUDE_ALL_MODELS = False

# Logs: one JSON object a line in production (core.logformat), for a collector to index; plain text with DEBUG.
LOG_JSON = env_bool("LOG_JSON", default=not DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.logformat.JsonFormatter"},
        "plain": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json" if LOG_JSON else "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Health and metrics (shell.views): /healthz and /readyz for the load balancer, /metrics for Prometheus. The metrics
# need METRICS_TOKEN as a bearer token, or come only to this machine. Under gunicorn set PROMETHEUS_MULTIPROC_DIR to
# an empty folder (prometheus_client's own variable) so /metrics adds up every worker.
METRICS_TOKEN = env_str("METRICS_TOKEN")
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR")

# Error reports (core.errorreports): off unless SENTRY_DSN is set (Sentry or a self-hosted GlitchTip); phones and
# names are scrubbed before anything is sent. SENTRY_TRACES_SAMPLE_RATE > 0 also sends request timings.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from core import errorreports

    errorreports.init(
        SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production" if not DEBUG else "development"),
        release=env_str("SENTRY_RELEASE"),
        traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
    )
