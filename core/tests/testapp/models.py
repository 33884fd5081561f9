"""A parcel that is packed, sent and delivered, with its own append-only timeline."""

from django.db import models

from core.models import TimelineEvent


class Parcel(models.Model):
    class State(models.TextChoices):
        PACKED = "packed", "packed"
        SENT = "sent", "sent"
        DELIVERED = "delivered", "delivered"

    state = models.CharField(max_length=20, choices=State.choices, default=State.PACKED)
    sent_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"parcel {self.pk} ({self.state})"


class ParcelEvent(TimelineEvent):
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="events")
