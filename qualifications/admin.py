"""The reviewers' screens: the vetting queue of qualifications, and the kinds each holder must hold.

Reviewers (``qualifications.vet_qualification``) see every qualification; the queue shows the longest
waiting first and flags those lapsing within 90 days. A qualification's page shows its details, its vetting
timeline and a link to its scan, and offers the moves its state allows after Django's change form, each
calling ``qualification_decide``. Opening a page, and the scan, is written to the access log.
"""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.admin_moves import MoveFormsAdminMixin
from core.validators import NoBidiControlsAdminMixin, validate_no_bidi_controls
from privacy.models import AccessLogEntry
from privacy.services import access_log_record

from .models import REASON_MAX_LENGTH, Qualification, QualificationKind, State
from .permissions import may_vet_qualifications
from .selectors import qualifications_visible
from .services import (
    ALLOWED_TRANSITIONS,
    EventKind,
    Transition,
    _person_id,
    qualification_decide,
    qualification_scan_read,
)
from .views import scan_response

LAPSING_DAYS = 90


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason, which the holder reads"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_bidi_controls],
    )


VETTING_MOVES = {
    Transition.VERIFY.value: (None, gettext_lazy("Verify: the certificate is genuine and valid")),
    Transition.REJECT.value: (ReasonForm, gettext_lazy("Reject, with the reason")),
    Transition.SUSPEND.value: (ReasonForm, gettext_lazy("Suspend, with the reason")),
    Transition.REINSTATE.value: (None, gettext_lazy("Reinstate")),
}


class LapsingFilter(admin.SimpleListFilter):
    title = gettext_lazy("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [
            ("lapsing", gettext_lazy("Lapses within 90 days")),
            ("lapsed", gettext_lazy("Lapsed")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "lapsing":
            return queryset.filter(
                state=State.VERIFIED,
                valid_until__gte=today,
                valid_until__lte=today + datetime.timedelta(days=LAPSING_DAYS),
            )
        if self.value() == "lapsed":
            return queryset.filter(valid_until__lt=today)
        return queryset


@admin.register(QualificationKind)
class QualificationKindAdmin(NoBidiControlsAdminMixin, admin.ModelAdmin):
    bidi_free_fields = ("name", "name_en")
    list_display = ["name", "name_en", "holder_type", "code", "required", "expires", "is_active", "position"]
    list_filter = ["holder_type", "required", "is_active"]
    list_select_related = ["holder_type"]
    fields = ["holder_type", "code", "name", "name_en", "required", "expires", "is_active", "position"]

    def get_readonly_fields(self, request, obj=None):
        # A kind's holder and code are what qualifications point at: fixed once it exists.
        return ["holder_type", "code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: qualifications keep their kind


@admin.register(Qualification)
class QualificationAdmin(MoveFormsAdminMixin, admin.ModelAdmin):
    list_display = ["holder_name", "kind", "state", "valid_from", "valid_until_shown", "submitted_at"]
    list_filter = ["state", LapsingFilter, "kind"]
    fields = [
        "holder_name",
        "kind",
        "number",
        "issuer",
        "level",
        "valid_from",
        "valid_until",
        "scan_link",
        "state",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "reason",
        "timeline",
    ]
    readonly_fields = fields
    ordering = ["state", "submitted_at", "id"]
    list_per_page = 50
    show_full_result_count = False
    actions = None
    change_form_template = "admin/qualifications/qualification/vet.html"
    moves = VETTING_MOVES
    moves_heading = gettext_lazy("Vetting")
    moves_intro = gettext_lazy(
        "Check the scan against the issuing body's register before verifying. You cannot decide on your own "
        "qualification or one you submitted."
    )

    def has_module_permission(self, request) -> bool:
        return may_vet_qualifications(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_vet_qualifications(request.user)

    def has_add_permission(self, request) -> bool:
        return False  # holders submit theirs on their page, with the scan

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # every change is a move, through its service

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        # The holders of a page in one query per kind of holder, whatever the page size; never the scans.
        return (
            qualifications_visible(request.user)
            .select_related("submitted_by", "reviewed_by")
            .prefetch_related("holder")
        )

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    @admin.display(description=gettext_lazy("holder"))
    def holder_name(self, qualification: Qualification) -> str:
        return str(qualification.holder) if qualification.holder is not None else "—"

    @admin.display(description=gettext_lazy("valid until"), ordering="valid_until")
    def valid_until_shown(self, qualification: Qualification) -> str:
        if qualification.valid_until is None:
            return _("No end")
        days = (qualification.valid_until - timezone.localdate()).days
        if days < 0:
            return format_html(
                '{} <strong class="qualification-lapsed">{}</strong>', qualification.valid_until, _("lapsed")
            )
        if days <= LAPSING_DAYS and qualification.state == State.VERIFIED:
            return format_html(
                '{} <strong class="qualification-lapsing">{}</strong>',
                qualification.valid_until,
                _("in %(days)d days") % {"days": days},
            )
        return str(qualification.valid_until)

    @admin.display(description=gettext_lazy("scanned copy"))
    def scan_link(self, qualification: Qualification) -> str:
        url = reverse("admin:qualifications_qualification_scan", args=[qualification.pk])
        return format_html('<a href="{}">{}</a> ({})', url, qualification.scan_name, qualification.scan_type)

    @admin.display(description=gettext_lazy("vetting timeline"))
    def timeline(self, qualification: Qualification) -> str:
        events = qualification.events.select_related("actor").order_by("created_at", "id")
        lines = [
            format_html(
                "<li>{} · {} · {}{}</li>",
                timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M"),
                EventKind(event.kind).label if event.kind in EventKind.values else event.kind,
                event.actor.display_name if event.actor else _("the platform"),
                format_html(" — {}", event.body) if event.body else "",
            )
            for event in events
        ]
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((line,) for line in lines)))

    def get_urls(self):
        scan = path(
            "<path:object_id>/scan/",
            self.admin_site.admin_view(self.scan_view),
            name="qualifications_qualification_scan",
        )
        return [scan, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            qualification = self.get_object(request, unquote(object_id))
            person_id = _person_id(qualification) if qualification is not None else None
            if person_id is not None:
                access_log_record(
                    actor=request.user,
                    subject=User.objects.get(pk=person_id),
                    record=qualification,
                    fields=["number"],
                    channel=AccessLogEntry.Channel.ADMIN,
                    screen="admin:qualifications_qualification_change",
                )
        return response

    def scan_view(self, request, object_id):
        """The scanned copy, to the reviewer, logged; never cached."""
        if not may_vet_qualifications(request.user):
            raise PermissionDenied
        qualification = self.get_object(request, unquote(object_id))
        if qualification is None:
            raise Http404
        with_scan = qualification_scan_read(
            qualification=qualification,
            actor=request.user,
            channel=AccessLogEntry.Channel.ADMIN,
            screen="admin:qualifications_qualification_scan",
        )
        return scan_response(with_scan)

    def move_allowed(self, request) -> bool:
        return may_vet_qualifications(request.user)

    def moves_offered(self, request, obj) -> list[str]:
        return [str(name) for name in ALLOWED_TRANSITIONS.allowed_from(state=obj.state)]

    def move_perform(self, request, obj, name: str, cleaned: dict) -> str:
        decided = qualification_decide(
            qualification=obj, actor=request.user, transition=name, reason=cleaned.get("reason", "")
        )
        return _("The qualification is now “%(state)s”.") % {"state": decided.get_state_display()}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )
