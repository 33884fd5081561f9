"""A minimal ticket-like subject: a reference, a severity, an owner and a supervisor, and its own record."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone


class Probe(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    severity = models.CharField(max_length=20, default="general")
    is_urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    clocks = GenericRelation(
        "sla.Clock",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="probe",
    )

    def __str__(self) -> str:
        return self.reference


class ProbeRecord(models.Model):
    """The probe's own history: one row per escalation the sweep hands it."""

    probe = models.ForeignKey(Probe, on_delete=models.CASCADE, related_name="records")
    escalation_id = models.BigIntegerField(unique=True)
    target = models.CharField(max_length=20)
    level = models.CharField(max_length=20)
    recipients = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.probe_id} {self.level}"
