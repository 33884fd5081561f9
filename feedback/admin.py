"""The staff's feedback screens: the queue beside the complaints, each item's workspace with its moves, the
categories, the paper batches and the representative meetings. Every move calls a service."""

import copy
import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import users_with_role
from complaints.models import Category as ComplaintCategory
from complaints.models import ImprovementAction
from core.autocomplete import ReadableAutocompleteAdminMixin
from core.validators import NoBidiControlsAdminMixin, validate_no_bidi_controls
from privacy.admin import PersonalDataAdminMixin
from sla.models import RUNNING, Clock
from sla.selectors import clocks_for_subject
from surveys.admin import FreeTextAnswerAdmin as SurveyFreeTextAnswerAdmin
from surveys.models import Answer as SurveyAnswer

from . import entry, services
from .clocks import TARGET_LABELS
from .errors import FeedbackError
from .models import MAX_TEXT_LENGTH, FeedbackCategory, FeedbackItem, PaperBatch, RepresentativeMeeting, State
from .permissions import is_feedback_staff, may_enter_feedback, may_handle_feedback
from .selectors import feedback_reading, feedback_search
from .workflow import Transition, allowed_transitions

DUE_SOON = datetime.timedelta(hours=1)


def _handlers():
    return (
        users_with_role(Role.AGENT, Role.SUPERVISOR, Role.LEADERSHIP)
        .filter(is_active=True)
        .order_by("display_name")
    )


