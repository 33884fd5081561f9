"""Fill the database with one demo institution; running it again changes nothing.

Each installed app that has demo data keeps it in its own ``demo`` module, with ``demo_seed(*, password)``
(and, if it has people to log in as, ``demo_login_lines(*, password)``). They run in ``INSTALLED_APPS``
order, so an app's demo can use what the apps listed before it seeded; this command names none of them.
"""

from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _


def demo_modules() -> list[ModuleType]:
    """Return the ``demo`` modules of the installed apps that seed demo data, in ``INSTALLED_APPS`` order."""
    modules = []
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "demo"):
            module = import_module(f"{app_config.name}.demo")
            if hasattr(module, "demo_seed"):
                modules.append(module)
    return modules


class Command(BaseCommand):
    help = "Create demo departments, staff of every role, courses, learners with enrolments and a parent."

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Demo data is not allowed here (DEMO_DATA_ALLOWED is off): it has known passwords."
            )
        password = settings.DEMO_PASSWORD
        modules = demo_modules()
        with transaction.atomic():
            for module in modules:
                module.demo_seed(password=password)
        if options["verbosity"] == 0:
            return
        self.stdout.write(self.style.SUCCESS(_("Demo data is ready. Log in with any of these accounts:")))
        for module in modules:
            if hasattr(module, "demo_login_lines"):
                for line in module.demo_login_lines(password=password):
                    self.stdout.write(line)
