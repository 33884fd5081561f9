"""The admin's autocomplete fields, asking by POST and safe against a posted value that is not an id at all.

Django's autocomplete widget looks the posted values up to show them again with the form's errors; a value
its primary key cannot read (``"abc"`` for an integer id) then raises a ValueError, a 500, instead of the
form's "Select a valid choice" next to the field. The widget here shows only the values the key can read.

Its choices are asked for by POST (static/admin-site/autocomplete-by-post.js, after Django's own script): the
term typed, a name, an e-mail address or a mobile number, stays out of every address (privacy.admin).
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class AutocompleteSelectOfReadableIds(AutocompleteSelect):
    @property
    def media(self):
        # One list, so that every page's merge of media keeps the script after Django's own (two lists added
        # together are merged in no fixed order between them).
        djangos = super().media
        return forms.Media(js=[*djangos._js, "admin-site/autocomplete-by-post.js"], css=djangos._css)

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-ajax--type"] = "POST"  # select2 reads its options from these attributes last
        return attrs

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        # A foreign key names the field it points at; a many-to-many points at the other model's key.
        name = getattr(remote, "field_name", None) or remote.model._meta.pk.name
        key = remote.model._meta.get_field(name)
        readable = []
        for each in value:
            try:
                key.to_python(each)
            except ValidationError:
                continue
            readable.append(each)
        return super().optgroups(name, readable, attr)


class AutocompleteSelectMultipleOfReadableIds(AutocompleteSelectOfReadableIds, AutocompleteSelectMultiple):
    """The same for a many-to-many field: several values, each shown again only if its key can read it."""


class ReadableAutocompleteAdminMixin:
    """Give every foreign key in ``autocomplete_fields`` the widget that never fails on a posted value."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectOfReadableIds(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultipleOfReadableIds(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
