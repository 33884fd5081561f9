"""Logging a complaint that came by phone, at the counter, by letter, by e-mail or by WeChat, for the person.

Staff find the person, pick them (a parent picks the child concerned in the form), and fill the web form's
fields with the channel the complaint came through; ``complaint_file`` checks everything and writes
everything or nothing, including the notice of receipt to the complainant.

Finding people is a read of personal data: every person a search shows, and the person picked, leaves an
access-log row. The search term travels only in POST bodies, never in a URL, so no mobile number lands in
a server log or the browser's history. Only the roles ``may_log_on_behalf`` names reach these screens,
whatever the URL they try.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from complaints.errors import ComplaintError
from complaints.forms import form_add_service_error
from complaints.selectors import complainant_search
from complaints.services import complaint_file
from complaints.services.filing import may_log_on_behalf
from notifications.sms import masked
from privacy.models import AccessLogEntry
from privacy.services import access_log_record_people

from .intake_forms import IntakeComplaintForm, PersonChoiceForm, PersonSearchForm

SEARCH_LIMIT = 20
# What the screens show of a person: the results list and the head of the complaint form.
PERSON_FIELDS = ("display_name", "email", "mobile")
# What the complaint form shows of a parent's children: their names, to pick the one concerned.
WARD_FIELDS = ("display_name",)
SEARCH_SCREEN = "admin:complaints_complaint_intake"
FILE_SCREEN = "admin:complaints_complaint_intake_file"
# The service's field names that the form calls otherwise.
COMPLAINANT_ROLE_LABELS = {str(Role.LEARNER): Role.LEARNER.label, str(Role.PARENT): Role.PARENT.label}


def masked_mobile(number: str) -> str:
    """Show enough of a mobile number to confirm it with the caller: the first three and last four digits."""
    return masked(number) if len(number) == 11 else ""


def person_row(person: User) -> dict:
    """What the screens show of one person; expects their groups prefetched or cheap to read."""
    roles = sorted(
        str(COMPLAINANT_ROLE_LABELS[group.name])
        for group in person.groups.all()
        if group.name in COMPLAINANT_ROLE_LABELS
    )
    return {
        "person": person,
        "display_name": person.display_name,
        "email": person.email,
        "mobile": masked_mobile(person.mobile),
        "roles": roles,
    }


class IntakeAdminMixin:
    """The complaint admin's intake screens: reached from the queue's button, refused to other roles."""

    def get_urls(self):
        intake = [
            path(
                "intake/",
                self.admin_site.admin_view(self.intake_search_view),
                name="complaints_complaint_intake",
            ),
            path(
                "intake/file/",
                self.admin_site.admin_view(self.intake_file_view),
                name="complaints_complaint_intake_file",
            ),
        ]
        return [*intake, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra = {"may_log_on_behalf": may_log_on_behalf(request.user)}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def _intake_context(self, request: HttpRequest, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Log a complaint on someone's behalf"),
            "search_limit": SEARCH_LIMIT,
            **extra,
        }

    def _search_page(
        self, request: HttpRequest, form, *, people=None, more=False, pick_errors=(), status=200
    ) -> HttpResponse:
        context = self._intake_context(request, form=form, people=people, more=more, pick_errors=pick_errors)
        return TemplateResponse(
            request, "admin/complaints/complaint/intake_search.html", context, status=status
        )

    def _file_page(self, request: HttpRequest, form, complainant: User, *, status=200) -> HttpResponse:
        context = self._intake_context(request, form=form, complainant=person_row(complainant))
        return TemplateResponse(
            request, "admin/complaints/complaint/intake_file.html", context, status=status
        )

    def intake_search_view(self, request: HttpRequest) -> HttpResponse:
        """Show the search form; on POST, the learners and parents who match, each read logged."""
        if not may_log_on_behalf(request.user):
            raise PermissionDenied
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        form = PersonSearchForm(request.POST if request.method == "POST" else None)
        if not form.is_bound:
            return self._search_page(request, form)
        if not form.is_valid():
            return self._search_page(request, form, status=400)
        found = complainant_search(actor=request.user, term=form.cleaned_data["term"], limit=SEARCH_LIMIT)
        people = found[:SEARCH_LIMIT]
        access_log_record_people(
            actor=request.user,
            subjects=people,
            fields=PERSON_FIELDS,
            channel=AccessLogEntry.Channel.ADMIN,
            screen=SEARCH_SCREEN,
            kind=AccessLogEntry.Kind.SEARCH,
        )
        rows = [person_row(person) for person in people]
        return self._search_page(request, form, people=rows, more=len(found) > SEARCH_LIMIT)

    def intake_file_view(self, request: HttpRequest) -> HttpResponse:
        """Open the complaint form for the person picked; on its own POST, log the complaint through the
        filing service and go back to the queue, or show the errors next to the fields, storing nothing."""
        if not may_log_on_behalf(request.user):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        choice = PersonChoiceForm(request.POST)
        if not choice.is_valid():
            errors = choice.errors.get("complainant", [])
            return self._search_page(request, PersonSearchForm(), pick_errors=errors, status=400)
        complainant = choice.cleaned_data["complainant"]
        if request.POST.get("stage") != "file":
            form = IntakeComplaintForm(complainant=complainant)
            self._log_picked(request, complainant, form)
            return self._file_page(request, form, complainant)
        form = IntakeComplaintForm(request.POST, request.FILES, complainant=complainant)
        if form.is_valid():
            try:
                complaint = complaint_file(
                    actor=request.user,
                    complainant=complainant,
                    channel=form.cleaned_data["channel"],
                    **form.filing_arguments(),
                )
            except ComplaintError as error:
                form_add_service_error(form, error)
            else:
                self.message_user(
                    request,
                    _("Complaint %(reference)s was logged for %(name)s, who is sent a notice of receipt.")
                    % {"reference": complaint.reference, "name": complainant.display_name},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:complaints_complaint_changelist"))
        return self._file_page(request, form, complainant, status=400)

    def _log_picked(self, request: HttpRequest, complainant: User, form: IntakeComplaintForm) -> None:
        """Log the read of the person picked and, for a parent, of the children the form names."""
        log = {"actor": request.user, "channel": AccessLogEntry.Channel.ADMIN, "screen": FILE_SCREEN}
        access_log_record_people(subjects=[complainant], fields=PERSON_FIELDS, **log)
        if "learner" in form.fields:
            wards = [person for person in form.fields["learner"].queryset if person != complainant]
            access_log_record_people(subjects=wards, fields=WARD_FIELDS, **log)
