"""Staff find complaints by a few characters of their text: a stored search vector kept by the database
(core.search), with a GIN index built concurrently.

Adding a stored generated column rewrites the table once (about a minute at a million complaints, under a
lock that holds filings back): run it in a quiet hour. The index is then built without blocking writes.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

import core.search


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("core", "0002_search_functions"),
        ("complaints", "0015_category_not_as_advertised"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=core.search.SearchVector("title", "description"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        AddIndexConcurrently(
            model_name="complaint",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="complaint_search_idx"
            ),
        ),
    ]
