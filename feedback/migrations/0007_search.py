"""Staff find feedback by a few characters of its text: a stored search vector kept by the database
(core.search), with a GIN index built concurrently."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

import core.search


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("core", "0002_search_functions"),
        ("feedback", "0006_attachments"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedbackitem",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=core.search.SearchVector(None, "text"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        AddIndexConcurrently(
            model_name="feedbackitem",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="feedback_search_idx"
            ),
        ),
    ]
