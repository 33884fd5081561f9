"""Staff screens for surveys: the questionnaire builder, the surveys with their response rates and results,
and the review of free-text answers. Actions call the services; only the staff who run surveys see them."""

from django import forms
from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.autocomplete import ReadableAutocompleteAdminMixin
from core.validators import NoBidiControlsAdminMixin

from .errors import SurveyError
from .models import Answer, Purpose, Question, Questionnaire, Survey
from .selectors import opinion_survey_results, survey_response_rates, survey_results
from .services import (
    answer_review,
    may_manage_surveys,
    survey_anonymity_set,
    survey_close,
    survey_open,
    survey_reference_assign,
    survey_setup_check,
)


class SurveyStaffAdmin(admin.ModelAdmin):
    """Seen and changed by the staff who run surveys, who reach every survey by the access rules
    (surveys.permissions); deleted by no one (results depend on the rows)."""

    def has_module_permission(self, request) -> bool:
        return may_manage_surveys(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_manage_surveys(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return may_manage_surveys(request.user)

    def has_add_permission(self, request) -> bool:
        return may_manage_surveys(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class QuestionInline(NoBidiControlsAdminMixin, admin.TabularInline):
    model = Question
    bidi_free_fields = ("text",)
    fields = ["position", "kind", "text", "is_required", "per_instructor", "choices"]
    extra = 1

    def _editable(self, obj) -> bool:
        return obj is None or not obj.surveys.exclude(state=Survey.State.DRAFT).exists()

    def has_add_permission(self, request, obj=None) -> bool:
        return may_manage_surveys(request.user) and self._editable(obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return may_manage_surveys(request.user) and self._editable(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return may_manage_surveys(request.user) and self._editable(obj)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_manage_surveys(request.user)


@admin.register(Questionnaire)
class QuestionnaireAdmin(NoBidiControlsAdminMixin, SurveyStaffAdmin):
    list_display = ["title"]
    search_fields = ["title"]
    inlines = [QuestionInline]


class SurveyForm(forms.ModelForm):
    """The survey's shape checked by the service (``survey_setup_check``): a term survey names a term and
    courses, an opinion survey the people it asks; each refusal is shown next to its field."""

    class Meta:
        model = Survey
        fields = [
            "title",
            "purpose",
            "questionnaire",
            "term",
            "courses",
            "invite_learners",
            "invite_teachers",
            "invite_team",
            "invitees",
            "opens_on",
            "closes_on",
            "is_anonymous",
            "min_group_size",
        ]

    SHAPE_FIELDS = (
        "purpose",
        "term",
        "courses",
        "invite_learners",
        "invite_teachers",
        "invite_team",
        "invitees",
    )

    def clean(self):
        cleaned = super().clean()
        if any(name in self.errors for name in self.SHAPE_FIELDS):
            return cleaned
        instance = self.instance

        def value(name):
            if name in self.fields:
                return cleaned.get(name)
            if name in ("courses", "invitees"):
                return getattr(instance, name).all() if instance.pk else []
            return getattr(instance, name)

        try:
            survey_setup_check(**{name: value(name) for name in self.SHAPE_FIELDS})
        except SurveyError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, str(error.message))
        return cleaned


@admin.register(Survey)
class SurveyAdmin(NoBidiControlsAdminMixin, ReadableAutocompleteAdminMixin, SurveyStaffAdmin):
    form = SurveyForm
    list_display = ["reference", "title", "purpose", "term", "opens_on", "closes_on", "state", "is_anonymous"]
    list_filter = ["purpose", "state", "term"]
    list_select_related = ["term"]
    search_fields = ["reference", "title"]
    filter_horizontal = ["courses"]
    autocomplete_fields = ["invitees"]
    actions = ["open_now", "close_now"]
    fields = [
        "reference",
        "title",
        "purpose",
        "questionnaire",
        "term",
        "courses",
        "invite_learners",
        "invite_teachers",
        "invite_team",
        "invitees",
        "opens_on",
        "closes_on",
        "is_anonymous",
        "min_group_size",
        "state",
        "response_rates",
        "results",
    ]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["reference", "state", "response_rates", "results"]
        if obj is not None and obj.state != Survey.State.DRAFT:
            # Once open, who is asked and what is asked stay as they were.
            fixed += [
                "purpose",
                "questionnaire",
                "term",
                "courses",
                "invite_learners",
                "invite_teachers",
                "invite_team",
                "invitees",
                "opens_on",
                "is_anonymous",
            ]
        return fixed

    @admin.display(description=_("response rates"))
    def response_rates(self, survey: Survey) -> str:
        if survey.pk is None:
            return "-"
        return render_to_string("admin/surveys/rates.html", {"rows": survey_response_rates(survey=survey)})

    @admin.display(description=_("results"))
    def results(self, survey: Survey) -> str:
        if survey.pk is None:
            return "-"
        if survey.purpose == Purpose.OPINIONS:
            return render_to_string(
                "surveys/opinion_results.html", {"results": opinion_survey_results(survey=survey)}
            )
        rows = {
            by: survey_results(surveys=[survey.pk], by=by) for by in ("course", "instructor", "school_class")
        }
        return render_to_string("admin/surveys/results.html", {"by": rows, "survey": survey})

    def save_model(self, request, obj: Survey, form, change) -> None:
        if change and "is_anonymous" in form.changed_data:
            try:
                survey_anonymity_set(survey=obj, is_anonymous=obj.is_anonymous, actor=request.user)
            except SurveyError as error:
                obj.is_anonymous = True
                self.message_user(request, str(error.message), messages.ERROR)
        survey_reference_assign(survey=obj)
        super().save_model(request, obj, form, change)

    def _each(self, request, queryset, service, done_message) -> None:
        done = 0
        for survey in queryset:
            try:
                service(survey=survey, actor=request.user)
            except SurveyError as error:
                self.message_user(request, f"{survey.reference}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, ngettext(*done_message, done) % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Open now and invite the enrolled learners or the people chosen"))
    def open_now(self, request, queryset) -> None:
        self._each(request, queryset, survey_open, ("%(count)d survey opened.", "%(count)d surveys opened."))

    @admin.action(description=_("Close now"))
    def close_now(self, request, queryset) -> None:
        self._each(request, queryset, survey_close, ("%(count)d survey closed.", "%(count)d surveys closed."))


@admin.register(Answer)
class FreeTextAnswerAdmin(SurveyStaffAdmin):
    """Free-text answers to review before instructors read them: approve or hide. No names: there are none."""

    list_display = ["text", "survey", "course", "instructor", "review"]
    list_filter = ["review", "survey"]
    list_select_related = ["survey", "course", "instructor"]
    fields = ["survey", "question", "course", "instructor", "text", "review"]
    readonly_fields = fields
    actions = ["approve", "hide"]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(review="")

    def has_add_permission(self, request) -> bool:
        return False

    def _review(self, request, queryset, approve: bool) -> None:
        for answer in queryset:
            answer_review(answer=answer, approve=approve, actor=request.user)
        self.message_user(request, _("Reviewed."), messages.SUCCESS)

    @admin.action(description=_("Approve: instructors may read them"))
    def approve(self, request, queryset) -> None:
        self._review(request, queryset, True)

    @admin.action(description=_("Hide from instructors"))
    def hide(self, request, queryset) -> None:
        self._review(request, queryset, False)
