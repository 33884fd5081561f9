"""The complaint admin: the queue, its actions, and the change page as a workspace.

Every change goes through a service: the queue's actions and the workspace's forms call one service each and
turn its domain errors into admin messages. What a role may not do is neither shown nor accepted: the rows
are narrowed by the access policy, the workspace offers only the moves ``complaint_actions_for_user`` lists,
and a forced post is refused.
"""

import copy
from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import display_for_field, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.roles import STAFF_ROLES
from complaints.api.permitted import complaint_actions_for_user
from complaints.errors import ComplaintError, ConflictOfInterest
from complaints.models import Appeal, CannedResponse, Complaint, Remedy
from complaints.permissions import complaints_about
from complaints.selectors import (
    complaint_duplicate_suggestions,
    complaint_reading_for_user,
    reader_facts,
    with_reader_facts,
)
from complaints.services import (
    RemedyProposal,
    complaint_acknowledge,
    complaint_add_internal_note,
    complaint_add_public_reply,
    complaint_approve_resolution,
    complaint_assign,
    complaint_propose_resolution,
    complaint_request_information,
    complaint_respond,
    complaint_return_resolution,
    complaint_review_appeal,
    complaint_start_investigation,
    improvement_action_add,
)
from complaints.services.guards import HANDLING_ROLES
from privacy.admin import PersonalDataAdminMixin
from sla.selectors import clocks_for_subject

from . import forms
from .intake import IntakeAdminMixin
from .queue import QueueAdminMixin
from .records import AffectedLearnerInline, AttachmentInline, RemedyInline


def _proposal(complaint: Complaint, data: dict) -> list[RemedyProposal]:
    if not data.get("remedy"):
        return []
    kind = Remedy.Kind(data["remedy"])
    return [
        RemedyProposal(
            learner=complaint.learner,
            kind=kind,
            amount=data.get("amount"),
            days=data.get("days"),
            enrolment=data.get("enrolment") if kind in forms.REMEDIES_ON_AN_ENROLMENT else None,
        )
    ]


# Workspace moves: the action name (as complaint_actions_for_user lists it), its form, its one service.
WORKSPACE_ACTIONS: dict[str, tuple[type | None, Callable]] = {
    "acknowledge": (None, lambda c, u, d: complaint_acknowledge(complaint=c, actor=u)),
    "start-investigation": (None, lambda c, u, d: complaint_start_investigation(complaint=c, actor=u)),
    "reply": (
        forms.TextForm,
        lambda c, u, d: complaint_add_public_reply(complaint=c, body=d["body"], actor=u),
    ),
    "notes": (
        forms.TextForm,
        lambda c, u, d: complaint_add_internal_note(complaint=c, body=d["body"], actor=u),
    ),
    "request-information": (
        forms.QuestionForm,
        lambda c, u, d: complaint_request_information(complaint=c, question=d["question"], actor=u),
    ),
    "respond": (
        forms.ResponseForm,
        lambda c, u, d: complaint_respond(complaint=c, response=d["response"], actor=u),
    ),
    "propose-resolution": (
        forms.ResolutionForm,
        lambda c, u, d: complaint_propose_resolution(
            complaint=c, response=d["response"], remedies=_proposal(c, d), actor=u
        ),
    ),
    "approve": (
        forms.ReasonForm,
        lambda c, u, d: complaint_approve_resolution(complaint=c, reason=d["reason"], actor=u),
    ),
    "return": (
        forms.RequiredReasonForm,
        lambda c, u, d: complaint_return_resolution(complaint=c, reason=d["reason"], actor=u),
    ),
    "review-appeal": (
        forms.AppealDecisionForm,
        lambda c, u, d: complaint_review_appeal(
            complaint=c, decision=Appeal.Decision(d["decision"]), reason=d["reason"], actor=u
        ),
    ),
    "assign": (
        forms.AssignForm,
        lambda c, u, d: complaint_assign(complaint=c, department=d["department"], owner=d["owner"], actor=u),
    ),
    "improvement-actions": (
        forms.ImprovementActionForm,
        lambda c, u, d: improvement_action_add(
            complaint=c,
            title=d["title"],
            description=d["description"],
            owner=d["owner"],
            due_date=d["due_date"],
            actor=u,
        ),
    ),
}

# Moves whose text a canned response can start.
TEXT_MOVES = frozenset({"reply", "request-information", "respond", "propose-resolution"})

