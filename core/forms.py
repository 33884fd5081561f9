"""Form pieces every domain's pages share."""

from collections.abc import Mapping

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Any number of files; the service checks their types and sizes by content (``core.evidence``)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(EvidenceField, self).clean(file, initial) for file in files if file]


def evidence_field(*, count: int) -> EvidenceField:
    """An optional evidence field that says what it takes: up to ``count`` files."""
    return EvidenceField(
        label=_("Evidence"),
        required=False,
        help_text=_("Photos (JPEG, PNG) or PDF documents, up to %(count)d files of 10 MB each.")
        % {"count": count},
    )


def form_add_service_error(form: forms.Form, error, *, field_for: Mapping[str, str] | None = None) -> None:
    """Show a service's refusal next to the form's field that carries the argument it names, else on top.

    ``field_for`` maps a service's argument to the form field that carries it, where their names differ.
    """
    field = (field_for or {}).get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, str(error.message))
