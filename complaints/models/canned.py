"""Canned responses (话术): titled texts staff pick from and edit before sending."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CannedResponse(models.Model):
    title = models.CharField(_("title"), max_length=100, unique=True)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("offered to staff"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
