"""Staff find complaints by a few characters of their text: a GIN index on the search expression.

Built concurrently, so that a deployment with a million complaints keeps filing while the index is made.
"""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations

import core.search


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("core", "0002_search_functions"),
        ("complaints", "0015_category_not_as_advertised"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="complaint",
            index=django.contrib.postgres.indexes.GinIndex(
                core.search.SearchVector("title", "description"), name="complaint_search_idx"
            ),
        ),
    ]
