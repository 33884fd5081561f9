"""What the activities API reads and writes. Inputs validate shape; the services hold every rule."""

from rest_framework import serializers

from .models import Activity, Registration


class ActivitySummarySerializer(serializers.ModelSerializer):
    places_left = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "title", "kind", "state", "starts_at", "ends_at", "place", "capacity", "places_left"]
        read_only_fields = fields

    def get_places_left(self, activity: Activity) -> int:
        return max(activity.capacity - getattr(activity, "taken", 0), 0)


class ActivityDetailSerializer(ActivitySummarySerializer):
    """One activity as its reader sees it: their own registration, and the link once they hold a place."""

    link = serializers.SerializerMethodField()
    registration = serializers.SerializerMethodField()
    waiting = serializers.SerializerMethodField()
    registration_open = serializers.SerializerMethodField()

    class Meta(ActivitySummarySerializer.Meta):
        fields = [
            *ActivitySummarySerializer.Meta.fields,
            "description",
            "link",
            "registration_opens_at",
            "registration_closes_at",
            "registration_open",
            "waiting",
            "registration",
        ]
        read_only_fields = fields

    def _reading(self):
        return self.context["reading"]

    def get_link(self, activity: Activity) -> str:
        registration = self._reading().registration
        holds_place = registration is not None and registration.status == "registered"
        return activity.link if holds_place else ""

    def get_waiting(self, activity: Activity) -> int:
        return self._reading().waiting

    def get_registration_open(self, activity: Activity) -> bool:
        return self._reading().registration_open

    def get_registration(self, activity: Activity) -> dict | None:
        registration = self._reading().registration
        if registration is None:
            return None
        return {
            "status": registration.status,
            "waiting_position": self._reading().waiting_position,
            "attended": registration.attended_at is not None,
        }


class RegistrationSerializer(serializers.ModelSerializer):
    activity = ActivitySummarySerializer(read_only=True)
    attended = serializers.BooleanField(read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "status",
            "created_at",
            "promoted_at",
            "cancelled_at",
            "attended",
            "attended_at",
            "activity",
        ]
        read_only_fields = fields