WORKSPACE_LABELS = {
    "acknowledge": gettext_lazy("Acknowledge and own"),
    "start-investigation": gettext_lazy("Start investigation"),
    "reply": gettext_lazy("Public reply"),
    "notes": gettext_lazy("Internal note"),
    "request-information": gettext_lazy("Request information"),
    "respond": gettext_lazy("Respond"),
    "propose-resolution": gettext_lazy("Propose a resolution with a remedy"),
    "approve": gettext_lazy("Approve the resolution"),
    "return": gettext_lazy("Return the resolution for rework"),
    "review-appeal": gettext_lazy("Decide the appeal"),
    "assign": gettext_lazy("Assign"),
    "improvement-actions": gettext_lazy("Improvement action"),
}


def _roles(request: HttpRequest) -> frozenset[str]:
    # The log-in page asks too (for its list of apps), of visitors not logged in: no roles.
    user = request.user
    return user.role_names if user.is_authenticated else frozenset()


@admin.register(Complaint)
class ComplaintAdmin(PersonalDataAdminMixin, QueueAdminMixin, IntakeAdminMixin, admin.ModelAdmin):
    change_form_template = "admin/complaints/complaint/workspace.html"
    personal_data_fields = ("display_name", "email", "mobile")
    personal_data_list_fields = ("reference", "title", "state")
    personal_data_subject_fields = ("complainant_id", "learner_id")
    actions = ["claim", "assign", "request_information", "respond"]
    inlines = [AffectedLearnerInline, AttachmentInline, RemedyInline]
    fields = [
        "reference",
        "title",
        "description",
        "complainant_details",
        "channel",
        "category",
        "severity",
        "is_urgent",
        "legal_flag",
        "safety_flag",
        "state",
        "owner",
        "department",
        "subject_course",
        "subject_instructor",
        "subject_staff",
        "created_at",
        "acknowledged_at",
        "first_responded_at",
        "responded_at",
        "closed_at",
    ]
    readonly_fields = fields

    def personal_data_subject(self, obj: Complaint):
        return obj.complainant

    # Roles: staff see the rows the access policy gives them; handling staff change them; managers read.

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser or bool(_roles(request) & {str(r) for r in STAFF_ROLES})

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or bool(_roles(request) & {str(r) for r in HANDLING_ROLES})

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def reachable(self, request):
        """The complaints the user may see (the access policy narrows them), with what every page shows."""
        return super().get_queryset(request).select_related("category", "department", "owner", "complainant")

    def get_queryset(self, request):
        from .queue import with_next_due

        return with_next_due(self.reachable(request))

    @admin.display(description=gettext_lazy("complainant"))
    def complainant_details(self, complaint: Complaint):
        person = complaint.complainant
        return format_html(
            "{} · {} · {}", person.display_name, person.email, person.mobile or _("no mobile number")
        )

    # The queue's actions: all or nothing across the selected complaints.

    def _refuse_out_of_reach(self, request, queryset) -> bool:
        """Refuse, saying why, when some of the selected complaints are not in the user's queue.

        Django runs an action on the selected rows the queryset still holds, and the queryset holds only the
        complaints the user may reach: without this, a complaint about the user (which they never reach) or
        one moved out of their queue since they loaded the page would be left out silently, and "0 claimed"
        reported as a success.
        """
        if request.POST.get("select_across") == "1":
            return False  # the whole (narrowed) queue was chosen, not rows
        selected = {value for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME) if value.isdigit()}
        missing = selected - {str(pk) for pk in queryset.values_list("pk", flat=True)}
        if not missing:
            return False
        about_them = (
            Complaint.objects.filter(pk__in=[int(pk) for pk in missing])
            .filter(complaints_about(request.user))
            .exists()
        )
        reason = (
            ConflictOfInterest.default_message
            if about_them
            else _("Some of the selected complaints are not in your queue (any more).")
        )
        self.message_user(request, _("%(reason)s Nothing was changed.") % {"reason": reason}, messages.ERROR)
        return True

    def _apply_to_all(self, request, queryset, call: Callable[[Complaint], object], done: str) -> None:
        if self._refuse_out_of_reach(request, queryset):
            return
        complaints = list(queryset)
        try:
            with transaction.atomic():
                for complaint in complaints:
                    current = complaint
                    call(complaint)
        except ComplaintError as error:
            self.message_user(
                request,
                _("%(reference)s: %(message)s Nothing was changed.")
                % {"reference": current.reference, "message": error.message},
                messages.ERROR,
            )
            return
        self.message_user(request, done % {"count": len(complaints)}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Claim: acknowledge and own"), permissions=["change"])
    def claim(self, request, queryset):
        self._apply_to_all(
            request,
            queryset,
            lambda complaint: complaint_acknowledge(complaint=complaint, actor=request.user),
            ngettext("%(count)d complaint claimed.", "%(count)d complaints claimed.", queryset.count()),
        )

    def _form_action(self, request, queryset, *, name, form_class, title, call, done):
        if self._refuse_out_of_reach(request, queryset):
            return None
        data = request.POST if "apply" in request.POST else None
        form = forms.form_for(form_class, data, complaints=queryset)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            self._apply_to_all(request, queryset, lambda complaint: call(complaint, data), done)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "complaints": queryset,
            "form": form,
            "action_name": name,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/complaints/complaint/action_form.html", context)

    @admin.action(description=gettext_lazy("Assign to a department or a person"), permissions=["change"])
    def assign(self, request, queryset):
        return self._form_action(
            request,
            queryset,
            name="assign",
            form_class=forms.AssignForm,
            title=_("Assign complaints"),
            call=lambda complaint, data: complaint_assign(
                complaint=complaint, department=data["department"], owner=data["owner"], actor=request.user
            ),
            done=_("%(count)d complaint(s) assigned."),
        )

    @admin.action(
        description=gettext_lazy("Request information from the complainant"), permissions=["change"]
    )
    def request_information(self, request, queryset):
        return self._form_action(
            request,
            queryset,
            name="request_information",
            form_class=forms.QuestionForm,
            title=_("Request information"),
            call=lambda complaint, data: complaint_request_information(
                complaint=complaint, question=data["question"], actor=request.user
            ),
            done=_("Information requested on %(count)d complaint(s)."),
        )

    @admin.action(description=gettext_lazy("Respond"), permissions=["change"])
    def respond(self, request, queryset):
        return self._form_action(
            request,
            queryset,
            name="respond",
            form_class=forms.ResponseForm,
            title=_("Respond to complaints"),
            call=lambda complaint, data: complaint_respond(
                complaint=complaint, response=data["response"], actor=request.user
            ),
            done=_("%(count)d complaint(s) responded to."),
        )

    # The workspace: the change page and the views its forms post to.

    def get_urls(self):
        workspace = path(
            "<path:object_id>/workspace/<slug:action>/",
            self.admin_site.admin_view(self.workspace_action),
            name="complaints_complaint_workspace",
        )
        return [workspace, *super().get_urls()]

    def get_object(self, request, object_id, from_field=None):
        """Read the complaint once per request: the workspace, Django's change form and the access log each
        ask for it."""
        read = request.__dict__.setdefault("_complaints_read", {})
        if (object_id, from_field) not in read:
            read[object_id, from_field] = self._read_object(request, object_id, from_field)
        return read[object_id, from_field]

    def _read_object(self, request, object_id, from_field):
        # As Django's get_object, without the queue's due-time annotations, with the facts about the reader
        # that the workspace's moves and timeline ask (one query instead of five).
        queryset = with_reader_facts(self.reachable(request), user=request.user)
        field = Complaint._meta.pk if from_field is None else Complaint._meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (Complaint.DoesNotExist, ValidationError, ValueError):
            return None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        failed = extra_context.pop("failed_move", None)
        complaint = self.get_object(request, unquote(object_id))
        if complaint is not None and request.method == "GET":
            extra_context.update(self.workspace_context(request, complaint, failed=failed))
        return super().change_view(request, object_id, form_url, extra_context)

    def move_form(self, action: str, complaint: Complaint, data=None):
        """The move's form, empty or bound to what was posted; None for a move without one."""
        form_class = WORKSPACE_ACTIONS[action][0]
        if form_class is None:
            return None
        return forms.form_for(
            form_class,
            data,
            complaints=Complaint.objects.filter(pk=complaint.pk),
            auto_id=forms.move_auto_id(action),
        )

    def case_facts(self, complaint: Complaint) -> list[dict]:
        """The complaint's fields as the workspace lists them, read-only: each its label and shown value.

        Django's read-only fieldsets render each field through the fieldset template and a link check per
        related record; the workspace lists the same facts, as text, in one loop.
        """
        empty = self.get_empty_value_display()
        facts = []
        for name in self.fields:
            if name == "complainant_details":
                label, shown = self.complainant_details.short_description, self.complainant_details(complaint)
            else:
                field = Complaint._meta.get_field(name)
                label = field.verbose_name
                value = getattr(complaint, name)
                if name == "description":
                    shown = linebreaksbr(value, autoescape=True) if value else empty
                else:
                    shown = display_for_field(value, field, empty)
            facts.append({"name": name, "label": label, "value": shown})
        return facts

    def workspace_context(self, request, complaint: Complaint, *, failed=None) -> dict:
        user = request.user
        facts = reader_facts(user=user, complaint=complaint)
        allowed = (
            complaint_actions_for_user(user=user, complaint=complaint, facts=facts)
            if self.has_change_permission(request, complaint)
            else []
        )
        failed_action, failed_form = failed or (None, None)
        duplicates = list(
            complaint_duplicate_suggestions(complaint=complaint, user=user)
            .select_related(None)
            .only("pk", "reference", "title", "state", "complainant_id", "learner_id")[:10]
        )
        self.personal_data_log_list(
            request, duplicates, screen="admin:complaints_complaint_change:duplicates", searched=False
        )
        offered = [name for name in allowed if name in WORKSPACE_ACTIONS]
        move_forms = {
            name: failed_form if name == failed_action else self.move_form(name, complaint)
            for name in offered
        }
        forms.share_people_choices(move_forms.values())
        moves = [
            {
                "name": name,
                "label": WORKSPACE_LABELS[name],
                "form": form,
                "markup": forms.form_markup(form) if form is not None else "",
                "url": reverse("admin:complaints_complaint_workspace", args=[complaint.pk, name]),
                "takes_canned_text": name in TEXT_MOVES,
            }
            for name, form in move_forms.items()
        ]
        return {
            "case_facts": self.case_facts(complaint),
            "timeline": list(
                complaint_reading_for_user(user=user, complaint=complaint, facts=facts).timeline
            ),
            "clocks": clocks_for_subject(subject=complaint),
            "moves": moves,
            "appeal": (
                Appeal.objects.filter(complaint=complaint).select_related("filed_by").first()
                if "review-appeal" in move_forms
                else None
            ),
            "duplicates": duplicates,
            "canned_responses": (
                list(CannedResponse.objects.filter(is_active=True))
                if TEXT_MOVES.intersection(offered)
                else []
            ),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
        }

    def workspace_page_with_errors(self, request, object_id: str, action: str, form):
        """Show the workspace again with the move's form as posted and its errors next to its fields."""
        page_request = copy.copy(request)
        page_request.method = "GET"
        response = self.change_view(page_request, object_id, extra_context={"failed_move": (action, form)})
        response.status_code = 400
        return response

    def workspace_action(self, request, object_id: str, action: str):
        """Run one workspace move: check the user may take it now, validate its form, call its service."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        complaint = self.get_object(request, unquote(object_id))
        if complaint is None or action not in WORKSPACE_ACTIONS:
            raise Http404
        if not self.has_change_permission(request, complaint):
            raise PermissionDenied
        back = reverse("admin:complaints_complaint_change", args=[complaint.pk])
        facts = reader_facts(user=request.user, complaint=complaint)
        if action not in complaint_actions_for_user(user=request.user, complaint=complaint, facts=facts):
            self.message_user(
                request, _("This action is not available on the complaint now."), messages.ERROR
            )
            return HttpResponseRedirect(back)
        form = self.move_form(action, complaint, data=request.POST)
        if form is not None and not form.is_valid():
            return self.workspace_page_with_errors(request, object_id, action, form)
        try:
            WORKSPACE_ACTIONS[action][1](complaint, request.user, form.cleaned_data if form else {})
        except ComplaintError as error:
            if form is None:
                self.message_user(request, error.message, messages.ERROR)
                return HttpResponseRedirect(back)
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
            return self.workspace_page_with_errors(request, object_id, action, form)
        self.message_user(
            request, _("Done: %(action)s.") % {"action": WORKSPACE_LABELS[action]}, messages.SUCCESS
        )
        return HttpResponseRedirect(back)