class FeedbackStaffAdminMixin:
    """The learner-services team reads these screens; those who enter feedback also add and change."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser or is_feedback_staff(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or is_feedback_staff(request.user)

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser or may_enter_feedback(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or may_enter_feedback(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MoveForm(forms.Form):
    def __init__(self, *args, item: FeedbackItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item


class ReasonForm(MoveForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason the learner is shown"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_bidi_controls],
    )


class ConvertForm(MoveForm):
    category = forms.ModelChoiceField(
        label=gettext_lazy("Complaint category"), queryset=ComplaintCategory.objects.none()
    )
    title = forms.CharField(
        label=gettext_lazy("Complaint title"), max_length=200, validators=[validate_no_bidi_controls]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ComplaintCategory.objects.filter(is_active=True).order_by("code")
        self.fields["category"].label_from_instance = lambda category: category.localized_name
        self.fields["title"].initial = self.item.text[:60]


class PlanForm(MoveForm):
    plan_owner = forms.ModelChoiceField(label=gettext_lazy("Plan owner"), queryset=User.objects.none())
    actions = forms.CharField(
        label=gettext_lazy("Planned actions"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_bidi_controls],
    )
    due_on = forms.DateField(label=gettext_lazy("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_owner"].queryset = _handlers()
        self.fields["plan_owner"].label_from_instance = lambda person: person.display_name


class ImprovementForm(MoveForm):
    title = forms.CharField(
        label=gettext_lazy("Improvement"), max_length=200, validators=[validate_no_bidi_controls]
    )
    owner = forms.ModelChoiceField(label=gettext_lazy("Owner"), queryset=User.objects.none())
    due_date = forms.DateField(label=gettext_lazy("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _handlers()
        self.fields["owner"].label_from_instance = lambda person: person.display_name


class CompleteActionForm(MoveForm):
    action = forms.ModelChoiceField(
        label=gettext_lazy("Improvement done"), queryset=ImprovementAction.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = ImprovementAction.objects.filter(
            feedback_item=self.item, state=ImprovementAction.State.OPEN
        )


class ResultForm(MoveForm):
    result = forms.CharField(
        label=gettext_lazy("Result the learner is told"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_bidi_controls],
    )


class NoteForm(MoveForm):
    body = forms.CharField(
        label=gettext_lazy("Internal note"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_bidi_controls],
    )


def _run(name: str, item: FeedbackItem, actor: User, data: dict):
    """Make the move a workspace form asked for, through its service."""
    if name == "accept":
        return services.feedback_accept(item=item, actor=actor)
    if name == "reject":
        return services.feedback_reject(item=item, actor=actor, reason=data["reason"])
    if name == "convert":
        return services.feedback_convert(
            item=item, actor=actor, category=data["category"], title=data["title"]
        )
    if name == "plan":
        return services.feedback_plan(
            item=item,
            actor=actor,
            plan_owner=data["plan_owner"],
            actions=data["actions"],
            due_on=data["due_on"],
        )
    if name == "start_rectification":
        return services.feedback_start_rectification(item=item, actor=actor)
    if name == "improvement":
        return services.feedback_improvement_action_add(
            item=item,
            actor=actor,
            title=data["title"],
            owner=data["owner"],
            due_date=data["due_date"],
            description=data["description"],
        )
    if name == "complete_action":
        return services.feedback_improvement_action_complete(action=data["action"], actor=actor)
    if name == "notify_result":
        return services.feedback_notify_result(item=item, actor=actor, result=data["result"])
    if name == "close":
        return services.feedback_close(item=item, actor=actor)
    if name == "note":
        return services.feedback_note_add(item=item, actor=actor, body=data["body"])
    raise Http404


# name -> (form, label, the states it is offered in)
WORKSPACE_MOVES = {
    "accept": (None, gettext_lazy("Accept after review"), {State.RECEIVED}),
    "reject": (ReasonForm, gettext_lazy("Reject with a reason"), {State.RECEIVED}),
    "convert": (ConvertForm, gettext_lazy("Convert into a complaint"), {State.RECEIVED, State.ACCEPTED}),
    "plan": (PlanForm, gettext_lazy("Make the handling plan"), {State.ACCEPTED}),
    "improvement": (
        ImprovementForm,
        gettext_lazy("Add an improvement action"),
        {State.PLANNED, State.RECTIFYING},
    ),
    "start_rectification": (None, gettext_lazy("Start rectification"), {State.PLANNED}),
    "complete_action": (
        CompleteActionForm,
        gettext_lazy("Mark an improvement done"),
        {State.PLANNED, State.RECTIFYING},
    ),
    "notify_result": (ResultForm, gettext_lazy("Notify the result"), {State.PLANNED, State.RECTIFYING}),
    "close": (None, gettext_lazy("Close"), {State.RESULT_NOTIFIED, State.RATED}),
    "note": (NoteForm, gettext_lazy("Add an internal note"), set(State.values)),
}
# The moves of the table each workspace move makes (the rest record without moving).
TABLE_MOVES = {
    "accept": Transition.ACCEPT,
    "reject": Transition.REJECT,
    "convert": Transition.CONVERT,
    "plan": Transition.PLAN,
    "start_rectification": Transition.START_RECTIFICATION,
    "notify_result": Transition.NOTIFY_RESULT,
    "close": Transition.CLOSE,
}


def offered_moves(item: FeedbackItem) -> list[str]:
    allowed = set(allowed_transitions(state=item.state))
    names = []
    for name, (_form, _label, states) in WORKSPACE_MOVES.items():
        if item.state not in states:
            continue
        if name in TABLE_MOVES and TABLE_MOVES[name] not in allowed:
            continue
        if name == "convert" and item.learner_id is None:
            continue
        if (
            name == "complete_action"
            and not item.improvement_actions.filter(state=ImprovementAction.State.OPEN).exists()
        ):
            continue
        names.append(name)
    return names


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
        clocks = Clock.objects.filter(RUNNING, bounds[self.value()], subject_type__model="feedbackitem")
        return queryset.filter(Exists(clocks.filter(subject_id=OuterRef("pk"))))


@admin.register(FeedbackItem)
class FeedbackItemAdmin(FeedbackStaffAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "summary",
        "markers",
        "category",
        "channel",
        "state",
        "owner",
        "due_countdown",
    ]
    list_display_links = ["reference", "summary"]
    list_filter = [DueFilter, "state", "channel", "category", "is_urgent", "term", "school_class"]
    list_select_related = ["category", "owner"]
    search_fields = ["reference"]
    search_help_text = gettext_lazy("A reference number (FK-…), or words of the feedback.")
    show_full_result_count = False
    list_per_page = 50
    fields = [
        "reference",
        "state",
        "channel",
        "category",
        "is_urgent",
        "course",
        "instructor",
        "department",
        "learner",
        "text",
        "term",
        "school_class",
        "batch",
        "meeting",
        "filed_by",
        "owner",
        "complaint",
        "rejection_reason",
        "plan_owner",
        "plan_actions",
        "plan_due_on",
        "result",
        "rating",
        "rating_comment",
        "created_at",
    ]
    personal_data_fields = ("learner", "text")
    personal_data_list_fields = ("reference", "text")
    personal_data_subject_fields = ("learner_id",)
    change_form_template = "admin/feedback/feedbackitem/workspace.html"
    change_list_template = "admin/feedback/feedbackitem/change_list.html"

    class Media:
        css = {"all": ["admin-queue/queue.css"]}
        js = ["admin-queue/countdown.js"]

    def personal_data_subject(self, obj):
        return obj.learner

    def has_add_permission(self, request) -> bool:
        return False  # staff enter feedback through the paper-form and meeting screens

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the workspace's moves change items, each through its service

    def get_queryset(self, request):
        running = Clock.objects.filter(RUNNING, subject_type__model="feedbackitem", subject_id=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(next_due=Subquery(running.order_by("due_at").values("due_at")[:1]))
            .order_by("-is_urgent", "-created_at", "-pk")
        )

    def history_view(self, request, object_id, extra_context=None):
        # Refused before the row is looked up, as the change screen is: outside staff learn nothing.
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def lookup_allowed(self, lookup, value, request=None):
        # An import's page links to its batch's items.
        return lookup == "batch__id__exact" or super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        return feedback_search(queryset, search_term), False

    @admin.display(description=gettext_lazy("feedback"))
    def summary(self, item: FeedbackItem) -> str:
        text = item.text
        return text if len(text) <= 40 else f"{text[:40]}…"

    @admin.display(description=gettext_lazy("flags"), empty_value="")
    def markers(self, item: FeedbackItem):
        if item.is_urgent:
            return format_html('<span class="queue-marker queue-marker-urgent">{}</span>', _("Urgent"))
        return None

    @admin.display(description=gettext_lazy("next due"))
    def due_countdown(self, item: FeedbackItem):
        due = getattr(item, "next_due", None)
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
            name="feedback_feedbackitem_move",
        )
        view = self.admin_site.admin_view
        screens = [
            path(
                "entry/",
                view(lambda request: entry.entry_view(self, request)),
                name="feedback_feedbackitem_entry",
            ),
            path(
                "import/",
                view(lambda request: entry.import_view(self, request)),
                name="feedback_feedbackitem_import",
            ),
            path(
                "import/<int:pk>/",
                view(lambda request, pk: entry.import_job_view(self, request, pk)),
                name="feedback_feedbackitem_import_job",
            ),
            path(
                "import/<int:pk>/status.json",
                view(lambda request, pk: entry.import_status_view(self, request, pk)),
                name="feedback_feedbackitem_import_status",
            ),
        ]
        return [*screens, move, *super().get_urls()]

    def _move_form(self, name: str, item: FeedbackItem, data=None):
        form_class = WORKSPACE_MOVES[name][0]
        if form_class is None:
            return None
        return form_class(data, item=item, prefix=name)

    def workspace_context(self, request, item: FeedbackItem, failed=None) -> dict:
        failed_name, failed_form = failed or (None, None)
        names = offered_moves(item) if may_handle_feedback(request.user) else []
        moves = []
        for name in names:
            moves.append(
                {
                    "name": name,
                    "label": WORKSPACE_MOVES[name][1],
                    "form": failed_form if name == failed_name else self._move_form(name, item),
                    "url": reverse("admin:feedback_feedbackitem_move", args=[item.pk, name]),
                }
            )
        clocks = [
            {"clock": clock, "label": TARGET_LABELS[clock.target]}
            for clock in clocks_for_subject(subject=item)
        ]
        return {
            "item": item,
            "reading": feedback_reading(item=item, user=request.user),
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
            return HttpResponseRedirect(reverse("admin:feedback_feedbackitem_change", args=[object_id]))
        item = self.get_object(request, unquote(object_id))
        if item is None:
            raise Http404
        if name not in WORKSPACE_MOVES:
            raise Http404
        if not may_handle_feedback(request.user):
            raise PermissionDenied
        form = self._move_form(name, item, request.POST)
        if form is None or form.is_valid():
            try:
                _run(name, item, request.user, form.cleaned_data if form is not None else {})
            except FeedbackError as error:
                if form is None:
                    messages.error(request, str(error.message))
                    return HttpResponseRedirect(reverse("admin:feedback_feedbackitem_change", args=[item.pk]))
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
            else:
                messages.success(
                    request,
                    _("%(move)s: done for %(reference)s.")
                    % {"move": WORKSPACE_MOVES[name][1], "reference": item.reference},
                )
                return HttpResponseRedirect(reverse("admin:feedback_feedbackitem_change", args=[item.pk]))
        response = self.changeform_view(
            request_as_get(request), str(item.pk), extra_context={"failed_move": (name, form)}
        )
        response.status_code = 400
        return response


def request_as_get(request):
    """The same request as a GET, so the workspace re-renders with the refused move's form and errors."""
    again = copy.copy(request)
    again.method = "GET"
    again.POST = type(request.POST)()
    return again


