"""Join the user agreement migration with the guardian-only counselling purpose one."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0005_minor_counselling_purpose'),
        ('privacy', '0005_user_agreement'),
    ]

    operations = [
    ]
