"""Staff screens for privacy; the mixin that logs every staff read of another person's data; the search by
POST that keeps people's identifiers out of URLs."""

import copy

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR, ChangeList
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import policy
from .models import AccessLogEntry, ErasureRequest, IdentityDocument, PolicyConsent, PolicyVersion
from .searches import search_term_for_token, search_token_issue, search_ttl_seconds
from .services import (
    PrivacyError,
    access_log_record,
    access_log_record_list,
    erasure_carry_out,
    erasure_refuse,
)

# The query parameter that carries a search's token instead of its term.
SEARCH_TOKEN_VAR = "search"  # noqa: S105 (a query parameter's name, not a secret)
SEARCH_TERM_MAX = 100


class PostedSearchChangeList(ChangeList):
    """A changelist whose search term comes from its token (``PostedSearchAdminMixin``), never from the URL.

    Its links (pages, sorting, filters) carry the token, which is no filter of the list.
    """

    def __init__(self, request, *args, **kwargs):
        self.posted_search_term = getattr(request, "posted_search_term", "")
        super().__init__(request, *args, **kwargs)

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(SEARCH_TOKEN_VAR, None)
        return lookup_params

    def get_queryset(self, request, exclude_parameters=None):
        self.query = self.posted_search_term
        return super().get_queryset(request, exclude_parameters)


def _search_term_error(term: str) -> str | None:
    if len(term) > SEARCH_TERM_MAX:
        return gettext("Search for at most %(max)d characters.") % {"max": SEARCH_TERM_MAX}
    if any(ord(character) < 32 or ord(character) == 127 for character in term):
        return gettext("The search may not hold control characters.")
    return None


class PostedSearchAdminMixin:
    """Search a changelist by POST: a term naming a person never travels in a URL.

    The search box posts its term; the list answers with a redirect to itself carrying an opaque token
    (``privacy.searches``) bound to the member of staff, and reads the term back through it. A link that
    still carries ``?q=`` is answered the same way, so the term leaves the address bar and every link
    after it. A token that expired, or that someone else made, finds nothing and says so.
    """

    searches_by_post = True

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if issubclass(changelist, PostedSearchChangeList):
            return changelist
        if changelist is ChangeList:
            return PostedSearchChangeList
        raise ImproperlyConfigured(f"{changelist.__name__} must extend PostedSearchChangeList.")

    def _list_address(self, request: HttpRequest, **extra) -> str:
        """This list's address with its filters and sorting kept, without page, term or token."""
        params = [
            (name, value)
            for name, values in request.GET.lists()
            if name not in (SEARCH_VAR, SEARCH_TOKEN_VAR, PAGE_VAR)
            for value in values
        ]
        params += list(extra.items())
        return f"{request.path}?{urlencode(params)}" if params else request.path

    def _search_redirect(self, request: HttpRequest, term: str) -> HttpResponseRedirect:
        term = term.strip()
        error = _search_term_error(term)
        if error:
            self.message_user(request, error, messages.ERROR)
            return HttpResponseRedirect(self._list_address(request))
        if not term:
            return HttpResponseRedirect(self._list_address(request))
        token = search_token_issue(user=request.user, term=term)
        return HttpResponseRedirect(self._list_address(request, **{SEARCH_TOKEN_VAR: token}))

    def changelist_view(self, request: HttpRequest, extra_context=None):
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)  # which refuses, keeping no term
        if request.method == "POST" and "_search" in request.POST:
            return self._search_redirect(request, request.POST.get(SEARCH_VAR, ""))
        if SEARCH_VAR in request.GET:
            # A term in a link (an old bookmark, a hand-typed address): swapped for a token at once.
            return self._search_redirect(request, request.GET.get(SEARCH_VAR, ""))
        token = request.GET.get(SEARCH_TOKEN_VAR)
        if token is not None:
            term = search_term_for_token(user=request.user, token=token)
            if term is None:
                self.message_user(
                    request,
                    gettext(
                        "That search has expired: a search is kept for %(minutes)d minutes, for the "
                        "person who made it. Search again."
                    )
                    % {"minutes": search_ttl_seconds() // 60},
                    messages.WARNING,
                )
                return HttpResponseRedirect(self._list_address(request))
            request.posted_search_term = term
        return super().changelist_view(request, extra_context)


class PersonalDataAdminMixin(PostedSearchAdminMixin):
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
    """The admin's autocomplete, asked by POST, logging the people each answer shows of personal data.

    The term typed (a name, an e-mail address, a mobile number) comes in the request's body, with the CSRF
    token (static/admin-site/autocomplete-by-post.js), so it is in no address that the server's or a proxy's
    request log keeps. A GET is refused before it reaches the admin (config.urls), and a POST reads nothing
    from its query string: a term there searches nothing.
    """

    http_method_names = ["post"]

    def process_request(self, request):
        # Django's own checks of the app, model, field and key, reading the body instead of the query string.
        posted = copy.copy(request)
        posted.GET = request.POST
        return super().process_request(posted)

    def serialize_result(self, obj, to_field_name):
        self.shown.append(obj)
        return super().serialize_result(obj, to_field_name)

    def post(self, request, *args, **kwargs):
        self.shown = []
        # The list view reads the page from its arguments before the query string: the posted one, or 1.
        self.kwargs[self.page_kwarg] = request.POST.get(self.page_kwarg) or 1
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
    list_display = ["kind", "version", "effective_at", "created_at"]
    list_filter = ["kind"]
    ordering = ["kind", "-effective_at"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A version someone accepted is evidence of their consent.
        return obj is None or not obj.consents.exists()


@admin.register(PolicyConsent)
class PolicyConsentAdmin(PostedSearchAdminMixin, ReadOnlyAdmin):
    list_display = ["user", "policy_version", "accepted_at"]
    list_select_related = ["user", "policy_version"]
    list_filter = ["policy_version__kind", "policy_version"]
    search_fields = ["user__email"]


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(PostedSearchAdminMixin, ReadOnlyAdmin):
    list_display = [
        "created_at",
        "actor",
        "subject",
        "content_type",
        "object_id",
        "kind",
        "channel",
        "screen",
    ]
    list_select_related = ["actor", "subject", "content_type"]
    list_filter = ["kind", "channel", "content_type"]
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
