"""Abstract models shared by several apps."""

from django.db import models
from django.utils import translation
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
