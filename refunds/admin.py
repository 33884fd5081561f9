"""The staff's refund screens: the queue with its countdown, each request's workspace with one form per move
(approve, refer, refuse naming the rule, the leadership group's approval, the payment), and the policies with
their rules. Every move calls a service."""

import copy
import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Subquery
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from complaints.models import ComplaintRules
from core.validators import NoBidiControlsAdminMixin
from privacy.admin import PersonalDataAdminMixin
from sla.models import RUNNING, Clock
from sla.selectors import clocks_for_subject

from . import services
from .calculation import calculation_lines
from .clocks import TARGET_LABELS
from .errors import RefundError
from .forms import ApproveForm, LeadershipApproveForm, NoteForm, PaymentForm, RefuseForm
from .models import RefundPolicy, RefundRequest, RefundRule, State
from .permissions import is_refund_staff, may_approve_large_refunds, may_handle_refunds
from .selectors import refund_reading

DUE_SOON = datetime.timedelta(hours=1)
POLICY_EDITORS = frozenset({str(Role.MANAGER), str(Role.LEADERSHIP)})


def _run(name: str, refund: RefundRequest, actor, data: dict):
    """Make the move a workspace form asked for, through its service."""
    if name == "approve":
        return services.refund_approve(
            request=refund, actor=actor, institution_at_fault=data["institution_at_fault"]
        )
    if name == "leadership_approve":
        return services.refund_leadership_approve(request=refund, actor=actor, note=data["note"])
    if name == "refuse":
        return services.refund_refuse(request=refund, actor=actor, rule=data["rule"], reason=data["reason"])
    if name == "record_payment":
        return services.refund_record_payment(
            request=refund,
            actor=actor,
            amount=data["amount"],
            paid_on=data["paid_on"],
            payment_reference=data["payment_reference"],
        )
    if name == "note":
        return services.refund_note_add(request=refund, actor=actor, body=data["body"])
    raise Http404


# name -> (form, label, the states it is offered in, whether only the leadership group makes it there)
WORKSPACE_MOVES = {
    "approve": (ApproveForm, gettext_lazy("Approve the refund"), {State.SUBMITTED}, False),
    "leadership_approve": (
        LeadershipApproveForm,
        gettext_lazy("Approve for the leadership group"),
        {State.PENDING_APPROVAL},
        True,
    ),
    "refuse": (RefuseForm, gettext_lazy("Refuse, naming the rule"), {State.SUBMITTED}, False),
    "refuse_large": (RefuseForm, gettext_lazy("Refuse, naming the rule"), {State.PENDING_APPROVAL}, True),
    "record_payment": (PaymentForm, gettext_lazy("Record the payment"), {State.APPROVED}, False),
    "note": (NoteForm, gettext_lazy("Add an internal note"), set(State.values), False),
}


def offered_moves(refund: RefundRequest, user) -> list[str]:
    if not may_handle_refunds(user):
        return []
    return [
        name
        for name, (_form, _label, states, leadership) in WORKSPACE_MOVES.items()
        if refund.state in states and (not leadership or may_approve_large_refunds(user))
    ]


