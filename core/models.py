"""Models shared by several apps: the abstract bases, and the counters of reference numbers."""

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class LocalizedName(models.Model):
    """A name kept in Chinese, with an optional English form shown to English readers."""

    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        if self.name_en and (translation.get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class TimelineEvent(models.Model):
    """One entry of a record's timeline: who did what, when, seen by whom. Rows are only ever added.

    A domain's event model subclasses this, adds the foreign key to its record (with an index on it and
    ``created_at``), and narrows ``kind``, ``from_state`` and ``to_state`` to its own choices. Its migration
    ends with ``core.operations.AppendOnly``, so the database itself refuses to change or delete a row.
    """

    kind = models.CharField(_("kind"), max_length=40)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Whether the people the record is about see this event.")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(app_label)s_%(class)s_events",
        help_text=_("Empty for changes the system makes by rule."),
    )
    body = models.TextField(_("text"), blank=True)
    from_state = models.CharField(_("from state"), max_length=30, blank=True)
    to_state = models.CharField(_("to state"), max_length=30, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class ReferenceCounter(models.Model):
    """The last reference number given out for a prefix in a year; locked by a filing until it commits."""

    prefix = models.CharField(_("prefix"), max_length=8)
    year = models.PositiveSmallIntegerField(_("year"))
    # Big enough that a year's numbers never run out.
    last_number = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_one_per_prefix_year"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"
