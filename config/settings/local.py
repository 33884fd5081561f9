"""Settings for a developer's machine: debug on, mail to the console."""

from .base import *  # noqa: F403
from .base import EMAIL_BACKEND, env
from .guard import (
    DEVELOPMENT_BLIND_INDEX_KEY,
    DEVELOPMENT_ENCRYPTION_KEYS,
    DEVELOPMENT_SECRET_KEY,
    refuse_unsafe_settings,
)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
INSTITUTION_NAME = env.str("INSTITUTION_NAME", default="阳光职业培训学校")
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=True)

FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=DEVELOPMENT_ENCRYPTION_KEYS)
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", default=DEVELOPMENT_BLIND_INDEX_KEY)

refuse_unsafe_settings(
    debug=DEBUG,
    secret_key=SECRET_KEY,
    allowed_hosts=ALLOWED_HOSTS,
    encryption_keys=FIELD_ENCRYPTION_KEYS,
    blind_index_key=BLIND_INDEX_KEY,
    email_backend=EMAIL_BACKEND,
)
