"""Create the configured PostgreSQL database when it does not exist yet."""

import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand
from psycopg2 import sql


class Command(BaseCommand):
    help = "Create the default database if it is missing (connects to the 'postgres' maintenance database)."
    requires_system_checks = []

    def handle(self, *args, **options) -> None:
        config = settings.DATABASES["default"]
        name = config["NAME"]
        connection = psycopg2.connect(
            dbname="postgres",
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone():
                    self.stdout.write(f"Database {name} exists.")
                    return
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                self.stdout.write(self.style.SUCCESS(f"Created database {name}."))
        finally:
            connection.close()