class RefundStaffAdminMixin:
    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser or is_refund_staff(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or is_refund_staff(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DueFilter(admin.SimpleListFilter):
    title = gettext_lazy("SLA")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("soon", _("Due within an hour"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        bounds = {"overdue": Q(due_at__lt=now), "soon": Q(due_at__gte=now, due_at__lt=now + DUE_SOON)}
        if self.value() not in bounds:
            return queryset
        clocks = Clock.objects.filter(RUNNING, bounds[self.value()], subject_type__model="refundrequest")
        return queryset.filter(Exists(clocks.filter(subject_id=OuterRef("pk"))))


@admin.register(RefundRequest)
class RefundRequestAdmin(RefundStaffAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "learner", "course", "amount", "markers", "state", "due_countdown"]
    list_display_links = ["reference"]
    list_filter = [DueFilter, "state", "needs_approval"]
    list_select_related = ["learner", "enrolment__course"]
    search_fields = ["reference"]
    search_help_text = gettext_lazy("A reference number (TF-…).")
    show_full_result_count = False
    list_per_page = 50
    fields = [
        "reference",
        "state",
        "learner",
        "filed_by",
        "enrolment",
        "reason",
        "institution_at_fault",
        "amount",
        "rule",
        "fault_found",
        "approved_amount",
        "needs_approval",
        "decided_by",
        "decided_at",
        "approval_by",
        "approval_at",
        "refusal_rule",
        "refusal_reason",
        "paid_amount",
        "paid_on",
        "payment_reference",
        "created_at",
    ]
    personal_data_fields = ("learner", "reason")
    personal_data_list_fields = ("reference", "learner")
    personal_data_subject_fields = ("learner_id",)
    change_form_template = "admin/refunds/refundrequest/workspace.html"

    class Media:
        css = {"all": ["admin-queue/queue.css"]}
        js = ["admin-queue/countdown.js"]

    def personal_data_subject(self, obj):
        return obj.learner

    def has_add_permission(self, request) -> bool:
        return False  # learners request refunds; staff decide them

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the workspace's moves change requests, each through its service

    def get_queryset(self, request):
        running = Clock.objects.filter(
            RUNNING, subject_type__model="refundrequest", subject_id=OuterRef("pk")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                next_due=Subquery(running.order_by("due_at").values("due_at")[:1]),
                # Above the threshold the complaints' rules set: the leadership group will decide it.
                above_threshold=ExpressionWrapper(
                    Q(amount__gt=Subquery(ComplaintRules.objects.values("refund_approval_threshold")[:1])),
                    output_field=BooleanField(),
                ),
            )
            .order_by("-needs_approval", "-created_at", "-pk")
        )

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        if not term:
            return queryset, False
        return queryset.filter(reference=term), False

    @admin.display(description=gettext_lazy("course"))
    def course(self, refund: RefundRequest) -> str:
        return refund.enrolment.course.code

    @admin.display(description=gettext_lazy("flags"), empty_value="")
    def markers(self, refund: RefundRequest):
        if refund.needs_approval or getattr(refund, "above_threshold", False):
            return format_html(
                '<span class="queue-marker queue-marker-urgent">{}</span>', _("Leadership approval")
            )
        return None

    @admin.display(description=gettext_lazy("next due"))
    def due_countdown(self, refund: RefundRequest):
        due = getattr(refund, "next_due", None)
        if due is None:
            return "—"
        left = due - timezone.now()
        urgency = "overdue" if left < datetime.timedelta(0) else "soon" if left <= DUE_SOON else "fine"
        minutes = int(abs(left).total_seconds() // 60)
        days, rest = divmod(minutes, 24 * 60)
        hours, minutes = divmod(rest, 60)
        spelled = (
            _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
            if days
            else _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
            if hours
            else _("%(minutes)d min") % {"minutes": minutes}
        )
        label = _("overdue by %(time)s") if urgency == "overdue" else _("in %(time)s")
        return format_html(
            '<time class="queue-due queue-due-{}" datetime="{}" title="{}">{}</time>',
            urgency,
            due.isoformat(),
            timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
            label % {"time": spelled},
        )

    def get_urls(self):
        move = path(
            "<path:object_id>/move/<slug:name>/",
            self.admin_site.admin_view(self.move_view),
            name="refunds_refundrequest_move",
        )
        return [move, *super().get_urls()]

    def _move_form(self, name: str, refund: RefundRequest, data=None):
        return WORKSPACE_MOVES[name][0](data, request=refund, prefix=name)

    def workspace_context(self, request, refund: RefundRequest, failed=None) -> dict:
        failed_name, failed_form = failed or (None, None)
        moves = [
            {
                "name": name,
                "label": WORKSPACE_MOVES[name][1],
                "form": failed_form if name == failed_name else self._move_form(name, refund),
                "url": reverse("admin:refunds_refundrequest_move", args=[refund.pk, name]),
            }
            for name in offered_moves(refund, request.user)
        ]
        clocks = [
            {"clock": clock, "label": TARGET_LABELS[clock.target]}
            for clock in clocks_for_subject(subject=refund)
        ]
        return {
            "refund": refund,
            "failed_form": failed_form,
            "reading": refund_reading(request=refund, user=request.user),
            "lines": calculation_lines(refund.calculation.get("steps", [])),
            "threshold": services.refund_approval_threshold(),
            "clocks": clocks,
            "moves": moves,
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete_link": False,
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.workspace_context(request, obj, failed=context.pop("failed_move", None)))
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def move_view(self, request, object_id, name):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:refunds_refundrequest_change", args=[object_id]))
        refund = self.get_object(request, unquote(object_id))
        if refund is None or name not in WORKSPACE_MOVES:
            raise Http404
        if not may_handle_refunds(request.user):
            raise PermissionDenied
        form = self._move_form(name, refund, request.POST)
        if form.is_valid():
            try:
                _run(name.removesuffix("_large"), refund, request.user, form.cleaned_data)
            except RefundError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
            else:
                messages.success(
                    request,
                    _("%(move)s: done for %(reference)s.")
                    % {"move": WORKSPACE_MOVES[name][1], "reference": refund.reference},
                )
                return HttpResponseRedirect(reverse("admin:refunds_refundrequest_change", args=[refund.pk]))
        response = self.changeform_view(
            _request_as_get(request), str(refund.pk), extra_context={"failed_move": (name, form)}
        )
        response.status_code = 400
        return response


def _request_as_get(request):
    """The same request as a GET, so the workspace re-renders with the refused move's form and errors."""
    again = copy.copy(request)
    again.method = "GET"
    again.POST = type(request.POST)()
    return again


class RefundRuleInline(NoBidiControlsAdminMixin, admin.TabularInline):
    model = RefundRule
    bidi_free_fields = ("clause", "label", "label_en")
    extra = 0
    fields = [
        "position",
        "clause",
        "label",
        "label_en",
        "at_fault_only",
        "within_days",
        "before_first_lesson",
        "taken_up_to_numerator",
        "taken_up_to_denominator",
        "outcome",
        "percent",
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.requests.exists()


class RefundPolicyForm(forms.ModelForm):
    class Meta:
        model = RefundPolicy
        fields = ["name", "name_en", "effective_at"]


@admin.register(RefundPolicy)
class RefundPolicyAdmin(RefundStaffAdminMixin, NoBidiControlsAdminMixin, admin.ModelAdmin):
    """The published refund rules: the learner-services team reads them, managers and the leadership group
    publish them. A policy in use is changed by publishing a new one, which takes effect at its date."""

    form = RefundPolicyForm
    bidi_free_fields = ("name", "name_en")
    list_display = ["name", "effective_at", "created_at"]
    inlines = [RefundRuleInline]

    def _editor(self, request) -> bool:
        return request.user.is_superuser or bool(request.user.role_names & POLICY_EDITORS)

    def has_add_permission(self, request) -> bool:
        return self._editor(request)

    def has_change_permission(self, request, obj=None) -> bool:
        # Requests keep the rules they were decided by: a policy already used is read only.
        return self._editor(request) and (obj is None or not obj.requests.exists())
