"""Settings shared by every environment; values come from environment variables.

Each environment module (local, test, production) imports this one and overrides what differs.
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.entry import DOTENV

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# Variables may also come from a .env file beside manage.py (never committed), or the one DOTENV_PATH names.
environ.Env.read_env(DOTENV, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTITUTION_NAME = env.str("INSTITUTION_NAME", default="")

# seed_demo creates accounts with a known password: allowed on development and test machines only.
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=False)
# The benchmarks' trivial page (core.benchmark); only config.settings.bench turns it on, no variable does.
BENCH_URLS = False
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo-2026-Learn")
# The demo's staff share one authenticator-app key (base32), so a newcomer can pass the second factor.
DEMO_TOTP_SECRET = env.str("DEMO_TOTP_SECRET", default="DEMOSTAFFSECRETFORTHEPLATFORMXYZ")

INSTALLED_APPS = [
    # First: its runserver serves the ASGI application (pages and the chats' WebSockets) in development.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "courses",
    "complaints",
    "surveys",
    "feedback",
    "counseling",
    "privacy",
    "notifications",
    "incentives",
    "sla",
    "dashboard",
    "reviews",
    "ratings",
    "qualifications",
    "refunds",
    "activities",
    "helpcentre",
    "community",
    "livechat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "privacy.middleware.PolicyMemoryMiddleware",
    # Pages for a logged-in user and API answers are never stored by a cache (privacy.middleware).
    "privacy.middleware.NoStoreMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    # Before any view or query: PostgreSQL refuses NUL in text (core.middleware).
    "core.middleware.RefuseNulMiddleware",
    # A staff member's session opens nothing but the second-factor pages until it is verified; before the
    # privacy policy, which is asked for once the person is known to be who they say.
    "accounts.middleware.StaffSecondFactorMiddleware",
    "privacy.middleware.PolicyAcceptanceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a refused log-in of a locked-out account or address into our page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
# Pages and the online customer service's WebSockets (config/asgi.py).
ASGI_APPLICATION = "config.asgi.application"

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
                "core.context_processors.site",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Data stores -----------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://root@127.0.0.1:5432/learner_rights"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# No JIT compilation: the dashboard's queries over a handful of stored rows carry large row estimates (a
# union of stored and live facts), and PostgreSQL then spends seconds compiling what runs in milliseconds.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "lr",
    }
}

# The chats' messages pass between server processes through Redis (channels-redis); a database of its own
# may be named apart (CHANNEL_LAYER_URL), else the cache's. Publish/subscribe by default: a message is
# only for the connections open now (what was sent is in the database), and under 500 connections it kept
# its latency where the list-based layer timed out (bench/README.md).
# Each server process keeps a pool of up to CHANNEL_LAYER_MAX_CONNECTIONS connections to it: every chat
# connection joining its group at once (a restart with hundreds of chats open) takes one each for a moment,
# and redis-py refuses, rather than waits, past the pool's size.
CHANNEL_LAYER_URL = env.str("CHANNEL_LAYER_URL", default=REDIS_URL)
CHANNEL_LAYER_MAX_CONNECTIONS = env.int("CHANNEL_LAYER_MAX_CONNECTIONS", default=1000)
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": env.str("CHANNEL_LAYER_BACKEND", default="channels_redis.pubsub.RedisPubSubChannelLayer"),
        "CONFIG": {
            "hosts": [{"address": CHANNEL_LAYER_URL, "max_connections": CHANNEL_LAYER_MAX_CONNECTIONS}],
            "prefix": "lr:chat:",
        },
    }
}

# --- Celery ----------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True  # a task lost with its worker is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
# A request that queues a task after its commit must not wait on an unreachable Redis: connecting gives up
# after a second and one quick retry (the database is the source of truth, and the minute sweeps deliver what
# could not be queued). The socket timeout stays above the worker's one-second BRPOP poll.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 2
# The result store's default is twenty reconnects a second apart: a caller that wants a result waited ~19 s.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
}
# Beat keeps its schedule and its lock in Redis (celery-redbeat, see config/celery.py): several beats may run,
# one holds the lock and renews it on every wake-up (at least every BEAT_MAX_LOOP_INTERVAL seconds), a
# stand-by takes over once a dead holder's lock lapses.
CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 10
CELERY_REDBEAT_REDIS_URL = env.str("CELERY_REDBEAT_REDIS_URL", default=CELERY_BROKER_URL)
CELERY_REDBEAT_KEY_PREFIX = env.str("CELERY_REDBEAT_KEY_PREFIX", default="learner_rights:beat")
CELERY_REDBEAT_LOCK_TIMEOUT = env.int("CELERY_REDBEAT_LOCK_TIMEOUT", default=30)
# What a task prints (the console e-mail and SMS backends) is information, not a warning.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
# Worker and beat stamp their lines like the web process (LOGGING below): local time with its UTC offset.
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S%z"
CELERY_WORKER_LOG_DATEFMT = LOG_DATE_FORMAT
CELERY_WORKER_TASK_LOG_DATEFMT = LOG_DATE_FORMAT

# --- Encryption of sensitive fields (see privacy/crypto.py and README "Encryption keys") -----------------
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", default="")
# How long an admin search stays readable through the token in its address (privacy/searches.py).
PRIVACY_SEARCH_TTL_SECONDS = env.int("PRIVACY_SEARCH_TTL_SECONDS", default=600)

# Ratings (counsellors, courses, instructors): a subject's summary is shown to others once it counts this many
# ratings, and moves only once this many new ones wait, so no single rater's score can be read off a change.
RATINGS_PUBLISH_MIN = env.int("RATINGS_PUBLISH_MIN", default=5)
RATINGS_REFRESH_BATCH = env.int("RATINGS_REFRESH_BATCH", default=3)
# A learner evaluates a course once they have taken at least this share of its lessons (per cent; 100: only
# a completed course).
COURSE_EVALUATION_MIN_SHARE = env.int("COURSE_EVALUATION_MIN_SHARE", default=80)
# The learner community: how many posts and replies one person may send in an hour (against spam), and
# the largest picture a post or reply may carry.
COMMUNITY_POSTS_PER_HOUR = env.int("COMMUNITY_POSTS_PER_HOUR", default=10)
COMMUNITY_IMAGE_MAX_BYTES = env.int("COMMUNITY_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
# The online customer service: a chat's transcript is deleted this many days after the chat ended.
LIVECHAT_TRANSCRIPT_RETENTION_DAYS = env.int("LIVECHAT_TRANSCRIPT_RETENTION_DAYS", default=730)

# --- Content-Security-Policy (django-csp) ----------------------------------------------------------------
# Every script, style, image and font comes from the site itself: no CDN, no inline script, no inline style
# attribute, no plugin, and no other site may frame a page. The one inline style block allowed is the error
# pages' (templates/error_standalone.html), by its hash: they render without the static-files manifest.
ERROR_PAGE_STYLE_HASH = "'sha256-sX99CM0sPTABnMYM2LrC7Yw/9p64bhiC2/8IjapPB44='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, ERROR_PAGE_STYLE_HASH],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Accounts and authentication ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Guessing passwords: lockout by account and by address (django-axes; README "Log-in protection") ---
# Failed log-ins are counted in the database (axes' AccessAttempt): staff see and lift a lockout in the admin,
# and emptying Redis does not forgive anyone. Each address gets more tries than each account, as a school's
# whole network may share one address.
AXES_HANDLER = "accounts.lockout.AccountAndAddressLockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=5)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=20)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
# Trying during a lockout does not make it longer: a person is not punished for an attacker's tries.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success does not wipe the count: else one valid account would let an address guess others' passwords.
AXES_RESET_ON_SUCCESS = False
# Django's log-in forms name the e-mail field "username"; an address counts whatever its case.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.username_of_attempt"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out_response"
# The address is the connection's own; behind a proxy, name the header it sets (LOGIN_ADDRESS_HEADER) and
# how many proxies stand in front (LOGIN_PROXY_COUNT), so a client cannot pick its own address.
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("LOGIN_ADDRESS_HEADERS", default=["REMOTE_ADDR"])
AXES_IPWARE_PROXY_COUNT = env.int("LOGIN_PROXY_COUNT", default=None)
# No row for every successful log-in: the product keeps no list of people's addresses without a need.
AXES_DISABLE_ACCESS_LOG = True

# --- Second factor for staff (django-otp; README "Staff second factor") ---------------------------------
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Learner-rights platform")
STAFF_RECOVERY_CODES = 10

# --- Rate limits on sign-up, password reset and verification codes (django-ratelimit, in Redis) -----------
# "count/period" per sender address, and per account or e-mail address where one is known.
RATE_LIMITS = {
    "sign_up": env.str("RATE_LIMIT_SIGN_UP", default="10/h"),
    "password_reset": env.str("RATE_LIMIT_PASSWORD_RESET", default="5/h"),
    "password_reset_per_address": env.str("RATE_LIMIT_PASSWORD_RESET_PER_EMAIL", default="3/h"),
    "mobile_code": env.str("RATE_LIMIT_MOBILE_CODE", default="5/h"),
}

# django-guardian: no anonymous user row; explicit grants only.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

# --- Internationalisation --------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("Simplified Chinese")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence is private: it lives outside STATIC_ROOT and is served only through access-checked views.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- E-mail ----------------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
# Django's console backend prints every message whole; ours prints one line each (recipients, subject, links).
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    EMAIL_CONFIG["EMAIL_BACKEND"] = "notifications.email.ConsoleSummaryEmailBackend"
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A notice is sent while its outbox row is locked: a mail server that hangs must not hold the lock for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Where links in e-mail and SMS notices point: the site's public address, without a trailing slash.
# Without SITE_URL, the port the development server listens on (PORT, as scripts/run sets it).
SITE_URL = env.str("SITE_URL", default=f"http://localhost:{env.int('PORT', default=8000)}")

# --- SMS (notifications/sms.py): a provider's gateway implements SmsBackend ------------------------------
SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.sms.ConsoleSmsBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(BASE_DIR / "var" / "sms" / "messages.jsonl"))

# --- REST API --------------------------------------------------------------------------------------------
API_THROTTLE_RATES = {
    "anon": env.str("API_RATE_ANONYMOUS", default="60/minute"),
    "user": env.str("API_RATE_USER", default="600/minute"),
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # DRF's parsers, with a JSON parser that refuses documents nested too deeply to read (core.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Requests per client, counted in Redis: anonymous callers by address, people by account.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": API_THROTTLE_RATES,
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 25,
    # Domain errors of every app (core.errors) become JSON with a code and a message per field.
    "EXCEPTION_HANDLER": "core.api.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Learner-rights platform API",
    "DESCRIPTION": "Complaints, feedback, counselling and privacy for learners, parents and staff.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set: a complaint's state and a remedy's state are different types to clients.
    "ENUM_NAME_OVERRIDES": {
        "HelpfulVoteReasonEnum": "helpcentre.models.HelpfulVote.Reason",
        "CommunityReportReasonEnum": "community.models.Report.Reason",
        "ChatStateEnum": "livechat.models.State",
        "WaiverReasonEnum": "counseling.models.WaiverReason",
        "CounsellingStateEnum": "counseling.models.State",
        "RiskFlagEnum": "counseling.models.RiskFlag",
        "PenaltyKindEnum": "counseling.models.PenaltyKind",
        "ComplaintStateEnum": "complaints.states.State",
        "SeverityEnum": "complaints.models.Severity",
        "ComplaintChannelEnum": "complaints.models.Channel",
        "EventKindEnum": "complaints.models.EventKind",
        "RemedyKindEnum": "complaints.models.Remedy.Kind",
        "RemedyStateEnum": "complaints.models.Remedy.State",
        "AppealDecisionEnum": "complaints.models.Appeal.Decision",
        "ImprovementActionStateEnum": "complaints.models.ImprovementAction.State",
        "AccessLogChannelEnum": "privacy.models.AccessLogEntry.Channel",
        "FeedbackStateEnum": "feedback.models.State",
        "FeedbackChannelEnum": "feedback.models.Channel",
        "FeedbackEventKindEnum": "feedback.models.EventKind",
        "RefundStateEnum": "refunds.models.State",
        "SuggestionStateEnum": "courses.suggestions.models.State",
        "SuggestionKindEnum": "courses.suggestions.models.Kind",
        "SuggestionEventKindEnum": "courses.suggestions.models.EventKind",
        "EvaluationQuestionKindEnum": "courses.evaluations.models.QuestionKind",
        "RefundEventKindEnum": "refunds.models.EventKind",
        "ActivityKindEnum": "activities.models.Kind",
        "ActivityStateEnum": "activities.models.State",
        "ActivityRegistrationStatusEnum": "activities.models.RegistrationStatus",
    },
}

# Error reports never show local variables or request data: they may hold decrypted personal data.
DEFAULT_EXCEPTION_REPORTER_FILTER = "privacy.reporting.PersonalDataExceptionReporterFilter"

# --- Logging: personal data never goes into logs; request bodies are not logged. -----------------------
# Times are the institution's (Django sets the process's TZ to TIME_ZONE), with the offset written out; the
# development server's request lines use the same format instead of their own.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s", "datefmt": LOG_DATE_FORMAT}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
