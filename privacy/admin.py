"""Staff screens for privacy, and the mixin that logs every staff read of another person's data."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import policy
from .models import AccessLogEntry, ErasureRequest, IdentityDocument, PolicyConsent, PolicyVersion
from .services import (
    PrivacyError,
    access_log_record,
    access_log_record_list,
    erasure_carry_out,
    erasure_refuse,
)


class PersonalDataAdminMixin:
    """For ModelAdmins of records that hold another person's personal data.

    Rows are narrowed to what the staff member may see (privacy.policy), so another department's record
    cannot be opened by URL; every opening of a record's page writes one access-log row, and every page of
    the list, of a search and of an autocomplete writes one row per record it shows, in one INSERT.
    """

    personal_data_fields: tuple[str, ...] = ()
    # What the list, a search and an autocomplete show of each record, and the record's attributes that
    # hold the ids of the people it concerns.
    personal_data_list_fields: tuple[str, ...] = ()
    personal_data_subject_fields: tuple[str, ...] = ("pk",)

    def personal_data_subject(self, obj):
        """Return the person whose data the record holds."""
        return obj

    def personal_data_log_list(self, request: HttpRequest, records, *, screen: str, searched: bool) -> None:
        """Log that the staff member was shown these records in a list (or found them by a search)."""
        access_log_record_list(
            actor=request.user,
            records=records,
            subject_fields=self.personal_data_subject_fields,
            fields=self.personal_data_list_fields,
            channel=AccessLogEntry.Channel.ADMIN,
            screen=screen,
            kind=AccessLogEntry.Kind.SEARCH if searched else AccessLogEntry.Kind.LIST,
        )

    def changelist_view(self, request: HttpRequest, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and response.status_code == 200:
            # The rows the page shows, read now once: the template then iterates the same evaluated list.
            rows = list(changelist.result_list)
            opts = self.model._meta
            self.personal_data_log_list(
                request,
                rows,
                screen=f"admin:{opts.app_label}_{opts.model_name}_changelist",
                searched=bool(changelist.query),
            )
        return response

    def get_queryset(self, request: HttpRequest):
        return policy.visible_to(user=request.user, queryset=super().get_queryset(request))

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                opts = self.model._meta
                access_log_record(
                    actor=request.user,
                    subject=self.personal_data_subject(obj),
                    record=obj,
                    fields=self.personal_data_fields,
                    channel=AccessLogEntry.Channel.ADMIN,
                    screen=f"admin:{opts.app_label}_{opts.model_name}_change",
                )
        return response


class LoggedAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, logging the people each answer shows when it lists personal data."""

    def serialize_result(self, obj, to_field_name):
        self.shown.append(obj)
        return super().serialize_result(obj, to_field_name)

    def get(self, request, *args, **kwargs):
        self.shown = []
        response = super().get(request, *args, **kwargs)
        if isinstance(self.model_admin, PersonalDataAdminMixin):
            opts = self.model_admin.model._meta
            self.model_admin.personal_data_log_list(
                request,
                self.shown,
                screen=f"admin:autocomplete:{opts.app_label}_{opts.model_name}",
                searched=True,
            )
        return response


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "effective_at", "created_at"]
    ordering = ["-effective_at"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A version someone accepted is evidence of their consent.
        return obj is None or not obj.consents.exists()


@admin.register(PolicyConsent)
class PolicyConsentAdmin(ReadOnlyAdmin):
    list_display = ["user", "policy_version", "accepted_at"]
    list_select_related = ["user", "policy_version"]
    list_filter = ["policy_version"]
    search_fields = ["user__email"]


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "subject", "content_type", "object_id", "channel", "screen"]
    list_select_related = ["actor", "subject", "content_type"]
    list_filter = ["channel", "content_type"]
    search_fields = ["actor__email", "subject__email", "object_id"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "requested_at", "state", "handled_by", "handled_at"]
    list_select_related = ["user", "handled_by"]
    list_filter = ["state"]
    readonly_fields = ["user", "requested_at", "reason", "state", "handled_by", "handled_at"]
    fields = ["user", "requested_at", "reason", "state", "handled_by", "handled_at", "refusal_reason"]
    actions = ["carry_out"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = request.user.has_perm("privacy.carry_out_erasure")
        return allowed and (obj is None or obj.state == ErasureRequest.State.PENDING)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state != ErasureRequest.State.PENDING:
            return [*self.readonly_fields, "refusal_reason"]
        return self.readonly_fields

    @admin.action(description=_("Carry out erasure (anonymise the accounts)"), permissions=["change"])
    def carry_out(self, request, queryset):
        done = 0
        for erasure in queryset.filter(state=ErasureRequest.State.PENDING):
            try:
                erasure_carry_out(request=erasure, actor=request.user)
            except PrivacyError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d account erased.", "%(count)d accounts erased.", done) % {"count": done},
        )

    def save_model(self, request, obj, form, change) -> None:
        """Saving a pending request with a refusal reason refuses it; nothing else is edited here."""
        reason = form.cleaned_data.get("refusal_reason", "")
        if change and reason.strip():
            try:
                erasure_refuse(request=obj, actor=request.user, reason=reason)
            except PrivacyError as error:
                self.message_user(request, error.message, messages.ERROR)


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = ["user", "kind", "content_type", "uploaded_at"]
    list_select_related = ["user"]
    fields = ["user", "kind", "content_type", "uploaded_at"]
    personal_data_fields = ("kind", "content")
    personal_data_list_fields = ("display_name", "kind")
    personal_data_subject_fields = ("user_id",)

    def personal_data_subject(self, obj):
        return obj.user