@admin.register(FeedbackCategory)
class FeedbackCategoryAdmin(FeedbackStaffAdminMixin, NoBidiControlsAdminMixin, admin.ModelAdmin):
    bidi_free_fields = ("name", "name_en")
    list_display = ["name", "name_en", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]


@admin.register(PaperBatch)
class PaperBatchAdmin(FeedbackStaffAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "file_name", "term", "school_class", "created_by"]
    list_filter = ["kind", "term"]
    list_select_related = ["term", "school_class", "created_by"]
    readonly_fields = ["kind", "file_name", "term", "school_class", "created_by", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class MeetingForm(forms.ModelForm):
    class Meta:
        model = RepresentativeMeeting
        fields = ["held_on", "term", "classes", "representatives", "minutes"]

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("A meeting is recorded once it has been held."))
        return held_on

    def clean_representatives(self):
        people = self.cleaned_data["representatives"]
        if any(Role.LEARNER not in person.role_names or not person.is_active for person in people):
            raise forms.ValidationError(_("Representatives are active learners."))
        return people


@admin.register(RepresentativeMeeting)
class RepresentativeMeetingAdmin(FeedbackStaffAdminMixin, ReadableAutocompleteAdminMixin, admin.ModelAdmin):
    form = MeetingForm
    list_display = ["held_on", "term", "recorded_by", "point_count"]
    list_filter = ["term"]
    list_select_related = ["term", "recorded_by"]
    autocomplete_fields = ["representatives"]
    filter_horizontal = ["classes"]

    @admin.display(description=gettext_lazy("points raised"))
    def point_count(self, meeting: RepresentativeMeeting) -> int:
        return meeting.point_total

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(point_total=Count("items"))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


