from rest_framework import serializers

from .models import User


class PersonSerializer(serializers.ModelSerializer):
    """A person's record as staff read it, sensitive fields decrypted (each read is logged)."""

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "mobile", "resident_id", "date_of_birth", "home_address"]
        read_only_fields = fields
