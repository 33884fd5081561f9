"""Settings for the test suite: the real PostgreSQL and Redis, fast password hashing, mail kept in memory."""

from .base import *  # noqa: F403
from .base import CHANNEL_LAYERS, INSTALLED_APPS, REST_FRAMEWORK, env
from .guard import refuse_unsafe_settings

DEBUG = False
# A minimal domain of the tests' own, to show the shared floor (core) works for more than complaints.
INSTALLED_APPS = [*INSTALLED_APPS, "core.tests.testapp"]
SECRET_KEY = "test-suite-key-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
INSTITUTION_NAME = "Test Institution"

# Tests use their own Redis database so a running demo is never disturbed.
REDIS_URL = env.str("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "lrtest",
    }
}
CELERY_BROKER_URL = REDIS_URL
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": CHANNEL_LAYERS["default"]["BACKEND"],
        "CONFIG": {"hosts": [{"address": REDIS_URL, "max_connections": 1000}], "prefix": "lrtest:chat:"},
    }
}
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_REDBEAT_REDIS_URL = REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Links in notices point here whatever PORT a developer's shell has exported.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")
SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
DEMO_DATA_ALLOWED = True

# Limits that a test of many inputs in one go would reach: raised here, so only the tests of the limits meet
# them, and those set the figures of config/settings/base.py back (accounts/tests/test_limits.py).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
}
RATE_LIMITS = {
    "sign_up": "100000/h",
    "password_reset": "100000/h",
    "password_reset_per_address": "100000/h",
    "mobile_code": "100000/h",
}
AXES_FAILURE_LIMIT = 100000
LOGIN_FAILURES_PER_ADDRESS = 100000

# Test-only keys, published here: the suite also rotates to and from others.
FIELD_ENCRYPTION_KEYS = ["test1:wljqwNrFwNh2t6oOpI-qDY7TGbgn0KERzC0LfudkjU8="]
BLIND_INDEX_KEY = "YuPheoj_tL1Ye5Nt8zLUBxehE5nuKDEMMOpn-VMvIMs="

refuse_unsafe_settings(
    debug=DEBUG,
    secret_key=SECRET_KEY,
    allowed_hosts=ALLOWED_HOSTS,
    encryption_keys=FIELD_ENCRYPTION_KEYS,
    blind_index_key=BLIND_INDEX_KEY,
    email_backend=EMAIL_BACKEND,
)

# A second SLA clock subject, for the tests only: the engine must serve it with the same sweep.
INSTALLED_APPS = [*INSTALLED_APPS, "sla.tests.probe"]
