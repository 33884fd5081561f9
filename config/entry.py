"""The settings every entry point starts with when none is named: production's, which refuse to start on a
development key, an empty host list or mail that goes nowhere.

manage.py, the Celery app, WSGI and ASGI all call ``settings_module_default``, so a worker or a web process
started with the production variables runs the production settings, never the development ones (whose DEBUG
is on). A machine names other settings in ``DJANGO_SETTINGS_MODULE``, in its environment or in the ``.env``
file beside manage.py: ``scripts/bootstrap.sh`` writes ``config.settings.local`` there on a developer's
machine; the tests name ``config.settings.test`` in pyproject.toml.
"""

import os
from pathlib import Path

import environ

DEFAULT_SETTINGS_MODULE = "config.settings.production"
# The .env file beside manage.py, or the one DOTENV_PATH names (an operator's /etc/… file).
DOTENV = Path(os.environ.get("DOTENV_PATH") or Path(__file__).resolve().parent.parent / ".env")


def settings_module_default() -> str:
    """Use the settings the environment or ``.env`` names, else production's; return the module used."""
    if "DJANGO_SETTINGS_MODULE" not in os.environ and DOTENV.is_file():
        environ.Env.read_env(DOTENV, overwrite=False)
    return os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)
