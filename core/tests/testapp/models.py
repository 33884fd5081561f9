"""A parcel that is packed, sent and delivered, with its own append-only timeline; and a mentor that learners
rate after their sessions, the ratings module's subject in the tests; and a note that search finds."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from core.models import TimelineEvent
from core.search import SearchVector


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


class Mentor(models.Model):
    """Someone learners rate (a stand-in for a counsellor or an instructor); their account may answer."""

    name = models.CharField(max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return self.name


class MentorSession(models.Model):
    """A learner's session with a mentor: the source a rating comes from, once."""

    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="sessions")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"session {self.pk}"


class Note(models.Model):
    """A titled text found by the search rule, as any searchable model is: a generated vector, a GIN index."""

    title = models.CharField(max_length=200)
    body = models.TextField()
    search_vector = models.GeneratedField(
        expression=SearchVector("title", "body"), output_field=SearchVectorField(), db_persist=True
    )

    class Meta:
        indexes = [GinIndex(fields=["search_vector"], name="testapp_note_search")]

    def __str__(self) -> str:
        return self.title
