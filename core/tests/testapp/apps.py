from django.apps import AppConfig


class CoreTestAppConfig(AppConfig):
    name = "core.tests.testapp"
    label = "core_testapp"
    default_auto_field = "django.db.models.BigAutoField"
