"""The SQL functions behind Chinese full-text search (core/search.py): searchable models call
``lr_search_vector`` in a stored generated column, so they depend on this migration."""

from django.db import migrations

from core.search import SQL_CREATE_FUNCTIONS, SQL_DROP_FUNCTIONS


class Migration(migrations.Migration):
    dependencies = [("core", "0001_reference_counter")]

    operations = [migrations.RunSQL(SQL_CREATE_FUNCTIONS, SQL_DROP_FUNCTIONS)]
