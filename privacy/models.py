"""Consent to the policy and to sensitive purposes, the access log, erasure requests, identity documents."""

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .fields import EncryptedBinaryField


class DocumentKind(models.TextChoices):
    """The documents a person accepts: the privacy policy, and the learner's contract (用户协议)."""

    PRIVACY_POLICY = "privacy_policy", _("Privacy policy")
    USER_AGREEMENT = "user_agreement", _("User agreement")


class PolicyVersion(models.Model):
    """One published version of a document people accept (the privacy policy, the user agreement); the
    newest of its kind already in effect is the current one."""

    kind = models.CharField(
        _("document"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.PRIVACY_POLICY
    )
    version = models.CharField(_("version"), max_length=20)
    effective_at = models.DateTimeField(_("in effect from"), db_index=True)
    text = models.TextField(_("text (Chinese)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    summary = models.TextField(_("what changed (Chinese)"), blank=True)
    summary_en = models.TextField(_("what changed (English)"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["kind", "-effective_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="policy_version_once_per_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="policy_version_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"

    def _localized(self, chinese: str, english: str) -> str:
        if english and (translation.get_language() or "").startswith("en"):
            return english
        return chinese

    @property
    def localized_text(self) -> str:
        return self._localized(self.text, self.text_en)

    @property
    def localized_summary(self) -> str:
        return self._localized(self.summary, self.summary_en)


class PolicyConsent(models.Model):
    """A user's acceptance of one policy version, with where it was given from."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="policy_consents",
    )
    policy_version = models.ForeignKey(
        PolicyVersion, verbose_name=_("policy version"), on_delete=models.PROTECT, related_name="consents"
    )
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("policy consent")
        verbose_name_plural = _("policy consents")
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["user", "policy_version"], name="policy_consent_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.policy_version_id}"


class Purpose(models.TextChoices):
    COUNSELLING_RECORDS = "counselling_records", _("Keeping my counselling records")
    MINOR_DATA = "minor_data", _("Personal data of my child, given by me as parent")
    SMS_NOTICES = "sms_notices", _("SMS notices to my mobile number")
    # A guardian's consent to counselling of a minor under 14 (PIPL Art. 31): given by the guardian only.
    MINOR_COUNSELLING = (
        "minor_counselling",
        _("Counselling of my child under 14, consented to by me as guardian"),
    )


# Purposes only a guardian consents to, for their ward: the person's own "My data" page does not offer them.
GUARDIAN_PURPOSES = frozenset({Purpose.MINOR_COUNSELLING})


class PurposeConsent(models.Model):
    """Consent to one sensitive purpose; withdrawn by setting withdrawn_at, granted again with a new row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="purpose_consents",
    )
    purpose = models.CharField(_("purpose"), max_length=40, choices=Purpose.choices)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        related_name="purpose_consents_given",
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("purpose consent")
        verbose_name_plural = _("purpose consents")
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="purpose_consent_one_active",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("granted_at")),
                name="purpose_consent_withdrawn_after_granted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.purpose}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


def _field_label(name: str, candidates: list[type[models.Model]]) -> str:
    for model in candidates:
        if name in getattr(model, "ACCESS_LOG_LABELS", {}):
            return str(model.ACCESS_LOG_LABELS[name])
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        # A reverse relation (a complaint's attachments) has no verbose name: name it by the related model.
        return str(getattr(field, "verbose_name", None) or field.related_model._meta.verbose_name_plural)
    return name


class AccessLogEntry(models.Model):
    """One staff read of another person's personal data; a trigger refuses any change or deletion."""

    class Channel(models.TextChoices):
        ADMIN = "admin", _("Staff workspace")
        API = "api", _("API")
        PAGE = "page", _("Web page")

    class Kind(models.TextChoices):
        RECORD = "record", _("Opened the record")
        LIST = "list", _("Saw it in a list")
        SEARCH = "search", _("Found it by a search")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        on_delete=models.PROTECT,
        related_name="access_log_reads",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("whose data"),
        on_delete=models.PROTECT,
        related_name="access_log_entries",
    )
    content_type = models.ForeignKey(ContentType, verbose_name=_("kind of record"), on_delete=models.PROTECT)
    object_id = models.CharField(_("record"), max_length=64)
    fields = ArrayField(models.CharField(max_length=64), verbose_name=_("fields"), default=list)
    channel = models.CharField(_("through"), max_length=10, choices=Channel.choices)
    # A list or a search shows one row per record it shows, each naming its person: the person's page of
    # who read their data stays one indexed query, and says which of their records was shown.
    kind = models.CharField(_("how"), max_length=10, choices=Kind.choices, default=Kind.RECORD)
    screen = models.CharField(_("screen"), max_length=120)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subject", "-created_at", "-id"], name="access_log_subject_recent"),
            models.Index(fields=["actor", "-created_at"], name="access_log_actor_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} read {self.subject_id} ({self.screen})"

    @property
    def field_labels(self) -> list[str]:
        """The fields read, by their names in the active language.

        A name is looked up on the record's model, then on the person's (a complaint's page shows its
        complainant's name and e-mail address); a model names its parts that are not one field in
        ``ACCESS_LOG_LABELS``. A name found nowhere is shown as it was logged.
        """
        models_to_ask = [self.content_type.model_class(), apps.get_model(settings.AUTH_USER_MODEL)]
        return [
            _field_label(name, [model for model in models_to_ask if model is not None])
            for name in self.fields
        ]


class ErasureRequest(models.Model):
    """A request to erase an account; staff carry it out (anonymising) or refuse it with a reason."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        CARRIED_OUT = "carried_out", _("Carried out")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="erasure_requests",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    reason = models.TextField(_("reason given"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="erasure_requests_handled",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    refusal_reason = models.TextField(_("why refused"), blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at"]
        permissions = [("carry_out_erasure", _("Can carry out or refuse erasure requests"))]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(state="pending"), name="erasure_request_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.get_state_display()})"


class IdentityDocument(models.Model):
    """A scanned identity-verification document, encrypted at rest."""

    class Kind(models.TextChoices):
        RESIDENT_ID_CARD = "resident_id_card", _("Resident identity card")
        PASSPORT = "passport", _("Passport")
        STUDENT_CARD = "student_card", _("Student card")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="identity_documents",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    content = EncryptedBinaryField(_("scan"))
    content_type = models.CharField(_("file type"), max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
