"""A search reads a term's matching posts newest first, stopping when its page is full: the index it walks,
built without blocking posting."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("community", "0002_boards"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="post",
            index=models.Index(
                condition=models.Q(("is_hidden", False)),
                fields=["-created_at", "-id"],
                name="community_post_recent",
            ),
        ),
    ]
