from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "recipient",
        "channel",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    list_filter = ["state", "channel", "kind"]
    list_select_related = ["recipient"]
    readonly_fields = [
        "recipient",
        "channel",
        "kind",
        "context",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
        "provider_message_id",
        "read_at",
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False
