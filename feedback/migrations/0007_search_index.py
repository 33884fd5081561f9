"""Staff find feedback by a few characters of its text: a GIN index on the search expression, built
concurrently."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations

import core.search


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("core", "0002_search_functions"),
        ("feedback", "0006_attachments"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="feedbackitem",
            index=django.contrib.postgres.indexes.GinIndex(
                core.search.SearchVector(None, "text"), name="feedback_search_idx"
            ),
        ),
    ]