class SurveyAnswerRaiseForm(admin.helpers.ActionForm):
    category = forms.ModelChoiceField(
        label=gettext_lazy("Feedback category"),
        queryset=FeedbackCategory.objects.filter(is_active=True),
        required=False,
    )


class FreeTextAnswerAdmin(SurveyFreeTextAnswerAdmin):
    """The survey's review of free-text answers, with one more move: raise an answer as a feedback item."""

    action_form = SurveyAnswerRaiseForm
    actions = [*SurveyFreeTextAnswerAdmin.actions, "raise_as_feedback"]

    @admin.action(description=gettext_lazy("Raise as feedback items (anonymous, channel: term survey)"))
    def raise_as_feedback(self, request, queryset) -> None:
        category = FeedbackCategory.objects.filter(pk=request.POST.get("category") or None).first()
        if category is None:
            self.message_user(request, _("Choose the feedback category first."), messages.ERROR)
            return
        try:
            made = services.feedback_from_survey_answers(
                answers=queryset, actor=request.user, category=category
            )
        except FeedbackError as error:
            self.message_user(request, str(error.message), messages.ERROR)
            return
        self.message_user(
            request,
            _("%(count)d feedback item(s) raised: %(references)s")
            % {"count": len(made), "references": ", ".join(item.reference for item in made) or "—"},
            messages.SUCCESS,
        )


admin.site.unregister(SurveyAnswer)
admin.site.register(SurveyAnswer, FreeTextAnswerAdmin)
